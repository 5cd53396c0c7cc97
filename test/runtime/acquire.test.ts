// The connection gate of acquire.ts: every waiter keeps its own deadline although the gate runs one
// timer for all of them, and a waiter whose request went away (a CancelSource, as createHandler's
// requests are) leaves the queue at once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelSource } from '../../runtime/cancelSignal.js';
import { AcquireRefused, acquireClient, poolLoad, type Acquired } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const POOL_SIZE = 2;

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: POOL_SIZE });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Takes every place of the gate; returns the held clients. */
async function fill(): Promise<Acquired[]> {
  const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => acquireClient(pool, { timeoutMs: 5000, maxWaiting: 10 })));
  expect(poolLoad(pool)).toEqual({ held: POOL_SIZE, waiting: 0, capacity: POOL_SIZE });
  return held;
}

/** How a pending acquire ended, without letting its rejection go unhandled. */
function outcome(pending: Promise<Acquired>): Promise<Acquired | AcquireRefused | Error> {
  return pending.then(
    (acquired) => acquired,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

describe('acquireClient on a full pool', () => {
  it('refuses a waiter at its own deadline even when it queues behind one with a later deadline', async () => {
    const held = await fill();
    const patient = outcome(acquireClient(pool, { timeoutMs: 60_000, maxWaiting: 10 }));
    const hasty = await outcome(acquireClient(pool, { timeoutMs: 100, maxWaiting: 10 }));
    expect(hasty).toBeInstanceOf(AcquireRefused);
    expect((hasty as AcquireRefused).reason).toBe('timeout');
    // The patient one still waits: the gate's one timer was re-armed for the earlier deadline.
    expect(poolLoad(pool).waiting).toBe(1);
    held[0]!.release();
    const granted = await patient;
    expect(granted).not.toBeInstanceOf(Error);
    const { rows } = await (granted as Acquired).client.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    (granted as Acquired).release();
    held[1]!.release();
    expect(poolLoad(pool)).toEqual({ held: 0, waiting: 0, capacity: POOL_SIZE });
  });

  it('times out every waiter whose deadline passed, in one sweep, and keeps the others', async () => {
    const held = await fill();
    const early = [outcome(acquireClient(pool, { timeoutMs: 80, maxWaiting: 10 })), outcome(acquireClient(pool, { timeoutMs: 80, maxWaiting: 10 }))];
    const late = outcome(acquireClient(pool, { timeoutMs: 60_000, maxWaiting: 10 }));
    for (const refused of await Promise.all(early)) expect((refused as AcquireRefused).reason).toBe('timeout');
    expect(poolLoad(pool).waiting).toBe(1);
    held[0]!.release();
    const granted = (await late) as Acquired;
    expect(granted.pool).toBe(pool);
    granted.release();
    held[1]!.release();
    expect(poolLoad(pool)).toEqual({ held: 0, waiting: 0, capacity: POOL_SIZE });
  });

  it('takes a waiter out of the queue when its CancelSource aborts, and refuses one already aborted', async () => {
    const held = await fill();
    const request = new CancelSource();
    const waiting = outcome(acquireClient(pool, { timeoutMs: 60_000, maxWaiting: 10 }, request));
    expect(poolLoad(pool).waiting).toBe(1);
    request.abort();
    const refused = await waiting;
    expect((refused as AcquireRefused).reason).toBe('aborted');
    expect(poolLoad(pool).waiting).toBe(0);
    const late = await outcome(acquireClient(pool, { timeoutMs: 60_000, maxWaiting: 10 }, request));
    expect((late as AcquireRefused).reason).toBe('aborted');
    for (const client of held) client.release();
    expect(poolLoad(pool)).toEqual({ held: 0, waiting: 0, capacity: POOL_SIZE });
  });
});
