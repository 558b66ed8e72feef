/**
 * Constants the output formats fill in around a record (src/formats/): host and program names for syslog, the load
 * balancer's identity for ELB/ALB lines, and the messages of Apache's error log. Data only; no logic.
 */

/** Web servers behind the load balancer; a record's host is picked by a hash of its address (stable per client). */
export const HOSTS = ["web-1", "web-2", "web-3", "web-4"] as const;

/** syslog APP-NAME / TAG and facility (local7 = 23, where web servers usually log). */
export const SYSLOG = { appName: "httpd", facility: 23, msgId: "access" } as const;

/** syslog severity by status class: 5xx err (3), 4xx warning (4), otherwise informational (6). */
export const SEVERITY_BY_CLASS: Readonly<Record<number, number>> = { 1: 6, 2: 6, 3: 6, 4: 4, 5: 3 };

/** An Application Load Balancer (the fields AWS writes for an ALB, see src/formats/elb.ts). */
export const ALB = {
  type: "https",
  name: "app/weblog-alb/50dc6c495c0c9188",
  domain: "shop.example.com",
  targetGroupArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/weblog-web/73e2d6bc24d8a067",
  certArn: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
  sslCipher: "ECDHE-RSA-AES128-GCM-SHA256",
  sslProtocol: "TLSv1.2",
  /** Private addresses of the targets (one per host in HOSTS). */
  targets: ["10.0.1.11", "10.0.1.12", "10.0.2.11", "10.0.2.12"],
  targetPort: 80,
} as const;

/**
 * Apache error-log lines by status: [module, level, message template]. `{url}` is the request path, `{file}` its
 * file under the document root. Statuses without an entry use the `default` list.
 */
export type ErrorLogEntry = readonly [module: string, level: string, message: string];
export const ERROR_LOG: Readonly<Record<string, readonly ErrorLogEntry[]>> = {
  "404": [["core", "info", "AH00128: File does not exist: /var/www/html{file}"]],
  "403": [["authz_core", "error", "AH01630: client denied by server configuration: /var/www/html{file}"]],
  "401": [["auth_basic", "error", "AH01618: user admin not found: {url}"]],
  "400": [["core", "error", "AH00126: Invalid URI in request {method} {url} HTTP/1.1"]],
  "405": [["core", "error", "AH00131: Method {method} not allowed for {url}"]],
  "429": [["ratelimit", "warn", "AH01455: rate limit exceeded for {url}"]],
  "500": [
    [
      "proxy_fcgi",
      "error",
      "AH01071: Got error 'PHP message: PHP Fatal error: Uncaught Exception in /var/www/app/index.php:212'",
    ],
  ],
  "502": [["proxy", "error", "AH01102: error reading status line from remote server 127.0.0.1:9000"]],
  "503": [["proxy", "error", "AH00940: HTTP: disabled connection for (127.0.0.1:9000)"]],
  "504": [["proxy_http", "error", "AH01110: error reading response from backend for {url}"]],
  default: [
    ["ssl", "debug", "ssl_engine_io.c(1108): AH02001: Connection closed to child 12 with standard shutdown"],
    [
      "http2",
      "debug",
      "h2_session.c(2278): AH03078: h2_session(42,DONE,0): transit [DONE] -- {method} {url}",
    ],
    [
      "authz_core",
      "debug",
      "mod_authz_core.c(815): AH01626: authorization result of Require all granted: granted",
    ],
  ],
};
