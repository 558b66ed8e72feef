/**
 * The key table as Markdown, for the package README (a test keeps the README's copy equal to this).
 */
import type { Codec } from "./codecs";
import { CONNECT_KEY_PREFIXES } from "./connect-keys";
import type { KeyRow } from "./key-row";
import { KEY_ROWS } from "./key-table";

const cell = (s: string) => s.replace(/\|/g, "\\|");

function fieldOf(row: KeyRow): string {
  if (row.field === undefined) return "";
  return typeof row.field === "string"
    ? `\`${row.field}\``
    : `\`partitioner.${row.field.field}\` (${row.field.partitioner})`;
}

function defaultOf(row: KeyRow): string {
  if (row.default === undefined) return row.absentIsUnset ? "unset" : "";
  if (row.field === "partitioner") return "DefaultPartitioner";
  return `\`${(row.codec as Codec<unknown>).format(row.default)}\``;
}

/** One Markdown table: key, status, field, default, CLI flag, note. */
export function keyTableMarkdown(): string {
  const lines = ["| Key | Status | Field | Default | Flag | Note |", "| --- | --- | --- | --- | --- | --- |"];
  for (const row of [...KEY_ROWS, ...CONNECT_KEY_PREFIXES]) {
    const key = CONNECT_KEY_PREFIXES.includes(row) ? `\`${row.key}*\`` : `\`${row.key}\``;
    const flag = row.flag ? `\`--${row.flag.name}\`` : "";
    const note = row.origin ? `${row.note}; ${row.origin}` : row.note;
    lines.push(
      `| ${key} | ${row.status} | ${fieldOf(row)} | ${cell(defaultOf(row))} | ${flag} | ${cell(note)} |`,
    );
  }
  return lines.join("\n");
}
