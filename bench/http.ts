// npm run bench:http: the persisted-operation HTTP path (createHandler on node:http) against a plain
// node:http server that runs the same SQL by hand, both loaded with autocannon. Each server runs
// in its own child process (this file, with --serve), so the load generator does not share its
// event loop. Target: Fraise within 15% of the plain server's requests/s.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../compiler/index.js';
import { createHandler, type CompiledOperation } from '../runtime/index.js';
import { createDatabaseFromFiles, startEmbeddedPostgres } from '../scripts/lib/embeddedPostgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, '.fraise-bench/http/generated');
const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const POOL_SIZE = 8;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const TARGET = 0.85;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Scenario {
  readonly operation: string;
  readonly variables: Record<string, unknown>;
}

// ---- child: one server ----

async function serveChild(kind: 'fraise' | 'plain', databaseUrl: string): Promise<void> {
  const generated = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as {
    operations: Record<string, CompiledOperation>;
    operationsByName: Record<string, CompiledOperation>;
  };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  pool.on('error', () => {});
  const listener: http.RequestListener =
    kind === 'fraise' ? (() => {
      const handler = createHandler({ pool, operations: generated.operations });
      return (req, res) => void handler(req, res);
    })() : plainListener(pool, generated.operationsByName);
  const server = http.createServer(listener);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.once('SIGTERM', () => process.exit(0)); // a normal exit, so that --cpu-prof writes its profile
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql\n`);
}

/**
 * What a careful hand-written server does for the same request: read and parse the JSON body, look
 * the operation up, run its SQL as a named prepared statement (the text is the compiled one, so
 * both run the same query) and write the rows as they come back, without parsing them.
 */
function plainListener(pool: pg.Pool, ops: Record<string, CompiledOperation>): http.RequestListener {
  const byId = new Map(Object.values(ops).map((op) => [op.id, op]));
  const rawText = { getTypeParser: () => (value: string) => value };
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { documentId: string; variables?: Record<string, unknown> };
        const op = byId.get(body.documentId.replace(/^sha256:/, ''))!;
        // The generated coercion lays out the bind values; the SQL is the compiled statement's.
        const prepared = op.prepare(body.variables);
        if (!prepared.ok) throw new Error('bad variables');
        if (!('statement' in prepared)) throw new Error('the plain server runs queries only');
        const { name, text } = prepared.statement;
        const result = await pool.query<string[]>({ name, text, values: [...prepared.values], rowMode: 'array', types: rawText });
        const rows = result.rows.map((r) => r[0] ?? 'null');
        const data = op.shape.kind === 'list' ? `{"${op.shape.key}":[${rows.join(',')}]}` : op.shape.kind === 'object' ? `{"${op.shape.key}":${rows[0] ?? 'null'}}` : rows[0];
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(`{"data":${data}}`);
      })();
    });
  };
}

// ---- parent: database, compile, servers, load ----

function startChild(kind: 'fraise' | 'plain', databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE=1 writes a CPU profile of each server to .fraise-bench/profiles/ when it stops.
  const profile = process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, '.fraise-bench/profiles')}`] : [];
  const child = spawn(process.execPath, [...profile, fileURLToPath(import.meta.url), '--serve', kind, databaseUrl], {
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

async function load(url: string, op: CompiledOperation, variables: Record<string, unknown>, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ documentId: op.id, variables }),
  });
}

