// Graceful shutdown: handler.close lets in-flight requests (streams included) finish, cancels what
// is left at its deadline (a request waiting for a connection gets 503, a running one is cut off and
// its query cancelled), and `fraise-compile serve` does it on SIGTERM, exiting 0 with no accepted
// request reset.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, poolLoad, type OperationEvent } from '../../runtime/index.js';
import { repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { rawPost, type RawReply } from '../support/rawHttp.js';
import { until } from './load.js';
import { bigRowsOp } from './operations.js';
import { constantOperation, listen, sha256 } from './support.js';

const ROWS = 3000;
/** Slack for a loaded 2-core CI machine on top of an expected delay. */
const SLACK_MS = 1500;

const slowBody = 'query Slow { slept }';
const slowStatement = { name: 'fraise_test_shutdown_slow', text: `SELECT json_build_object('slept', true)::text FROM pg_sleep($1::float8) AS s` };
/** `slow(seconds)`: one row after sleeping (nothing is written before the statement ends). */
const slowOp = {
  ...constantOperation('query', 'Slow', slowBody, { kind: 'data' }, slowStatement),
  prepare: (variables: Readonly<Record<string, unknown>> | null | undefined) => ({
    ok: true as const,
    statement: slowStatement,
    values: [variables?.['seconds'] ?? 0],
  }),
};
const quick = constantOperation('query', 'Quick', 'query Quick { one }', { kind: 'data' }, {
  name: 'fraise_test_shutdown_quick',
  text: `SELECT json_build_object('one', 1)::text`,
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** A body for either operation, alternating, and the check of its complete answer. */
function mixed(i: number): { body: unknown; check: (reply: RawReply) => void } {
  if (i % 2 === 0) {
    return {
      body: { documentId: bigRowsOp.id, variables: { count: ROWS } },
      check: (reply) => {
        const rows = (reply.json as { data: { rows: { n: number }[] } }).data.rows;
        expect([reply.status, rows.length, rows[ROWS - 1]!.n]).toEqual([200, ROWS, ROWS]);
      },
    };
  }
  return {
    body: { documentId: slowOp.id, variables: { seconds: 0.3 } },
    check: (reply) => expect([reply.status, reply.json]).toEqual([200, { data: { slept: true } }]),
  };
}

/** `concurrency` loops of mixed requests until `stop()`; then resolves with every reply and its check. */
function mixedLoad(url: string, concurrency: number) {
  const replies: { reply: RawReply; check: (reply: RawReply) => void }[] = [];
  let stopped = false;
  let sent = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      const { body, check } = mixed(sent++);
      replies.push({ reply: await rawPost(url, body), check });
    }
  });
  return {
    replies,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return replies;
    },
  };
}

