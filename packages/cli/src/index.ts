export { Command, InvalidArgumentError, Option } from "commander";
export { createCommand, fromCommanderError } from "./command";
export { envFlag, envName } from "./env";
export { type CliErrorCode, CliExit, ExpectedError, oneLine, UsageError } from "./errors";
export { EXIT_CODES, exitCodeOf } from "./exit-codes";
export { formatCount, formatDuration, formatRate } from "./format";
export {
  type CreateLoggerOptions,
  createLogger,
  formatPrettyLine,
  LOG_LEVELS,
  type Logger,
  silentLogger,
} from "./logger";
export { type MetricsAddress, metricsAddress, metricsOptions } from "./metrics-flags";
export {
  type MetricsServer,
  type MetricsServerOptions,
  type MetricsSource,
  type Readiness,
  startMetricsServer,
} from "./metrics-server";
export { parseDuration, parsers, type RangeOpts } from "./parsers";
export { createProgress, type Progress, type ProgressOptions } from "./progress";
export { isSecretField, MASK, redact, redactText } from "./redact";
export { type RunMainOptions, runMain } from "./run-main";
export { onShutdown, type ShutdownOptions } from "./shutdown";
