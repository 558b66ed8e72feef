/** A per-partition mutex: every change to a partition's buffer, upload and commit runs under it, one at a time. */
export class Lock {
  private tail: Promise<void> = Promise.resolve();
  private held = false;

  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Runs `fn` once the lock is free. `whileWaiting` is called every `pollMs` while waiting (the sink heartbeats
   * there, so a rebalance is noticed even while blocked); if it throws, the wait is abandoned with that error.
   */
  async run<T>(
    fn: () => Promise<T>,
    opts: { whileWaiting?: () => Promise<void>; pollMs?: number } = {},
  ): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tail = previous.then(() => mine);
    try {
      if (opts.whileWaiting) {
        let done = false;
        const waited = previous.then(() => {
          done = true;
        });
        while (!done) {
          await Promise.race([waited, sleep(opts.pollMs ?? 1000)]);
          if (!done) await opts.whileWaiting();
        }
      } else {
        await previous;
      }
      this.held = true;
      try {
        return await fn();
      } finally {
        this.held = false;
      }
    } finally {
      release();
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
