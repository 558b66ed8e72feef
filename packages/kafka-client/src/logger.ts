/** The logging surface this package needs (structurally a subset of pino and of @weblog/cli's Logger). */
export interface KafkaLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const noopLogger: KafkaLogger = { debug() {}, info() {}, warn() {}, error() {} };
