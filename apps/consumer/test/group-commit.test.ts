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
const control = { check: () => {}, onRetry: () => {} };
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

  it("retries a retriable failure (telling each part), and rejects a part whose check fails", async () => {
    let calls = 0;
    const retried: number[] = [];
    const gc = createGroupCommit({
      intervalMs: 0,
      hurry: () => false,
      backoffMs: () => 1,
      commit: async (parts) => {
        calls += 1;
        if (calls < 3) throw new IcebergError("CATALOG_UNREACHABLE", "catalog down");
        return result(parts);
      },
    });
    const ok = gc.submit(part(0, 0, 10), { check: () => {}, onRetry: (_e, n) => void retried.push(n) });
    const gone = gc.submit(part(1, 0, 10), {
      check: () => {
        throw new Error("partition given up");
      },
      onRetry: () => {},
    });
    await expect(gone).rejects.toThrow("partition given up");
    expect(await ok).toBe("appended");
    expect(retried).toEqual([1, 2]);
    expect(calls).toBe(3);
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
