// When a stream cannot finish: the reader goes away, the query fails mid-way, the backend dies, the
// database is unreachable. The pooled client always goes back to the pool, usable or destroyed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime, FraiseError, type Runtime } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { failingNumbersOp, numberRows, numbersOp } from './operations.js';
import { Collector, delay, PausedCollector } from './writables.js';

let db: TestDatabase;
let pool: pg.Pool;
let runtime: Runtime;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  runtime = createRuntime({ pool, batchSize: 1000 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function backendPid(): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

/** Session state of a backend, seen from another connection. */
async function backendState(pid: number): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
  return rows[0]?.state;
}

/** The pool answers, and its one client is back and idle. */
async function expectPoolUsable(): Promise<void> {
  expect(await runtime.execute(numbersOp, { count: 2 })).toEqual({
    data: { numbers: [{ n: 1, label: 'row 1' }, { n: 2, label: 'row 2' }] },
  });
  expect(pool.totalCount).toBe(1);
  expect(pool.idleCount).toBe(1);
}

/** Destroys itself once it has the first chunk: a client that hung up. */
class HangingUp extends Collector {
  protected override onChunk(callback: (error?: Error | null) => void): void {
    callback();
    this.destroy();
  }
}

describe('stream failures', () => {
  it('stops fetching and releases the client when the writable is destroyed early', async () => {
    const pid = await backendPid();
    const out = new HangingUp();
    await runtime.stream(numbersOp, { count: 100_000 }, out);
    expect(out.destroyed).toBe(true);
    expect(out.chunks.length).toBe(1);
    // Portal closed and Sync sent: the session is idle, not idle in transaction, and was kept.
    expect(await backendState(pid)).toBe('idle');
    await expectPoolUsable();
    expect(await backendPid()).toBe(pid);
  });

  it('releases the client when the writable is destroyed while waiting for drain', async () => {
    const pid = await backendPid();
    const out = new PausedCollector();
    const done = runtime.stream(numbersOp, { count: 100_000 }, out);
    await out.firstChunk;
    out.destroy();
    await done;
    expect(await backendState(pid)).toBe('idle');
    await expectPoolUsable();
    expect(await backendPid()).toBe(pid);
  });

  it('gives the client back untouched when the writable goes away while waiting for it', async () => {
    const held = await pool.connect(); // the pool's only client: stream has to wait
    const out = new Collector();
    const done = runtime.stream(numbersOp, { count: 10 }, out);
    await delay(20);
    out.destroy();
    await delay(10); // its 'close' is seen before the client arrives
    held.release();
    await done; // resolves: nobody is left to answer
    expect(out.text).toBe('');
    await expectPoolUsable();
  });

  it('does not connect for a writable that is already gone', async () => {
    const out = new Collector();
    out.destroy();
    const connect = vi.spyOn(pool, 'connect');
    try {
      await runtime.stream(numbersOp, { count: 10 }, out);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  it('destroys the writable on an error mid-stream and keeps the connection', async () => {
    const pid = await backendPid();
    const out = new Collector(); // no 'error' listener of its own: must not crash the process
    const failure = await runtime.stream(failingNumbersOp, { failAt: 2500 }, out).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FraiseError);
    expect(failure).toMatchObject({ code: 'STREAM_ABORTED', cause: { code: '22012' } });
    expect((failure as Error).cause).toBeInstanceOf(pg.DatabaseError);
    expect(out.destroyed).toBe(true);
    expect(out.errored).toBe(failure);
    // Two whole batches were written before the third failed; the JSON stays unfinished.
    expect(out.text).toBe(`{"data":{"numbers":[${numberRows(1, 2000)}`);
    expect(await backendState(pid)).toBe('idle');
    await expectPoolUsable();
    expect(await backendPid()).toBe(pid);
  });

  it('destroys the client when its backend is terminated mid-stream', async () => {
    const pid = await backendPid();
    const out = new PausedCollector();
    const done = runtime.stream(numbersOp, { count: 100_000 }, out).then(
      () => undefined,
      (error: unknown) => error,
    );
    await out.firstChunk;
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    while ((await backendState(pid)) !== undefined) await delay(10);
    out.resume();
    const failure = await done;
    expect(failure).toMatchObject({ code: 'STREAM_ABORTED' });
    expect(out.destroyed).toBe(true);
    await expectPoolUsable();
    expect(await backendPid()).not.toBe(pid);
  });

  it('writes a database-unavailable response (no data) when no connection can be had', async () => {
    const dead = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', max: 1 });
    const out = new Collector();
    try {
      await createRuntime({ pool: dead }).stream(numbersOp, { count: 1 }, out);
    } finally {
      await dead.end();
    }
    expect(out.text).toBe('{"errors":[{"message":"Database unavailable","extensions":{"code":"DATABASE_UNAVAILABLE"}}]}');
  });
});
