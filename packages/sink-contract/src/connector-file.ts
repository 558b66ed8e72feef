/**
 * The one place the contract touches the file system: reading a connector JSON the user named (`--config`).
 * Everything after the read is pure (load.ts).
 */
import { readFileSync } from "node:fs";
import { badConfig } from "./errors";

export function readConnectorFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw badConfig(
      "config",
      `--config: cannot read '${path}' (${code}); give the path of a connector JSON`,
      err,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badConfig("config", `--config: '${path}' is not valid JSON: ${(err as Error).message}`, err);
  }
}
