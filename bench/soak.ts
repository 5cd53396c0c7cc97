// npm run soak: hours of mixed traffic compressed into minutes. The blog fixture at benchmark scale
// is served by createHandler on node:http (in this process), and CONCURRENCY loops send the
// fixture's cases (lookups, filters, pages, relations), 10,000-row streams of which a third are
// abandoned after their first bytes, and mutations (create, update, delete a post: the data stays
// the same size). Reports errors (must be 0), RSS and heap after warm-up (growth <= 20 MB),
// PostgreSQL backends and prepared statements per connection (bounded), and p50/p99 per minute
// (no drift). SOAK_MINUTES (default 10), SOAK_CONCURRENCY (8), SOAK_SEED (bench | small).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createHandler, type AnyCompiledOperation } from '@fraise/runtime';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../compiler/index.js';
import { compileFixture } from './compileFixture.js';
import { startBenchDatabase } from './database.js';
import { log } from './log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 10);
const CONCURRENCY = Number(process.env['SOAK_CONCURRENCY'] ?? 8);
const SEED = process.env['SOAK_SEED'] === 'small' ? 'small' : 'bench';
const WARMUP_MS = Math.min(60_000, (MINUTES * 60_000) / 5);
const POOL_SIZE = 10;
const ALICE = '11111111-1111-4111-8111-000000000001';

interface Case {
  readonly name: string;
  readonly operation: string;
  readonly variables: Record<string, unknown>;
}

interface Outcome {
  readonly kind: 'case' | 'stream' | 'abort' | 'mutation';
  readonly ok: boolean;
  readonly ms: number;
  readonly at: number;
  readonly detail?: string;
}

