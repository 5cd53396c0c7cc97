// One measurement of the streaming-memory scenario, in a fresh Node process (so that the heap
// grown by earlier work does not hide this one's growth): `stream` or `execute` of AllPosts.
// Prints one line of JSON. Started by streamMemory.ts as:
//   node --expose-gc streamMemoryChild.js <stream|execute> <databaseUrl> <generated/index.js>
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createRuntime, type AnyCompiledOperation } from '@fraise/runtime';
import { collectGarbage, sampleRss } from './memory.js';
import { slowSink } from './sinks.js';

export interface ChildResult {
  readonly seconds: number;
  readonly peakRssDelta: number;
  readonly peakHeapDelta: number;
  readonly bytes: number;
  readonly rows: number;
}

async function main(): Promise<void> {
  const [mode, url, index] = process.argv.slice(2);
  if ((mode !== 'stream' && mode !== 'execute') || !url || !index) throw new Error('usage: <stream|execute> <url> <index.js>');
  const { operationsByName } = (await import(pathToFileURL(index).href)) as { operationsByName: Record<string, AnyCompiledOperation> };
  const op = operationsByName['AllPosts'];
  if (!op) throw new Error('no AllPosts operation');
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const runtime = createRuntime({ pool });
  try {
    await runtime.execute(operationsByName['UserById']!, { id: '11111111-1111-4111-8111-000000000001' }); // connect, warm up
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    const heapTimer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 10);
    const sampler = sampleRss();
    const started = performance.now();
    let bytes = 0;
    let rows = 0;
    if (mode === 'stream') {
      const sink = slowSink();
      await runtime.stream(op, {}, sink);
      bytes = sink.bytes();
    } else {
      const result = await runtime.execute(op, {});
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      rows = (result.data as { posts?: unknown[] } | null | undefined)?.posts?.length ?? 0;
      bytes = Buffer.byteLength(JSON.stringify(result)); // what it would send; counted after the timing
    }
    const seconds = (performance.now() - started) / 1000;
    const peakRssDelta = sampler.stop();
    clearInterval(heapTimer);
    const out: ChildResult = { seconds, peakRssDelta, peakHeapDelta: peakHeap - heapBefore, bytes, rows };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
