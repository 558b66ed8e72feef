import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { DashboardState, IcebergPart } from "../shared/state";
import { Counts, Histogram } from "./charts";
import { ago, bytes, count, ms, rate } from "./format";
import { Pipeline } from "./pipeline";
import "./style.css";

/** Polls /api/state every second and renders it. Every number a test reads carries data-testid and data-value. */
function App() {
  const [s, setS] = useState<DashboardState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    const tick = async () => {
      try {
        const res = await fetch("./api/state", { cache: "no-store" });
        const next = (await res.json()) as DashboardState | null;
        if (alive && next) setS(next);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    };
    void tick();
    const t = setInterval(tick, 1000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, []);
  if (!s)
    return (
      <main>
        <h1>weblog pipeline</h1>
        <p class="muted">{error ?? "waiting for the first poll…"}</p>
      </main>
    );
  const objectsByReason = s.sink?.objectsByReason ?? s.s3?.reasons ?? {};
  // A finished producer's last scrape may be short of its last acks: the topic's watermarks then say what it wrote.
  const inTopic = s.partitions.every((p) => p.high !== null)
    ? s.partitions.reduce((n, p) => n + (p.high ?? 0), 0)
    : null;
  const produced = s.producer?.up ? s.producer.acked : (inTopic ?? s.producer?.acked);
  return (
    <main>
      <header>
        <h1>weblog pipeline</h1>
        <span class="muted">
          topic <b>{s.topic}</b> · bucket <b>{s.bucket}</b> · engine <b>{s.engine}</b> · updated{" "}
          <span data-testid="updated">{new Date(s.atMs).toISOString().slice(11, 19)}Z</span>
          {error ? ` · ${error}` : ""}
        </span>
      </header>
      <Pipeline s={s} />
      <section class="stats">
        <Stat
          id="produced"
          label={s.producer?.up ? "produced (acked)" : "in the topic"}
          value={produced}
          sub={
            s.producer?.up ? rate(s.rates.produced) : s.producer ? "producer finished" : "no producer metrics"
          }
        />
        <Stat id="consumed" label="read by the sink" value={s.sink?.recordsIn} sub={rate(s.rates.consumed)} />
        <Stat
          id="written"
          label="records in S3"
          value={s.s3?.records}
          sub={`${count(s.s3?.detailed)} of ${count(s.s3?.objects)} objects read`}
        />
        <Stat id="objects" label="objects in S3" value={s.s3?.objects} sub={bytes(s.s3?.bytes)} />
        <Stat
          id="sink-objects"
          label="objects the sink wrote"
          value={s.sink?.objects}
          sub={s.sink ? `${count(s.sink.commits)} commits` : "no sink metrics"}
        />
        <Stat
          id="dlq"
          label="DLQ"
          value={s.sink?.dlq}
          sub={s.sink ? `${count(s.sink.retries)} S3 retries` : ""}
        />
      </section>
      <section class="grid">
        <div class="card wide">
          <h2>Newest objects</h2>
          <table class="objects" data-testid="objects">
            <thead>
              <tr>
                <th>key</th>
                <th>p</th>
                <th>records</th>
                <th>size</th>
                <th>cut reason</th>
                <th>stored</th>
              </tr>
            </thead>
            <tbody>
              {(s.s3?.newest ?? []).map((o) => (
                <tr key={o.key}>
                  <td class="key">{o.key.split("/").pop()}</td>
                  <td class="num">{o.partition}</td>
                  <td class="num" data-value={o.records ?? ""}>
                    {count(o.records)}
                  </td>
                  <td class="num">{bytes(o.size)}</td>
                  <td>
                    {o.reason ?? "–"}
                    {o.reasonFrom === "derived" ? (
                      <span title="derived from the record count (no object metadata)">*</span>
                    ) : null}
                  </td>
                  <td class="muted">{ago(o.lastModifiedMs, s.atMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.s3?.newest.some((o) => o.reasonFrom === "derived") ? (
            <p class="muted">
              * derived: a full object (flush.size records) was cut by flush.size, a shorter one by the
              interval or a stop.
            </p>
          ) : null}
        </div>
        {s.iceberg ? <Snapshots s={s} /> : null}
        <div class="card">
          <h2>End-to-end latency</h2>
          <p class="muted">Kafka record timestamp → its object uploaded (sink)</p>
          {s.sink && s.sink.latency.count > 0 ? (
            <>
              <Histogram h={s.sink.latency} unit="s" />
              <p class="muted" data-testid="latency-count" data-value={s.sink.latency.count}>
                {count(s.sink.latency.count)} records, mean{" "}
                {ms((1000 * s.sink.latency.sum) / s.sink.latency.count)}
                {s.sink.skewed > 0 ? `, ${count(s.sink.skewed)} with clock skew` : ""}
              </p>
            </>
          ) : (
            <p class="muted">
              no sink metrics{s.verdict?.latency ? "; the verifier's numbers are below" : ""}
            </p>
          )}
        </div>
        <div class="card">
          <h2>Cut reasons</h2>
          <Counts rows={objectsByReason} empty="no objects yet" id="reasons" />
          <h2>DLQ by reason</h2>
          <Counts
            rows={s.sink?.dlqByReason ?? {}}
            empty={s.sink ? "none" : "no sink metrics"}
            id="dlq-reasons"
          />
        </div>
        <div class="card">
          <h2>Partitions</h2>
          <table class="counts" data-testid="partitions">
            <thead>
              <tr>
                <th>p</th>
                <th>high</th>
                <th>lag</th>
                <th>objects</th>
                <th>records</th>
              </tr>
            </thead>
            <tbody>
              {s.partitions.map((p) => (
                <tr key={p.partition}>
                  <td>{p.partition}</td>
                  <td class="num">{count(p.high)}</td>
                  <td class="num" title={p.lagFrom ?? ""}>
                    {count(p.lag)}
                  </td>
                  <td class="num">{count(p.objects)}</td>
                  <td class="num">{count(p.records)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class={`card verdict ${s.verdict?.ok === true ? "ok" : s.verdict?.ok === false ? "fail" : ""}`}>
          <h2>Verifier</h2>
          {s.verdict ? (
            <>
              <p data-testid="verdict">{s.verdict.verdict}</p>
              <p class="muted">
                {ago(s.verdict.atMs, s.atMs)}
                {s.verdict.latency
                  ? ` · latency p50/p95/max ${ms(s.verdict.latency.p50Ms)}/${ms(s.verdict.latency.p95Ms)}/${ms(s.verdict.latency.maxMs)}`
                  : ""}
              </p>
            </>
          ) : (
            <p class="muted">not run yet</p>
          )}
        </div>
      </section>
    </main>
  );
}

/** The Iceberg table's newest snapshots (--iceberg-table): what each commit added and the offsets it holds. */
function Snapshots({ s }: { s: DashboardState }) {
  const t = s.iceberg as IcebergPart;
  return (
    <div class="card wide">
      <h2>
        Iceberg snapshots <span class="muted">{t.table}</span>
      </h2>
      {t.error ? <p class="muted">catalog: {t.error}</p> : null}
      <table class="objects" data-testid="snapshots">
        <thead>
          <tr>
            <th>time</th>
            <th>snapshot</th>
            <th>operation</th>
            <th>files</th>
            <th>records</th>
            <th>offsets (topic/partition: next)</th>
          </tr>
        </thead>
        <tbody>
          {t.snapshots.map((x) => (
            <tr key={x.snapshotId} data-snapshot={x.snapshotId}>
              <td class="muted">{new Date(x.timestampMs).toISOString().slice(11, 23)}</td>
              <td class="key">
                {x.snapshotId}
                {x.current ? " (current)" : ""}
              </td>
              <td>{x.operation ?? "–"}</td>
              <td class="num">{count(x.addedFiles)}</td>
              <td class="num" data-value={x.addedRecords ?? ""}>
                {count(x.addedRecords)}
              </td>
              <td class="key">
                {x.offsets.map((o) => `${o.topic}/${o.partition}: ${o.next}`).join(", ") || "–"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        {count(t.snapshotCount)} snapshots{t.snapshots.length === 0 ? " (no table yet)" : ""}
      </p>
    </div>
  );
}

function Stat(p: { id: string; label: string; value: number | null | undefined; sub: string }) {
  return (
    <div class="stat">
      <div class="label">{p.label}</div>
      <div class="value" data-testid={p.id} data-value={p.value ?? ""}>
        {count(p.value)}
      </div>
      <div class="muted">{p.sub}</div>
    </div>
  );
}

render(<App />, document.getElementById("app") as HTMLElement);
