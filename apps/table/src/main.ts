/**
 * `weblog-table`: maintenance of the sink's Apache Iceberg table. `compact` rewrites small data files into large
 * ones (one replace snapshot, safe while the sink appends); `orphans` lists (or --delete deletes) files no snapshot
 * references. Results on stdout (text, or one JSON document with --json); logs and progress on stderr.
 */
import { CliExit, createLogger, runMain, UsageError } from "@weblog/cli";
import { renderCompact, runCompact } from "./compact";
import { openTable } from "./open";
import { COMMANDS, type CommandName, parseCommand, usage } from "./options";
import { renderOrphans, runOrphans } from "./orphans";

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("give a command: compact or orphans (see --help)");
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    throw new CliExit(0);
  }
  if (!Object.hasOwn(COMMANDS, name))
    throw new UsageError(`unknown command "${name}": give compact or orphans (see --help)`);
  const opts = parseCommand(name as CommandName, rest);
  const logger = createLogger({ name: "weblog-table" });
  const { table, client } = await openTable(opts);
  try {
    if (opts.command === "compact") {
      const r = await runCompact(table, opts, logger);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ table: opts.table, dryRun: opts.dryRun, ...r })}\n`
          : renderCompact(opts, r),
      );
      return 0;
    }
    const r = await runOrphans(table, opts, logger);
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ table: opts.table, olderThanMs: opts.olderThanMs, ...r })}\n`
        : renderOrphans(opts, r),
    );
    return 0;
  } finally {
    client.destroy();
  }
}

void runMain("weblog-table", main);
