/**
 * Polls `check` every `intervalMs` (250) until it returns a value other than undefined, and returns it; throws after
 * `timeoutMs` (30 s) naming `what` and the last error `check` threw. Bounded: at most timeoutMs / intervalMs + 1
 * rounds. The way a test waits on a condition instead of sleeping.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const maxRounds = Math.ceil(timeoutMs / intervalMs) + 1;
  let last: unknown;
  for (let round = 0; round < maxRounds && Date.now() < deadline; round++) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`,
  );
}
