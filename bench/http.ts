// npm run bench:http: the five request shapes of issue 11 over HTTP, each answered by four
// servers in their own processes: the floor (hand-written SQL on the base tables, bench/floor/
// shapes.ts), the same careful SQL over the views Fraise reads, Fraise's createHandler over those
// views, Fraise over column-style views of the same tables (bench/columns/) and graphql-js. Reports requests/s under load, sequential
// latency, and CPU per request of the server process and of PostgreSQL, each as a ratio to the
// floor measured in the same round (median over the rounds). See docs/benchmarks.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { COLUMNS, compileFixture } from './compileFixture.js';
import { postmasterOf } from './cpu.js';
import { startBenchDatabase } from './database.js';
import { measureSlice, median, post, load, type Slice, type Target } from './floor/measure.js';
import { POOL_SIZE, SERVER_KINDS, serveChild, type ServerKind } from './floor/servers.js';
import { shapes } from './floor/shapes.js';
import { log } from './log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const WARMUP = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
const ONLY = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

function startChild(kind: ServerKind, databaseUrl: string, generatedDir: string): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE=1 writes a CPU profile of each server to .fraise-bench/profiles/ when it stops.
  const profile = process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(repoRoot, '.fraise-bench/profiles')}`] : [];
  const child = spawn(process.execPath, [...profile, fileURLToPath(import.meta.url), '--serve', kind, databaseUrl, generatedDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '-');

interface ShapeResult {
  readonly shape: string;
  readonly description: string;
  readonly rounds: Record<ServerKind, Slice>[];
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  // BENCH_DATABASE_URL: an already seeded database (repeated runs while working on the server).
  const existing = process.env['BENCH_DATABASE_URL'];
  const database = existing
    ? { url: existing, stop: async () => {} }
    : await startBenchDatabase(repoRoot, process.env['BENCH_SEED'] === 'small' ? 'small' : 'bench');
  const children: ChildProcess[] = [];
  try {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // The column-style views over the seeded tables (CREATE OR REPLACE: BENCH_DATABASE_URL may have them).
    await client.query((await readFile(path.join(repoRoot, 'bench/columns/views.sql'), 'utf8')).replaceAll('CREATE VIEW', 'CREATE OR REPLACE VIEW'));
    const { operations, outDir } = await compileFixture(repoRoot, database.url);
    const columns = await compileFixture(repoRoot, database.url, COLUMNS);
    for (const shape of shapes) if (!operations[shape.operation] || !columns.operations[shape.operation]) throw new Error(`no operation ${shape.operation}`);
    const postmasterPid = postmasterOf((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid)!;
    await client.end();
    const servers = {} as Record<ServerKind, { url: string; pid: number }>;
    for (const kind of SERVER_KINDS) {
      const { child, url } = await startChild(kind, database.url, kind === 'fraise-columns' ? columns.outDir : outDir);
      children.push(child);
      servers[kind] = { url, pid: child.pid! };
    }
    const selected = shapes.filter((s) => ONLY.length === 0 || ONLY.some((o) => s.name.includes(o) || s.operation.includes(o)));
    const results: ShapeResult[] = [];
    for (const shape of selected) {
      const bodyOf = (kind: ServerKind): string =>
        JSON.stringify({ documentId: (kind === 'fraise-columns' ? columns.operations : operations)[shape.operation]!.id, variables: shape.variables });
      const targets = Object.fromEntries(SERVER_KINDS.map((kind) => [kind, { ...servers[kind], body: bodyOf(kind) }])) as Record<ServerKind, Target>;
      // The same answer from every server before anything is measured.
      const answers = await Promise.all(SERVER_KINDS.map(async (kind) => JSON.parse(await post(targets[kind].url, targets[kind].body)) as unknown));
      const reference = answers[SERVER_KINDS.indexOf('fraise')] as { data?: Record<string, unknown> };
      if (reference.data === undefined || JSON.stringify(reference.data).length < 30) throw new Error(`${shape.name}: Fraise answered ${JSON.stringify(reference)}`);
      SERVER_KINDS.forEach((kind, i) => {
        if (!isDeepStrictEqual(answers[i], reference)) throw new Error(`${shape.name}: ${kind} answers differently from fraise`);
      });
      const seconds = SECONDS * shape.durationFactor;
      log(`${shape.name} (${shape.operation}): the servers answer the same; warming up, then ${ROUNDS} rounds of ${seconds} s each...`);
      for (const kind of SERVER_KINDS) await load(targets[kind], CONNECTIONS, WARMUP * shape.durationFactor);
      const rounds: Record<ServerKind, Slice>[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The order rotates every round, so that drifting load on the shared machine hits all.
        const order = SERVER_KINDS.map((_, i) => SERVER_KINDS[(i + round) % SERVER_KINDS.length]!);
        const slices = {} as Record<ServerKind, Slice>;
        for (const kind of order) slices[kind] = await measureSlice(targets[kind], postmasterPid, CONNECTIONS, seconds);
        rounds.push(slices);
      }
      results.push({ shape: shape.name, description: shape.description, rounds });
      // Shown as it goes, so that a failure later does not lose what was measured.
      process.stdout.write(`${table(results.slice(-1))}\n`);
    }
    const loadAfter = os.loadavg()[0]!;
    const header =
      `Fraise bench:http: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, Node ${process.version}, ` +
      `autocannon ${CONNECTIONS} connections, pool ${POOL_SIZE} per server, ${ROUNDS} rounds of ${SECONDS} s per server ` +
      `(x3 for 10k rows), seed ${process.env['BENCH_SEED'] === 'small' ? 'small' : 'bench'}; ` +
      `load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end; ${((performance.now() - started) / 1000).toFixed(0)} s in all`;
    process.stdout.write(`\n${header}\n\n${table(results)}\n`);
    await mkdir(path.join(repoRoot, '.fraise-bench'), { recursive: true });
    await writeFile(path.join(repoRoot, '.fraise-bench/http-results.json'), JSON.stringify({ header, results }, null, 2));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await database.stop();
  }
}

/** Per shape and server: medians over the rounds; ratios are medians of each round's ratio to the floor. */
function table(results: readonly ShapeResult[]): string {
  const lines = [
    '| shape | server | req/s | req/s vs floor | node CPU ms/req | vs floor | pg CPU ms/req | vs floor | sequential p50 ms | vs floor | p99 under load ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { shape, description, rounds } of results) {
    for (const kind of SERVER_KINDS) {
      const of = (pick: (s: Slice) => number) => median(rounds.map((r) => pick(r[kind])));
      const vs = (pick: (s: Slice) => number) => median(rounds.map((r) => pick(r[kind]) / pick(r.floor)));
      lines.push(
        `| ${shape} (${description}) | ${kind} | ${fmt(of((s) => s.reqPerSec), 0)} | ${ratio(vs((s) => s.reqPerSec))} | ` +
          `${fmt(of((s) => s.nodeCpuMs), 3)} | ${ratio(vs((s) => s.nodeCpuMs))} | ${fmt(of((s) => s.pgCpuMs), 3)} | ${ratio(vs((s) => s.pgCpuMs))} | ` +
          `${fmt(of((s) => s.sequentialMs), 2)} | ${ratio(vs((s) => s.sequentialMs))} | ${fmt(of((s) => s.p99), 0)} |`,
      );
    }
  }
  return lines.join('\n');
}

if (process.argv[2] === '--serve') {
  await serveChild(process.argv[3] as ServerKind, process.argv[4]!, process.argv[5]!);
} else {
  await main();
}
