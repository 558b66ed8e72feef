/**
 * Catalog authentication, with the keys of Apache Iceberg's REST catalog (and its Kafka Connect sink, under
 * `iceberg.catalog.`): `token` (a bearer token, sent as is) or `credential` (OAuth2 client credentials,
 * `client_id:client_secret` or a bare secret, exchanged at `oauth2-server-uri` for a bearer token with `scope`).
 * The token is cached until shortly before its `expires_in`, and fetched again after the catalog answers 401.
 * Neither the token nor the credential ever appears in a message: `secrets` lists them for redaction.
 */
import { IcebergError } from "./errors";

export type CatalogAuthOptions = {
  /** `iceberg.catalog.token`: a bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** `iceberg.catalog.credential`: `client_id:client_secret` (or just a secret), exchanged for a token. */
  credential?: string | undefined;
  /** `iceberg.catalog.oauth2-server-uri`: the token endpoint (default `<catalog uri>/v1/oauth/tokens`). */
  oauth2ServerUri?: string | undefined;
  /** `iceberg.catalog.scope`: the scope asked for (default `catalog`, as Apache's client). */
  scope?: string | undefined;
};

export type CatalogAuth = {
  /** The Authorization header to send (none without token and credential). */
  headers(): Promise<Record<string, string>>;
  /** The catalog said 401: forget an exchanged token; true when a new one will be fetched (worth a retry). */
  rejected(): boolean;
  /** Every secret value, for masking in messages. */
  readonly secrets: readonly string[];
};

/**
 * The tools' way to the catalog's secrets (argv is visible to every user of the machine): `ICEBERG_CATALOG_TOKEN`,
 * `ICEBERG_CATALOG_CREDENTIAL`, `ICEBERG_CATALOG_OAUTH2_SERVER_URI`, `ICEBERG_CATALOG_SCOPE` (empty = unset).
 */
export function catalogAuthFromEnv(env: NodeJS.ProcessEnv): CatalogAuthOptions {
  const out: CatalogAuthOptions = {};
  if (env.ICEBERG_CATALOG_TOKEN) out.token = env.ICEBERG_CATALOG_TOKEN;
  if (env.ICEBERG_CATALOG_CREDENTIAL) out.credential = env.ICEBERG_CATALOG_CREDENTIAL;
  if (env.ICEBERG_CATALOG_OAUTH2_SERVER_URI) out.oauth2ServerUri = env.ICEBERG_CATALOG_OAUTH2_SERVER_URI;
  if (env.ICEBERG_CATALOG_SCOPE) out.scope = env.ICEBERG_CATALOG_SCOPE;
  return out;
}

/** Apache's default scope for the client-credentials grant. */
export const DEFAULT_SCOPE = "catalog";
/** A token is renewed this long before it expires. */
const EARLY_MS = 30_000;

/** `client_id:client_secret` -> both; a value without a colon is the secret alone (Apache's rule). */
export function parseCredential(credential: string): { clientId?: string; clientSecret: string } {
  const i = credential.indexOf(":");
  return i < 0
    ? { clientSecret: credential }
    : { clientId: credential.slice(0, i), clientSecret: credential.slice(i + 1) };
}

/** `text` with each secret replaced by `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join("***");
  return out;
}

export function createCatalogAuth(
  catalogUri: string,
  options: CatalogAuthOptions,
  where: string,
  timeoutMs: number,
): CatalogAuth {
  const credential = options.credential ? parseCredential(options.credential) : undefined;
  const secrets = [options.token, options.credential, credential?.clientSecret].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
  const tokenUri = options.oauth2ServerUri ?? `${catalogUri.replace(/\/$/, "")}/v1/oauth/tokens`;
  let exchanged: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;

  async function exchange(): Promise<string> {
    const c = credential as NonNullable<typeof credential>;
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (c.clientId !== undefined) form.set("client_id", c.clientId);
    form.set("client_secret", c.clientSecret);
    form.set("scope", options.scope ?? DEFAULT_SCOPE);
    const hint = "check iceberg.catalog.credential and iceberg.catalog.oauth2-server-uri";
    let res: Response;
    try {
      res = await fetch(tokenUri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new IcebergError(
        "CATALOG_UNREACHABLE",
        `${where}: the token endpoint ${safeUri(tokenUri)} does not answer: ${hint}`,
        { cause: err },
      );
    }
    const text = await res.text();
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: judged by the status below
    }
    if (!res.ok || typeof body.access_token !== "string" || body.access_token === "") {
      const why = typeof body.error === "string" ? ` ${maskSecrets(body.error, secrets).slice(0, 80)}` : "";
      throw new IcebergError(
        res.status >= 500 ? "CATALOG_SERVER" : "CATALOG_AUTH",
        `${where}: the token endpoint ${safeUri(tokenUri)} refused the client credentials (HTTP ${res.status}${why}): ${hint}`,
      );
    }
    const token = body.access_token;
    secrets.push(token);
    const lifeMs = typeof body.expires_in === "number" ? body.expires_in * 1000 : Number.POSITIVE_INFINITY;
    exchanged = { token, until: Date.now() + Math.max(0, lifeMs - EARLY_MS) };
    return token;
  }

  return {
    secrets,
    async headers(): Promise<Record<string, string>> {
      if (options.token) return { authorization: `Bearer ${options.token}` };
      if (!credential) return {};
      if (exchanged && Date.now() < exchanged.until) return { authorization: `Bearer ${exchanged.token}` };
      pending ??= exchange().finally(() => {
        pending = undefined;
      });
      return { authorization: `Bearer ${await pending}` };
    },
    rejected() {
      if (!credential || options.token) return false;
      exchanged = undefined;
      return true;
    },
  };
}

/** A URI for a message: no user info, no query (either may carry a secret). */
export function safeUri(uri: string): string {
  try {
    const u = new URL(uri);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(an invalid URI)";
  }
}
