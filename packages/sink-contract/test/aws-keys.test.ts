import { exitCodeOf } from "@weblog/cli";
import { describe, expect, it } from "vitest";
import { REDACTED } from "../src/codecs";
import { SinkConfigError } from "../src/errors";
import { loadConnectorConfig } from "../src/load";
import { defaultSinkSettings } from "../src/settings";
import { validateSinkSettings } from "../src/validate";
import { toConnectorConfig } from "../src/write-back";

const SSE_C = Buffer.alloc(32, 7).toString("base64");
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY_ID = "AKIAEXAMPLEEXAMPLE00";

/** The one-line error of a load, or undefined when it loads. */
function refusal(config: Record<string, string>): SinkConfigError | undefined {
  try {
    loadConnectorConfig(config);
    return undefined;
  } catch (err) {
    if (err instanceof SinkConfigError) return err;
    throw err;
  }
}

describe("Confluent's S3 request keys", () => {
  it("defaults as Confluent's: no SSE, no ACL, no tags, the AWS SDK chain", () => {
    const s = loadConnectorConfig({}).settings;
    expect([s.sseAlgorithm, s.sseKmsKeyId, s.sseCustomerKey, s.cannedAcl, s.objectTagging]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      false,
    ]);
    expect(s.credentialsProvider).toBe("default");
    // "" is Confluent's default for s3.ssea.name and s3.sse.kms.key.id: unset
    expect(
      loadConnectorConfig({ "s3.ssea.name": "", "s3.sse.kms.key.id": "" }).settings.sseAlgorithm,
    ).toBeUndefined();
  });

  it("reads SSE-KMS with a key id, SSE-C, a canned ACL and tags into settings", () => {
    const kms = loadConnectorConfig({
      "s3.ssea.name": "aws:kms",
      "s3.sse.kms.key.id": "alias/weblog",
      "s3.acl.canned": "bucket-owner-full-control",
      "s3.object.tagging": "true",
      "s3.object.tagging.key.value.pairs": "team:web",
    }).settings;
    expect(kms).toMatchObject({
      sseAlgorithm: "aws:kms",
      sseKmsKeyId: "alias/weblog",
      cannedAcl: "bucket-owner-full-control",
      objectTagging: true,
      objectTaggingPairs: ["team:web"],
    });
    const ssec = loadConnectorConfig({ "s3.ssea.name": "AES256", "s3.sse.customer.key": SSE_C }).settings;
    expect([ssec.sseAlgorithm, ssec.sseCustomerKey]).toEqual(["AES256", SSE_C]);
  });

  it("refuses keys that need each other, one line naming the key (Confluent would drop one silently)", () => {
    const cases: [Record<string, string>, string][] = [
      [{ "s3.sse.kms.key.id": "k" }, "s3.sse.kms.key.id"],
      [{ "s3.ssea.name": "aws:kms", "s3.sse.customer.key": SSE_C }, "s3.sse.customer.key"],
      [{ "aws.access.key.id": KEY_ID }, "aws.secret.access.key"],
      [{ "s3.object.tagging.key.value.pairs": "a:b" }, "s3.object.tagging.key.value.pairs"],
      [{ "s3.credentials.provider.class": "assume-role" }, "s3.credentials.provider.sts.role.arn"],
      [
        { "s3.credentials.provider.sts.role.arn": "arn:aws:iam::1:role/r" },
        "s3.credentials.provider.sts.role.arn",
      ],
      [{ "s3.ssea.name": "aws:kms:dsse" }, "s3.ssea.name"],
      [
        {
          "s3.object.tagging": "true",
          "s3.object.tagging.key.value.pairs": Array.from({ length: 8 }, (_, i) => `k${i}:v`).join(","),
        },
        "s3.object.tagging.key.value.pairs",
      ],
      [{ "s3.acl.canned": "public" }, "s3.acl.canned"],
    ];
    for (const [config, key] of cases) {
      const err = refusal(config);
      expect(err?.key, JSON.stringify(config)).toBe(key);
      expect(err?.message.split("\n")).toHaveLength(1);
      expect(err && exitCodeOf(err)).toBe(2);
    }
  });
});

