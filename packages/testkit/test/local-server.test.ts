import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalS3Server } from "../src/index";

describe("startLocalS3Server failures name the cause and the fix", () => {
  it("a missing install says to run scripts/setup.sh", async () => {
    const empty = mkdtempSync(join(tmpdir(), "weblog-cache-"));
    const saved = process.env.WEBLOG_CACHE_DIR;
    process.env.WEBLOG_CACHE_DIR = empty;
    try {
      await expect(startLocalS3Server()).rejects.toThrow(
        /is not installed in .*: run `bash scripts\/setup\.sh`/,
      );
    } finally {
      if (saved === undefined) delete process.env.WEBLOG_CACHE_DIR;
      else process.env.WEBLOG_CACHE_DIR = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("a port in use is named as such", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startLocalS3Server({ port })).rejects.toThrow(new RegExp(`port ${port} .*in use`));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
