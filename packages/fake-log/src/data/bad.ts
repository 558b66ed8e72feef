/** The kinds of broken records (src/bad.ts makes them) and their default mix, [kind, weight]. Data only. */
export const BAD_KINDS = [
  "not-json",
  "wrong-types",
  "missing-fields",
  "oversized",
  "invalid-utf8",
  "empty-values",
  "tombstone",
] as const;
export type BadKind = (typeof BAD_KINDS)[number];

export const BAD_MIX: readonly (readonly [BadKind, number])[] = BAD_KINDS.map((k) => [k, 1] as const);

/** Length of an oversized field: past log-schema's limits (url 2048, user agent 512) by a wide margin. */
export const OVERSIZED_LENGTH = 4096;
