import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { exitCodeOf } from "@weblog/cli";
import { describe, expect, it } from "vitest";
import { REDACTED } from "../src/codecs";
import { CONNECT_KEY_PREFIXES } from "../src/connect-keys";
import { HONOURED_KEYS } from "../src/connector-keys";
import { keyTableMarkdown } from "../src/docs";
import { SinkConfigError } from "../src/errors";
import { SINK_FLAGS, settingsFromFlags } from "../src/flags";
import { KEY_ROWS, topLevelRows } from "../src/key-table";
import { loadConnectorConfig } from "../src/load";
import { SinkSettingsSchema } from "../src/schema";
import { DEFAULT_SINK_SETTINGS, DEFAULT_TIME_PARTITIONER } from "../src/settings";
import { validateSinkSettings } from "../src/validate";
import { toConnectorConfig } from "../src/write-back";

/** A valid value other than the default, for keys whose codec cannot suggest one. */
const EXAMPLES: Record<string, string> = {
  "store.url": "https://s3.example.com:9443",
  timezone: "Asia/Seoul",
  "s3.region": "eu-west-1",
  "errors.deadletterqueue.topic.name": "other-dlq",
  "consumer.override.group.id": "g-2",
  "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
  "s3.part.size": "5242880",
  "s3.sse.kms.key.id": "arn:aws:kms:eu-west-1:111122223333:key/k-1",
  "s3.sse.customer.key": Buffer.alloc(32, 9).toString("base64"),
  "s3.object.tagging.key.value.pairs": "team:web,env:prod",
  "aws.access.key.id": "AKIAEXAMPLEEXAMPLE00",
  "aws.secret.access.key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "s3.credentials.provider.sts.role.arn": "arn:aws:iam::111122223333:role/sink",
  "s3.credentials.provider.sts.role.session.name": "s-1",
  "s3.credentials.provider.sts.role.external.id": "x-1",
  "weblog.ignore.keys": "s3.schema.partition.affix.type",
  "s3.credentials.provider.class": "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider",
  "consumer.override.metadata.max.age.ms": "30000",
  "topics.regex": "weblogs-.*",
  "iceberg.catalog.oauth2-server-uri": "https://auth.example.com/oauth/token",
  "keys.format.class": "io.confluent.connect.s3.format.json.JsonFormat",
  "headers.format.class": "io.confluent.connect.s3.format.json.JsonFormat",
};

/** The keys a key needs beside it to be valid (validate.ts's rules for keys that need each other). */
const COMPANIONS: Record<string, Record<string, string>> = {
  "store.kafka.keys": { "keys.format.class": "io.confluent.connect.s3.format.json.JsonFormat" },
  "store.kafka.headers": { "headers.format.class": "io.confluent.connect.s3.format.json.JsonFormat" },
  "errors.deadletterqueue.topic.name": { "errors.tolerance": "all" },
  "s3.sse.kms.key.id": { "s3.ssea.name": "aws:kms" },
  "s3.sse.customer.key": { "s3.ssea.name": "AES256" },
  "s3.object.tagging.key.value.pairs": { "s3.object.tagging": "true" },
  "aws.access.key.id": { "aws.secret.access.key": EXAMPLES["aws.secret.access.key"] as string },
  "aws.secret.access.key": { "aws.access.key.id": EXAMPLES["aws.access.key.id"] as string },
  "s3.credentials.provider.class": { "s3.credentials.provider.sts.role.arn": "arn:aws:iam::1:role/r" },
  "s3.credentials.provider.sts.role.arn": { "s3.credentials.provider.class": "assume-role" },
  "s3.credentials.provider.sts.role.session.name": {
    "s3.credentials.provider.class": "assume-role",
    "s3.credentials.provider.sts.role.arn": "arn:aws:iam::1:role/r",
  },
  "s3.credentials.provider.sts.role.external.id": {
    "s3.credentials.provider.class": "assume-role",
    "s3.credentials.provider.sts.role.arn": "arn:aws:iam::1:role/r",
  },
};

