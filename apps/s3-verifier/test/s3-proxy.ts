/**
 * A recording HTTP proxy in front of the test's S3 server, so a test can see which S3 requests the verifier made
 * and when, and hold a response back (to let a live sink upload during the verifier's listing, deterministically).
 * Requests are forwarded byte for byte, Host header included (the SigV4 signature covers it).
 */
import { createServer, type IncomingMessage, request } from "node:http";

export interface ProxiedRequest {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  /** What it was, for assertions: a listing, an object read, or anything else. */
  kind: "list" | "get-object" | "other";
  at: number;
}

export interface S3Proxy {
  endpoint: string;
  requests: ProxiedRequest[];
  stop(): Promise<void>;
}

const kindOf = (method: string, url: string): ProxiedRequest["kind"] => {
  const [path = "", query = ""] = url.split("?");
  if (method === "GET" && /(^|&)list-type=2/.test(query)) return "list";
  if (method === "GET" && path.split("/").filter(Boolean).length >= 2) return "get-object";
  return "other";
};

/**
 * Starts the proxy on 127.0.0.1 (free port). `beforeResponse` runs after the upstream answered and before the
 * answer goes back to the client (default: nothing), e.g. to hold the first listing while the sink uploads more.
 */
export async function startS3Proxy(
  upstream: string,
  beforeResponse?: (req: ProxiedRequest) => Promise<void> | void,
): Promise<S3Proxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const entry: ProxiedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      kind: kindOf(req.method ?? "GET", req.url ?? "/"),
      at: Date.now(),
    };
    requests.push(entry);
    const out = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up: IncomingMessage) => {
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          void Promise.resolve(beforeResponse?.(entry))
            .catch(() => {})
            .then(() => {
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(Buffer.concat(chunks));
            });
        });
      },
    );
    out.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
