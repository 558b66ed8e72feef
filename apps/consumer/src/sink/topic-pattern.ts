/**
 * `topics.regex` (Connect's pattern subscription): the topics whose whole name matches, and a watcher that looks
 * for new ones every `consumer.override.metadata.max.age.ms` (the Kafka consumer's metadata refresh, 5 min by
 * default), as Connect's consumer picks them up on its metadata refresh. Kafka's internal topics (`__*`) never match,
 * nor does the sink's own dead-letter topic (it would read its own rejects back). The sink restarts its engine on
 * the larger list (main.ts): a graceful stop (objects cut, offsets committed) and a new member, as a rebalance.
 */
import type { Logger } from "@weblog/cli";

/** The names matching `pattern` as a whole (Java's Pattern.matches), sorted; never `__*`, never `exclude`. */
export function matchingTopics(pattern: string, names: Iterable<string>, exclude?: string): string[] {
  const re = new RegExp(`^(?:${pattern})$`);
  return [...new Set(names)].filter((n) => !n.startsWith("__") && n !== exclude && re.test(n)).sort();
}

export interface TopicWatcher {
  stop(): void;
}

/**
 * Every `intervalMs`, lists the cluster's topics; when one matching `pattern` is not in `known`, calls `onNew` once
 * with the whole new list and stops (the caller restarts on it and starts a new watcher). Listing failures are
 * logged and retried at the next tick.
 */
export function watchTopics(opts: {
  list: () => Promise<string[]>;
  pattern: string;
  known: readonly string[];
  exclude?: string | undefined;
  intervalMs: number;
  logger: Logger;
  onNew: (topics: string[]) => void;
}): TopicWatcher {
  let stopped = false;
  let busy = false;
  const timer = setInterval(async () => {
    if (stopped || busy) return;
    busy = true;
    try {
      const found = matchingTopics(opts.pattern, await opts.list(), opts.exclude);
      const added = found.filter((t) => !opts.known.includes(t));
      if (added.length > 0 && !stopped) {
        stopped = true;
        clearInterval(timer);
        opts.logger.info(
          { added, pattern: opts.pattern },
          "new topics match topics.regex: restarting on them",
        );
        opts.onNew([...new Set([...opts.known, ...found])].sort());
      }
    } catch (err) {
      opts.logger.warn({ err: { message: (err as Error).message } }, "topics.regex: could not list topics");
    } finally {
      busy = false;
    }
  }, opts.intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