async function activeQueries(text: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE $1`,
    [`%${text}%`],
  );
  return rows[0]!.n;
}

describe('handler.close', () => {
  it('finishes every in-flight request, streams included, and resets none', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const events: OperationEvent[] = [];
    const handler = createHandler({ pool, operations: [bigRowsOp, slowOp], batchSize: 100, acquireTimeoutMs: 30_000, onOperation: (event) => void events.push(event) });
    const server = await listen(handler);
    const load = mixedLoad(server.url, 8);
    await until(() => load.replies.length >= 8);
    // A draining load balancer: no new requests, the 8 in flight must all complete.
    const stopping = load.stop();
    const inFlight = handler.inFlight;
    const answeredAtClose = events.length;
    server.server.close();
    const report = await handler.close({ deadlineMs: 20_000 });
    const replies = await stopping;
    await pool.end();

    expect(inFlight).toBeGreaterThan(0);
    // What was in flight, plus requests whose connection was accepted just before the listener closed.
    expect(report).toEqual({ completed: events.length - answeredAtClose, cancelled: 0 });
    expect(report.completed).toBeGreaterThanOrEqual(inFlight);
    // A connection still in the kernel's backlog when the listener closed is refused (reset before
    // the server read anything): never a request the handler accepted.
    const complete = replies.filter(({ reply }) => reply.outcome === 'complete');
    expect(replies.filter(({ reply }) => reply.outcome !== 'complete' && reply.outcome !== 'refused')).toEqual([]);
    for (const { reply, check } of complete) check(reply);
    expect(events.length).toBe(complete.length);
    expect(events.every((event) => event.complete && event.status === 200)).toBe(true);
    expect(handler.inFlight).toBe(0);
  });

  it('at the deadline, answers 503 to a request waiting for a connection and cancels a running one', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const handler = createHandler({ pool, operations: [slowOp, quick], acquireTimeoutMs: 60_000 });
    const server = await listen(handler);
    const running = rawPost(server.url, { documentId: slowOp.id, variables: { seconds: 30 } });
    await until(async () => (await activeQueries('pg_sleep')) === 1);
    const waiting = rawPost(server.url, { documentId: quick.id });
    await until(() => poolLoad(pool).waiting === 1);
    server.server.close();
    const closedAt = performance.now();
    const report = await handler.close({ deadlineMs: 300 });
    const closeMs = performance.now() - closedAt;

    expect(report).toEqual({ completed: 0, cancelled: 2 });
    expect(closeMs).toBeGreaterThanOrEqual(300);
    expect(closeMs).toBeLessThan(300 + SLACK_MS);
    const refused = await waiting;
    expect([refused.outcome, refused.status, refused.headers['retry-after'], refused.json]).toEqual([
      'complete',
      503,
      '1',
      { errors: [{ message: 'Database unavailable', extensions: { code: 'DATABASE_UNAVAILABLE' } }] },
    ]);
    expect((await running).outcome).toBe('reset');
    await until(async () => (await activeQueries('pg_sleep')) === 0);
    expect(performance.now() - closedAt).toBeLessThan(300 + SLACK_MS);
    await pool.end();
  });

  it('rejects a negative deadline', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const handler = createHandler({ pool, operations: [quick] });
    await expect(handler.close({ deadlineMs: -1 })).rejects.toThrow('handler.close: deadlineMs must be a whole number of milliseconds, got -1');
    await pool.end();
  });
});

/** A folder like fraise-compile's output, holding the two hand-written operations. */
async function writeOperationsFolder(): Promise<string> {
  const dir = path.join(repoRoot, 'test/.generated/shutdown');
  await mkdir(dir, { recursive: true });
  const big = bigRowsOp.statements[0]!;
  const source = `const big = ${JSON.stringify(big)};
const slow = ${JSON.stringify(slowStatement)};
const bad = (name) => ({ ok: false, errors: [{ message: 'Variable "$' + name + '" is invalid', extensions: { code: 'BAD_USER_INPUT' } }] });
export const operations = {
  ${JSON.stringify(bigRowsOp.id)}: { kind: 'query', name: 'BigRows', id: ${JSON.stringify(bigRowsOp.id)}, body: ${JSON.stringify(bigRowsOp.body)},
    shape: { kind: 'list', key: 'rows' }, statements: [big],
    prepare: (v) => Number.isInteger(v?.count) ? { ok: true, statement: big, values: [v.count] } : bad('count') },
  ${JSON.stringify(sha256(slowBody))}: { kind: 'query', name: 'Slow', id: ${JSON.stringify(sha256(slowBody))}, body: ${JSON.stringify(slowBody)},
    shape: { kind: 'data' }, statements: [slow],
    prepare: (v) => typeof v?.seconds === 'number' ? { ok: true, statement: slow, values: [v.seconds] } : bad('seconds') },
};
`;
  await writeFile(path.join(dir, 'index.js'), source);
  return dir;
}

describe('fraise-compile serve on SIGTERM', () => {
  it('stops accepting, finishes the requests in flight, closes the pool and exits 0 (built into dist/ by npm test)', async () => {
    const dir = await writeOperationsFolder();
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fraise-compile.js'), 'serve', '--dir', dir, '--port', '0'], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /at (http:\/\/\S+)\n/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stdout}${stderr}`)));
    });
    const load = mixedLoad(url, 8);
    await until(() => load.replies.length >= 16);
    const stopping = load.stop();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the last requests sent reach the server
    const answeredBefore = load.replies.length;
    child.kill('SIGTERM');
    const replies = await stopping;
    expect(await exited).toBe(0);

    const inFlight = replies.length - answeredBefore;
    expect(inFlight).toBeGreaterThan(0);
    expect(replies.filter(({ reply }) => reply.outcome !== 'complete')).toEqual([]);
    for (const { reply, check } of replies) check(reply);
    // The server counts what finished after the signal (a reply may have left just before it).
    const stopped = /stopped \((\d+) request\(s\) finished during shutdown, (\d+) cancelled\)/.exec(stderr);
    const [finished, cancelled] = stopped!.slice(1).map(Number);
    expect(finished).toBeGreaterThan(0);
    expect(finished).toBeLessThanOrEqual(inFlight);
    expect(cancelled).toBe(0);
    // The pool was ended: no session of the server is left (only this test's own pool).
    const endedAt = performance.now();
    await until(async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
      );
      return rows[0]!.n === db.pool.totalCount;
    });
    expect(performance.now() - endedAt).toBeLessThan(SLACK_MS);
    const afterwards = await rawPost(url, { documentId: bigRowsOp.id, variables: { count: 1 } });
    expect([afterwards.outcome, afterwards.errorCode]).toEqual(['refused', 'ECONNREFUSED']);
  });
});
