import pino from "pino";
import { redact } from "./redact";

interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** The logging surface the apps and packages share (a subset of pino, so `silentLogger()` or a pino fits). */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

export interface CreateLoggerOptions {
  name: string;
  /** Defaults to WEBLOG_LOG_LEVEL, else "info". */
  level?: string;
  /**
   * A compact human line ("12:00:01.234 INFO  producer: message key=value") instead of JSON. Defaults to true when
   * writing to stderr and stderr is a TTY and WEBLOG_LOG_FORMAT is not "json"; JSON lines otherwise.
   */
  pretty?: boolean;
  /** Defaults to stderr (stdout is for data). */
  stream?: { write(chunk: string): unknown };
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const HIDDEN = new Set(["level", "time", "pid", "hostname", "name", "msg"]);

function compactValue(v: unknown): string {
  if (typeof v === "string") return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** Turns one pino JSON line into the compact human line. */
export function formatPrettyLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const time = typeof o.time === "number" ? new Date(o.time).toISOString().slice(11, 23) : "";
  const level = (LEVEL_NAMES[o.level as number] ?? String(o.level)).padEnd(5);
  const name = typeof o.name === "string" ? `${o.name}: ` : "";
  const rest: string[] = [];
  let stack = "";
  for (const [k, v] of Object.entries(o)) {
    if (HIDDEN.has(k)) continue;
    if (k === "err" && v && typeof v === "object") {
      const e = v as { message?: string; stack?: string };
      rest.push(`err=${compactValue(e.message ?? "")}`);
      if (o.level !== undefined && (o.level as number) >= 50 && e.stack) stack = `\n${e.stack}`;
      continue;
    }
    rest.push(`${k}=${compactValue(v)}`);
  }
  return `${time} ${level} ${name}${String(o.msg ?? "")}${rest.length ? ` ${rest.join(" ")}` : ""}${stack}\n`;
}

/** On a terminal each line first erases the current line, so a live progress line never garbles a log line. */
function prettyStream(out: { write(chunk: string): unknown }, tty: boolean): { write(chunk: string): void } {
  const prefix = tty ? "\r\x1b[2K" : "";
  return {
    write(chunk: string) {
      for (const line of chunk.split("\n")) if (line) out.write(prefix + formatPrettyLine(line));
    },
  };
}

/**
 * pino to stderr, synchronously (nothing lost when the process exits). Secret-looking fields (password, secret,
 * *Key, token...) are masked in every log object (see `redact`).
 */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const wanted = (opts.level ?? process.env.WEBLOG_LOG_LEVEL ?? "info").toLowerCase();
  const level = (LOG_LEVELS as readonly string[]).includes(wanted) ? wanted : "info";
  const pretty =
    opts.pretty ??
    (opts.stream === undefined && process.stderr.isTTY === true && process.env.WEBLOG_LOG_FORMAT !== "json");
  const base = opts.stream ?? pino.destination({ fd: 2, sync: true });
  const destination = pretty
    ? prettyStream(base, opts.stream === undefined && process.stderr.isTTY === true)
    : base;
  const logger = pino(
    {
      name: opts.name,
      level,
      base: { name: opts.name },
      formatters: { log: (obj) => redact(obj) },
    },
    destination as pino.DestinationStream,
  );
  if (level !== wanted)
    logger.warn({ level: wanted }, `unknown log level, using info (one of ${LOG_LEVELS.join(", ")})`);
  return logger as unknown as Logger;
}

/** A logger that drops everything (for tests and library defaults). */
export function silentLogger(): Logger {
  const noop = () => {};
  const l: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => l };
  return l;
}
