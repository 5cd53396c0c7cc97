// Streaming memory: AllPosts (every post, 100k rows) streamed into a slow consumer, against
// `execute` of the same operation, which holds the whole response as objects. Each runs in a
// fresh Node process (streamMemoryChild.ts).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MB } from './memory.js';
import { markdownTable } from './report.js';
import type { ChildResult } from './streamMemoryChild.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'streamMemoryChild.js');

async function measure(mode: 'stream' | 'execute', url: string, generatedIndex: string): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child, mode, url, generatedIndex], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as ChildResult;
}

export async function streamMemory(url: string, generatedIndex: string): Promise<string> {
  const stream = await measure('stream', url, generatedIndex);
  const execute = await measure('execute', url, generatedIndex);
  const row = (how: string, r: ChildResult, rows: number): string[] => [
    how,
    rows.toString(),
    (r.bytes / MB).toFixed(1),
    r.seconds.toFixed(2),
    (r.peakRssDelta / MB).toFixed(1),
    (r.peakHeapDelta / MB).toFixed(1),
  ];
  return markdownTable(
    ['AllPosts (every post)', 'rows', 'response MB', 'time s', 'peak RSS +MB', 'peak heap +MB'],
    [
      row('stream into a slow Writable (64 KB buffer, setImmediate acks)', stream, execute.rows),
      row('execute (the response as objects; MB as JSON.stringify)', execute, execute.rows),
    ],
  );
}
