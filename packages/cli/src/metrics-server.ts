import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ExpectedError } from "./errors";

/**
 * The HTTP side of an app's metrics: `GET /metrics` (Prometheus text, whatever registry the app keeps: prom-client's
 * `Registry` fits the shape), `GET /healthz` (the process answers: alive) and `GET /readyz` (the app's own check:
 * 200 when ready, 503 with the reasons when not). Nothing else; no library needed for three routes on node:http.
 */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface Readiness {
  ready: boolean;
  /** Named checks (e.g. `{ joined: true, s3: false }`) shown in the body. */
  checks: Record<string, boolean | string>;
}

export interface MetricsServerOptions {
  /** Default 127.0.0.1: metrics are not published beyond the machine unless asked (`--metrics-host 0.0.0.0`). */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  registry: MetricsSource;
  ready?: () => Promise<Readiness> | Readiness;
  /** The flag that set the port, for the one-line error when it is taken. */
  flag?: string;
}

export interface MetricsServer {
  /** `http://host:port` as bound. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    const answer = async () => {
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "GET only\n");
      if (path === "/metrics") return send(200, opts.registry.contentType, await opts.registry.metrics());
      if (path === "/healthz") return send(200, "application/json", '{"alive":true}\n');
      if (path === "/readyz") {
        const r = opts.ready ? await opts.ready() : { ready: true, checks: {} };
        return send(r.ready ? 200 : 503, "application/json", `${JSON.stringify(r)}\n`);
      }
      return send(404, "text/plain", "not found: try /metrics, /healthz, /readyz\n");
    };
    answer().catch((err: unknown) => send(500, "text/plain", `${(err as Error).message}\n`));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const flag = opts.flag ?? "--metrics-port";
      const why = err.code === "EADDRINUSE" ? "is in use" : `cannot be bound (${err.code ?? err.message})`;
      reject(
        new ExpectedError(
          `${flag} ${opts.port}: ${host}:${opts.port} ${why}; pick another port or 0 for a free one.`,
          {
            cause: err,
          },
        ),
      );
    });
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
