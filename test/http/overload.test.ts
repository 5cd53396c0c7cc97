// Overload: every pooled connection busy. Requests wait for one at most acquireTimeoutMs, at most
// maxWaiting of them; past either they get 503 DATABASE_UNAVAILABLE with Retry-After without
// reaching PostgreSQL, and a request whose client left while it waited leaves the queue.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, poolLoad, type CompiledOperation } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { until } from './load.js';
import { constantOperation, listen, sha256, type Listening } from './support.js';

const POOL_SIZE = 4;
// The production default: a loaded 2-core CI machine can take a few hundred ms to send three requests,
// and "refused at once" must still come well before a waiter's timeout frees a place in the queue.
const TIMEOUT_MS = 1000;
const MAX_WAITING = 5;
/** Slack for a loaded 2-core CI machine on top of an expected delay. */
const SLACK_MS = 1500;

const locking = constantOperation('query', 'Locking', 'query Locking { got }', { kind: 'data' }, {
  name: 'fraise_test_overload_locking',
  text: `SELECT json_build_object('got', true)::text FROM (SELECT pg_advisory_xact_lock(4343)) AS s`,
});
const quick = constantOperation('query', 'Quick', 'query Quick { one }', { kind: 'data' }, {
  name: 'fraise_test_overload_quick',
  text: `SELECT json_build_object('one', 1)::text`,
});
const mutationBody = 'mutation Touch { touch }';
const touch: CompiledOperation = {
  kind: 'mutation',
  name: 'Touch',
  id: sha256(mutationBody),
  body: mutationBody,
  shape: { kind: 'data' },
  statements: [],
  prepare: () => ({
    ok: true,
    steps: [{ key: 'touch', statement: { name: 'fraise_test_overload_touch', text: `SELECT 'true'::text` }, values: [] }],
  }),
};

const UNAVAILABLE = { errors: [{ message: 'Database unavailable', extensions: { code: 'DATABASE_UNAVAILABLE' } }] };

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;
/** pool.connect() calls: the only way an operation reaches PostgreSQL. */
let connects = 0;
let holder: pg.PoolClient | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: POOL_SIZE });
  // Counts every call, in either of pg-pool's forms (a promise, or a callback as the runtime uses).
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    connects++;
    return connect(...args);
  }) as typeof pool.connect;
  server = await listen(
    createHandler({ pool, operations: [locking, quick, touch], acquireTimeoutMs: TIMEOUT_MS, maxWaiting: MAX_WAITING }),
  );
});
afterEach(async () => {
  await unlock();
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

async function lock(): Promise<void> {
  holder = await db.pool.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT pg_advisory_xact_lock(4343)');
}

async function unlock(): Promise<void> {
  if (holder === undefined) return;
  await holder.query('ROLLBACK');
  holder.release();
  holder = undefined;
}

interface Timed {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: unknown;
  readonly ms: number;
}

async function send(op: CompiledOperation, signal?: AbortSignal): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ documentId: op.id }),
    ...(signal ? { signal } : {}),
  });
  const json: unknown = await res.json();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json, ms: performance.now() - started };
}

/** Locks, then fills every connection with a request blocked on the lock; returns their replies. */
async function fillPool(): Promise<Promise<Timed>[]> {
  await lock();
  const blocked = Array.from({ length: POOL_SIZE }, () => send(locking));
  await until(async () => {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0]!.n === POOL_SIZE;
  });
  expect(poolLoad(pool)).toEqual({ held: POOL_SIZE, waiting: 0, capacity: POOL_SIZE });
  return blocked;
}

describe('a pool whose connections are all busy', () => {
  it('answers 503 with Retry-After past acquireTimeoutMs, and at once past maxWaiting, without reaching PostgreSQL', async () => {
    const blocked = await fillPool();
    const connectsBefore = connects;
    const waiting = Array.from({ length: MAX_WAITING }, () => send(quick));
    await until(() => poolLoad(pool).waiting === MAX_WAITING);
    const refusedAt = performance.now();
    const refused = await Promise.all(Array.from({ length: 3 }, () => send(quick)));
    const refusedMs = performance.now() - refusedAt;
    // Refused at once: well before any waiter's timeout could have freed a place in the queue.
    expect(poolLoad(pool).waiting).toBe(MAX_WAITING);
    expect(refusedMs).toBeLessThan(TIMEOUT_MS);
    const timedOut = await Promise.all(waiting);
    for (const reply of [...refused, ...timedOut]) {
      expect([reply.status, reply.retryAfter, reply.json]).toEqual([503, '1', UNAVAILABLE]);
    }
    for (const reply of timedOut) {
      expect(reply.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(reply.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    expect(connects - connectsBefore).toBe(0);
    expect(poolLoad(pool)).toEqual({ held: POOL_SIZE, waiting: 0, capacity: POOL_SIZE });

    await unlock();
    for (const reply of await Promise.all(blocked)) expect([reply.status, reply.json]).toEqual([200, { data: { got: true } }]);
    const after = await send(quick);
    expect([after.status, after.retryAfter, after.json]).toEqual([200, null, { data: { one: 1 } }]);
    expect(connects - connectsBefore).toBe(1);
    expect(poolLoad(pool)).toEqual({ held: 0, waiting: 0, capacity: POOL_SIZE });
  });

  it('refuses a mutation the same way (nothing ran, so no data)', async () => {
    const blocked = await fillPool();
    const connectsBefore = connects;
    const reply = await send(touch);
    expect([reply.status, reply.retryAfter, reply.json]).toEqual([503, '1', UNAVAILABLE]);
    expect(connects - connectsBefore).toBe(0);
    await unlock();
    await Promise.all(blocked);
    expect((await send(touch)).json).toEqual({ data: { touch: true } });
  });

  it('takes a request out of the queue when its client leaves', async () => {
    const blocked = await fillPool();
    const connectsBefore = connects;
    const controllers = Array.from({ length: 3 }, () => new AbortController());
    const left = controllers.map((controller) => send(quick, controller.signal).catch((error: Error) => error.name));
    await until(() => poolLoad(pool).waiting === 3);
    for (const controller of controllers) controller.abort();
    expect(await Promise.all(left)).toEqual(['AbortError', 'AbortError', 'AbortError']);
    // Long before their timeout: the server noticed the closed sockets.
    const abortedAt = performance.now();
    await until(() => poolLoad(pool).waiting === 0);
    expect(performance.now() - abortedAt).toBeLessThan(TIMEOUT_MS);
    await unlock();
    await Promise.all(blocked);
    expect(connects - connectsBefore).toBe(0);
    expect(poolLoad(pool)).toEqual({ held: 0, waiting: 0, capacity: POOL_SIZE });
  });

  it('gives runtime.execute a DATABASE_UNAVAILABLE result without data', async () => {
    const blocked = await fillPool();
    const runtime = createRuntime({ pool, acquireTimeoutMs: 50, maxWaiting: 1 });
    expect(await runtime.execute(quick)).toEqual(UNAVAILABLE);
    await unlock();
    await Promise.all(blocked);
    expect(await runtime.execute(quick)).toEqual({ data: { one: 1 } });
  });

  it('rejects invalid limits', () => {
    expect(() => createRuntime({ pool, acquireTimeoutMs: -1 })).toThrow('acquireTimeoutMs must be a whole number of milliseconds, got -1');
    expect(() => createRuntime({ pool, maxWaiting: 1.5 })).toThrow('maxWaiting must be a whole number (0: never wait), got 1.5');
  });
});
