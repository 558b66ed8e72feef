import type { Logger } from "@weblog/cli";
import { S3SideError } from "@weblog/s3";
import { describe, expect, it } from "vitest";
import { type CommitFn, createCommitter, type ObjectStore } from "../src/sink/committer";
import { SinkError } from "../src/sink/errors";
import { createGroupFence } from "../src/sink/group";
import type { FlushSet } from "../src/sink/partition-buffer";
import { Partitions } from "../src/sink/partitions";

/** A fake clock, a fake S3 (ObjectStore) and a fake OffsetCommit, recording what happens in order. */
function harness(opts: { failUploads?: number; commitErrors?: unknown[]; perPartition?: number } = {}) {
  const events: string[] = [];
  const logs: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  let clock = 1_000;
  const log =
    (level: string) =>
    (obj: Record<string, unknown>, msg: string): void => {
      logs.push({ level, obj, msg });
    };
  const logger = {
    warn: log("warn"),
    debug: log("debug"),
    info: log("info"),
    error: log("error"),
  } as unknown as Logger;
  let failUploads = opts.failUploads ?? 0;
  const store: ObjectStore = {
    async upload(set: FlushSet, control) {
      for (let attempt = 1; ; attempt++) {
        await control.check();
        clock += 40; // each attempt takes 40 ms of the fake clock
        if (failUploads > 0) {
          failUploads -= 1;
          await control.onRetry(new S3SideError("SERVER", "503 from the fake store"), attempt);
          continue;
        }
        events.push(`upload ${set.files.map((f) => f.startOffset).join(",")} (${set.reason})`);
        return { keys: set.files.map((f) => `key-${f.startOffset}`), bytes: set.bytes };
      }
    },
  };
  const commitErrors = [...(opts.commitErrors ?? [])];
  const commit: CommitFn = async (_topic, partition, offset, metadata) => {
    const err = commitErrors.shift();
    if (err) {
      events.push(`commit ${offset} failed`);
      throw err;
    }
    events.push(`commit p${partition} ${offset}${metadata ? ` ${metadata}` : ""}`);
  };
  const fence = createGroupFence();
  fence.joined();
  const parts = new Partitions(fence, (p) => `partition=${p}`);
  const st = parts.stateOf("t", 2);
  const stats = {
    objectsWritten: 0,
    bytesWritten: 0,
    recordsWritten: 0,
    recordsUploaded: 0,
    commits: 0,
    uploadRetries: 0,
  };
  const stop = new AbortController();
  const committer = createCommitter({
    store,
    logger,
    stats,
    take: (s, reason) => parts.take(s, reason),
    release: (_s, bytes) => parts.release(bytes),
    pause: (s) => {
      if (s.pausedForS3) return;
      s.pausedForS3 = true;
      events.push("pause");
    },
    resume: (s) => {
      if (!s.pausedForS3) return;
      s.pausedForS3 = false;
      events.push("resume");
    },
    stopSignal: stop.signal,
    isStopping: () => stop.signal.aborted,
    now: () => clock,
    commitMinDelayMs: 1,
    perPartition: opts.perPartition ?? 1,
    plannedMetadata: (offset, ends) => `cuts@${offset}:${ends.join("/")}`,
    committedCuts: (s) => parts.plans.get(s.key),
    onCutsCommitted: (s, offset, ends) => {
      if (ends.length > 0) parts.plans.set(s.key, { at: offset, ends: [...ends] });
      else parts.plans.delete(s.key);
    },
  });
  const add = (offset: number) =>
    parts.append(st, BigInt(offset), st.defaultEncoded, `r${offset}`, -1, 0, clock);
  return { events, logs, st, parts, stats, committer, commit, add, check: () => {} };
}

