/** Polls `check` every `intervalMs` until it returns a value other than undefined, `failed()` says why, or time is up. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; failed?: () => string | undefined },
): Promise<{ value: T } | { failure: string } | { timedOut: true }> {
  const { timeoutMs, intervalMs = 200, failed } = opts;
  const deadline = Date.now() + timeoutMs;
  const maxRounds = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let round = 0; round < maxRounds; round++) {
    const why = failed?.();
    if (why !== undefined) return { failure: why };
    const value = await check().catch(() => undefined);
    if (value !== undefined) return { value };
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return { timedOut: true };
}
