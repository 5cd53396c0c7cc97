// Compile-time benchmark: 500 generated operations against the blog fixture's schema, compiled from
// the committed metadata snapshot (no database). Reports
//   cold:  `fraise-compile` in a new process (wall time, and the time it reports for compile + write);
//   watch: after changing one operation, the time until its module is written (from the file
//          change, so it includes the file-system notification and the 20 ms debounce) and the
//          time of the rebuild itself.
// Targets (issue): cold under 3 s, one change in watch mode under 300 ms.
// Run: npm run bench:compile  [-- --operations 500 --rounds 7]
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileCommand } from '../compiler/cli/compileCommand.js';
import type { BuildEvent } from '../compiler/cli/watch.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { operations: { type: 'string', default: '500' }, rounds: { type: 'string', default: '7' } } });
const COUNT = Number(values.operations);
const ROUNDS = Number(values.rounds);

/** Six shapes over the fixture's views: lists with filters, ordering and paging, lookups, relations. */
export function operation(i: number, variant = 0): string {
  const text = shape(i, i);
  // A changed operation: one more root field, so its statement and module change.
  return variant === 0 ? text : text.replace('{\n  ', `{\n  v${variant}: __typename\n  `);
}

function shape(i: number, n: number): string {
  switch (i % 6) {
    case 0:
      return `query Op${i}($limit: Int) {\n  posts(where: { views: { gte: ${n} } }, orderBy: [{ createdAt: DESC }], limit: $limit) {\n    id\n    title\n    views\n    author { id name }\n  }\n}\n`;
    case 1:
      return `query Op${i} {\n  users(where: { role: { eq: AUTHOR }, isActive: { eq: true } }, limit: ${(n % 50) + 1}) {\n    id\n    name\n    profile { location }\n    posts(orderBy: [{ views: DESC }], limit: 3) { id title }\n  }\n}\n`;
    case 2:
      return `query Op${i}($id: ID!) {\n  post(id: $id) {\n    id\n    title\n    tags { name }\n    comments(limit: ${(n % 10) + 1}) { id body author { name } }\n  }\n}\n`;
    case 3:
      return `query Op${i}($title: String, $minRating: Float) {\n  posts(where: { title: { ilike: $title }, rating: { gte: $minRating } }, limit: 10, offset: ${n}) {\n    id\n    title\n    rating\n  }\n}\n`;
    case 4:
      return `query Op${i}($id: ID!, $withComments: Boolean!) {\n  postDetail(id: $id) {\n    id\n    title\n    author { name }\n    comments @include(if: $withComments) { id likes }\n  }\n}\n`;
    default:
      return `query Op${i} {\n  comments(where: { likes: { gt: ${n} }, post: { status: { eq: PUBLISHED } } }, limit: 20) {\n    id\n    likes\n    post { id title }\n  }\n}\n`;
  }
}

function run(args: readonly string[], cwd: string): Promise<{ ms: number; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(root, 'bin/fraise-compile.js'), ...args], { cwd }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ ms: performance.now() - started, stdout, stderr });
    });
  });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-bench-compile-'));
  try {
    await mkdir(path.join(dir, 'ops'));
    for (let i = 0; i < COUNT; i++) await writeFile(path.join(dir, `ops/Op${i}.graphql`), operation(i));
    const args = [
      '--schema', path.join(root, 'fixtures/blog/schema.graphql'),
      '--operations', 'ops/*.graphql',
      '--metadata', path.join(root, 'fixtures/blog/fraise.metadata.json'),
      '--out', 'generated',
      '--ignore-warning', 'FRAISE_UNINDEXED_JSON_FILTER',
    ];

    const cold: { wall: number; reported: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const result = await run(args, dir);
      cold.push({ wall: result.ms, reported: Number(/ in (\d+) ms/.exec(result.stdout)?.[1]) });
    }

    // Watch mode, in this process: change one operation per round and wait for its module.
    const controller = new AbortController();
    let onEvent: ((e: BuildEvent) => void) | undefined;
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => process.stderr.write(t) } };
    const first = new Promise<BuildEvent>((resolve) => (onEvent = resolve));
    const watching = compileCommand(['--watch', ...args], io, dir, { signal: controller.signal, onBuild: (e) => onEvent?.(e) });
    const initial = await first;
    const latencies: number[] = [];
    const rebuilds: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const target = (round * 37) % COUNT;
      const built = new Promise<BuildEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no rebuild wrote Op${target}.ts within 30 s`)), 30_000);
        onEvent = (e) => {
          if (!e.ok) reject(new Error(`the rebuild of Op${target} failed`));
          if (e.written.includes(`Op${target}.ts`)) {
            clearTimeout(timer);
            resolve(e);
          }
        };
      });
      const file = path.join(dir, `ops/Op${target}.graphql`);
      const started = performance.now();
      await writeFile(`${file}.tmp`, operation(target, round));
      await rename(`${file}.tmp`, file);
      const event = await built;
      latencies.push(performance.now() - started);
      rebuilds.push(event.ms);
    }
    controller.abort();
    await watching;

    const fmt = (ms: number): string => `${Math.round(ms)} ms`;
    const lines = [
      `fraise-compile: ${COUNT} operations against fixtures/blog/schema.graphql (metadata snapshot), ${os.cpus().length} CPUs, Node ${process.version}`,
      `cold (new process, 3 runs):   wall ${cold.map((c) => fmt(c.wall)).join(', ')}; compile + write ${cold.map((c) => fmt(c.reported)).join(', ')}   target < 3000 ms`,
      `watch, first build:           ${fmt(initial.ms)}`,
      `watch, one operation changed: change -> module written median ${fmt(median(latencies))} (max ${fmt(Math.max(...latencies))}); rebuild median ${fmt(median(rebuilds))}   target < 300 ms`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const ok = Math.max(...cold.map((c) => c.wall)) < 3000 && median(latencies) < 300;
    process.exitCode = ok ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
