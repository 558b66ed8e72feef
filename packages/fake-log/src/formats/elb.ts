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
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** Seconds with three decimals from whole milliseconds (what toFixed(3) prints, without its cost). */
const secs = (ms: number): string => `${Math.floor(ms / 1000)}.${pad3(ms % 1000)}`;

const FIXED_TAIL = ` ${ALB.sslCipher} ${ALB.sslProtocol} ${ALB.targetGroupArn}`;
const CERT = `"${ALB.domain}" "${ALB.certArn}" 0`;

export function formatElb(r: WebLogRecord): string {
  const h = recordHash(r);
  const slow = r.status_code === 504 ? 30_000 : r.status_code >= 500 ? 2000 : 250;
  // Processing times in whole ms (ALB prints seconds with 3 decimals).
  const reqMs = Math.floor(part(h, 1) * 2);
  const targetMs = 1 + Math.floor(part(h, 5) * part(h, 11) * slow);
  const respMs = 0;
  const totalMs = reqMs + targetMs + respMs;
  const ts = r.timestamp;
  // request_creation_time is the record's time; `time` (response sent) adds the processing times.
  const created = `${ts.slice(0, 23)}${pad3((h >>> 10) % 1000)}Z`;
  const ms = Number(ts.slice(20, 23)) + totalMs;
  const sentMs =
    ms < 1000
      ? `${ts.slice(0, 20)}${pad3(ms)}`
      : new Date(Date.parse(ts) + totalMs).toISOString().slice(0, 23);
  const sent = `${sentMs}${pad3(h % 1000)}Z`;
  const target = `${ALB.targets[h % ALB.targets.length]}:${ALB.targetPort}`;
  const trace = `Root=1-${hex(Math.floor(Date.parse(ts) / 1000), 8)}-${hex(h, 8)}${hex(Math.imul(h, 0x9e3779b1), 8)}${hex(Math.imul(h, 0x85ebca6b), 8)}`;
  const ua =
    r.user_agent.includes('"') || r.user_agent.includes("\\")
      ? r.user_agent.replace(/["\\]/g, (c) => `\\${c}`)
      : r.user_agent;
  const status = r.status_code;
  return `${ALB.type} ${sent} ${ALB.name} ${r.ip}:${clientPort(h)} ${target} ${secs(reqMs)} ${secs(targetMs)} ${secs(respMs)} ${status} ${status} ${requestBytes(r, h)} ${responseBytes(r, h)} "${r.method} https://${ALB.domain}:443${r.url} HTTP/1.1" "${ua}"${FIXED_TAIL} "${trace}" ${CERT} ${created} "forward" "-" "-" "${target}" "${status}" "-" "-" TID_${hex(h, 8)}${hex(Math.imul(h, 0xc2b2ae35), 8)}`;
}
