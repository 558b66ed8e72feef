import { type KafkaHandle, type S3Handle, startKafka, startS3 } from "@weblog/testkit";
import { afterAll, beforeAll } from "vitest";

export interface BrokerAndS3 {
  readonly kafka: KafkaHandle;
  readonly s3: S3Handle;
}

/**
 * The sink suites' shared set-up: one broker (`startKafka()`) and one S3 server (`startS3()`) for the enclosing
 * `describe`, started in beforeAll and stopped in afterAll. Read `env.kafka` / `env.s3` inside tests (they are set
 * once beforeAll has run).
 */
export function useBrokerAndS3(): BrokerAndS3 {
  const env = {} as { kafka: KafkaHandle; s3: S3Handle };
  beforeAll(async () => {
    [env.kafka, env.s3] = await Promise.all([startKafka(), startS3()]);
  });
  afterAll(async () => {
    await Promise.all([env.kafka?.stop(), env.s3?.stop()]);
  });
  return env;
}
