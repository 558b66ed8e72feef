/**
 * kafkajs's runtime values, importable from both builds. kafkajs is CommonJS and builds `module.exports` with spreads
 * and member expressions, so Node's ESM loader cannot see most of its named exports:
 * `import { CompressionTypes } from "kafkajs"` works under vitest but throws "does not provide an export named" in
 * `node dist/main.js`. The namespace's `default` (module.exports) always has them. Import types from "kafkajs" with
 * `import type`, values from here.
 */
import * as kafkajsNamespace from "kafkajs";

type Kafkajs = typeof kafkajsNamespace;
const kafkajs: Kafkajs = (kafkajsNamespace as unknown as { default?: Kafkajs }).default ?? kafkajsNamespace;

export const Kafka = kafkajs.Kafka;
export const CompressionCodecs = kafkajs.CompressionCodecs;
export const CompressionTypes = kafkajs.CompressionTypes;
export const Partitioners = kafkajs.Partitioners;
export const logLevel = kafkajs.logLevel;
export const ConfigResourceTypes = kafkajs.ConfigResourceTypes;
