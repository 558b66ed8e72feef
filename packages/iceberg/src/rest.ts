/**
 * The few calls of the Iceberg REST catalog protocol the sink needs (namespaces, tables, commits), over fetch.
 * Snapshot ids stay decimal strings (json.ts). Errors are IcebergErrors naming the catalog and the table, never a
 * credential (a URI's user info is dropped from messages).
 */
import { type CatalogAuthOptions, createCatalogAuth, maskSecrets, safeUri } from "./auth";
import { IcebergError } from "./errors";
import { parseCatalogJson, stringifyCatalogJson } from "./json";
import type { SnapshotJson } from "./offsets";
import type { IcebergSchema, PartitionSpec } from "./schema";

export type TableMetadata = {
  "format-version": number;
  "table-uuid": string;
  location: string;
  "last-sequence-number"?: number;
  "current-snapshot-id"?: string | null;
  "current-schema-id": number;
  schemas: IcebergSchema[];
  "default-spec-id": number;
  "partition-specs": PartitionSpec[];
  snapshots?: SnapshotJson[];
  properties?: Record<string, string>;
};

export type LoadedTable = { "metadata-location": string; metadata: TableMetadata };

export type TableIdent = { namespace: string[]; name: string };

export type CommitRequirement = { type: "assert-ref-snapshot-id"; ref: string; "snapshot-id": string | null };
export type CommitUpdate = Record<string, unknown> & { action: string };

export type RestCatalog = {
  /** Where it is, for messages (no user info). */
  readonly where: string;
  createNamespace(namespace: string[]): Promise<void>;
  loadTable(t: TableIdent): Promise<LoadedTable>;
  createTable(
    t: TableIdent,
    body: { schema: IcebergSchema; "partition-spec": PartitionSpec; properties?: Record<string, string> },
  ): Promise<LoadedTable>;
  listTables(namespace: string[]): Promise<TableIdent[]>;
  commitTable(
    t: TableIdent,
    requirements: CommitRequirement[],
    updates: CommitUpdate[],
  ): Promise<LoadedTable>;
};

export type RestCatalogOptions = CatalogAuthOptions & {
  /** `iceberg.catalog.uri`, e.g. http://127.0.0.1:8181 (the API is under /v1). */
  uri: string;
  /** `iceberg.catalog.prefix`: the path prefix /v1/config gives (none for the fixture). */
  prefix?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
};

const ns = (namespace: string[]) => encodeURIComponent(namespace.join("\u001f"));
const name = (t: TableIdent) => `${t.namespace.join(".")}.${t.name}`;

/** A client for the REST catalog at `options.uri`. */
export function createRestCatalog(options: RestCatalogOptions): RestCatalog {
  const base = `${options.uri.replace(/\/$/, "")}/v1${options.prefix ? `/${options.prefix}` : ""}`;
  const where = `Iceberg REST catalog ${safeUri(options.uri)}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const auth = createCatalogAuth(options.uri, options, where, timeoutMs);

  async function call(
    method: string,
    path: string,
    body: unknown,
    what: string,
    commit = false,
    retried = false,
  ): Promise<unknown> {
    const authorization = await auth.headers();
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json", ...authorization },
        body: body === undefined ? undefined : stringifyCatalogJson(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const why = (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "unreachable";
      throw new IcebergError(
        commit ? "COMMIT_UNKNOWN" : "CATALOG_UNREACHABLE",
        `${where} ${why} (${what}): start it (pnpm stack up) or set iceberg.catalog.uri`,
        { cause: err },
      );
    }
    const text = await res.text();
    if (res.ok) return text ? parseCatalogJson(text) : undefined;
    // an exchanged token expired or was revoked: fetch a new one, once (nothing was done: the catalog refused)
    if (res.status === 401 && !retried && auth.rejected())
      return call(method, path, body, what, commit, true);
    let message = "";
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message?.split("\n")[0] ?? "";
    } catch {
      message = text.slice(0, 200);
    }
    message = maskSecrets(message, auth.secrets);
    const detail = `${what}: HTTP ${res.status}${message ? ` ${message}` : ""}`;
    if (res.status === 401 || res.status === 403)
      throw new IcebergError(
        "CATALOG_AUTH",
        `${where}: ${detail}: check iceberg.catalog.token or iceberg.catalog.credential`,
      );
    if (res.status === 404) throw new IcebergError("NOT_FOUND", `${where}: ${detail}`);
    if (commit && res.status === 409) throw new IcebergError("COMMIT_CONFLICT", `${where}: ${detail}`);
    if (commit && res.status >= 500) throw new IcebergError("COMMIT_UNKNOWN", `${where}: ${detail}`);
    if (res.status >= 500) throw new IcebergError("CATALOG_SERVER", `${where}: ${detail}`);
    if (res.status === 409)
      throw new IcebergError("CATALOG_REJECTED", `${where}: ${detail} (already exists)`);
    throw new IcebergError("CATALOG_REJECTED", `${where}: ${detail}`);
  }

  return {
    where,
    async createNamespace(namespace) {
      try {
        await call(
          "POST",
          "/namespaces",
          { namespace, properties: {} },
          `create namespace ${namespace.join(".")}`,
        );
      } catch (err) {
        if (
          !(
            err instanceof IcebergError &&
            err.code === "CATALOG_REJECTED" &&
            /already exists/.test(err.message)
          )
        )
          throw err;
      }
    },
    loadTable: async (t) =>
      (await call(
        "GET",
        `/namespaces/${ns(t.namespace)}/tables/${encodeURIComponent(t.name)}`,
        undefined,
        `load table ${name(t)}`,
      )) as LoadedTable,
    createTable: async (t, body) =>
      (await call(
        "POST",
        `/namespaces/${ns(t.namespace)}/tables`,
        { name: t.name, ...body },
        `create table ${name(t)}`,
      )) as LoadedTable,
    async listTables(namespace) {
      const out = (await call(
        "GET",
        `/namespaces/${ns(namespace)}/tables`,
        undefined,
        `list tables of ${namespace.join(".")}`,
      )) as {
        identifiers: TableIdent[];
      };
      return out.identifiers;
    },
    commitTable: async (t, requirements, updates) =>
      (await call(
        "POST",
        `/namespaces/${ns(t.namespace)}/tables/${encodeURIComponent(t.name)}`,
        { identifier: t, requirements, updates },
        `commit to table ${name(t)}`,
        true,
      )) as LoadedTable,
  };
}
