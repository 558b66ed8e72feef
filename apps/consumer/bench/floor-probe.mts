import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { ensureTopic } from "@weblog/kafka-client";
import kafkajs from "kafkajs";

const brokers = process.env.KAFKA_BROKERS!;
const kafka = new kafkajs.Kafka({
  clientId: "probe",
  brokers: brokers.split(","),
  logLevel: kafkajs.logLevel.NOTHING,
});
const uid = Math.random().toString(36).slice(2, 8);
const topics = Array.from({ length: 16 }, (_, i) => `floor-${uid}-${i}`);
for (const t of topics) await ensureTopic(kafka, { topic: t, partitions: 4 });
const variants = (process.env.VARIANTS ?? "").split("|");
for (const flags of variants) {
  for (let rep = 0; rep < 2; rep++) {
    const child = spawn(
      process.execPath,
      [
        ...flags.split(" ").filter(Boolean),
        "dist/main.js",
        "--sink",
        "--topics",
        topics.join(","),
        "--group",
        `floor-${uid}-${Math.random()}`,
        "--flush-size",
        "10000",
      ],
      {
        env: {
          ...process.env,
          S3_BUCKET: "weblogs",
          AWS_ACCESS_KEY_ID: "minioadmin",
          AWS_SECRET_ACCESS_KEY: "minioadmin",
          WEBLOG_LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => (err += d));
    const deadline = Date.now() + 60_000;
    while (!/joined the group/.test(err) && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    const st = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+)`).exec(st)?.[1]) / 1024;
    console.log(
      JSON.stringify(flags || "(none)"),
      "joined",
      /joined the group/.test(err),
      "HWM",
      kb("VmHWM").toFixed(1),
      "RSS",
      kb("VmRSS").toFixed(1),
      child.exitCode ?? "",
      child.exitCode !== null ? err.slice(-300) : "",
    );
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}