describe("secrets from the connector JSON are never shown", () => {
  const config = {
    "s3.ssea.name": "AES256",
    "s3.sse.customer.key": SSE_C,
    "aws.access.key.id": KEY_ID,
    "aws.secret.access.key": SECRET,
  };

  it("accepted; write-back prints [hidden] for each; notes never hold them", () => {
    const { settings, notes } = loadConnectorConfig(config);
    expect([settings.awsAccessKeyId, settings.awsSecretAccessKey, settings.sseCustomerKey]).toEqual([
      KEY_ID,
      SECRET,
      SSE_C,
    ]);
    const back = toConnectorConfig(settings);
    expect([back["aws.access.key.id"], back["aws.secret.access.key"], back["s3.sse.customer.key"]]).toEqual([
      REDACTED,
      REDACTED,
      REDACTED,
    ]);
    const text = JSON.stringify({ back, notes });
    for (const secret of [KEY_ID, SECRET, SSE_C]) expect(text).not.toContain(secret);
  });

  it("a bad SSE-C key or a written-back placeholder is one line that does not quote the value", () => {
    const short = Buffer.alloc(16, 1).toString("base64");
    const bad = refusal({ "s3.ssea.name": "AES256", "s3.sse.customer.key": short });
    expect(bad?.message).toMatch(/^s3\.sse\.customer\.key: must be a base64-encoded 256-bit key/);
    expect(bad?.message).not.toContain(short);
    const placeholder = refusal({ ...config, "aws.secret.access.key": REDACTED });
    expect(placeholder?.message).toMatch(/aws\.secret\.access\.key: '\[hidden\]' is the placeholder/);
    // settings from code are checked by the schema: its message names the key, not the value
    const s = { ...defaultSinkSettings(), awsAccessKeyId: KEY_ID, awsSecretAccessKey: "" };
    const err = (() => {
      try {
        validateSinkSettings(s);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/^aws\.secret\.access\.key: /);
    expect(err?.message).not.toContain(KEY_ID);
  });
});

describe("a key we do not honour that changes what lands in S3", () => {
  it("is refused at start in one line naming it and the way out, exit 2", () => {
    const err = refusal({ "s3.schema.partition.affix.type": "VALUE" });
    expect(err?.key).toBe("s3.schema.partition.affix.type");
    expect(err?.message).toBe(
      "s3.schema.partition.affix.type='VALUE' is not supported by our sink: schema-based affixes are not written; use 'NONE', or list it in weblog.ignore.keys to run without it",
    );
    expect(err && exitCodeOf(err)).toBe(2);
  });

  it("runs without it, with a note, when weblog.ignore.keys lists it", () => {
    const { notes } = loadConnectorConfig({
      "s3.schema.partition.affix.type": "VALUE",
      "weblog.ignore.keys": "s3.schema.partition.affix.type",
    });
    expect(
      notes.some((n) => n.startsWith("s3.schema.partition.affix.type='VALUE': not honoured, run without it")),
    ).toBe(true);
  });

  it("weblog.ignore.keys may list only keys the sink refuses", () => {
    expect(refusal({ "weblog.ignore.keys": "flush.size" })?.message).toMatch(
      /'flush.size' is a key our sink honours/,
    );
    expect(refusal({ "weblog.ignore.keys": "no.such.key" })?.message).toMatch(/not a Confluent S3 sink key/);
  });
});

describe("topics.regex", () => {
  it("is read in place of topics, written back without topics; both, or a bad pattern, is one line", () => {
    const { settings } = loadConnectorConfig({ "topics.regex": "weblogs-.*" });
    expect(settings.topicsRegex).toBe("weblogs-.*");
    const back = toConnectorConfig(settings);
    expect([back["topics.regex"], back.topics]).toEqual(["weblogs-.*", undefined]);
    expect(refusal({ topics: "a", "topics.regex": "a.*" })?.message).toBe(
      "topics.regex: set together with topics; Connect takes one of them: remove one",
    );
    expect(refusal({ "topics.regex": "web(" })?.message).toMatch(
      /^topics\.regex='web\(' is not a valid regular expression/,
    );
  });
});
