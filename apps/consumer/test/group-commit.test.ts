import type { CommitPart, CommitResult } from "@weblog/iceberg";
import { IcebergError } from "@weblog/iceberg";
import { describe, expect, it } from "vitest";
import { createGroupCommit } from "../src/sink/table/group-commit";

const part = (partition: number, start: number, end: number): CommitPart => ({
  topic: "t",
  partition,
  start,
  end,
  files: [],
});
const control = { check: () => {} };
const result = (parts: CommitPart[], over: Partial<CommitResult> = {}): CommitResult => ({
  snapshotId: "1",
  appended: parts,
  alreadyIn: [],
  stale: [],
  offsets: new Map(),
  attempts: 1,
  ...over,
});

describe("group commit (many files per snapshot)", () => {
  it("puts the parts queued while a snapshot commits into the next one, one snapshot per interval", async () => {
    const snapshots: number[][] = [];
    const at: number[] = [];
    const gc = createGroupCommit({
      intervalMs: 40,
      hurry: () => false,
      commit: async (parts) => {
        snapshots.push(parts.map((p) => p.partition));
        at.push(Date.now());
        return result(parts);
      },
    });
    const first = gc.submit(part(0, 0, 10), control);
    const rest = [1, 2, 3].map((p) => gc.submit(part(p, 0, 10), control));
    expect(await Promise.all([first, ...rest])).toEqual(["appended", "appended", "appended", "appended"]);
    expect(snapshots).toEqual([[0, 1, 2, 3]]);
    await gc.submit(part(0, 10, 20), control);
    expect(snapshots).toEqual([[0, 1, 2, 3], [0]]);
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(40); // the interval between snapshots
    expect(gc.pending).toBe(0);
  });

  it("settles a part the table already holds, and fails a stale one FENCED", async () => {
    const gc = createGroupCommit({
      intervalMs: 0,
      hurry: () => false,
      commit: async (parts) =>
        result([], {
          snapshotId: null,
          alreadyIn: parts.filter((p) => p.partition === 0),
          stale: parts.filter((p) => p.partition === 1),
          offsets: new Map([["t", new Map([[1, 5]])]]),
        }),
    });
    const [a, b] = [gc.submit(part(0, 0, 10), control), gc.submit(part(1, 0, 10), control)];
    expect(await a).toBe("already-in");
    await expect(b).rejects.toMatchObject({
      code: "FENCED",
      message: expect.stringMatching(/t\/1: the table holds offsets up to 5/),
    });
  });

  it("retries a retriable failure (telling how many parts wait), and rejects a part whose check fails", async () => {
    let calls = 0;
    const retried: [number, number][] = [];
    const gc = createGroupCommit({
      intervalMs: 0,
      hurry: () => false,
      backoffMs: () => 1,
      onRetry: (_e, n, parts) => void retried.push([n, parts]),
      commit: async (parts) => {
        calls += 1;
        if (calls < 3) throw new IcebergError("CATALOG_UNREACHABLE", "catalog down");
        return result(parts);
      },
    });
    expect(gc.failing).toBeNull();
    const ok = gc.submit(part(0, 0, 10), control);
    const gone = gc.submit(part(1, 0, 10), {
      check: () => {
        throw new Error("partition given up");
      },
    });
    await expect(gone).rejects.toThrow("partition given up");
    expect(await ok).toBe("appended");
    expect(retried).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(calls).toBe(3);
    expect(gc.failing).toBeNull();
  });

  it("commits a partition's queued parts as one merged range, in their order, every file kept", async () => {
    const snapshots: CommitPart[][] = [];
    let merged = 0;
    const gc = createGroupCommit({
      intervalMs: 0,
      hurry: () => false,
      beforeMerged: () => {
        merged += 1;
      },
      commit: async (parts) => {
        snapshots.push(parts);
        return result(parts);
      },
    });
    const file = (n: number) =>
      ({ path: `f${n}`, recordCount: 1, sizeBytes: 1 }) as CommitPart["files"][number];
    const parts = [0, 1, 2].map((i) =>
      gc.submit({ ...part(0, i * 10, i * 10 + 10), files: [file(i)] }, control),
    );
    const other = gc.submit(part(1, 0, 5), control);
    expect(await Promise.all([...parts, other])).toEqual(["appended", "appended", "appended", "appended"]);
    // queued together: one snapshot, one range for partition 0 (first start, last end, its three files in order)
    expect(
      snapshots.map((s) => s.map((p) => [p.partition, p.start, p.end, p.files.map((f) => f.path)])),
    ).toEqual([
      [
        [0, 0, 30, ["f0", "f1", "f2"]],
        [1, 0, 5, []],
      ],
    ]);
    expect(merged).toBe(1);
  });

  it("after a stale part, drops the partition's later parts quietly until reset; reset supersedes queued parts", async () => {
    let staleOnce = true;
    const gc = createGroupCommit({
      intervalMs: 0,
      hurry: () => false,
      commit: async (parts) => {
        const stale = staleOnce ? parts.filter((p) => p.partition === 0) : [];
        staleOnce = false;
        return result(
          parts.filter((p) => !stale.includes(p)),
          { stale, offsets: new Map([["t", new Map([[0, 4]])]]) },
        );
      },
    });
    const first = gc.submit(part(0, 0, 10), control);
    const later = gc.submit(part(0, 10, 20), control); // queued while the first commits
    await expect(first).rejects.toMatchObject({ code: "FENCED" });
    await expect(later).rejects.toMatchObject({ code: "FENCED", dropKind: "quiet" });
    // before the partition is read again, a late upload of the old read is dropped at once
    await expect(gc.submit(part(0, 20, 30), control)).rejects.toMatchObject({ dropKind: "quiet" });
    gc.reset("t", 0);
    expect(await gc.submit(part(0, 4, 12), control)).toBe("appended");

    // reset while a part of the old read is queued: it is superseded, the new read's part goes in
    const slow = createGroupCommit({ intervalMs: 50, hurry: () => false, commit: async (p) => result(p) });
    await slow.submit(part(0, 0, 10), control); // starts the interval
    const old = slow.submit(part(0, 10, 20), control);
    slow.reset("t", 0);
    const fresh = slow.submit(part(0, 10, 15), control);
    await expect(old).rejects.toMatchObject({ dropKind: "superseded" });
    expect(await fresh).toBe("appended");
    await slow.idle();
    expect(slow.pending).toBe(0);
  });

  it("a failed check drops that part and the partition's later ones, not other partitions'", async () => {
    const committed: string[] = [];
    const gc = createGroupCommit({
      intervalMs: 20,
      hurry: () => false,
      commit: async (parts) => {
        for (const p of parts) committed.push(`${p.partition}:${p.start}-${p.end}`);
        return result(parts);
      },
    });
    await gc.submit(part(9, 0, 1), control); // the interval starts: what follows is queued together
    const given = gc.submit(part(0, 0, 10), {
      check: () => {
        throw new Error("partition given up");
      },
    });
    const after = gc.submit(part(0, 10, 20), control);
    const other = gc.submit(part(1, 0, 10), control);
    await expect(given).rejects.toThrow("partition given up");
    await expect(after).rejects.toMatchObject({ dropKind: "quiet" });
    expect(await other).toBe("appended");
    expect(committed).toEqual(["9:0-1", "1:0-10"]);
  });

  it("hurries past the interval when told (a stop, too many files waiting)", async () => {
    let hurry = false;
    const gc = createGroupCommit({ intervalMs: 60_000, hurry: () => hurry, commit: async (p) => result(p) });
    await gc.submit(part(0, 0, 10), control);
    const next = gc.submit(part(0, 10, 20), control);
    expect(gc.pending).toBe(1);
    hurry = true;
    expect(await next).toBe("appended");
  });

  it("rejects everything on a failure that retrying cannot fix", async () => {
    const gc = createGroupCommit({
      intervalMs: 0,
      hurry: () => false,
      commit: async () => {
        throw new IcebergError("INCOMPATIBLE_TABLE", "not the web-log schema");
      },
    });
    await expect(gc.submit(part(0, 0, 10), control)).rejects.toMatchObject({ code: "INCOMPATIBLE_TABLE" });
  });
});
