export type { HttpMethod, WebLogRecord } from "@weblog/log-schema";
// The published package's API (npm users cannot install the private @weblog/log-schema, which is bundled in).
// Inside the workspace, import these from @weblog/log-schema, their owner.
export { encode, formatCombined } from "@weblog/log-schema/format";
export type { BadValue } from "./bad";
export { BAD_KINDS, type BadKind } from "./data/bad";
export { INCIDENT_KINDS, type IncidentKind } from "./data/incidents";
export { SERVICES, type ServiceName } from "./data/services";
export { type FakeLogErrorCode, FakeLogOptionsError } from "./errors";
export { FORMAT_NAMES, FORMATS, type FormatName, formatRecord, formatter } from "./formats/index";
export {
  createFakeLog,
  type FakeLog,
  type FakeLogDeps,
  type FakeLogStats,
  type FakeMessage,
  type RecordMeta,
} from "./generator";
export { parseIncidentSpec, parseSeconds } from "./incident-spec";
export type { ScheduledIncident } from "./incidents";
export type { LateDistribution } from "./late";
export {
  DEFAULT_OPTIONS,
  type FakeLogOptions,
  type ResolvedFakeLogOptions,
  resolveOptions,
  SEEDED_START,
} from "./options";
export type { IncidentSpec, LateOptions } from "./options-features";
export type { Burst, BurstyProfile, DiurnalProfile, Profile, ProfileKind } from "./profiles";
export { createRandomizer, type Randomizer } from "./randomizer";
export { createReadable, type RealtimeOptions, realtime } from "./realtime";
