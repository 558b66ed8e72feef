/**
 * Regular expressions for the record's text fields, written once here and used both by the TypeBox schema
 * (hence by the exported JSON Schema, as `pattern`) and by the tests. All are anchored and portable
 * (ECMA-262 syntax without flags, so JSON Schema validators in other languages accept them).
 */

/** One IPv4 octet 0-255 in decimal without leading zeros ("010" is rejected: it is ambiguous, octal to some parsers). */
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
const H16 = "[0-9A-Fa-f]{1,4}";
const LS32 = `(?:${H16}:${H16}|${IPV4})`;

/** `[ *n( h16 ":" ) h16 ]` of RFC 4291 / RFC 3986: up to n+1 groups before "::" (possibly none). */
const before = (n: number): string => (n < 0 ? "" : `(?:(?:${H16}:){0,${n}}${H16})?`);

/** IPv6 text exactly as RFC 3986 section 3.2.2 "IPv6address" (RFC 4291 section 2.2), no zone id, no brackets. */
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `${before(0)}::(?:${H16}:){4}${LS32}`,
  `${before(1)}::(?:${H16}:){3}${LS32}`,
  `${before(2)}::(?:${H16}:){2}${LS32}`,
  `${before(3)}::${H16}:${LS32}`,
  `${before(4)}::${LS32}`,
  `${before(5)}::${H16}`,
  `${before(6)}::`,
].join("|");

export const IPV4_PATTERN = `^${IPV4}$`;
export const IPV6_PATTERN = `^(?:${IPV6})$`;
/** IPv4 dotted quad or IPv6 text. */
export const IP_PATTERN = `^(?:${IPV4}|${IPV6})$`;

/** Leap years: divisible by 4, except centuries not divisible by 400. */
const LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)";
const MONTH_DAY = [
  "(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])", // every month has days 01-28
  "(?:0[13-9]|1[0-2])-(?:29|30)", // every month but February has 29 and 30
  "(?:0[13578]|1[02])-31", // the 31-day months
].join("|");
const DATE = `(?:[0-9]{4}-(?:${MONTH_DAY})|${LEAP_YEAR}-02-29)`;
const TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}";

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ`: ISO-8601 / RFC 3339 in UTC with exactly three fraction digits, the form
 * `Date.prototype.toISOString()` produces for years 0000-9999. Calendar-exact (no 02-30, 02-29 only in leap years);
 * no leap second (":60"), no offset other than "Z", no lower-case "t"/"z".
 */
export const TIMESTAMP_PATTERN = `^${DATE}T${TIME}Z$`;

/**
 * Request target in origin form (RFC 9112 section 3.2.1): "/" then path and optional "?query", every character
 * visible ASCII (0x21-0x7E): no spaces, no control characters, no raw non-ASCII (percent-encode it, as servers log it).
 */
export const URL_PATTERN = "^/[\\x21-\\x7E]*$";

/** At least one character, none of them a C0 control character or DEL. */
export const USER_AGENT_PATTERN = "^[^\\x00-\\x1F\\x7F]+$";
