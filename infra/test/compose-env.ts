/**
 * A compose service's environment as the server's properties, the way its image turns them into a properties
 * file: apache/kafka `KAFKA_X_Y` -> `x.y`, confluentinc/cp-kafka-connect `CONNECT_X_Y` -> `x.y`; in both, `__` is
 * a literal `_` and `___` a `-`. Variables the image itself consumes (heap, log4j, JVM options) are not properties.
 */

const IMAGE_ONLY =
  /^(?:KAFKA|CONNECT)_(?:HEAP_OPTS|OPTS|JMX_OPTS|JVM_PERFORMANCE_OPTS|LOG4J_.*|GC_LOG_OPTS)$/;

export function envName(rest: string): string {
  return rest
    .toLowerCase()
    .replace(/___/g, "\u0001")
    .replace(/__/g, "\u0002")
    .replace(/_/g, ".")
    .replace(/\u0001/g, "-")
    .replace(/\u0002/g, "_");
}

/** `prefix` is `KAFKA_` or `CONNECT_`; values are stringified (YAML numbers and booleans). */
export function envToProperties(
  env: Record<string, unknown>,
  prefix: "KAFKA_" | "CONNECT_",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(prefix) || IMAGE_ONLY.test(name)) continue;
    out[envName(name.slice(prefix.length))] = String(value);
  }
  return out;
}

/**
 * The settings a Kafka config class knows, from its INFO dump in a server log ("<Name> values: " then one
 * "\tkey = value" line per setting it defines). A property the server was given that is not in its class's dump
 * is one it ignores. (Kafka's "supplied but not used" warnings come from the worker's internal clients too, which
 * get the whole worker config, so they name every worker key: no use here.)
 */
export function definedKeys(log: string, configClass: string): Set<string> {
  const keys = new Set<string>();
  const lines = log.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.includes(`${configClass} values:`)) continue;
    for (let j = i + 1; j < lines.length && lines[j]?.startsWith("\t"); j++) {
      const key = lines[j]?.trim().split(" = ")[0];
      if (key) keys.add(key);
    }
  }
  return keys;
}
