import { parsePromText, type Sample } from "./prom-text";

/** One scrape of an app's /metrics: its samples, or why it did not answer (the app finished, or is not up yet). */
export type Scrape = { up: true; samples: Sample[] } | { up: false; error: string };

export async function scrape(url: string, timeoutMs = 2000): Promise<Scrape> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { up: false, error: `HTTP ${res.status}` };
    return { up: true, samples: parsePromText(await res.text()) };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { up: false, error: cause ?? (err as Error).message };
  }
}

/** `http://host:port` or `http://host:port/metrics` -> the /metrics URL. */
export function metricsUrl(base: string): string {
  const u = new URL(base);
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/metrics";
  return u.toString();
}