async function compileMutations(databaseUrl: string): Promise<Record<string, AnyCompiledOperation>> {
  const result = await compileProject({ schema: ['fixtures/blog/schema.graphql'], operations: ['fixtures/blog/mutations/*.graphql'], databaseUrl, cwd: repoRoot });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const outDir = path.join(repoRoot, 'bench/.out/soak-mutations');
  await writeOutputFolder(outDir, result.files);
  return ((await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as { operationsByName: Record<string, AnyCompiledOperation> }).operationsByName;
}

/** POSTs and reads the whole answer; `abort` leaves after the first chunk. */
function exchange(url: string, body: unknown, abort = false): Promise<{ status: number; text: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (abort) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text: '', aborted: true });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), aborted: false }));
      res.on('error', (error) => (abort ? undefined : reject(error)));
    });
    req.on('error', (error: NodeJS.ErrnoException) => (abort && error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(JSON.stringify(body));
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  log(`soak: ${MINUTES} min, concurrency ${CONCURRENCY}, seed ${SEED}`);
  const db = await startBenchDatabase(repoRoot, SEED);
  const pool = new pg.Pool({ connectionString: db.url, max: POOL_SIZE, keepAlive: true, connectionTimeoutMillis: 5000 });
  let server: http.Server | undefined;
  try {
    const { operations } = await compileFixture(repoRoot, db.url);
    const mutations = await compileMutations(db.url);
    const cases = (JSON.parse(await readFile(path.join(repoRoot, 'fixtures/blog/cases.json'), 'utf8')) as Case[]).filter((c) => operations[c.operation] !== undefined);
    const handlerErrors: unknown[] = [];
    const handler = createHandler({
      pool,
      operations: [...Object.values(operations), ...Object.values(mutations)],
      statementTimeout: 30_000,
      onError: (error) => void handlerErrors.push(error),
    });
    server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const idOf = (name: string, ops: Record<string, AnyCompiledOperation>) => ops[name]!.id;

    // Each case's expected answer (its errors, if any, are part of the fixture), taken once.
    const expected = new Map<string, string>();
    for (const c of cases) expected.set(c.name, (await exchange(url, { documentId: operations[c.operation]!.id, variables: c.variables })).text);

    const outcomes: Outcome[] = [];
    const started = performance.now();
    const endAt = started + MINUTES * 60_000;
    const one = async (): Promise<Outcome> => {
      const at = performance.now();
      const roll = Math.random();
      try {
        if (roll < 0.7) {
          const c = cases[Math.floor(Math.random() * cases.length)]!;
          const reply = await exchange(url, { documentId: operations[c.operation]!.id, variables: c.variables });
          // Mutations running meanwhile add and remove posts, so lists may differ from the first
          // answer; an error is a failed exchange, or errors where the case had none (or the reverse).
          const hadErrors = expected.get(c.name)!.includes('"errors"');
          const ok = reply.status === 200 && isJson(reply.text) && reply.text.includes('"errors"') === hadErrors;
          return { kind: 'case', ok, ms: performance.now() - at, at, ...(ok ? {} : { detail: `${c.name}: ${reply.status} ${reply.text.slice(0, 200)}` }) };
        }
        if (roll < 0.85) {
          const abort = Math.random() < 1 / 3;
          const reply = await exchange(url, { documentId: idOf('FloorRows10k', operations) }, abort);
          if (abort) return { kind: 'abort', ok: reply.status === 200, ms: performance.now() - at, at };
          const rows = (JSON.parse(reply.text) as { data?: { posts?: unknown[] } }).data?.posts?.length;
          const ok = reply.status === 200 && rows === (SEED === 'bench' ? 10_000 : rows);
          return { kind: 'stream', ok, ms: performance.now() - at, at, ...(ok ? {} : { detail: `stream: ${reply.status} ${rows}` }) };
        }
        // A post created, renamed and deleted: the data stays the same size.
        const id = randomUUID();
        const created = await exchange(url, { documentId: idOf('CreatePost', mutations), variables: { input: { id, authorId: ALICE, title: 'Soak', tagNames: ['SQL'] } } });
        const updated = await exchange(url, { documentId: idOf('UpdatePost', mutations), variables: { id, title: 'Soaked' } });
        const deleted = await exchange(url, { documentId: idOf('DeletePost', mutations), variables: { id } });
        const ok =
          created.text.includes('"CreatePostSuccess"') && updated.text.includes('"UpdatePostSuccess"') && deleted.status === 200 && !deleted.text.includes('"errors"');
        return { kind: 'mutation', ok, ms: performance.now() - at, at, ...(ok ? {} : { detail: `mutation: ${created.text.slice(0, 150)} | ${updated.text.slice(0, 150)} | ${deleted.text.slice(0, 150)}` }) };
      } catch (error) {
        return { kind: 'case', ok: false, ms: performance.now() - at, at, detail: `transport: ${(error as Error).message}` };
      }
    };

    interface Snapshot {
      readonly minute: number;
      readonly rss: number;
      readonly heap: number;
      readonly backends: number;
      readonly statementsPerConnection: readonly number[];
    }
    const snapshots: Snapshot[] = [];
    const snapshot = async (minute: number): Promise<void> => {
      (globalThis as { gc?: () => void }).gc?.();
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`);
      // pg keeps each connection's prepared statement names (the runtime bounds them per connection).
      const clients = (pool as unknown as { _clients: { connection: { parsedStatements: Record<string, unknown> } }[] })._clients;
      const statementsPerConnection = clients.map((c) => Object.keys(c.connection.parsedStatements).length);
      const memory = process.memoryUsage();
      snapshots.push({ minute, rss: memory.rss, heap: memory.heapUsed, backends: rows[0]!.n, statementsPerConnection });
    };

    let warmedUp = false;
    const ticker = setInterval(() => {
      const minute = Math.round((performance.now() - started) / 60_000);
      const recent = outcomes.filter((o) => o.at >= performance.now() - 60_000);
      log(`minute ${minute}: ${recent.length} requests, ${recent.filter((o) => !o.ok).length} errors, rss ${mb(process.memoryUsage().rss)} MB`);
      void snapshot(minute);
    }, 60_000);
    const warm = setTimeout(() => {
      warmedUp = true;
      void snapshot(0);
    }, WARMUP_MS);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < endAt) outcomes.push(await one());
      }),
    );
    clearInterval(ticker);
    clearTimeout(warm);
    await new Promise((r) => setTimeout(r, 500));
    await snapshot(MINUTES);

    // The report (markdown on stdout).
    const errors = outcomes.filter((o) => !o.ok);
    const afterWarmup = snapshots.find((s) => s.minute === 0) ?? snapshots[0]!;
    const last = snapshots[snapshots.length - 1]!;
    const lines: string[] = [];
    lines.push(`Soak: ${MINUTES} min, ${CONCURRENCY} concurrent loops, pool of ${POOL_SIZE}, seed ${SEED}, warm-up ${(WARMUP_MS / 1000).toFixed(0)} s (machine: ${process.env['SOAK_MACHINE'] ?? 'shared'})`);
    lines.push('');
    lines.push(`- requests: ${outcomes.length} (cases ${outcomes.filter((o) => o.kind === 'case').length}, 10k-row streams ${outcomes.filter((o) => o.kind === 'stream').length}, aborted streams ${outcomes.filter((o) => o.kind === 'abort').length}, create+update+delete ${outcomes.filter((o) => o.kind === 'mutation').length})`);
    lines.push(`- errors: ${errors.length}; errors reported to onError: ${handlerErrors.length}`);
    for (const e of errors.slice(0, 5)) lines.push(`  - ${e.detail ?? e.kind}`);
    lines.push(`- RSS after warm-up ${mb(afterWarmup.rss)} MB, at the end ${mb(last.rss)} MB (growth ${mb(last.rss - afterWarmup.rss)} MB); heap used ${mb(afterWarmup.heap)} -> ${mb(last.heap)} MB`);
    lines.push(`- PostgreSQL backends of the database (max over the run): ${Math.max(...snapshots.map((s) => s.backends))} (pool max ${POOL_SIZE} + 1 cancel/monitor)`);
    lines.push(`- prepared statements per connection (max over the run): ${Math.max(...snapshots.flatMap((s) => s.statementsPerConnection))}; at the end: ${last.statementsPerConnection.join(', ')}`);
    lines.push('');
    lines.push('| minute | requests | errors | p50 ms | p99 ms | RSS MB | heap MB |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (let minute = 0; minute < MINUTES; minute++) {
      const from = started + minute * 60_000;
      const slice = outcomes.filter((o) => o.at >= from && o.at < from + 60_000 && o.kind !== 'abort');
      const sorted = slice.map((o) => o.ms).sort((a, b) => a - b);
      const snap = snapshots.find((s) => s.minute === minute + 1);
      lines.push(
        `| ${minute + 1} | ${slice.length} | ${slice.filter((o) => !o.ok).length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${snap ? mb(snap.rss) : '-'} | ${snap ? mb(snap.heap) : '-'} |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!warmedUp) log('note: the run was shorter than the warm-up');
    process.exitCode = errors.length === 0 && last.rss - afterWarmup.rss <= 20 * 1024 * 1024 ? 0 : 1;
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await pool.end();
    await db.stop();
  }
}

await main();
