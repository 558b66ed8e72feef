import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small real HTTP gateway on 127.0.0.1 in front of an S3 server (S3Proxy, MinIO): it forwards every request as it
 * came (method, path, headers: the SigV4 signature covers the Host header the client used, which is kept) and
 * streams the answer back, except the requests `refuse` picks, which it answers itself with an S3-style XML error.
 * It plays an S3-compatible server that lacks an operation (s3rver and some gateways answer ListMultipartUploads
 * with 501 NotImplemented): the client under test talks HTTP to a real endpoint; nothing of the SDK is mocked.
 */
export type S3Refusal = { status: number; code: string; message: string };

export type S3GatewayOptions = {
  /** The S3 server to forward to, e.g. http://127.0.0.1:9000. */
  target: string;
  /** Which requests to answer with an error instead of forwarding (null: forward). */
  refuse: (req: { method: string; url: URL }) => S3Refusal | null;
};

export type S3Gateway = {
  /** The gateway's endpoint (path-style), to give the client instead of the server's. */
  readonly endpoint: string;
  /** How many requests it refused so far. */
  readonly refused: number;
  close(): Promise<void>;
};

/** ListMultipartUploads (`GET /<bucket>?uploads`, path-style) answered 501 NotImplemented, as s3rver does. */
export const refuseListMultipartUploads = (req: { method: string; url: URL }): S3Refusal | null =>
  req.method === "GET" && req.url.searchParams.has("uploads")
    ? {
        status: 501,
        code: "NotImplemented",
        message: "A header you provided implies functionality that is not implemented",
      }
    : null;

function errorXml(r: S3Refusal, resource: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(r.code)}</Code><Message>${esc(r.message)}</Message><Resource>${esc(resource)}</Resource><RequestId>gateway</RequestId></Error>`;
}

export async function startS3Gateway(opts: S3GatewayOptions): Promise<S3Gateway> {
  const target = new URL(opts.target);
  let refused = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const refusal = opts.refuse({ method: req.method ?? "GET", url });
    if (refusal) {
      refused += 1;
      req.resume(); // read and drop any body
      req.on("end", () => {
        const body = errorXml(refusal, url.pathname);
        res.writeHead(refusal.status, {
          "content-type": "application/xml",
          "content-length": Buffer.byteLength(body),
        });
        res.end(body);
      });
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.on("error", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
