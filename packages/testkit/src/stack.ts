#!/usr/bin/env node
/**
 * `pnpm stack up|status|down|run`: the no-Docker twin of `docker compose up -d --wait`. Starts Apache Kafka, an S3
 * server and Kafka Connect on 127.0.0.1 from the cached jars, waits until each answers, and prints the variables
 * every app reads (`eval "$(pnpm -s stack up)"`). `run -- CMD` starts the servers for one command and stops them
 * after it (what `pnpm test` uses to share one broker across every suite).
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { TestkitError } from "./errors";
import { startKafka } from "./kafka/start-kafka";
import { stackDown, stackRestart, stackStatus, stackUp } from "./local/stack-servers";
import { STACK_SERVER_NAMES, type StackServerName } from "./local/stack-start";
import { startS3 } from "./s3/start-s3";

const USAGE = `usage: pnpm stack <command>

  up [--no-connect] [--connect-iceberg] [--fresh]
                      start Kafka, S3 (bucket weblogs), the Iceberg REST catalog (warehouse s3://weblogs/warehouse)
                      and Kafka Connect in the background, wait until they answer, register
                      infra/connect/aiven-s3-sink.json (--connect-iceberg: also Apache Iceberg's sink,
                      infra/connect/iceberg-sink.json, into table weblog.logs_connect), print the addresses as export lines:
                      eval "$(pnpm -s stack up)". Only what is down is started, again on its port with its data;
                      --fresh stops everything and wipes the data first. A connector the worker refuses: one line,
                      the servers stay up, the export lines are printed, exit 2
  restart <kafka|s3|iceberg|connect>
                      stop one server and start it again (same port, data kept)
  status              what runs, where; exit 0 when everything started by 'up' answers, 1 otherwise
  down                stop what 'up' started (and nothing else), remove its data
  run -- CMD [ARGS]   start Kafka and S3 for one command (KAFKA_BROKERS, S3_ENDPOINT, ... set), stop them after;
                      exits with CMD's exit code`;

function fail(message: string, code = 2): never {
  process.stderr.write(`stack: ${message}\n`);
  process.exit(code);
}

async function run(argv: string[]): Promise<number> {
  if (argv.length === 0) fail(`no command given: one of up, restart, status, down, run\n${USAGE}`);
  const [kafka, s3] = await Promise.all([startKafka(), startS3({ bucket: "weblogs" })]);
  const env: Record<string, string> = {
    KAFKA_BROKERS: kafka.bootstrap,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
  process.stderr.write(
    `stack: Kafka (${kafka.backend}) ${kafka.bootstrap}, S3 (${s3.backend}) ${s3.endpoint}\n`,
  );
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((resolve) => {
    child.once("error", (err) => {
      process.stderr.write(`stack: could not run ${argv[0]}: ${err.message}\n`);
      resolve(127);
    });
    child.once("exit", (c, signal) => resolve(c ?? (signal === "SIGINT" ? 130 : 143)));
  });
  await Promise.allSettled([kafka.stop(), s3.stop()]);
  return code;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case "up": {
      const { values } = parseArgs({
        args: rest,
        options: {
          "no-connect": { type: "boolean" },
          "connect-iceberg": { type: "boolean" },
          fresh: { type: "boolean" },
        },
      });
      if (values["no-connect"] && values["connect-iceberg"])
        fail("--connect-iceberg registers a connector on Kafka Connect: drop --no-connect");
      return stackUp({
        connect: !values["no-connect"],
        connectIceberg: values["connect-iceberg"] === true,
        fresh: values.fresh === true,
      });
    }
    case "restart": {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
      const name = positionals[0] as StackServerName;
      if (positionals.length !== 1 || !STACK_SERVER_NAMES.includes(name)) {
        fail(`restart: name one server: ${STACK_SERVER_NAMES.join(", ")} (pnpm stack restart kafka)`);
      }
      return stackRestart(name);
    }
    case "status":
      parseArgs({ args: rest, options: {} });
      return stackStatus();
    case "down":
      parseArgs({ args: rest, options: {} });
      return stackDown();
    case "run":
      return run(rest[0] === "--" ? rest.slice(1) : rest);
    case "--help":
    case "-h":
    case undefined:
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      fail(`unknown command '${command}': use up, restart, status, down or run (pnpm stack --help)`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof TestkitError || (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      fail((err as Error).message.split("\n").join("\n  "));
    }
    process.stderr.write(`stack: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
