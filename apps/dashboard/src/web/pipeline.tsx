import type { DashboardState } from "../shared/state";
import { count, rate } from "./format";

/**
 * The pipeline as a picture: producer -> topic partitions -> sink (or Connect) -> bucket, records per second on the
 * arrows, each partition with its lag. Plain SVG: one picture needs no chart library.
 */
export function Pipeline({ s }: { s: DashboardState }) {
  const parts = s.partitions.length > 0 ? s.partitions : [{ partition: 0, lag: null, high: null }];
  const rowH = 34;
  const height = Math.max(190, 40 + parts.length * rowH);
  const mid = height / 2;
  const maxLag = Math.max(1, ...parts.map((p) => p.lag ?? 0));
  const engine = s.engine === "connect" ? "Kafka Connect" : "S3 sink";
  return (
    <svg class="pipeline" viewBox={`0 0 1000 ${height}`} role="img" aria-label="pipeline">
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#5b6b7f" />
        </marker>
      </defs>
      <Box
        x={10}
        y={mid - 45}
        w={150}
        h={90}
        title="producer"
        lines={
          s.producer?.up
            ? [`${count(s.producer.acked)} acked`, "running"]
            : [
                `${count(parts.reduce((n, p) => n + (p.high ?? 0), 0))} in the topic`,
                s.producer ? "finished" : "no metrics",
              ]
        }
        tone={s.producer?.up ? "live" : "idle"}
      />
      <Arrow x1={160} x2={300} y={mid} label={rate(s.rates.produced)} id="rate-produced" />
      <g>
        <text x={310} y={18} class="caption">
          topic {s.topic}
        </text>
        {parts.map((p, i) => {
          const y = 28 + i * rowH;
          const lag = p.lag ?? 0;
          return (
            <g key={p.partition}>
              <rect x={300} y={y} width={200} height={rowH - 6} rx={5} class="part" />
              <rect x={300} y={y + rowH - 10} width={(200 * lag) / maxLag} height={4} class="lagbar" />
              <text x={310} y={y + 18} class="small">
                p{p.partition} · high {count(p.high)}
              </text>
              <text
                x={490}
                y={y + 18}
                class="small end"
                data-testid={`lag-${p.partition}`}
                data-value={p.lag ?? ""}
              >
                lag {count(p.lag)}
              </text>
            </g>
          );
        })}
      </g>
      <Arrow x1={500} x2={640} y={mid} label={rate(s.rates.consumed)} id="rate-consumed" />
      <Box
        x={640}
        y={mid - 45}
        w={150}
        h={90}
        title={engine}
        lines={
          s.sink
            ? [
                `${count(s.sink.recordsIn)} in`,
                `${count(s.sink.bufferedRecords)} buffered${s.sink.paused ? `, ${s.sink.paused} paused` : ""}`,
              ]
            : ["no Prometheus:", "Kafka + S3 shown"]
        }
        tone={s.sink?.up ? "live" : "idle"}
      />
      <Arrow x1={790} x2={850} y={mid} label={rate(s.rates.written)} id="rate-written" />
      <Box
        x={850}
        y={mid - 45}
        w={140}
        h={90}
        title={`s3://${s.bucket}`}
        lines={[`${count(s.s3?.objects)} objects`, `${count(s.s3?.records)} records`]}
        tone="store"
      />
    </svg>
  );
}

function Box(p: {
  x: number;
  y: number;
  w: number;
  h: number;
  title: string;
  lines: string[];
  tone: string;
}) {
  return (
    <g>
      <rect x={p.x} y={p.y} width={p.w} height={p.h} rx={10} class={`box ${p.tone}`} />
      <text x={p.x + p.w / 2} y={p.y + 26} class="title mid">
        {p.title}
      </text>
      {p.lines.map((l, i) => (
        <text key={l} x={p.x + p.w / 2} y={p.y + 50 + i * 20} class="small mid">
          {l}
        </text>
      ))}
    </g>
  );
}

function Arrow(p: { x1: number; x2: number; y: number; label: string; id: string }) {
  return (
    <g>
      <line x1={p.x1 + 4} y1={p.y} x2={p.x2 - 4} y2={p.y} class="arrow" marker-end="url(#arrow)" />
      <text x={(p.x1 + p.x2) / 2} y={p.y - 8} class="small mid" data-testid={p.id}>
        {p.label}
      </text>
    </g>
  );
}
