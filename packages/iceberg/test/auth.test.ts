/**
 * Catalog auth (iceberg.catalog.token / credential / oauth2-server-uri / scope) against the real REST catalog
 * (Apache Iceberg 1.10.0's RESTCatalogServer serves the OAuth2 token endpoint, /v1/oauth/tokens: a client-credentials
 * grant gets `client-credentials-token:sub=<client id>`). A recording HTTP proxy in front of it sees what our client
 * sends (the catalog itself accepts any bearer), and can revoke a token (answers 401 for it) to prove the re-exchange.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { S3Client } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import {
  type IcebergCatalog,
  type S3Handle,
  startIcebergCatalog,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { maskSecrets, parseCredential } from "../src/auth";
import { createRestCatalog, IcebergError, openWebLogTable } from "../src/index";

type Seen = { method: string; path: string; authorization?: string; body: string };

/**
 * An HTTP proxy to `target` that records every request and answers 401 to a revoked bearer token, until the next
 * token exchange (which issues a fresh grant: the server's token string is the same, so revoking ends there).
 */
async function recordingProxy(target: string) {
  const seen: Seen[] = [];
  const revoked = new Set<string>();
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const authorization = req.headers.authorization;
      seen.push({
        method: req.method ?? "",
        path: req.url ?? "",
        body: body.toString(),
        ...(authorization ? { authorization } : {}),
      });
      if (req.url === "/v1/oauth/tokens") revoked.clear();
      if (authorization && revoked.has(authorization.replace(/^Bearer /, ""))) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ error: { message: "token revoked", type: "NotAuthorizedException", code: 401 } }),
        );
        return;
      }
      const up = request(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { uri, seen, revoked, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("catalog auth: bearer token and OAuth2 client credentials, against the real REST catalog", () => {
  let s3: S3Handle;
  let server: IcebergCatalog;
  let client: S3Client;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  beforeAll(async () => {
    s3 = await startS3();
    server = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    client = s3.client();
    proxy = await recordingProxy(server.uri);
  }, 240_000);
  afterAll(async () => {
    await proxy?.close();
    client?.destroy();
    await server?.stop();
    await s3?.stop();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
    proxy.revoked.clear();
  });

  const lines = createFakeLog({ seed: 7 })
    .batch(20)
    .map((r) => encode(r));
  const writeThrough = async (options: Parameters<typeof createRestCatalog>[0]) => {
    const t = await openWebLogTable({
      catalog: createRestCatalog(options),
      table: `auth.${uniqueName("t").replace(/-/g, "_")}`,
      storage: { client },
    });
    return t.commitAppend("g", [
      { topic: "t", partition: 0, start: 0, end: 20, files: await t.writeDataFiles(lines) },
    ]);
  };

  it("iceberg.catalog.token: every request carries it as a bearer token, no exchange", async () => {
    const r = await writeThrough({ uri: proxy.uri, token: "tok-123" });
    expect(r.snapshotId).not.toBeNull();
    expect(proxy.seen.length).toBeGreaterThanOrEqual(3); // load (404), namespace, create, commit
    expect(proxy.seen.every((s) => s.authorization === "Bearer tok-123")).toBe(true);
    expect(proxy.seen.some((s) => s.path.includes("oauth"))).toBe(false);
  });

  it("iceberg.catalog.credential: exchanged at /v1/oauth/tokens (client_credentials, scope), the catalog's token sent", async () => {
    const r = await writeThrough({ uri: proxy.uri, credential: "alice:s3cr3t-pw", scope: "catalog sql" });
    expect(r.snapshotId).not.toBeNull();
    const tokenCalls = proxy.seen.filter((s) => s.path === "/v1/oauth/tokens");
    expect(tokenCalls).toHaveLength(1); // cached: one exchange for the whole run
    const form = new URLSearchParams(tokenCalls[0]?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "client_credentials",
      client_id: "alice",
      client_secret: "s3cr3t-pw",
      scope: "catalog sql",
    });
    const rest = proxy.seen.filter((s) => s.path !== "/v1/oauth/tokens");
    expect(rest.length).toBeGreaterThanOrEqual(3);
    // the token the real server issued for alice
    expect(rest.every((s) => s.authorization === "Bearer client-credentials-token:sub=alice")).toBe(true);
  });

  it("a revoked exchanged token (401) is exchanged again once, and the request retried", async () => {
    const catalog = createRestCatalog({ uri: proxy.uri, credential: "bob:pw-b" });
    const t = await openWebLogTable({
      catalog,
      table: `auth.${uniqueName("r").replace(/-/g, "_")}`,
      storage: { client },
    });
    proxy.revoked.add("client-credentials-token:sub=bob");
    proxy.seen.length = 0;
    await t.refresh();
    const paths = proxy.seen.map((s) => s.path);
    expect(paths.filter((p) => p === "/v1/oauth/tokens")).toHaveLength(1);
    expect(paths.filter((p) => p.includes("/tables/"))).toHaveLength(2); // refused, then retried
  });

  it("a refused exchange is CATALOG_AUTH, one line, naming the keys and neither secret", async () => {
    const catalog = createRestCatalog({
      uri: proxy.uri,
      credential: "carol:hush-hush-77",
      oauth2ServerUri: `${proxy.uri}/v1/oauth/nowhere`,
    });
    const err = await catalog.loadTable({ namespace: ["auth"], name: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(IcebergError);
    expect(err.code).toBe("CATALOG_AUTH");
    expect(err.message).toMatch(/iceberg\.catalog\.credential/);
    expect(err.message).not.toMatch(/hush-hush-77|carol:/);
    expect(err.message.split("\n")).toHaveLength(1);
    const down = createRestCatalog({ uri: "http://127.0.0.1:9", token: "tok-never-shown" });
    const e2 = await down.loadTable({ namespace: ["a"], name: "b" }).catch((e) => e);
    expect(e2.code).toBe("CATALOG_UNREACHABLE");
    expect(`${e2.message} ${String(e2.cause)}`).not.toMatch(/tok-never-shown/);
  });
});

describe("auth helpers", () => {
  it("parses a credential as Apache does: id:secret, or a bare secret", () => {
    expect(parseCredential("id:se:cret")).toEqual({ clientId: "id", clientSecret: "se:cret" });
    expect(parseCredential("only-secret")).toEqual({ clientSecret: "only-secret" });
  });
  it("masks every secret in a text", () => {
    expect(maskSecrets("a tok b tok", ["tok", ""])).toBe("a *** b ***");
  });
});
