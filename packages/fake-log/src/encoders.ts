import type { WebLogRecord } from "@weblog/log-schema";
import { encode as encodeRecord, formatCombined as formatRecord } from "@weblog/log-schema/format";

/** One JSON line, no trailing newline, keys in schema order (@weblog/log-schema's `encode`). */
export const encode: (record: WebLogRecord) => string = encodeRecord;

/** Apache combined log format line (@weblog/log-schema's `formatCombined`: "-" for bytes and referer, UTC). */
export const formatCombined: (record: WebLogRecord) => string = formatRecord;
