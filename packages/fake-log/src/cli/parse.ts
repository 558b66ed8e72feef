/** Flag value parsers of the fake-log CLI: each throws commander's InvalidArgumentError with a one-line reason. */
import { InvalidArgumentError } from "commander";
import { FakeLogOptionsError } from "../errors";
import { parseIncidentSpec, parseSeconds } from "../incident-spec";
import type { IncidentSpec } from "../options-features";

export const integer =
  (min: number) =>
  (text: string): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got ${JSON.stringify(text)}`);
    }
    return n;
  };

export const anyInteger = (text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(text)}`);
  }
  return n;
};

export const number = (text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(text)}`);
  }
  return n;
};

/** "90" (seconds), "250ms", "30s", "5m", "2h", "1d", "1h30m" -> seconds. */
export function seconds(text: string): number {
  const n = parseSeconds(text);
  if (n === undefined) {
    throw new InvalidArgumentError(
      `expected a duration such as 90, 30s, 5m, 2h or 1h30m, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Comma-separated list. */
export const list = (text: string): string[] =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** `--incident SPEC`, repeatable (see incident-spec.ts). */
export function incident(text: string, previous: IncidentSpec[] = []): IncidentSpec[] {
  try {
    return [...previous, parseIncidentSpec(text)];
  } catch (err) {
    if (err instanceof FakeLogOptionsError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}
