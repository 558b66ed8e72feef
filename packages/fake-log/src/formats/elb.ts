/**
 * AWS Application Load Balancer access-log entry (the ELB v2 layout AWS writes to S3), one line per record:
 * `type time elb client:port target:port request_processing_time target_processing_time response_processing_time
 * elb_status_code target_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol
 * target_group_arn "trace_id" "domain_name" "chosen_cert_arn" matched_rule_priority request_creation_time
 * "actions_executed" "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
 * "classification_reason" conn_trace_id`.
 * `request_creation_time` is the record's timestamp; `time` (response sent) adds the processing times. Sizes,
 * ports, times and ids are a pure function of the record (formats/detail.ts).
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { ALB } from "../data/formats";
import { clientPort, part, recordHash, requestBytes, responseBytes } from "./detail";

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, "0").slice(-width);

/** ISO time with microseconds, as ALB writes it: `2026-11-25T06:00:00.123456Z`. */
function micros(ms: number, extraMicros: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(extraMicros).padStart(3, "0")}Z`;
}

export function formatElb(r: WebLogRecord): string {
  const h = recordHash(r);
  const received = Date.parse(r.timestamp);
  const slow = r.status_code === 504 ? 30 : r.status_code >= 500 ? 2 : 0.25;
  const reqTime = 0.0001 + part(h, 1) * 0.002;
  const targetTime = 0.001 + part(h, 5) * part(h, 11) * slow;
  const respTime = 0.00002 + part(h, 13) * 0.0002;
  const totalMs = Math.floor((reqTime + targetTime + respTime) * 1000);
  const target = `${ALB.targets[h % ALB.targets.length]}:${ALB.targetPort}`;
  const epoch = Math.floor(received / 1000);
  const trace = `Root=1-${hex(epoch, 8)}-${hex(h, 8)}${hex(Math.imul(h, 0x9e3779b1), 8)}${hex(Math.imul(h, 0x85ebca6b), 8)}`;
  const request = `${r.method} https://${ALB.domain}:443${r.url} HTTP/1.1`;
  const ua = r.user_agent.replace(/["\\]/g, (c) => `\\${c}`);
  return [
    ALB.type,
    micros(received + totalMs, h % 1000),
    ALB.name,
    `${r.ip}:${clientPort(h)}`,
    target,
    reqTime.toFixed(3),
    targetTime.toFixed(3),
    respTime.toFixed(3),
    r.status_code,
    r.status_code,
    requestBytes(r, h),
    responseBytes(r, h),
    `"${request}"`,
    `"${ua}"`,
    ALB.sslCipher,
    ALB.sslProtocol,
    ALB.targetGroupArn,
    `"${trace}"`,
    `"${ALB.domain}"`,
    `"${ALB.certArn}"`,
    "0",
    micros(received, (h >>> 10) % 1000),
    '"forward"',
    '"-"',
    '"-"',
    `"${target}"`,
    `"${r.status_code}"`,
    '"-"',
    '"-"',
    `TID_${hex(h, 8)}${hex(Math.imul(h, 0xc2b2ae35), 8)}`,
  ].join(" ");
}
