/**
 * Named reports (`--report <name>`): a few titled queries over the `logs` view. Pure data: SQL text only.
 *
 * Bots are recognised by their User-Agent: the usual crawler words plus the scripted clients fake-log and real
 * traffic send (curl, wget, python-requests, Go's and Java's HTTP clients, headless browsers).
 */

export interface ReportSection {
  title: string;
  sql: string;
}

export const BOT_PATTERN =
  "(?i)(bot|crawl|spider|slurp|curl|wget|python-requests|go-http-client|okhttp|java/|httpclient|headless|scrapy|facebookexternalhit)";

/**
 * 5xx bursts: runs of consecutive minutes whose 5xx count is at least 5 and at least 3x the median minute's. The
 * median, not mean + k sd: a long storm inflates the mean and the deviation until it hides itself.
 */
const BURSTS = `
WITH per_minute AS (
  SELECT date_trunc('minute', timestamp) AS minute, count(*) FILTER (WHERE status_code >= 500) AS e5xx, count(*) AS n
  FROM logs GROUP BY 1
), stats AS (
  SELECT median(e5xx) AS med FROM per_minute
), hot AS (
  SELECT p.*, p.minute - (row_number() OVER (ORDER BY p.minute)) * INTERVAL 1 MINUTE AS island
    FROM per_minute p, stats s WHERE p.e5xx >= 5 AND p.e5xx >= 3 * s.med
)
SELECT min(minute) AS "from", max(minute) + INTERVAL 1 MINUTE AS "to", count(*) AS minutes,
       sum(e5xx) AS "5xx", max(e5xx) AS peak_per_minute, round(100.0 * sum(e5xx) / sum(n), 1) AS "5xx_pct"
FROM hot GROUP BY island ORDER BY "from"`;

export const REPORTS: Readonly<Record<string, readonly ReportSection[]>> = {
  traffic: [
    {
      title: "requests per minute",
      sql: `SELECT date_trunc('minute', timestamp) AS minute, count(*) AS requests,
              count(*) FILTER (WHERE status_code >= 500) AS "5xx", count(DISTINCT ip) AS clients
            FROM logs GROUP BY 1 ORDER BY 1`,
    },
    {
      title: "status classes",
      sql: `SELECT (status_code // 100)::VARCHAR || 'xx' AS class, count(*) AS requests,
              round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct
            FROM logs GROUP BY 1 ORDER BY 1`,
    },
    {
      title: "top URLs (path, without the query)",
      sql: `SELECT split_part(url, '?', 1) AS path, count(*) AS requests,
              count(*) FILTER (WHERE status_code >= 400) AS errors
            FROM logs GROUP BY 1 ORDER BY requests DESC, path LIMIT 10`,
    },
    {
      title: "top clients",
      sql: `SELECT ip, count(*) AS requests, any_value(user_agent) AS a_user_agent
            FROM logs GROUP BY 1 ORDER BY requests DESC, ip LIMIT 10`,
    },
    {
      title: "bot share",
      sql: `SELECT count(*) AS requests, count(*) FILTER (WHERE regexp_matches(user_agent, '${BOT_PATTERN}')) AS bot_requests,
              round(100.0 * count(*) FILTER (WHERE regexp_matches(user_agent, '${BOT_PATTERN}')) / nullif(count(*), 0), 2) AS bot_pct,
              count(DISTINCT ip) FILTER (WHERE regexp_matches(user_agent, '${BOT_PATTERN}')) AS bot_clients
            FROM logs`,
    },
    { title: "5xx bursts (minutes with >= 5 and >= 3x the median minute's 5xx)", sql: BURSTS },
  ],
};

export const REPORT_NAMES = Object.keys(REPORTS);
