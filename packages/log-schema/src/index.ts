export type { RecordError, RecordErrorCode, RecordIssue, RecordResult } from "./errors";
export { encode, formatCombined } from "./format";
export { HTTP_METHODS, type HttpMethod, isHttpMethod } from "./methods";
export {
  IP_PATTERN,
  IPV4_PATTERN,
  IPV6_PATTERN,
  TIMESTAMP_PATTERN,
  URL_PATTERN,
  USER_AGENT_PATTERN,
} from "./patterns";
export { quickAccept } from "./quick";
export {
  FIELD_RULES,
  IP_MAX_LENGTH,
  STATUS_CODE_MAX,
  STATUS_CODE_MIN,
  URL_MAX_LENGTH,
  USER_AGENT_MAX_LENGTH,
  WEB_LOG_FIELDS,
  type WebLogRecord,
  WebLogRecordSchema,
  webLogJsonSchema,
} from "./schema";
export { decode, validate } from "./validate";
