// npm run bench:scale: the scale-out figures of docs/scaling.md. `fraise-compile serve
// --unnamed-statements` behind a real PgBouncer in transaction mode (default_pool_size 10), with 1
// and then 2 workers, under SCALE_CONNECTIONS (200) concurrent HTTP clients for SCALE_SECONDS (30)
// per round, running the benchmark's request shapes (bench/floor/shapes.ts, without the 10k-row
// one) plus two whole-variable filters (SearchPosts). Every answer is compared with the one the runtime gives
// directly; any error or difference fails the run (exit 1).
// SCALE_SEED=bench loads the benchmark seed (slow); the default is the test seed.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createRuntime } from '@fraise/runtime';
import { runLoad, type CheckedRequest, type LoadReport } from '../scripts/lib/httpLoad.js';
import { startPgBouncer } from '../scripts/lib/pgbouncer.js';
import { compileFixture } from './compileFixture.js';
import { startBenchDatabase } from './database.js';
import { shapes } from './floor/shapes.js';
import { log } from './log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env['SCALE_SECONDS'] ?? 30);
const CONNECTIONS = Number(process.env['SCALE_CONNECTIONS'] ?? 200);
const ROUNDS = Number(process.env['SCALE_ROUNDS'] ?? 1);
const SERVER_CONNECTIONS = 10;
const SEED = process.env['SCALE_SEED'] === 'bench' ? 'bench' : 'small';
const WORKERS = (process.env['SCALE_WORKERS'] ?? '1,2').split(',').map(Number);

function serve(outDir: string, databaseUrl: string, workers: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/fraise-compile.js'), 'serve', '--dir', outDir, '--port', '0', '--workers', String(workers), '--unnamed-statements',
      // All 200 clients may wait on one worker's 10 connections: beyond the defaults (100, 1 s).
      '--max-waiting', '1000', '--acquire-timeout', '20000'],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /at (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<number> {
  const database = await startBenchDatabase(repoRoot, SEED);
  const pools: pg.Pool[] = [];
  try {
    const { operations, outDir } = await compileFixture(repoRoot, database.url);
    const direct = new pg.Pool({ connectionString: database.url, max: 2 });
    pools.push(direct);
    const runtime = createRuntime({ pool: direct });
    const chosen = [
      ...shapes.filter((s) => s.name !== '10k rows').map((s) => ({ name: s.name, operation: s.operation, variables: s.variables })),
      { name: 'whole where', operation: 'SearchPosts', variables: { where: { status: { eq: 'PUBLISHED' }, rating: { gte: 3 } }, orderBy: [{ views: 'DESC' }], limit: 5 } },
      { name: 'whole where OR/NOT', operation: 'SearchPosts', variables: { where: { OR: [{ title: { icontains: 'POSTGRES' } }, { author: { name: { startswith: 'Bob' } } }], NOT: { status: { in: ['DRAFT'] } } }, limit: 20 } },
    ];
    const requests: CheckedRequest[] = [];
    for (const c of chosen) {
      const op = operations[c.operation];
      if (!op) throw new Error(`operation ${c.operation} was not compiled`);
      const expected = await runtime.execute(op, c.variables);
      if (expected.errors) throw new Error(`${c.name}: ${JSON.stringify(expected.errors)}`);
      requests.push({ name: c.name, body: JSON.stringify({ documentId: op.id, variables: c.variables }), expected });
    }
    const pgb = await startPgBouncer({ serverUrl: database.url, mode: 'transaction', poolSize: SERVER_CONNECTIONS });
    const dbName = new URL(database.url).pathname.slice(1);
    log(`PgBouncer ${pgb.version}, transaction mode, ${SERVER_CONNECTIONS} server connections; ${CONNECTIONS} clients, ${SECONDS} s per round, ${ROUNDS} round(s), seed ${SEED}`);
    const results: { workers: number; report: LoadReport; servers: number }[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const workers of WORKERS) {
          const { child, url } = await serve(outDir, pgb.urlFor(dbName), workers);
          try {
            log(`round ${round + 1}: ${workers} worker(s) at ${url}`);
            const report = await runLoad(url, requests, CONNECTIONS, SECONDS);
            const servers = await pgb.serverConnections(dbName);
            results.push({ workers, report, servers });
            log(`  ${report.requests} requests, ${report.requestsPerSecond.toFixed(0)} req/s, p50 ${report.latencyP50Ms} ms, p99 ${report.latencyP99Ms} ms, errors ${report.errors}, wrong ${report.wrong}, server connections ${servers}`);
            for (const sample of report.samples) log(`  wrong: ${sample}`);
          } finally {
            await stop(child);
          }
        }
      }
    } finally {
      await pgb.stop();
    }
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
    process.stdout.write(`\nfraise-compile serve --unnamed-statements behind PgBouncer ${pgb.version} (transaction mode, ${SERVER_CONNECTIONS} server connections)\n`);
    process.stdout.write(`${CONNECTIONS} concurrent clients, ${SECONDS} s per round, ${requests.length} request shapes in turn, seed ${SEED}; ${os.availableParallelism()} cores, load average ${load}\n\n`);
    process.stdout.write('| workers | requests | req/s | p50 ms | p99 ms | errors | wrong answers | server connections |\n|---|---|---|---|---|---|---|---|\n');
    for (const r of results) {
      process.stdout.write(`| ${r.workers} | ${r.report.requests} | ${r.report.requestsPerSecond.toFixed(0)} | ${r.report.latencyP50Ms} | ${r.report.latencyP99Ms} | ${r.report.errors} | ${r.report.wrong} | ${r.servers} |\n`);
    }
    return results.every((r) => r.report.errors === 0 && r.report.wrong === 0) ? 0 : 1;
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await database.stop();
  }
}

process.exitCode = await main();
