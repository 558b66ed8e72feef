/**
 * connect/register.sh against a stand-in for Kafka Connect's REST API (a local HTTP server answering the three calls
 * the script makes), since no Connect runs here: it must wait while Connect is still starting, PUT exactly the
 * file's config to /connectors/<name>/config, wait for the task to run, and fail clearly when it does not.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CONNECTOR_JSON, REGISTER_SCRIPT } from "./paths";

const hasCurl = (() => {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const NO_CURL = "no curl on PATH to run register.sh with (the script runs in curlimages/curl)";

interface Fake {
  url: string;
  puts: { path: string; body: string; contentType: string | undefined }[];
  close(): Promise<void>;
}

async function fakeConnect(opts: { unavailableFor: number; taskState: "RUNNING" | "FAILED" }): Promise<Fake> {
  const puts: Fake["puts"] = [];
  let listCalls = 0;
  let statusCalls = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const send = (status: number, doc: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(doc));
      };
      if (req.method === "GET" && req.url === "/connectors") {
        listCalls++;
        return listCalls <= opts.unavailableFor ? send(503, { error_code: 503 }) : send(200, []);
      }
      if (req.method === "PUT" && req.url === "/connectors/weblogs-s3-sink/config") {
        puts.push({ path: req.url, body, contentType: req.headers["content-type"] });
        return send(201, { name: "weblogs-s3-sink", config: JSON.parse(body), tasks: [] });
      }
      if (req.method === "GET" && req.url === "/connectors/weblogs-s3-sink/status") {
        statusCalls++;
        const tasks = statusCalls === 1 ? [] : [{ id: 0, state: opts.taskState, worker_id: "connect:8083" }];
        return send(200, { name: "weblogs-s3-sink", connector: { state: "RUNNING" }, tasks, type: "sink" });
      }
      send(404, { error_code: 404, message: `${req.method} ${req.url}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    puts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function runRegister(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "sh",
      [REGISTER_SCRIPT],
      { env: { ...process.env, ...env }, timeout: 40_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("register.sh", () => {
  it("waits for Connect, PUTs the file's config as JSON, and exits 0 once the task runs", async (ctx) => {
    if (!hasCurl) ctx.skip(NO_CURL);
    const connect = await fakeConnect({ unavailableFor: 1, taskState: "RUNNING" });
    try {
      const out = await runRegister({ CONNECT_URL: connect.url, CONNECTOR_FILE: CONNECTOR_JSON });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain("weblogs-s3-sink is running");
      expect(connect.puts).toHaveLength(1);
      expect(connect.puts[0]?.contentType).toBe("application/json");
      expect(JSON.parse(connect.puts[0]?.body ?? "")).toEqual(
        JSON.parse(readFileSync(CONNECTOR_JSON, "utf8")).config,
      );
    } finally {
      await connect.close();
    }
  }, 45_000);

  it("exits 1 naming the connector when its task fails", async (ctx) => {
    if (!hasCurl) ctx.skip(NO_CURL);
    const connect = await fakeConnect({ unavailableFor: 0, taskState: "FAILED" });
    try {
      const out = await runRegister({ CONNECT_URL: connect.url, CONNECTOR_FILE: CONNECTOR_JSON });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain("weblogs-s3-sink failed");
    } finally {
      await connect.close();
    }
  }, 45_000);

  it("exits 2 when the connector file is missing", async (ctx) => {
    if (!hasCurl) ctx.skip(NO_CURL);
    const out = await runRegister({
      CONNECT_URL: "http://127.0.0.1:9",
      CONNECTOR_FILE: "/nonexistent/s3-sink.json",
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("cannot read /nonexistent/s3-sink.json");
  });
});
