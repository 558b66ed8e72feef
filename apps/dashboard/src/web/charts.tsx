import type { HistogramPart } from "../shared/state";
import { count, seconds } from "./format";

/** A histogram as SVG bars, one per bucket (its upper bound under it). */
export function Histogram({ h, unit }: { h: HistogramPart; unit: string }) {
  const max = Math.max(1, ...h.buckets.map((b) => b.count));
  const w = 560;
  const barW = w / Math.max(1, h.buckets.length);
  return (
    <svg class="histogram" viewBox={`0 0 ${w} 154`} role="img" aria-label={`histogram (${unit})`}>
      {h.buckets.map((b, i) => {
        const bh = (110 * b.count) / max;
        return (
          <g key={String(b.le)}>
            <rect x={i * barW + 3} y={120 - bh} width={barW - 6} height={bh} class="bar" />
            {b.count > 0 && (
              <text x={i * barW + barW / 2} y={115 - bh} class="tiny mid">
                {count(b.count)}
              </text>
            )}
            <text x={i * barW + barW / 2} y={138} class="tiny mid">
              {seconds(b.le)}
            </text>
          </g>
        );
      })}
      <text x={0} y={150} class="tiny">
        bucket upper bounds
      </text>
    </svg>
  );
}

/** Label -> count, as a small table (cut reasons, DLQ reasons). */
export function Counts({ rows, empty, id }: { rows: Record<string, number>; empty: string; id: string }) {
  const entries = Object.entries(rows).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p class="muted">{empty}</p>;
  return (
    <table class="counts" data-testid={id}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <td>{k}</td>
            <td class="num" data-value={v}>
              {count(v)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
