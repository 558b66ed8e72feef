import type { GroupFence } from "./group";
import { Lock } from "./lock";
import { type FlushReason, type FlushSet, type OpenFile, PartitionBuffer } from "./partition-buffer";

/** What the sink keeps per assigned partition (README "Exactly once": `committed` is where a re-read starts). */
export interface PartitionState {
  key: string;
  topic: string;
  partition: number;
  /** The Default partitioner's encoded partition (`partition=<p>`), computed once ("" for other partitioners). */
  defaultEncoded: string;
  buffer: PartitionBuffer;
  lock: Lock;
  /** Offset uploaded by the wall-clock timer but not yet committed (committed inside the next eachBatch). */
  pendingCommit: bigint | null;
  /** Last offset we committed (or the position we started from): where a re-read starts. */
  committed: bigint | null;
  highWatermark: bigint | null;
  pausedForS3: boolean;
  /** The generation this state's buffer belongs to. */
  generation: number;
  /** Sets cut from the buffer, waiting for their round (committer.ts); their bytes still count in the cap. */
  sealed: FlushSet[];
  /** The running upload rounds of this partition (committer.ts), and the current round. */
  pump: Promise<void> | null;
  round: Promise<void> | null;
  /**
   * Planned cuts still to replay (README "Exactly once", rule 5): end offsets committed with the offset this
   * re-read started from; until the last is passed, the buffer is cut exactly there and nowhere else.
   */
  replay: bigint[];
}

export interface Gauges {
  lag: number;
  bufferedBytes: number;
  bufferedRecords: number;
  paused: number;
  assigned: number;
}

/** The assigned partitions' states and the bytes buffered across them (the buffer cap's measure). */
export class Partitions {
  readonly states = new Map<string, PartitionState>();
  readonly assigned = new Set<string>();
  /** Per partition key: the cuts committed with its committed offset `at`, as Kafka last confirmed them. */
  readonly plans = new Map<string, { at: bigint; ends: readonly bigint[] }>();
  private bytes = 0;

  constructor(
    private readonly fence: Pick<GroupFence, "generation">,
    private readonly encodeDefault: ((partition: number) => string) | null,
  ) {}

  static keyOf(topic: string, partition: number): string {
    return `${topic}|${partition}`;
  }

  /** Bytes buffered over every partition. */
  get totalBytes(): number {
    return this.bytes;
  }

  stateOf(topic: string, partition: number): PartitionState {
    const key = Partitions.keyOf(topic, partition);
    let st = this.states.get(key);
    if (!st) {
      st = {
        key,
        topic,
        partition,
        defaultEncoded: this.encodeDefault ? this.encodeDefault(partition) : "",
        buffer: new PartitionBuffer(topic, partition),
        lock: new Lock(),
        pendingCommit: null,
        committed: null,
        highWatermark: null,
        pausedForS3: false,
        generation: this.fence.generation,
        sealed: [],
        pump: null,
        round: null,
        replay: [],
      };
      this.states.set(key, st);
    }
    return st;
  }

  /** Appends one record line (README "Exactly once": the buffer holds read-but-uncommitted records). */
  append(st: PartitionState, ...line: Parameters<PartitionBuffer["append"]>): OpenFile {
    const before = st.buffer.bytes;
    const file = st.buffer.append(...line);
    this.bytes += st.buffer.bytes - before;
    return file;
  }

  /** Takes everything `st` buffers as one set to upload (null when empty); its bytes count until `release`. */
  take(st: PartitionState, reason: FlushReason): FlushSet | null {
    return st.buffer.takeAll(reason);
  }

  /** A taken set's upload settled (uploaded, or failed and to be re-read): its bytes leave the cap. */
  release(bytes: number): void {
    this.bytes -= bytes;
  }

  /**
   * The first record read at `offset` since the buffer was (re)started: the committed offset, and the planned
   * cuts to replay from it (those committed with an offset at or before it).
   */
  startAt(st: PartitionState, offset: bigint): void {
    st.committed = offset;
    const plan = this.plans.get(st.key);
    st.replay = plan && plan.at <= offset ? plan.ends.filter((e) => e > offset) : [];
  }

  /** Does `st`'s buffer belong to the current generation? (else it is dropped before use) */
  isCurrent(st: PartitionState): boolean {
    return st.generation === this.fence.generation;
  }

  /** Drops a partition's buffer (its records will be re-read from the committed offset). */
  drop(st: PartitionState): void {
    this.bytes -= st.buffer.bytes;
    for (const set of st.sealed) this.bytes -= set.bytes;
    st.sealed = [];
    st.replay = [];
    st.buffer.reset();
    st.pendingCommit = null;
    st.committed = null;
    st.generation = this.fence.generation;
  }

  /**
   * After a (re)join kafkajs fetches every assigned partition from its committed offset: whatever was buffered (read
   * but not committed) will be read again, so drop it all, including timer-uploaded, uncommitted objects (their keys
   * are re-derived from the committed offset and overwritten). Forgets partitions no longer assigned.
   */
  reassign(assignment: Record<string, number[]>): void {
    for (const st of this.states.values()) this.drop(st);
    this.assigned.clear();
    this.plans.clear(); // read again from the group's committed metadata (stamps.ts) before the first batch
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const p of partitions) this.assigned.add(Partitions.keyOf(topic, p));
    }
    for (const key of [...this.states.keys()]) if (!this.assigned.has(key)) this.states.delete(key);
  }

  gauges(): Gauges {
    const g: Gauges = {
      lag: 0,
      bufferedBytes: 0,
      bufferedRecords: 0,
      paused: 0,
      assigned: this.assigned.size,
    };
    for (const st of this.states.values()) {
      if (st.highWatermark !== null && st.buffer.nextOffset !== null)
        g.lag += Number(st.highWatermark - st.buffer.nextOffset);
      g.bufferedBytes += st.buffer.bytes + st.sealed.reduce((n, set) => n + set.bytes, 0);
      g.bufferedRecords += st.buffer.records;
      if (st.pausedForS3) g.paused += 1;
    }
    return g;
  }
}
