import { describe, expect, it } from "vitest";
import { isSecretField, redact, redactText } from "../src/redact";

describe("redact (objects)", () => {
  it("masks password/secret/key fields deeply, keeps the rest and does not mutate", () => {
    const input = {
      brokers: ["a:9092"],
      sasl: { mechanism: "plain", username: "alice", password: "hunter2" },
      s3: { accessKeyId: "AKIA123", secretAccessKey: "s3cr3t", region: "us-east-1" },
      apiKey: "k",
      token: "t",
      key: "192.0.2.1",
      list: [{ password: "p2" }],
    };
    const out = redact(input);
    expect(out.sasl.password).toBe("***");
    expect(out.sasl.username).toBe("alice");
    expect(out.s3.secretAccessKey).toBe("***");
    expect(out.s3.accessKeyId).toBe("***");
    expect(out.s3.region).toBe("us-east-1");
    expect(out.apiKey).toBe("***");
    expect(out.token).toBe("***");
    expect(out.key).toBe("192.0.2.1"); // a Kafka message key is not a secret
    expect(out.list[0]?.password).toBe("***");
    expect(input.sasl.password).toBe("hunter2");
    expect(JSON.stringify(out)).not.toMatch(/hunter2|s3cr3t|AKIA123/);
  });
  it("keeps empty/unset secrets visible as such and survives cycles", () => {
    const a: Record<string, unknown> = { password: "", secret: undefined };
    a.self = a;
    const out = redact(a);
    expect(out.password).toBe("");
    expect(out.secret).toBeUndefined();
    expect(out.self).toBe("[Circular]");
  });
  it("masks the password in URLs inside strings", () => {
    expect(redact({ url: "https://bob:pa55@host:9000/x" }).url).toBe("https://bob:***@host:9000/x");
  });
  it("classifies field names", () => {
    for (const f of ["password", "KAFKA_SASL_PASSWORD", "secretAccessKey", "sessionToken", "authorization"])
      expect(isSecretField(f)).toBe(true);
    for (const f of ["key", "username", "keyOf", "topic"]) expect(isSecretField(f)).toBe(false);
  });
});

describe("redactText", () => {
  it("masks given secrets (raw and URL-encoded), longest first", () => {
    const text = "auth failed for alice with p@ss/1 (p%40ss%2F1) and p@ss";
    expect(redactText(text, ["p@ss/1", "p@ss", undefined, ""])).toBe(
      "auth failed for alice with *** (***) and ***",
    );
  });
});
