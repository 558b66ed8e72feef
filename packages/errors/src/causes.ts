/**
 * The cause chain of an error, outermost first: the error, then its `cause`, the kafkajs wrappers'
 * `originalError`, and each member of an `AggregateError` (or kafkajs's `errors` list), breadth first. Each object
 * appears once (a cycle ends the walk) and the walk stops after `limit` errors, so a hostile chain cannot hang it.
 */
export function causes(err: unknown, limit = 20): object[] {
  const out: object[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < limit) {
    const e = queue.shift();
    if (typeof e !== "object" || e === null || out.includes(e)) continue;
    out.push(e);
    const x = e as { cause?: unknown; originalError?: unknown; errors?: unknown };
    queue.push(x.cause, x.originalError, ...(Array.isArray(x.errors) ? x.errors : []));
  }
  return out;
}

/** The first error of the chain (outermost first) for which `test` holds. */
export function findCause<T extends object>(err: unknown, test: (e: object) => e is T): T | undefined;
export function findCause(err: unknown, test: (e: object) => boolean): object | undefined;
export function findCause(err: unknown, test: (e: object) => boolean): object | undefined {
  return causes(err).find(test);
}
