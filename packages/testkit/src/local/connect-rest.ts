import { TestkitError } from "../errors";
import { pollUntil } from "./wait";

/**
 * Kafka Connect's REST API, the calls the stack, the demo and the tests make, each failure one line a user can act
 * on: the worker not reachable (its address and how to start it), a connector JSON key the connector rejects or
 * does not know (from the worker's own `PUT /connector-plugins/<class>/config/validate` answer), a task that
 * FAILED (its trace's first line and where the rest is).
 */

export type ConnectorConfig = Record<string, string>;

export type ConfigProblem = { key: string; message: string };

const UNREACHABLE_FIX =
  "start it with `pnpm stack up` (or `docker compose up -d --wait`), or point CONNECT_URL at a running worker";

async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new TestkitError(
      "START_FAILED",
      `Kafka Connect not reachable at ${url} (${code}): ${UNREACHABLE_FIX}`,
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. an HTML error page): keep the text
  }
  return { status: res.status, body };
}

/** Connect's error body `{error_code, message}` as one line (first line of the message). */
function errorLine(body: unknown): string {
  const message =
    typeof body === "object" && body !== null && "message" in body
      ? String((body as { message: unknown }).message)
      : String(body ?? "");
  return message.split("\n")[0]?.trim() ?? "";
}

/** Connector classes the worker has installed (GET /connector-plugins). */
export async function connectorClasses(url: string): Promise<string[]> {
  const { status, body } = await call(url, "/connector-plugins?connectorsOnly=true");
  if (status !== 200 || !Array.isArray(body)) {
    throw new TestkitError("START_FAILED", `GET ${url}/connector-plugins: ${status} ${errorLine(body)}`);
  }
  return body.map((p: { class: string }) => p.class);
}

/** Prefixes Connect passes through to converters, transforms, clients: validate does not list their keys. */
const PASS_THROUGH = [
  "key.converter.",
  "value.converter.",
  "header.converter.",
  "transforms.",
  "predicates.",
  "consumer.override.",
  "producer.override.",
  "admin.override.",
];

/**
 * Prefixes a connector passes through itself, by class: Apache Iceberg's sink hands `iceberg.catalog.*` to the
 * catalog, `iceberg.kafka.*` to its control-topic clients, `iceberg.hadoop.*` to Hadoop's configuration and
 * `iceberg.table.<table>.*` / `iceberg.tables.auto-create-props.*` to its tables (its docs list them as prefixes).
 */
const CLASS_PASS_THROUGH: Record<string, string[]> = {
  "org.apache.iceberg.connect.IcebergSinkConnector": [
    "iceberg.catalog.",
    "iceberg.kafka.",
    "iceberg.hadoop.",
    "iceberg.table.",
    "iceberg.tables.auto-create-props.",
  ],
};

type ValidateAnswer = {
  configs: { definition: { name: string }; value: { name: string; errors: string[] } }[];
};

/**
 * What the worker says is wrong with `config`: every key with errors in its validate answer, then every key the
 * answer does not define (an unknown key, e.g. a typo: Connect itself ignores those silently). Empty = valid.
 * A connector class the worker does not have is one problem on `connector.class`.
 */
export async function validateConnector(url: string, config: ConnectorConfig): Promise<ConfigProblem[]> {
  const cls = config["connector.class"];
  if (!cls) return [{ key: "connector.class", message: "missing: name the connector's Java class" }];
  const { status, body } = await call(url, `/connector-plugins/${encodeURIComponent(cls)}/config/validate`, {
    method: "PUT",
    body: { name: "validate", ...config }, // validate requires a name, like a registration
  });
  if (status !== 200) return [await validateRefused(url, cls, status, body)];
  const answer = body as ValidateAnswer;
  const problems: ConfigProblem[] = [];
  const known = new Set<string>();
  for (const c of answer.configs) {
    known.add(c.definition.name);
    const first = c.value.errors?.[0]; // Connect may add a second, derived error ("null ..."): the first says it
    if (first) problems.push({ key: c.value.name, message: first });
  }
  const passThrough = [...PASS_THROUGH, ...(CLASS_PASS_THROUGH[cls] ?? [])];
  for (const key of Object.keys(config)) {
    if (known.has(key) || key === "name" || passThrough.some((p) => key.startsWith(p))) continue;
    problems.push({ key, message: `unknown key: ${cls} defines no setting of that name` });
  }
  return problems;
}

