import type { Logger } from "./logger";

export interface ProgressOptions {
  /** Prefix of the line / message of the structured log, e.g. "producing". */
  label: string;
  /** The rest of the live line (rate, count, elapsed as the caller formats them). Called on every redraw. */
  render: () => string;
  /** Where the live line goes. Defaults to process.stderr. */
  stream?: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  /** Overrides the stream's isTTY (tests, --no-progress, --progress). */
  isTTY?: boolean;
  /** Redraw period on a TTY (default 250 ms). */
  intervalMs?: number;
  /**
   * Off a TTY: when given, `logger.info({ progress: fields() }, "<label>: <render()>")` every `logIntervalMs`
   * (default 5000 ms). Without a logger nothing is written off a TTY.
   */
  logger?: Logger;
  /** Structured fields of the periodic off-TTY log (default: none, the message carries render()). */
  fields?: () => Record<string, unknown>;
  logIntervalMs?: number;
}

export interface Progress {
  /** Starts the periodic redraw (TTY) or periodic structured log (off a TTY with a logger). Idempotent. */
  start(): void;
  /** Redraws now on a TTY (throttled to one draw per 50 ms); no-op off a TTY. */
  tick(): void;
  /** Erases the live line (TTY) so another line can be printed; the next draw brings it back. */
  clear(): void;
  /** Stops the timer; on a TTY draws the line a last time and ends it with a newline. */
  stop(): void;
  readonly isTTY: boolean;
}

/**
 * Progress of long work. On a TTY: a single line rewritten in place ("\r" + clear-line), cut to the terminal width.
 * Off a TTY (pipes, CI, files) the live line would only be noise, so nothing is written to the stream; instead, if a
 * logger is given, one structured log line every logIntervalMs. Timers are unref'd: progress never keeps a process
 * alive.
 */
export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.isTTY ?? stream.isTTY === true;
  let timer: NodeJS.Timeout | undefined;
  let drawn = false;
  let lastDraw = 0;

  const line = () => `${opts.label} ${opts.render()}`.replace(/\s*\n\s*/g, " ");
  const draw = () => {
    let text = line();
    const cols = stream.columns;
    if (cols && text.length >= cols) text = text.slice(0, cols - 1);
    stream.write(`\r\x1b[2K${text}`);
    drawn = true;
    lastDraw = Date.now();
  };
  const log = () => opts.logger?.info({ progress: opts.fields?.() ?? {} }, line());

  return {
    isTTY: tty,
    start() {
      if (timer) return;
      if (tty) {
        draw();
        timer = setInterval(draw, opts.intervalMs ?? 250);
      } else if (opts.logger) {
        timer = setInterval(log, opts.logIntervalMs ?? 5000);
      } else {
        return;
      }
      timer.unref();
    },
    tick() {
      if (tty && timer && Date.now() - lastDraw >= 50) draw();
    },
    clear() {
      if (tty && drawn) {
        stream.write("\r\x1b[2K");
        drawn = false;
      }
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      if (tty) {
        draw();
        stream.write("\n");
        drawn = false;
      }
    },
  };
}
