// Every backend terminated under load, several times: the process stays up, each failure is a
// well-formed DATABASE_UNAVAILABLE response, failures are bounded by the connections killed, and
// traffic recovers at once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type CompiledOperation } from '../../runtime/index.js';
import { compileBlogFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { moreOutcomes, startLoad, until } from './load.js';
import { listen, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';
const POOL_SIZE = 4;
const ROUNDS = 5;

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;
let userById: CompiledOperation;
const errors: unknown[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const fixture = await compileBlogFixture(db.url, 'http-terminate');
  userById = fixture.operationsByName['UserById']!;
  pool = new pg.Pool({ connectionString: db.url, max: POOL_SIZE });
  // With a statement timeout, a fresh connection's first round trip is its SET: that path must
  // survive a dead connection too.
  server = await listen(
    createHandler({ pool, operations: fixture.operations, statementTimeout: 5000, onError: (error) => void errors.push(error) }),
  );
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

function send(): Promise<Response> {
  return fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ documentId: userById.id, variables: { id: ALICE } }),
  });
}

/** Terminates every session of the test database but the asking one; returns how many. */
async function terminateAll(): Promise<number> {
  const { rows } = await db.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  await db.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
  await until(async () => {
    const left = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [rows.map((r) => r.pid)]);
    return left.rowCount === 0;
  });
  return rows.length;
}

describe('terminated backends under load', () => {
  it('keeps serving: bounded, well-formed failures and immediate recovery', async () => {
    const load = startLoad(send, 8);
    await moreOutcomes(load, 50);
    let killed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      killed += await terminateAll();
      await moreOutcomes(load, 30);
    }
    const outcomes = await load.stop();
    const failures = outcomes.filter((o) => !o.ok);
    // Only requests whose statement was running on a killed backend can fail (a dead idle
    // connection is replaced transparently), so at most one per connection killed.
    expect(killed).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(killed);
    for (const failure of failures) expect([failure.status, failure.code]).toEqual([200, 'DATABASE_UNAVAILABLE']);
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(150);

    // Recovery: the next requests all succeed.
    for (let i = 0; i < 20; i++) {
      const response = await send();
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ data: { user: { id: ALICE } } });
    }
    expect(pool.waitingCount).toBe(0);
    expect(pool.totalCount).toBeLessThanOrEqual(POOL_SIZE);
  });
});
