/** crash-hook.ts's parsing of WEBLOG_SINK_CRASH_AT (pure: the SIGKILL / SIGSTOP themselves are the kill -9 tests'). */
import { describe, expect, it } from "vitest";
import { crashHookFromEnv } from "../src/sink/crash-hook";

describe("crashHookFromEnv", () => {
  it("accepts <point>:<n> and <point>:<n>:stop; unset is a no-op", () => {
    expect(() => crashHookFromEnv("mid-multipart-upload:1")).not.toThrow();
    expect(() => crashHookFromEnv("mid-multipart-upload:2:stop")).not.toThrow();
    const none = crashHookFromEnv(undefined);
    expect(() => none("before-upload")).not.toThrow();
    // Another point than the armed one never fires (this process would be killed or frozen otherwise).
    const armed = crashHookFromEnv("after-commit:1:stop");
    for (let i = 0; i < 3; i++) armed("before-upload");
  });

  it("refuses an unknown point, a bad count or a mode other than stop, naming the form", () => {
    for (const bad of ["nowhere:1", "before-upload:0", "before-upload:x", "before-upload:1:pause"])
      expect(() => crashHookFromEnv(bad)).toThrow(/<before-upload\|.*>:<n>\[:stop\]/);
  });
});