/**
 * Why the worker answered validate with something else than 200: the class is not installed (it is not in
 * GET /connector-plugins), or the plugin is installed and broke (e.g. 500 with a NoClassDefFoundError of a jar
 * missing from its folder): then the status and the worker's own first line, never "not installed".
 */
async function validateRefused(
  url: string,
  cls: string,
  status: number,
  body: unknown,
): Promise<ConfigProblem> {
  const installed = await connectorClasses(url).catch(() => undefined);
  if (installed && !installed.includes(cls)) {
    const have = installed.length ? installed.join(", ") : "none";
    return {
      key: "connector.class",
      message: `${cls} is not installed on the worker at ${url} (it has: ${have}): run \`bash infra/local/connect/fetch-plugin.sh\` and restart the worker`,
    };
  }
  return {
    key: "connector.class",
    message: `the worker at ${url} could not validate ${cls} (HTTP ${status}: ${errorLine(body) || "no message"}); its plugin folder may lack a jar: see the worker log`,
  };
}

/** One line per problem: `file: key: message`. */
export function problemLines(source: string, problems: ConfigProblem[]): string {
  return problems.map((p) => `${source}: ${p.key}: ${p.message}`).join("\n");
}

/** Creates or updates connector `name` (PUT /connectors/<name>/config: idempotent). */
export async function putConnector(url: string, name: string, config: ConnectorConfig): Promise<void> {
  const { status, body } = await call(url, `/connectors/${encodeURIComponent(name)}/config`, {
    method: "PUT",
    body: { ...config, name },
  });
  if (status !== 200 && status !== 201) {
    throw new TestkitError(
      "START_FAILED",
      `PUT ${url}/connectors/${name}/config: ${status} ${errorLine(body)}`,
    );
  }
}

export async function deleteConnector(url: string, name: string): Promise<void> {
  const { status, body } = await call(url, `/connectors/${encodeURIComponent(name)}`, {
    method: "DELETE",
  });
  if (status !== 204 && status !== 404) {
    throw new TestkitError("START_FAILED", `DELETE ${url}/connectors/${name}: ${status} ${errorLine(body)}`);
  }
}

type Status = {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
};

/**
 * Waits until the connector and all its tasks are RUNNING (bounded). A FAILED connector or task fails at once with
 * its trace's first line and the command that shows the whole trace.
 */
export async function waitConnectorRunning(
  url: string,
  name: string,
  opts: { timeoutMs?: number; logFile?: string } = {},
): Promise<void> {
  const statusUrl = `${url}/connectors/${encodeURIComponent(name)}/status`;
  const more = `the whole trace: curl -s ${statusUrl}${opts.logFile ? ` (or the worker log ${opts.logFile})` : ""}`;
  let last = "not registered";
  let failure: string | undefined;
  const done = await pollUntil(
    async () => {
      const { status, body } = await call(url, `/connectors/${encodeURIComponent(name)}/status`, {
        timeoutMs: 5000,
      });
      if (status !== 200) return undefined;
      const s = body as Status;
      const failed = [
        ...(s.connector.state === "FAILED" ? [{ what: "connector", trace: s.connector.trace }] : []),
        ...s.tasks.filter((t) => t.state === "FAILED").map((t) => ({ what: `task ${t.id}`, trace: t.trace })),
      ][0];
      if (failed) {
        failure = `${name} ${failed.what} FAILED: ${failed.trace?.split("\n")[0] ?? "(no trace)"}; ${more}`;
        return undefined;
      }
      last = `connector ${s.connector.state}, tasks [${s.tasks.map((t) => t.state).join(", ") || "none yet"}]`;
      return s.connector.state === "RUNNING" &&
        s.tasks.length > 0 &&
        s.tasks.every((t) => t.state === "RUNNING")
        ? true
        : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 500, failed: () => failure },
  );
  if ("failure" in done) throw new TestkitError("START_FAILED", done.failure);
  if ("timedOut" in done) {
    throw new TestkitError(
      "TIMEOUT",
      `${name} not RUNNING within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s (${last}); ${more}`,
    );
  }
}