async function main(): Promise<void> {
  process.stdout.write('Starting PostgreSQL and loading fixtures/blog with seed-bench.sql (10k users, 100k posts)…\n');
  const postgres = await startEmbeddedPostgres();
  const children: ChildProcess[] = [];
  try {
    const fixture = path.join(root, 'fixtures/blog');
    // BENCH_SEED=small loads the test seed instead (a quick run while working on the server).
    const seed = process.env['BENCH_SEED'] === 'small' ? 'seed-small.sql' : 'seed-bench.sql';
    const url = await createDatabaseFromFiles(postgres, 'blog', [path.join(fixture, 'schema.sql'), path.join(fixture, seed)]);
    const result = await compileProject({
      schema: ['fixtures/blog/schema.graphql'],
      operations: ['fixtures/blog/operations/*.graphql'],
      databaseUrl: url,
      cwd: root,
    });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    await writeOutputFolder(outDir, result.files);
    const generated = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as { operationsByName: Record<string, CompiledOperation> };
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const userId = (await client.query<{ id: string }>('SELECT id FROM v_user ORDER BY id LIMIT 1 OFFSET 5')).rows[0]!.id;
    await client.end();
    const scenarios: Scenario[] = [
      { operation: 'UserById', variables: { id: userId } },
      { operation: 'PostsPage', variables: { offset: 10 } },
    ];

    const fraise = await startChild('fraise', url);
    const plain = await startChild('plain', url);
    children.push(fraise.child, plain.child);
    process.stdout.write(`\n${CONNECTIONS} connections, ${DURATION} s per run, pool of ${POOL_SIZE}, ${(await import('node:os')).cpus().length} CPUs\n\n`);
    process.stdout.write(`${ROUNDS} rounds, medians shown; ratio = median of the rounds' ratios (each round's in brackets)\n\n`);
    process.stdout.write('| operation | server | requests/s | p50 ms | p99 ms | ratio |\n| --- | --- | ---: | ---: | ---: | ---: |\n');
    let worst = Infinity;
    for (const scenario of scenarios) {
      const op = generated.operationsByName[scenario.operation]!;
      // Same answer from both, and warm statements and connections, before measuring.
      const [a, b] = await Promise.all([fraise.url, plain.url].map(async (u) => (await fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: op.id, variables: scenario.variables }),
      })).text()));
      if (a !== b) throw new Error(`${scenario.operation}: the two servers answer differently`);
      for (const u of [fraise.url, plain.url]) await load(u, op, scenario.variables, 2);
      // Rounds alternate which server goes first, so that drifting load on the machine hits both.
      const runs: { plain: autocannon.Result; fraise: autocannon.Result }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (['plain', 'fraise'] as const) : (['fraise', 'plain'] as const);
        const results: Partial<Record<'plain' | 'fraise', autocannon.Result>> = {};
        for (const kind of order) results[kind] = await load(kind === 'plain' ? plain.url : fraise.url, op, scenario.variables, DURATION);
        for (const r of Object.values(results)) {
          if (r.errors > 0 || r.non2xx > 0) throw new Error(`${scenario.operation}: ${r.errors} errors, ${r.non2xx} non-2xx`);
        }
        runs.push({ plain: results.plain!, fraise: results.fraise! });
      }
      const ratios = runs.map((r) => r.fraise.requests.average / r.plain.requests.average);
      const ratio = median(ratios);
      worst = Math.min(worst, ratio);
      const row = (server: string, rs: autocannon.Result[], shown: string) =>
        `| ${scenario.operation} | ${server} | ${Math.round(median(rs.map((r) => r.requests.average)))} | ${median(rs.map((r) => r.latency.p50))} | ${median(rs.map((r) => r.latency.p99))} | ${shown} |\n`;
      process.stdout.write(row('plain node:http + pg', runs.map((r) => r.plain), ''));
      process.stdout.write(row('fraise createHandler', runs.map((r) => r.fraise), `${(ratio * 100).toFixed(1)}% (${ratios.map((x) => (x * 100).toFixed(0)).join('/')})`));
    }
    process.stdout.write(`\nWorst ratio ${(worst * 100).toFixed(1)}% (target ≥ ${TARGET * 100}%): ${worst >= TARGET ? 'met' : 'NOT met'}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await postgres.stop();
  }
}

if (process.argv[2] === '--serve') {
  await serveChild(process.argv[3] as 'fraise' | 'plain', process.argv[4]!);
} else {
  await main();
}
