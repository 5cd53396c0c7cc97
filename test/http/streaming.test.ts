// Responses stream from PostgreSQL to the socket: a reader that stops reading stops the reads from
// PostgreSQL (the server holds about one batch), and a client that leaves cancels its statement.
import http from 'node:http';
import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type OperationEvent } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { bigRowsOp, PAD, sleepyOp } from './operations.js';
import { listen, type Listening } from './support.js';

const TOTAL = 100_000;
const BATCH = 100;
const ROW_BYTES = PAD + 30; // {"n" : 12345, "pad" : "xxx…"}

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;
let lastResponse: http.ServerResponse | undefined;
const events: OperationEvent[] = [];
/** Bytes received from PostgreSQL on the handler's only connection. */
let bytesFromDatabase: () => number = () => 0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('connect', (client) => {
    // pg's socket is internal; its counter is the only way to see what the server sent.
    const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    bytesFromDatabase = () => socket.bytesRead;
  });
  const handler = createHandler({
    pool,
    operations: [bigRowsOp, sleepyOp],
    batchSize: BATCH,
    onOperation: (event) => void events.push(event),
  });
  server = await listen((req, res) => {
    lastResponse = res;
    void handler(req, res);
  });
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

/** Sessions of the test database other than the asking one, as pg_stat_activity shows them. */
async function sessions(): Promise<{ pid: number; state: string; query: string }[]> {
  const { rows } = await db.pool.query<{ pid: number; state: string; query: string }>(
    `SELECT pid, state, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return rows;
}

/** Resolves once `check` holds, polling; the test's timeout bounds it. */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** The pool has its one client back, idle, and nobody waits for it. */
function expectPoolWhole(): void {
  expect([pool.totalCount, pool.idleCount, pool.waitingCount]).toEqual([1, 1, 0]);
}

/** Sends the request with node's client, whose response can be paused (a reader that stops reading). */
function open(body: unknown): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.request(server.url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) =>
      resolve({ res, req }),
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('streaming over HTTP', () => {
  it('streams 100k rows to a slow reader while holding about one batch', async () => {
    await pool.query('SELECT 1'); // connect first, so the byte counter is in place
    const startBytes = bytesFromDatabase();
    const { res } = await open({ documentId: bigRowsOp.id, variables: { count: TOTAL } });
    expect(res.statusCode).toBe(200);
    res.pause();
    // Wait until the pipeline is full: PostgreSQL -> server -> socket buffers -> paused client.
    let previous = -1;
    await until(async () => {
      const now = bytesFromDatabase();
      const stalled = now === previous && lastResponse!.writableNeedDrain;
      previous = now;
      await new Promise((r) => setTimeout(r, 50));
      return stalled;
    });
    const fetched = bytesFromDatabase() - startBytes;
    const total = TOTAL * ROW_BYTES;
    // Only what the kernel's socket buffers hold plus a batch was read: a small part of the result.
    expect(fetched).toBeLessThan(total / 4);
    // And the server itself buffers at most one batch's chunk in the response.
    expect(lastResponse!.writableLength).toBeLessThanOrEqual(BATCH * (ROW_BYTES + 10));

    res.resume();
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { rows: { n: number; pad: string }[] } };
    expect(body.data.rows.length).toBe(TOTAL);
    expect(body.data.rows.every((row, i) => row.n === i + 1 && row.pad.length === PAD)).toBe(true);
    await until(() => events.length > 0);
    expect(events.pop()).toMatchObject({ operationName: 'BigRows', operationId: bigRowsOp.id, status: 200, rows: TOTAL, complete: true });
    expectPoolWhole();
  });

  it('closes the portal when the client leaves mid-response: the session is idle and reused', async () => {
    const { res, req } = await open({ documentId: bigRowsOp.id, variables: { count: TOTAL } });
    await new Promise((resolve) => res.once('data', resolve));
    req.destroy();
    await until(() => events.length > 0);
    expect(events.pop()).toMatchObject({ operationName: 'BigRows', complete: false });
    await until(async () => (await sessions()).every((s) => s.state === 'idle'));
    // Nothing leaked. (The connection itself is normally kept: the batch in flight arrives within
    // the cancel grace period. Were it slower, it would be cancelled and possibly replaced.)
    expect([pool.idleCount, pool.waitingCount]).toEqual([pool.totalCount, 0]);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('cancels the statement in PostgreSQL when the client leaves while it runs', async () => {
    const controller = new AbortController();
    const aborted = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: sleepyOp.id, variables: { seconds: 60 } }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await until(async () => (await sessions()).some((s) => s.state === 'active' && s.query.includes('pg_sleep')));
    controller.abort();
    await aborted;
    // Without the cancel the statement would run for three minutes; the test's timeout would end first.
    await until(async () => !(await sessions()).some((s) => s.state === 'active'));
    await until(() => events.length >= 1);
    expect(events.shift()).toMatchObject({ operationName: 'Sleepy', rows: 0, complete: false });
    expectPoolWhole();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
