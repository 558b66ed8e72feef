/**
 * `weblog-table orphans`: files under the table's location that no snapshot references (data files of a commit
 * dropped as already in or stale, of a crash between upload and commit, a refused attempt's manifests), older than
 * --older-than; listed on stdout, deleted with --delete (each checked again against the table loaded anew).
 */
import { formatCount, type Logger } from "@weblog/cli";
import type { OrphanFile, WebLogTable } from "@weblog/iceberg";
import type { OrphansCommand } from "./options";
import { formatBytes } from "./units";

export type OrphansResult = { orphans: OrphanFile[]; deleted: string[]; kept: string[] };

export async function runOrphans(
  table: WebLogTable,
  opts: OrphansCommand,
  logger: Logger,
): Promise<OrphansResult> {
  const orphans = await table.listOrphanFiles({ olderThanMs: opts.olderThanMs });
  logger.info(
    {
      orphans: orphans.length,
      bytes: orphans.reduce((n, o) => n + o.size, 0),
      olderThanMs: opts.olderThanMs,
    },
    "orphan files listed",
  );
  if (!opts.delete || orphans.length === 0) return { orphans, deleted: [], kept: [] };
  const { deleted, kept } = await table.deleteOrphanFiles(orphans);
  logger.info({ deleted: deleted.length, kept: kept.length }, "orphan files deleted");
  return { orphans, deleted, kept };
}

export function renderOrphans(opts: OrphansCommand, r: OrphansResult): string {
  const rows = r.orphans.map(
    (o) =>
      `${o.kind.padEnd(8)} ${String(o.size).padStart(10)}  ${o.lastModified?.toISOString() ?? "-".padEnd(24)}  ${o.path}`,
  );
  const bytes = formatBytes(r.orphans.reduce((n, o) => n + o.size, 0));
  const tail = opts.delete
    ? `deleted ${formatCount(r.deleted.length)}${r.kept.length > 0 ? `, kept ${r.kept.length} a snapshot now references` : ""}`
    : "listed only (--delete deletes them)";
  return `${rows.join("\n")}${rows.length > 0 ? "\n" : ""}${opts.table}: ${formatCount(r.orphans.length)} orphan files (${bytes}) older than the bound: ${tail}\n`;
}
