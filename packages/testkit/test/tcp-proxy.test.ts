import { createConnection, createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy } from "../src/index";

/** One request/answer over a fresh connection: sends `text`, resolves with what comes back before the close. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, "127.0.0.1");
    let got = "";
    socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
    socket.on("data", (d) => {
      got += d.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(got));
    socket.end(text);
  });
}

describe("startTcpProxy", () => {
  let echo: Server;
  let echoPort: number;

  beforeAll(async () => {
    // upper-cases what it receives and closes after the client's end
    echo = createServer((s) => {
      s.on("data", (d) => s.write(d.toString().toUpperCase()));
      s.on("end", () => s.end());
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    echoPort = (echo.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => echo.close(r));
  });

  it("forwards both ways, refuses connections while paused, and serves the same port after resume", async () => {
    const proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: echoPort } });
    try {
      expect(await roundTrip(proxy.port, "hello")).toBe("HELLO");
      expect(proxy.bytesFromTarget()).toBe(5); // what the target sent back, counted
      // a live connection is cut by pause()
      const live = createConnection(proxy.port, "127.0.0.1");
      const closed = new Promise((r) => live.on("close", r));
      live.on("error", () => {});
      await new Promise((r) => live.once("connect", r));
      await proxy.pause();
      await closed;
      await expect(roundTrip(proxy.port, "x")).rejects.toMatchObject({ code: "ECONNREFUSED" });
      await proxy.resume();
      expect(await roundTrip(proxy.port, "again")).toBe("AGAIN");
    } finally {
      await proxy.close();
    }
  });

  it("adds the configured delay before forwarding, and none once it is set back to 0", async () => {
    const proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: echoPort }, delayMs: 300 });
    try {
      let t0 = performance.now();
      expect(await roundTrip(proxy.port, "slow")).toBe("SLOW");
      const delayed = performance.now() - t0;
      expect(delayed).toBeGreaterThanOrEqual(295); // a lower bound only: it can be slower, never faster
      proxy.setDelay(0);
      t0 = performance.now();
      expect(await roundTrip(proxy.port, "fast")).toBe("FAST");
    } finally {
      await proxy.close();
    }
  });
});
