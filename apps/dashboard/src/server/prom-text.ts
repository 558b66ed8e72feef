/**
 * Prometheus text exposition format (0.0.4), the part a dashboard reads: one sample per line, `name{labels} value`.
 * Comments (# HELP / # TYPE), timestamps and exemplars are ignored. Pure. (The npm parsers for this format are
 * unmaintained; the grammar of a sample line is a dozen lines.)
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    }
    const v = m[3] as string;
    const value =
      v === "+Inf" ? Number.POSITIVE_INFINITY : v === "-Inf" ? Number.NEGATIVE_INFINITY : Number(v);
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

/** Sum of every sample named `name` (all label sets); 0 when there is none. */
export function total(samples: Sample[], name: string): number {
  let n = 0;
  for (const s of samples) if (s.name === name) n += s.value;
  return n;
}

/** `name`'s samples keyed by one label's value. */
export function byLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name) continue;
    const k = s.labels[label] ?? "";
    out[k] = (out[k] ?? 0) + s.value;
  }
  return out;
}

/** A histogram's cumulative buckets (`<name>_bucket`), count and sum. */
export function histogram(
  samples: Sample[],
  name: string,
): { buckets: { le: number; count: number }[]; count: number; sum: number } {
  const buckets = samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({
      le: s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le),
      count: s.value,
    }))
    .sort((a, b) => a.le - b.le);
  return { buckets, count: total(samples, `${name}_count`), sum: total(samples, `${name}_sum`) };
}
