// Timing a piece of work run many times, some at once: the durations in
// order, their quantiles, and the wall time of the whole.
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Runs `fn(i)` `runs` times, `concurrency` at once; the durations and the wall time. */
export async function timed(runs: number, concurrency: number, fn: (i: number) => Promise<void>) {
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        const i = next++;
        const t0 = performance.now();
        await fn(i);
        durations.push(performance.now() - t0);
      }
    }),
  );
  return { durations: durations.sort((a, b) => a - b), wallMs: performance.now() - started };
}

/**
 * How far the process's JS heap and resident size (MB) rose above where they
 * stood after a full collection, while `fn` ran: sampled every 2 ms, so a
 * peak between two samples may be missed.
 */
export async function memoryPeak(fn: () => Promise<unknown>): Promise<{ heapMb: number; rssMb: number }> {
  global.gc?.();
  const base = process.memoryUsage();
  let heap = base.heapUsed;
  let rss = base.rss;
  const sample = () => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  };
  const sampler = setInterval(sample, 2);
  try {
    await fn();
  } finally {
    clearInterval(sampler);
    sample();
  }
  return {
    heapMb: Math.round((heap - base.heapUsed) / 2 ** 20),
    rssMb: Math.round((rss - base.rss) / 2 ** 20),
  };
}
