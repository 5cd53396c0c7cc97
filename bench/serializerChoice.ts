// npm run bench:serializer: who should write the JSON of a list of plain scalar columns, PostgreSQL
// or a JavaScript function specialised to the shape (issue 11, point 4)? Each variant of
// bench/serializer/variants.ts is served by its own node:http process (same pool, same raw row
// reader, one `res.end` with a Content-Length), loaded in turn with autocannon; reported per
// request: the server process's CPU and PostgreSQL's (from /proc), req/s under load, sequential
// latency; medians over the rounds, the variant order rotating every round. A response up to
// FLUSH_ROWS rows is written with one `res.end` and a Content-Length; a longer list is streamed.
// See docs/benchmarks.md.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postmasterOf } from './cpu.js';
import { startBenchDatabase } from './database.js';
import { load, measureSlice, median, post, type Slice, type Target } from './floor/measure.js';
import { log } from './log.js';
import { RawRows } from './serializer/rawRows.js';
import { LIST_SHAPES, planOf, VARIANTS, type Variant } from './serializer/variants.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const POOL = Number(process.env['BENCH_POOL'] ?? 10);
const WARMUP = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
/** The 10k-row list takes ~100x longer per request: longer slices for enough requests. */
const FACTOR: Readonly<Record<string, number>> = { list100: 1, rows10k: 3 };

/** Child process: serves one variant, the shape named by the URL path (/list100, /rows10k). */
async function serve(variant: Variant, databaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL, idleTimeoutMillis: 0, application_name: `bench-ser-${variant}` });
  pool.on('error', () => {});
  const plans = new Map<string, { plan: ReturnType<typeof planOf>; name: string }>(LIST_SHAPES.map((shape, i) => [`/${shape.key}`, { plan: planOf(variant, shape), name: `ser_${i}` }] as const));
  const server = http.createServer((req, res) => {
    const entry = plans.get(req.url ?? '');
    req.resume(); // the body is not needed: the path names the shape
    req.on('end', () => {
      if (entry === undefined) return void res.writeHead(404).end();
      let streaming = false;
      const writer = entry.plan.writer((text) => {
        if (!streaming) res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        streaming = true;
        res.write(text);
      });
      pool.connect().then(async (client) => {
        try {
          // All rows in one Execute; a list's text leaves every FLUSH_ROWS rows (no backpressure
          // wait: the load generator reads as fast as it can).
          await new RawRows(entry.name, entry.plan.text, [], writer.row).run(client);
        } finally {
          client.release();
        }
        const text = writer.end();
        if (streaming) return void res.end(text);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }).catch((error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        res.writeHead(500).end();
      });
    });
  });
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
}

function startChild(variant: Variant, databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', variant, databaseUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${variant} server exited (${code})`)));
  });
}

const fmt = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  const existing = process.env['BENCH_DATABASE_URL'];
  const database = existing ? { url: existing, stop: async () => {} } : await startBenchDatabase(repoRoot);
  const children: ChildProcess[] = [];
  try {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const postmasterPid = postmasterOf((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid)!;
    await client.end();
    const servers = {} as Record<Variant, { url: string; pid: number }>;
    for (const variant of VARIANTS) {
      const { child, url } = await startChild(variant, database.url);
      children.push(child);
      servers[variant] = { url, pid: child.pid! };
    }
    const lines = [
      '| shape | variant | req/s | node CPU ms/req | pg CPU ms/req | total CPU ms/req | sequential p50 ms | response bytes |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    ];
    for (const shape of LIST_SHAPES) {
      const targets = Object.fromEntries(
        VARIANTS.map((v) => [v, { url: `${servers[v].url}/${shape.key}`, pid: servers[v].pid, body: '{}' }]),
      ) as Record<Variant, Target>;
      // Every variant answers the same JSON (as values; the bytes differ by PostgreSQL's " : ").
      const texts = await Promise.all(VARIANTS.map((v) => post(targets[v].url, '{}')));
      const answers = texts.map((text) => JSON.parse(text) as { data: { posts: unknown[] } });
      if (answers[0]!.data.posts.length !== shape.limit) throw new Error(`${shape.key}: ${answers[0]!.data.posts.length} rows`);
      answers.forEach((answer, i) => {
        if (!isDeepStrictEqual(answer, answers[0])) throw new Error(`${shape.key}: ${VARIANTS[i]} answers differently from ${VARIANTS[0]}`);
      });
      const seconds = SECONDS * (FACTOR[shape.key] ?? 1);
      log(`${shape.name}: the variants answer the same; warming up, then ${ROUNDS} rounds of ${seconds} s each...`);
      for (const v of VARIANTS) await load(targets[v], CONNECTIONS, WARMUP * (FACTOR[shape.key] ?? 1));
      const rounds: Record<Variant, Slice>[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const slices = {} as Record<Variant, Slice>;
        for (let i = 0; i < VARIANTS.length; i++) {
          const v = VARIANTS[(i + round) % VARIANTS.length]!;
          slices[v] = await measureSlice(targets[v], postmasterPid, CONNECTIONS, seconds);
        }
        rounds.push(slices);
        log(`  round ${round + 1}: ${VARIANTS.map((v) => `${v} ${slices[v].reqPerSec.toFixed(0)} req/s node ${slices[v].nodeCpuMs.toFixed(3)} pg ${slices[v].pgCpuMs.toFixed(3)}`).join('; ')}`);
      }
      VARIANTS.forEach((v, i) => {
        const of = (pick: (s: Slice) => number): number => median(rounds.map((r) => pick(r[v])));
        const digits = shape.key === 'rows10k' ? 1 : 3;
        lines.push(
          `| ${shape.name} | ${v} | ${fmt(of((s) => s.reqPerSec), 0)} | ${fmt(of((s) => s.nodeCpuMs), digits)} | ${fmt(of((s) => s.pgCpuMs), digits)} | ` +
            `${fmt(of((s) => s.nodeCpuMs + s.pgCpuMs), digits)} | ${fmt(of((s) => s.sequentialMs), 2)} | ${Buffer.byteLength(texts[i]!)} |`,
        );
      });
    }
    const header =
      `bench:serializer: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, Node ${process.version}, autocannon ${CONNECTIONS} connections, ` +
      `pool ${POOL}, ${ROUNDS} rounds of ${SECONDS} s (x3 for 10k rows); load average ${loadBefore.toFixed(1)} at the start, ` +
      `${os.loadavg()[0]!.toFixed(1)} at the end; ${((performance.now() - started) / 1000).toFixed(0)} s in all`;
    process.stdout.write(`\n${header}\n\n${lines.join('\n')}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await database.stop();
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Variant, process.argv[4]!);
else await main();
