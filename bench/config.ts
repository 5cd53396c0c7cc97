// Benchmark settings, from the environment (defaults keep `npm run bench` to a few minutes).
export interface BenchConfig {
  /** Measured seconds per scenario per contender, split into `rounds` interleaved slices. */
  readonly seconds: number;
  /** Warm-up seconds per scenario per contender (not measured; also prepares every connection). */
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly poolSize: number;
  /** Only run scenarios whose name contains one of these (comma-separated BENCH_ONLY). */
  readonly only: readonly string[];
}

function numberFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}, got ${raw}`);
  return value;
}

export function readConfig(): BenchConfig {
  return {
    seconds: numberFromEnv('BENCH_SECONDS', 5, 0.1),
    warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 1, 0),
    rounds: Math.round(numberFromEnv('BENCH_ROUNDS', 5, 1)),
    concurrency: Math.round(numberFromEnv('BENCH_CONCURRENCY', 8, 1)),
    poolSize: Math.round(numberFromEnv('BENCH_POOL', 8, 1)),
    only: (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
  };
}
