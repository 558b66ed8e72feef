/**
 * kafkajs consumer settings for tests. librdkafka's mock cluster waits a fixed 3 s before the first join of a group
 * and `sessionTimeout - 1000` ms before every later rebalance (a member leaving, a restarted consumer rejoining):
 * with kafkajs' default 30 s session a consumer restart takes ~29 s. 6000 ms is also the smallest session timeout a
 * default real broker accepts (group.min.session.timeout.ms), so these work on every backend.
 *
 * `kafka.consumer({ groupId, ...TEST_GROUP_TIMEOUTS })`
 */
export const TEST_GROUP_TIMEOUTS = Object.freeze({ sessionTimeout: 6000, heartbeatInterval: 1000 });

/**
 * TEST_GROUP_TIMEOUTS plus `maxWaitTimeInMs: 500`: the mock does not wake a waiting fetch when data arrives, so a
 * consumer sees new messages only after maxWaitTimeInMs (kafkajs default 5000 ms).
 *
 * `kafka.consumer({ groupId, ...TEST_CONSUMER_CONFIG })`
 */
export const TEST_CONSUMER_CONFIG = Object.freeze({ ...TEST_GROUP_TIMEOUTS, maxWaitTimeInMs: 500 });