describe("committer: the one upload-then-commit", () => {
  it("uploads what is buffered, then commits the offset after it (stats, timing from the clock)", async () => {
    const h = harness();
    h.add(10);
    h.add(11);
    await h.committer.flush(h.st, "flush.size", { commit: h.commit, check: h.check });
    expect(h.events).toEqual(["upload 10 (flush.size)", "commit p2 12"]);
    expect(h.st.committed).toBe(12n);
    expect(h.parts.totalBytes).toBe(0);
    expect(h.stats).toMatchObject({ objectsWritten: 1, recordsWritten: 2, commits: 1, bytesWritten: 8 });
    expect(h.logs.find((l) => l.msg === "uploaded")?.obj).toMatchObject({ ms: 40, commitOffset: "12" });
  });

  it("a pending (timer) commit is made before the next upload; the stamp goes on the commit after the upload", async () => {
    const h = harness();
    h.st.pendingCommit = 10n;
    h.add(10);
    await h.committer.flush(h.st, "shutdown", { commit: h.commit, check: h.check, metadata: "clean" });
    expect(h.events).toEqual(["commit p2 10", "upload 10 (shutdown)", "commit p2 11 clean"]);
    expect(h.st.pendingCommit).toBeNull();
  });

  it("with nothing buffered it uploads nothing; restampWhenEmpty commits the committed offset with the stamp", async () => {
    const h = harness();
    h.st.committed = 7n;
    await h.committer.flush(h.st, "shutdown", { commit: h.commit, check: h.check });
    expect(h.events).toEqual([]);
    await h.committer.flush(h.st, "shutdown", {
      commit: h.commit,
      check: h.check,
      metadata: "c",
      restampWhenEmpty: true,
    });
    expect(h.events).toEqual(["commit p2 7 c"]);
  });

  it("a retrying upload pauses the partition and resumes it after; a throwing check abandons the upload", async () => {
    const h = harness({ failUploads: 2 });
    h.add(0);
    await h.committer.flush(h.st, "memory", { commit: h.commit, check: h.check });
    expect(h.events).toEqual(["pause", "upload 0 (memory)", "resume", "commit p2 1"]);
    expect(h.stats.uploadRetries).toBe(2);
    expect(h.logs.filter((l) => l.level === "warn")).toHaveLength(1); // warned once, not per attempt

    h.add(1);
    const fenced = h.committer.flush(h.st, "flush.size", {
      commit: h.commit,
      check: () => {
        throw new SinkError("FENCED", "partition no longer owned");
      },
    });
    await expect(fenced).rejects.toMatchObject({ code: "FENCED" });
    expect(h.events.at(-1)).toBe("commit p2 1"); // nothing uploaded or committed past it
    expect(h.st.committed).toBe(1n);
  });

  it("commits are retried on transient errors, at most 5 attempts; rebalance and sink errors are not retried", async () => {
    const h = harness({ commitErrors: [new Error("coordinator moved"), new Error("again")] });
    await h.committer.commit(h.st, 5n, h.commit);
    expect(h.events).toEqual(["commit 5 failed", "commit 5 failed", "commit p2 5"]);

    const always = harness({ commitErrors: Array.from({ length: 9 }, (_, i) => new Error(`down ${i}`)) });
    await expect(always.committer.commit(always.st, 5n, always.commit)).rejects.toThrow("down 4");
    expect(always.events).toHaveLength(5);
    expect(always.st.committed).toBeNull();

    const rebalance = Object.assign(new Error("rebalancing"), { type: "REBALANCE_IN_PROGRESS" });
    const r = harness({ commitErrors: [rebalance] });
    await expect(r.committer.commit(r.st, 5n, r.commit)).rejects.toBe(rebalance);
    const fenced = new SinkError("FENCED", "generation over");
    const f = harness({ commitErrors: [fenced] });
    await expect(f.committer.commit(f.st, 5n, f.commit)).rejects.toBe(fenced);
    expect([r.events, f.events]).toEqual([["commit 5 failed"], ["commit 5 failed"]]);
  });

  it("deferred (timer path): no commit once the generation is over; a refused commit leaves the offset pending", async () => {
    const h = harness();
    h.add(3);
    await h.committer.flush(h.st, "rotate.schedule.interval.ms", {
      commit: h.commit,
      check: h.check,
      deferred: { mayCommit: () => false },
    });
    expect(h.events).toEqual(["upload 3 (rotate.schedule.interval.ms)"]);
    expect(h.st.pendingCommit).toBeNull();

    const refused = harness({ commitErrors: [new SinkError("FENCED", "generation over")] });
    refused.add(3);
    await refused.committer.flush(refused.st, "rotate.schedule.interval.ms", {
      commit: refused.commit,
      check: refused.check,
      deferred: { mayCommit: () => true },
    });
    expect(refused.st.pendingCommit).toBe(4n);
    expect(refused.events).toEqual(["upload 3 (rotate.schedule.interval.ms)", "commit 4 failed"]);
  });

  it("pipelined: sets sealed while a round uploads go up together after it; every commit names the cuts ahead", async () => {
    const h = harness({ perPartition: 3 });
    const via = { commit: h.commit, check: h.check };
    h.st.committed = 0n;
    const sealAfter = (from: number) => {
      for (let o = from; o < from + 2; o++) h.add(o);
      return h.committer.seal(h.st, "flush.size", via);
    };
    expect(sealAfter(0)).toBeUndefined(); // round 1 ([0,2)) starts at once, alone
    expect(sealAfter(2)).toBeUndefined(); // sealed while round 1 uploads
    expect(sealAfter(4)).toBeUndefined();
    await h.committer.settle(h.st, via);
    // Round 1's commit already names round 2's cuts, so round 2 ([2,4) and [4,6) at once) needs no commit first.
    expect(h.events).toEqual([
      "upload 0 (flush.size)",
      "commit p2 2 cuts@2:4/6",
      "upload 2 (flush.size)",
      "upload 4 (flush.size)",
      "commit p2 6",
    ]);
    expect(h.parts.totalBytes).toBe(0);
    expect(h.parts.plans.has(h.st.key)).toBe(false);
  });

  it("pipelined: a round whose cuts are not committed yet commits them with the committed offset before any PUT", async () => {
    const h = harness({ perPartition: 3 });
    const via = { commit: h.commit, check: h.check };
    h.st.committed = 0n;
    h.add(0);
    h.st.sealed.push(h.parts.take(h.st, "flush.size") as FlushSet);
    h.add(1);
    await h.committer.flush(h.st, "shutdown", via);
    expect(h.events).toEqual([
      "commit p2 0 cuts@0:1/2",
      "upload 0 (flush.size)",
      "upload 1 (shutdown)",
      "commit p2 2",
    ]);
  });

  it("pipelined: a failed PUT of a round waits for the others to settle, commits nothing, releases the bytes", async () => {
    const h = harness({ perPartition: 2 });
    h.st.committed = 0n;
    h.add(0);
    h.st.sealed.push(h.parts.take(h.st, "flush.size") as FlushSet);
    h.add(1);
    let calls = 0;
    const via = {
      commit: h.commit,
      check: () => {
        if (++calls === 2) throw new SinkError("FENCED", "gone"); // the second set's first attempt
      },
    };
    await expect(h.committer.flush(h.st, "shutdown", via)).rejects.toThrow("gone");
    expect(h.events.filter((e) => e.startsWith("commit"))).toEqual(["commit p2 0 cuts@0:1/2"]);
    expect(h.parts.totalBytes).toBe(0);
    expect(h.st.committed).toBe(0n);
  });
});
