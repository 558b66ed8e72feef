const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return countFormat.format(n);
}

/** Records per second, compact: 850 -> "850/s", 12_345 -> "12.3k/s", 2_500_000 -> "2.50M/s". */
export function formatRate(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "-/s";
  if (n < 10) return `${n.toFixed(1)}/s`;
  if (n < 1000) return `${Math.round(n)}/s`;
  if (n < 100_000) return `${(n / 1000).toFixed(1)}k/s`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k/s`;
  return `${(n / 1_000_000).toFixed(2)}M/s`;
}

/** Milliseconds, human: 850 -> "850ms", 12_345 -> "12.3s", 125_000 -> "2m05s", 3_723_000 -> "1h02m03s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (v: number) => String(v).padStart(2, "0");
  return h > 0 ? `${h}h${pad(m)}m${pad(s)}s` : `${m}m${pad(s)}s`;
}
