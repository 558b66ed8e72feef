import { createConnection, createServer, type Server, type Socket } from "node:net";

export type TcpProxyOptions = {
  /** Where connections are forwarded. */
  target: { host: string; port: number };
  /** Port to listen on (127.0.0.1); 0 (default) picks a free one, kept across pause()/resume(). */
  port?: number;
  /** Fixed one-way latency (ms) added to what the client sends: each chunk is forwarded this long after it arrived. Default 0. */
  delayMs?: number;
};

export type TcpProxy = {
  readonly port: number;
  /** Stops listening and destroys every live connection: new connections are refused. The port is kept. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  setDelay(ms: number): void;
  /** Bytes the target has sent back to clients so far (responses: e.g. S3 GET bytes, with HTTP headers). */
  bytesFromTarget(): number;
  /** Like pause(), for good. */
  close(): Promise<void>;
};

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/**
 * Forwards client->upstream chunks in order, each `delay()` ms after it ARRIVED (no timer at all when it is 0): a
 * fixed one-way latency, like a far-away server's, not a throughput limit. A request of many chunks (a large PUT
 * body) is late by `delay()` once, not once per chunk; chunks waiting are held in memory (bounded by what the
 * client can send in `delay()` ms, and TCP backpressure from the upstream socket still applies on write).
 */
function forwardDelayed(from: Socket, to: Socket, delay: () => number): void {
  let chain = Promise.resolve();
  from.on("data", (chunk) => {
    const ms = delay();
    const due = performance.now() + ms;
    chain = chain.then(async () => {
      const wait = due - performance.now();
      if (ms > 0 && wait > 0) await new Promise<void>((r) => setTimeout(r, wait));
      if (!to.destroyed) to.write(chunk);
    });
  });
  from.on("end", () => {
    chain = chain.then(() => {
      to.end();
    });
  });
}

/**
 * A TCP proxy on 127.0.0.1 in front of a server, so any server can be "paused" (connections refused, port and the
 * server's data kept) and given latency, whatever it supports itself.
 */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  let delayMs = options.delayMs ?? 0;
  let fromTarget = 0;
  const sockets = new Set<Socket>();
  const onConnection = (client: Socket) => {
    const upstream = createConnection({
      port: options.target.port,
      host: options.target.host,
      allowHalfOpen: true,
    });
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    forwardDelayed(client, upstream, () => delayMs);
    upstream.on("data", (chunk: Buffer) => {
      fromTarget += chunk.length;
    });
    upstream.pipe(client);
  };
  let server = createServer({ allowHalfOpen: true }, onConnection);
  const port = await listen(server, options.port ?? 0);
  let listening = true;

  const stopListening = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };

  return {
    port,
    pause: stopListening,
    async resume() {
      if (listening) return;
      server = createServer({ allowHalfOpen: true }, onConnection);
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          await listen(server, port);
          listening = true;
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    bytesFromTarget: () => fromTarget,
    close: stopListening,
  };
}
