import { exitCodeOf, type Logger } from "@weblog/cli";
import { DEFAULT_SINK_SETTINGS, type SinkSettings } from "@weblog/sink-contract";
import type { Admin } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { SinkError } from "../src/sink/errors";
import { commitMetadata, keySettingsOf, parseCommitMetadata } from "../src/sink/key-fingerprint";
import { createStamps } from "../src/sink/stamps";

const settings: SinkSettings = { ...DEFAULT_SINK_SETTINGS, topics: ["weblogs"], groupId: "g" };
const gzip: SinkSettings = { ...settings, compression: "gzip" };

/** A fake admin whose committed offsets carry the given metadata per partition of topic weblogs. */
function fakeAdmin(metadata: Record<number, string | null>) {
  const calls: string[] = [];
  const admin = {
    connect: async () => void calls.push("connect"),
    disconnect: async () => void calls.push("disconnect"),
    fetchOffsets: async ({ groupId }: { groupId: string }) => {
      calls.push(`fetchOffsets ${groupId}`);
      const partitions = Object.entries(metadata).map(([p, m]) => ({
        partition: Number(p),
        offset: "5",
        metadata: m,
      }));
      return [{ topic: "weblogs", partitions }];
    },
  } as unknown as Admin;
  return { admin, calls };
}
const logger = { info() {}, warn() {}, debug() {}, error() {} } as unknown as Logger;

describe("stamps: key settings on every commit, checked on every join", () => {
  it("a commit entry carries the running stamp unless given another; the clean one says so", () => {
    const s = createStamps({ admin: fakeAdmin({}).admin, settings, logger });
    expect(s.entry(3, 42n)).toEqual({ partition: 3, offset: "42", metadata: s.running });
    expect(s.entry(3, 42n, s.clean)).toMatchObject({ metadata: s.clean });
    expect(parseCommitMetadata(s.running)?.clean).toBe(false);
    expect(parseCommitMetadata(s.clean)?.clean).toBe(true);
  });

  it("a join refuses a partition last committed uncleanly with other key settings (KEY_SETTINGS_CHANGED, exit 2)", async () => {
    const { admin, calls } = fakeAdmin({ 0: commitMetadata(keySettingsOf(gzip), false) });
    const s = createStamps({ admin, settings, logger });
    const failures: Error[] = [];
    s.joined(new Set(["weblogs|0"]), (err) => failures.push(err));
    const refused = await s.checked.then(
      () => undefined,
      (err: unknown) => err as SinkError,
    );
    expect(refused).toMatchObject({ code: "KEY_SETTINGS_CHANGED" });
    expect(refused && exitCodeOf(refused)).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toContain("s3.compression.type");
    expect(calls).toEqual(["connect", "fetchOffsets g"]);
    await s.disconnect();
    expect(calls.at(-1)).toBe("disconnect");
  });

  it("accepts a clean stamp with other settings, a matching one and none; only assigned partitions count", async () => {
    const { admin, calls } = fakeAdmin({
      0: commitMetadata(keySettingsOf(gzip), true),
      1: commitMetadata(keySettingsOf(settings), false),
      2: null,
      3: commitMetadata(keySettingsOf(gzip), false), // not ours
    });
    const s = createStamps({ admin, settings, logger });
    const failures: Error[] = [];
    s.joined(new Set(["weblogs|0", "weblogs|1", "weblogs|2"]), (err) => failures.push(err));
    await s.checked;
    expect(failures).toEqual([]);
    s.joined(new Set(), (err) => failures.push(err)); // nothing assigned: nothing fetched
    await s.checked;
    expect(calls).toEqual(["connect", "fetchOffsets g"]);
  });

  it("a start offset is stamped once per generation", () => {
    const s = createStamps({ admin: fakeAdmin({}).admin, settings, logger });
    s.markStamped("weblogs|0");
    expect(s.isStamped("weblogs|0")).toBe(true);
    s.joined(new Set(), () => {});
    expect(s.isStamped("weblogs|0")).toBe(false);
    expect(s.disconnect()).toBeUndefined(); // never connected
  });
});