/** A connector value for `row` that differs from its default. */
function exampleOf(row: (typeof HONOURED_KEYS)[number]): string {
  const fixed = EXAMPLES[row.key];
  if (fixed) return fixed;
  const codec = row.codec;
  if (!codec) throw new Error(`${row.key}: no codec`);
  const flag = codec.flag;
  if (flag.kind === "int") return row.default === 2 ? "3" : "2";
  if (flag.kind === "choice") return flag.values.find((v) => v !== codec.format(row.default)) as string;
  return `${row.default === undefined ? "x" : codec.format(row.default)}x`;
}

describe("the key table", () => {
  it("has one row per key, and every honoured key a field and a codec", () => {
    const keys = KEY_ROWS.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of HONOURED_KEYS) {
      expect(row.field, row.key).toBeDefined();
      if (row.field !== "partitioner") expect(row.codec, row.key).toBeDefined();
    }
  });

  it("every honoured top-level key round-trips load -> write-back with a non-default value", () => {
    for (const row of topLevelRows()) {
      if (row.field === "partitioner" || !row.codec) continue;
      const text = exampleOf(row);
      const { settings } = loadConnectorConfig({ ...COMPANIONS[row.key], [row.key]: text });
      const value = (settings as unknown as Record<string, unknown>)[row.field];
      expect(value, row.key).toEqual(row.codec.parse(row.key, text));
      expect(value, row.key).not.toEqual(row.default);
      if (row.secret) {
        // a secret is never written back: the placeholder, which a load refuses (secrets.test.ts)
        expect(toConnectorConfig(settings)[row.key], row.key).toBe(REDACTED);
        continue;
      }
      expect(toConnectorConfig(settings)[row.key], row.key).toBe(text);
      const back = toConnectorConfig(settings);
      for (const [k, v] of Object.entries(back)) if (v === REDACTED) back[k] = (EXAMPLES[k] ?? v) as string;
      expect(loadConnectorConfig(back).settings, row.key).toEqual(settings);
    }
  });

  it("every partitioner key round-trips through its partitioner", () => {
    const field = loadConnectorConfig({
      "partitioner.class": "io.confluent.connect.storage.partitioner.FieldPartitioner",
      "partition.field.name": "method,status_code",
    }).settings;
    expect(field.partitioner).toEqual({ kind: "field", fields: ["method", "status_code"] });
    const time = {
      "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
      "path.format": "'dt'=YYYY-MM-dd",
      "partition.duration.ms": "86400000",
      locale: "ko-KR",
      "timestamp.extractor": "RecordField",
      "timestamp.field": "meta.ts",
    };
    const t = loadConnectorConfig(time).settings;
    const back = toConnectorConfig(t);
    for (const [key, value] of Object.entries(time)) expect(back[key], key).toBe(value);
    for (const s of [field, t]) expect(loadConnectorConfig(toConnectorConfig(s)).settings).toEqual(s);
  });

  it("Connect-only and ignored keys come back as notes; restricted ones accept only the harmless value", () => {
    for (const row of KEY_ROWS.filter((r) => r.status !== "honoured")) {
      const value = row.onlyValues?.[0] ?? "anything";
      const { notes } = loadConnectorConfig({ [row.key]: value });
      const label = row.status === "connect-only" ? "Connect-only" : "ignored";
      expect(notes, row.key).toContain(`${row.key}: ${label}: ${row.note}`);
      if (row.onlyValues) {
        expect(() => loadConnectorConfig({ [row.key]: "something.Else" }), row.key).toThrow(
          /not supported by our sink/,
        );
      }
    }
    for (const prefix of CONNECT_KEY_PREFIXES) {
      expect(loadConnectorConfig({ [`${prefix.key}x`]: "1" }).notes[0]).toContain(prefix.note);
    }
  });

  it("an unknown key is one line naming it, exit 2", () => {
    let caught: unknown;
    try {
      loadConnectorConfig({ "s3.bucket.nmae": "weblogs" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SinkConfigError);
    const err = caught as SinkConfigError;
    expect([err.key, err.code, exitCodeOf(err)]).toEqual(["s3.bucket.nmae", "BAD_CONFIG", 2]);
    expect(err.message).toContain("did you mean 's3.bucket.name'");
  });

  it("the defaults come from the rows and satisfy the schema compiled from them", () => {
    expect(Value.Check(SinkSettingsSchema, DEFAULT_SINK_SETTINGS)).toBe(true);
    expect(
      Value.Check(SinkSettingsSchema, { ...DEFAULT_SINK_SETTINGS, partitioner: DEFAULT_TIME_PARTITIONER }),
    ).toBe(true);
    expect(Object.keys(SinkSettingsSchema.properties).sort()).toEqual(
      topLevelRows()
        .map((r) => r.field as string)
        .sort(),
    );
  });

  it("validateSinkSettings never mutates its input and returns the canonical time zone", () => {
    const input = Object.freeze({ ...DEFAULT_SINK_SETTINGS, timezone: "asia/seoul" });
    const out = validateSinkSettings(input);
    expect(out.timezone).toBe("Asia/Seoul");
    expect(input.timezone).toBe("asia/seoul");
    expect(() => validateSinkSettings({ ...DEFAULT_SINK_SETTINGS, flushSize: 0 })).toThrow(
      "flush.size: 0 must be a positive integer",
    );
  });
});

describe("the flags derived from the table", () => {
  it("one flag per honoured row that has one, described with its key", () => {
    expect(SINK_FLAGS.map((f) => f.key)).toEqual(HONOURED_KEYS.filter((r) => r.flag).map((r) => r.key));
    for (const f of SINK_FLAGS) expect(f.description, f.name).toContain(f.key);
  });

  it("each flag's value lands in its row's field through the row's codec", () => {
    for (const row of topLevelRows()) {
      if (!row.flag || !row.codec) continue;
      const text = exampleOf(row);
      const attribute = row.flag.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      const { overrides } = settingsFromFlags({ [attribute]: text });
      expect((overrides as Record<string, unknown>)[row.field], row.key).toEqual(
        row.codec.parse(row.key, text),
      );
    }
  });
});

describe("s3.part.size", () => {
  it("defaults to Confluent's 25 MiB and refuses a part under S3's 5 MiB minimum, naming the key", () => {
    expect(DEFAULT_SINK_SETTINGS.partSize).toBe(26_214_400);
    expect(loadConnectorConfig({ "s3.part.size": "5242880" }).settings.partSize).toBe(5_242_880);
    expect(() => loadConnectorConfig({ "s3.part.size": "5242879" })).toThrow(
      "s3.part.size: 5242879 must be an integer 5242880..2147483647",
    );
  });
});

describe("README", () => {
  it("shows the key table exactly as the rows say (regenerate with keyTableMarkdown())", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const start = readme.indexOf("<!-- key-table:start -->");
    const end = readme.indexOf("<!-- key-table:end -->");
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + "<!-- key-table:start -->".length, end).trim()).toBe(keyTableMarkdown());
  });
});

describe("validateSinkSettings on settings from code", () => {
  it("names the partitioner key at fault, for each kind", () => {
    const base = { ...DEFAULT_SINK_SETTINGS };
    const fail = (partitioner: unknown) => {
      try {
        validateSinkSettings({ ...base, partitioner } as never);
      } catch (err) {
        return err as SinkConfigError;
      }
      throw new Error("expected a SinkConfigError");
    };
    expect(fail({ kind: "field", fields: [] }).key).toBe("partition.field.name");
    expect(fail({ ...DEFAULT_TIME_PARTITIONER, partitionDurationMs: 0 }).message).toBe(
      "partition.duration.ms: 0 must be a positive integer",
    );
    expect(fail({ kind: "hourly" }).key).toBe("partitioner.class");
    expect(fail({ kind: "default", extra: 1 }).key).toBe("partitioner.class");
  });
});
