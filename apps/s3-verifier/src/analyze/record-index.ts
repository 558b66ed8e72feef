/**
 * The duplicate check's index of every record, in bounded memory: "which records have the same content?" needs all
 * of them (a twin may sit in any object of any partition), but not in memory. Each record is one fixed-size tuple
 * (its 64-bit content hash and where it is) appended to one of 64 buckets by the hash's top bits; a bucket's
 * buffer spills to a temporary file when full. At the end each bucket is read back alone, sorted by hash, and only
 * the hashes held more than once come out. Memory: the buffers (64 x 64 KiB) and one bucket at a time (1/64 of the
 * records), whatever the bucket's size; disk: 28 bytes per record, deleted by `close()`.
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where one record is: its partition (the fold's index), its object (`ref`, `start`) and its line (0-based). */
export interface RecordPlace {
  partition: number;
  /** The object's key reference (./runs: a template id, or a singleton's id below 0). */
  ref: number;
  start: number;
  line: number;
}

const TUPLE = 28;
const BUCKETS = 64;
const BUFFER = TUPLE * 2340; // ~64 KiB

const BASE64_16 = /^[A-Za-z0-9+/]{16}$/;

/** A record's 64-bit identity: the first 8 bytes of its hash (the scan's base64 SHA-1 prefix), or of SHA-1 of it. */
export function hash64(h: string): [number, number] {
  if (!BASE64_16.test(h)) {
    const d = createHash("sha1").update(h).digest();
    return [d.readUInt32BE(0), d.readUInt32BE(4)];
  }
  // The first 64 bits of the base64 text (as Buffer.from(h, "base64").readUInt32BE(0 and 4)), decoded in place:
  // no Buffer per record (millions of small buffers fragment the native heap: RSS grew with the records while
  // the JS heap stayed flat).
  const v = (i: number) => SEXTET[h.charCodeAt(i)] as number;
  const hi = ((v(0) << 26) | (v(1) << 20) | (v(2) << 14) | (v(3) << 8) | (v(4) << 2) | (v(5) >>> 4)) >>> 0;
  const lo =
    (((v(5) & 15) << 28) | (v(6) << 22) | (v(7) << 16) | (v(8) << 10) | (v(9) << 4) | (v(10) >>> 2)) >>> 0;
  return [hi, lo];
}

const SEXTET = new Uint8Array(128);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries())
  SEXTET[c.charCodeAt(0)] = i;

export interface RecordIndex {
  add(hi: number, lo: number, at: RecordPlace): void;
  /** Every group of two or more records with the same hash (each group in insertion order). */
  repeats(): RecordPlace[][];
  /** Records added. */
  readonly size: number;
  /** The directory of the spill files, once there are any. */
  readonly spillDir: string | undefined;
  /** Deletes the spill files. */
  close(): void;
}

export function createRecordIndex(): RecordIndex {
  const buffers = Array.from({ length: BUCKETS }, () => Buffer.allocUnsafe(BUFFER));
  const used = new Array<number>(BUCKETS).fill(0);
  const files: (number | undefined)[] = new Array(BUCKETS).fill(undefined);
  let dir: string | undefined;
  let size = 0;

  // A run that ends without close() (process.exit, e.g. on a signal: main.ts) still deletes its files.
  const onExit = () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  const spill = (b: number) => {
    if (dir === undefined) {
      dir = mkdtempSync(join(tmpdir(), "s3-verifier-"));
      process.once("exit", onExit);
    }
    let fd = files[b];
    if (fd === undefined) {
      fd = openSync(join(dir, `bucket-${b}`), "w+");
      files[b] = fd;
    }
    writeSync(fd, buffers[b] as Buffer, 0, used[b] as number);
    used[b] = 0;
  };

  return {
    get size() {
      return size;
    },
    get spillDir() {
      return dir;
    },
    add(hi, lo, at) {
      const b = hi >>> 26;
      if ((used[b] as number) + TUPLE > BUFFER) spill(b);
      const buf = buffers[b] as Buffer;
      let o = used[b] as number;
      o = buf.writeUInt32LE(hi, o);
      o = buf.writeUInt32LE(lo, o);
      o = buf.writeUInt32LE(at.partition, o);
      o = buf.writeInt32LE(at.ref, o);
      o = buf.writeDoubleLE(at.start, o);
      o = buf.writeUInt32LE(at.line, o);
      used[b] = o;
      size += 1;
    },
    repeats() {
      const groups: RecordPlace[][] = [];
      // One buffer for every bucket read back, grown as needed: a fresh ~MB buffer per bucket is native memory
      // the allocator keeps (RSS grew by the index's size while the JS heap stayed flat).
      let scratch = Buffer.alloc(0);
      for (let b = 0; b < BUCKETS; b++) {
        const fd = files[b];
        const mem = (buffers[b] as Buffer).subarray(0, used[b]);
        let data = mem;
        if (fd !== undefined) {
          const onDisk = fstatSync(fd).size;
          if (scratch.length < onDisk + mem.length)
            scratch = Buffer.allocUnsafe(Math.ceil((onDisk + mem.length) * 1.25));
          readSync(fd, scratch, 0, onDisk, 0);
          mem.copy(scratch, onDisk);
          data = scratch.subarray(0, onDisk + mem.length);
        }
        const n = data.length / TUPLE;
        if (n < 2) continue;
        const order = new Uint32Array(n);
        for (let i = 0; i < n; i++) order[i] = i;
        const hiOf = (i: number) => data.readUInt32LE(i * TUPLE);
        const loOf = (i: number) => data.readUInt32LE(i * TUPLE + 4);
        // Insertion order breaks ties, so a group lists its records in the order they were added.
        order.sort((x, y) => hiOf(x) - hiOf(y) || loOf(x) - loOf(y) || x - y);
        for (let i = 0; i < n; ) {
          let j = i + 1;
          const x = order[i] as number;
          while (j < n && hiOf(order[j] as number) === hiOf(x) && loOf(order[j] as number) === loOf(x)) j++;
          if (j - i > 1) {
            const group: RecordPlace[] = [];
            for (let k = i; k < j; k++) {
              const t = (order[k] as number) * TUPLE;
              group.push({
                partition: data.readUInt32LE(t + 8),
                ref: data.readInt32LE(t + 12),
                start: data.readDoubleLE(t + 16),
                line: data.readUInt32LE(t + 24),
              });
            }
            groups.push(group);
          }
          i = j;
        }
      }
      return groups;
    },
    close() {
      for (const fd of files) if (fd !== undefined) closeSync(fd);
      files.fill(undefined);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
      process.off("exit", onExit);
    },
  };
}
