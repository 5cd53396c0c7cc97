// Closed-loop load: `concurrency` workers each send their next request as soon as the previous
// one answered, for a fixed time. Contenders take turns in short slices (rotating the order every
// round), so drift over the run (caches, autovacuum, CPU frequency) is spread over all of them.
import type { BenchConfig } from './config.js';
import type { Contender } from './contenders.js';
import { nodeCpuMs, postgresCpuMs } from './cpu.js';
import { collectGarbage, sampleRss } from './memory.js';
import type { Variables } from './scenarios.js';

export interface Measurement {
  readonly contender: string;
  readonly requests: number;
  readonly seconds: number;
  readonly latenciesMs: readonly number[];
  readonly peakRssDelta: number;
  /** CPU milliseconds used by this process and by PostgreSQL while measuring. */
  readonly nodeCpuMs: number;
  readonly postgresCpuMs: number;
}

interface Slice {
  readonly latencies: number[];
  readonly seconds: number;
}

async function runFor(contender: Contender, variables: readonly Variables[], concurrency: number, seconds: number): Promise<Slice> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const vars = variables[next++ % variables.length]!;
      const t0 = performance.now();
      await contender.run(vars);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

export async function measureInterleaved(
  contenders: readonly Contender[],
  variables: readonly Variables[],
  config: BenchConfig,
  postmasterPid: number | undefined,
): Promise<Measurement[]> {
  // Warm-up: JIT, and every pooled connection prepares the statements.
  for (const contender of contenders) await runFor(contender, variables, config.concurrency, config.warmupSeconds);
  const totals = contenders.map((c) => ({
    contender: c.name, requests: 0, seconds: 0, latenciesMs: [] as number[], peakRssDelta: 0, nodeCpuMs: 0, postgresCpuMs: 0,
  }));
  const sliceSeconds = config.seconds / config.rounds;
  for (let round = 0; round < config.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + round) % contenders.length;
      collectGarbage();
      const sampler = sampleRss();
      const [node0, pg0] = [nodeCpuMs(), postgresCpuMs(postmasterPid)];
      const slice = await runFor(contenders[index]!, variables, config.concurrency, sliceSeconds);
      const [node1, pg1] = [nodeCpuMs(), postgresCpuMs(postmasterPid)];
      const delta = sampler.stop();
      const total = totals[index]!;
      total.nodeCpuMs += node1 - node0;
      total.postgresCpuMs += pg1 - pg0;
      total.requests += slice.latencies.length;
      total.seconds += slice.seconds;
      for (const latency of slice.latencies) total.latenciesMs.push(latency);
      total.peakRssDelta = Math.max(total.peakRssDelta, delta);
    }
  }
  return totals;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
