export type { HttpMethod, WebLogRecord } from "@weblog/log-schema";
export { encode, formatCombined } from "./encoders";
export { type FakeLogErrorCode, FakeLogOptionsError } from "./errors";
export { createFakeLog, type FakeLog, type FakeLogDeps } from "./generator";
export { DEFAULT_OPTIONS, type FakeLogOptions, type ResolvedFakeLogOptions, SEEDED_START } from "./options";
export { createRandomizer, type Randomizer } from "./randomizer";
