import { Command, CommanderError } from "commander";
import { CliExit, oneLine, UsageError } from "./errors";

const SILENT_CODES = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

/** Turns a CommanderError into what runMain understands: CliExit for --help/--version, else a UsageError. */
export function fromCommanderError(err: CommanderError): CliExit | UsageError {
  if (SILENT_CODES.has(err.code) || err.exitCode === 0) return new CliExit(err.exitCode);
  const message = oneLine(err.message.replace(/^error:\s*/i, ""));
  return new UsageError(`${message} (see --help)`, { cause: err });
}

/**
 * A commander 14 Command set up for our tools: parse errors (unknown option, missing or bad value, excess
 * arguments) throw a UsageError whose single-line message ends with "(see --help)" (runMain prints it and exits 2);
 * --help and --version print and then throw a silent CliExit(0). Use `parseAsync(argv, { from: "user" })`.
 */
export function createCommand(name: string, description?: string): Command {
  const cmd = new Command(name)
    .helpOption("-h, --help", "show this help and exit")
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride((err) => {
      throw fromCommanderError(err);
    });
  if (description !== undefined) cmd.description(description);
  return cmd;
}

export { CommanderError };
