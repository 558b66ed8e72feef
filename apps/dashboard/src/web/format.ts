/** Number and time formatting for the page. Pure. */
export const count = (n: number | null | undefined): string =>
  n === null || n === undefined ? "–" : Math.round(n).toLocaleString("en-US");

export const rate = (n: number | null | undefined): string =>
  n === null || n === undefined
    ? "–"
    : `${n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1)}/s`;

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function seconds(s: number | null): string {
  if (s === null) return "+Inf";
  return s < 1 ? `${Math.round(s * 1000)}ms` : `${s}s`;
}

export function ms(v: number): string {
  const sign = v < 0 ? "-" : "";
  const a = Math.abs(v);
  return `${sign}${a < 1000 ? `${Math.round(a)}ms` : `${(a / 1000).toFixed(1)}s`}`;
}

export function ago(atMs: number | null, nowMs: number): string {
  if (atMs === null) return "–";
  const s = Math.max(0, Math.round((nowMs - atMs) / 1000));
  return s < 60 ? `${s}s ago` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s ago`;
}
