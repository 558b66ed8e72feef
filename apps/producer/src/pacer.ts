/**
 * Rate limiting for --rate: a token bucket refilled continuously at `rate` tokens/s, holding at most `burst`
 * tokens (about half a second's worth: 2 to 10 batches). The loop asks for a whole batch at a time (`take(n)`);
 * time is read from the clock on every call, so late timers and short stalls (GC, a busy machine) do not lower the
 * average rate, while a long stall (a slow broker) allows at most one `burst` of catch-up.
 */
export interface Pacer {
  /** Resolves when `n` tokens are available (and takes them), or as soon as `signal` aborts. */
  take(n: number, signal?: AbortSignal): Promise<void>;
  /** Records per batch that keep sends smooth at this rate (about 20 batches/s), capped at `maxBatch`. */
  readonly batchSize: number;
}

export interface PacerOptions {
  /** Tokens (records) per second, > 0. */
  rate: number;
  /** Largest batch the caller will ask for. */
  maxBatch: number;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Records per batch that keep sends smooth at `rate` (about 20 batches/s), between 1 and `maxBatch`. */
export function pacedBatchSize(rate: number, maxBatch: number): number {
  return Math.max(1, Math.min(maxBatch, Math.round(rate / 20)));
}

/** Most tokens the bucket holds: about 0.5 s of `rate`, at least 2 and at most 10 batches. */
export function burstSize(rate: number, batchSize: number): number {
  return Math.max(2 * batchSize, Math.min(10 * batchSize, Math.round(rate / 2)));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function createPacer(opts: PacerOptions): Pacer {
  if (!(opts.rate > 0)) throw new RangeError("createPacer: rate must be > 0");
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? abortableSleep;
  const rate = opts.rate;
  const batchSize = pacedBatchSize(rate, opts.maxBatch);
  // Tokens saved up while the loop was late are spent afterwards, up to ~0.5 s worth, so the average stays on rate.
  const burst = burstSize(rate, batchSize);
  // The first batch goes out at once.
  let tokens = batchSize;
  let last = now();

  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
    last = t;
  };

  return {
    batchSize,
    async take(n, signal) {
      if (n > burst) throw new RangeError(`pacer: asked for ${n} tokens, burst is ${burst}`);
      refill();
      while (tokens < n) {
        if (signal?.aborted) return;
        await sleep(Math.max(1, ((n - tokens) * 1000) / rate), signal);
        refill();
      }
      tokens -= n;
    },
  };
}
