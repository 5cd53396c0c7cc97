// Peak RSS while something runs: process.memoryUsage.rss() sampled every 10 ms.
const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage when node runs with --expose-gc (npm run bench does), so baselines are comparable. */
export function collectGarbage(): void {
  gc?.();
}

export const gcAvailable = gc !== undefined;

export interface RssSampler {
  /** Peak RSS minus the RSS when sampling started, in bytes. */
  stop(): number;
}

export function sampleRss(intervalMs = 10): RssSampler {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak - baseline;
    },
  };
}

export const MB = 1024 * 1024;
