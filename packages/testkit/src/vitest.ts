/**
 * `@weblog/testkit/vitest`: set-ups that register vitest hooks. A separate entry so that the demo and the benches,
 * which import `@weblog/testkit`, never load vitest.
 */
import { afterAll, beforeAll } from "vitest";
import { startKafka } from "./kafka/start-kafka";
import type { KafkaHandle } from "./kafka/types";
import { startS3 } from "./s3/start-s3";
import type { S3Handle } from "./s3/types";

export interface BrokerAndS3 {
  readonly kafka: KafkaHandle;
  readonly s3: S3Handle;
}

/**
 * One broker (`startKafka()`) and one S3 server (`startS3()`) for the enclosing `describe`, started in beforeAll
 * and stopped in afterAll (even when a test failed). Read `env.kafka` / `env.s3` inside tests: they are set once
 * beforeAll has run.
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
