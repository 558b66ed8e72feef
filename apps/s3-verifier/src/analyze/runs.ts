/**
 * A partition's objects as runs, not one entry per object: a sink writes a partition's objects back to back (each
 * starts where the previous ended) under keys that differ only in the zero-padded start offset, so a run of such
 * objects is kept as its first start offset, its key template and its record counts (run-length encoded: with a
 * fixed flush.size one pair for the whole run). Any object in it (key, start, records) can be given back
 * (`expand`), which the analysis does only where something happens (an overlap, a skipped offset inside, an end
 * past Kafka's high watermark, an interleaved partition). Objects arriving out of order (reads finish in any order)
 * join the run they touch on either side.
 */
import type { ObjectKeyParts } from "@weblog/sink-contract";

/** Keys of one directory and extension: key(start) = head + start zero-padded to `width` + tail. */
export interface Template {
  head: string;
  width: number;
  tail: string;
  /** The parts every key of the template shares (startOffset aside). */
  parts: Omit<ObjectKeyParts, "startOffset">;
}

export const keyOf = (t: Template, start: bigint): string =>
  `${t.head}${String(start).padStart(t.width, "0")}${t.tail}`;

const FILE = /^(.*?)(\d+)((?:\.[A-Za-z0-9]+)+)$/;

/** The key's template when the key is exactly head + padded start offset + extension, else null. */
export function templateOf(key: string, parts: ObjectKeyParts): Template | null {
  const m = FILE.exec(key);
  if (!m) return null;
  const { startOffset: _, ...rest } = parts;
  const t: Template = {
    head: m[1] as string,
    width: (m[2] as string).length,
    tail: m[3] as string,
    parts: rest,
  };
  return keyOf(t, parts.startOffset) === key ? t : null;
}

/** Objects back to back under one template: [start, next) holds `records` records in `objects` objects. */
export interface Run {
  tpl: number;
  start: bigint;
  next: bigint;
  objects: number;
  /** Records per object, run-length encoded: [count, repeat, count, repeat, ...]. */
  counts: number[];
}

/** One object of a run. */
export interface RunObject {
  key: string;
  start: bigint;
  records: number;
}

function append(counts: number[], count: number, repeat: number): void {
  const n = counts.length;
  if (n > 0 && counts[n - 2] === count) counts[n - 1] = (counts[n - 1] as number) + repeat;
  else counts.push(count, repeat);
}

/** Every object of `r`, in offset order. */
export function* expandRun(r: Run, t: Template): Generator<RunObject> {
  let start = r.start;
  for (let i = 0; i < r.counts.length; i += 2) {
    const count = r.counts[i] as number;
    for (let k = 0; k < (r.counts[i + 1] as number); k++) {
      yield { key: keyOf(t, start), start, records: count };
      start += BigInt(count);
    }
  }
}

/** The start offset of the run's last object. */
export const lastStart = (r: Run): bigint => r.next - BigInt(r.counts[r.counts.length - 2] as number);

/** True when an object of `r` starts at `start`. */
export function startsAt(r: Run, start: bigint): boolean {
  if (start < r.start || start >= r.next) return false;
  let at = r.start;
  for (let i = 0; i < r.counts.length; i += 2) {
    const count = BigInt(r.counts[i] as number);
    const span = count * BigInt(r.counts[i + 1] as number);
    if (start < at + span) return (start - at) % count === 0n;
    at += span;
  }
  return false;
}

/** A partition's runs; adding an object joins it to the run ending where it starts and the run starting where it ends. */
export class Runs {
  readonly all = new Set<Run>();
  private readonly byStart = new Map<bigint, Run>();
  private readonly byNext = new Map<bigint, Run>();

  add(tpl: number, start: bigint, records: number): void {
    const end = start + BigInt(records);
    let r = this.byNext.get(start);
    if (r !== undefined && r.tpl !== tpl) r = undefined;
    if (r !== undefined) {
      this.forget(r);
      append(r.counts, records, 1);
      r.next = end;
      r.objects += 1;
    } else {
      r = { tpl, start, next: end, objects: 1, counts: [records, 1] };
      this.all.add(r);
    }
    const after = this.byStart.get(end);
    if (after !== undefined && after !== r && after.tpl === tpl) {
      this.forget(after);
      this.all.delete(after);
      for (let i = 0; i < after.counts.length; i += 2)
        append(r.counts, after.counts[i] as number, after.counts[i + 1] as number);
      r.next = after.next;
      r.objects += after.objects;
    }
    if (!this.byStart.has(r.start)) this.byStart.set(r.start, r);
    if (!this.byNext.has(r.next)) this.byNext.set(r.next, r);
  }

  private forget(r: Run): void {
    if (this.byStart.get(r.start) === r) this.byStart.delete(r.start);
    if (this.byNext.get(r.next) === r) this.byNext.delete(r.next);
  }
}
