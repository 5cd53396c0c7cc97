// Clients that leave mid-response: 100 aborted 10,000-row requests at concurrency 8. Every backend
// they used is idle again within 0.25 s of the last abort, and a small query right after them is
// not slowed down (its latency compared with the same query before, in the same run).
import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, poolLoad, type OperationEvent } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { bigRowsOp } from './operations.js';
import { constantOperation, listen, type Listening } from './support.js';

const ABORTS = 100;
const CONCURRENCY = 8;
const ROWS = 10_000;
/** Slack for a loaded 2-core CI machine on top of the 0.25 s target. */
const IDLE_BOUND_MS = 250 + 500;

const quick = constantOperation('query', 'Quick', 'query Quick { one }', { kind: 'data' }, {
  name: 'fraise_test_cancel_quick',
  text: `SELECT json_build_object('one', 1)::text`,
});

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;
const events: OperationEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: CONCURRENCY });
  server = await listen(createHandler({ pool, operations: [bigRowsOp, quick], batchSize: 1000, onOperation: (event) => void events.push(event) }));
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

/** Starts a 10,000-row request and leaves as soon as its first bytes arrive. */
function abortAfterFirstChunk(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(server.url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        resolve(chunk.length);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    req.end(JSON.stringify({ documentId: bigRowsOp.id, variables: { count: ROWS } }));
  });
}

async function quickLatency(): Promise<number> {
  const started = performance.now();
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentId: quick.id }) });
  expect(await res.json()).toEqual({ data: { one: 1 } });
  return performance.now() - started;
}

/** Backends of the test database running something (other than this query). */
async function activeBackends(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
  );
  return rows[0]!.n;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('clients that leave mid-response', () => {
  it(`${ABORTS} aborted ${ROWS.toLocaleString('en')}-row requests: every backend idle within 0.25 s, the next small query not slowed`, async () => {
    // Warm: every connection open and its statements prepared.
    await Promise.all(Array.from({ length: CONCURRENCY }, () => quickLatency()));
    const before: number[] = [];
    for (let i = 0; i < 10; i++) before.push(await quickLatency());

    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ABORTS) {
          next++;
          expect(await abortAfterFirstChunk()).toBeGreaterThan(0);
        }
      }),
    );
    const abortedAt = performance.now();
    const right = await quickLatency();
    let idleAfter = 0;
    while ((await activeBackends()) > 0) {
      idleAfter = performance.now() - abortedAt;
      expect(idleAfter).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 5));
    }
    idleAfter = performance.now() - abortedAt;
    const after: number[] = [];
    for (let i = 0; i < 5; i++) after.push(await quickLatency());
    console.log(
      `cancellation | ${ABORTS} aborts | backends idle after ${idleAfter.toFixed(0)} ms | quick query before ${median(before).toFixed(1)} ms, right after ${right.toFixed(1)} ms, after ${median(after).toFixed(1)} ms`,
    );

    expect(idleAfter).toBeLessThan(IDLE_BOUND_MS);
    // Not slowed: within the same run's normal latency plus scheduling noise. One sample on a loaded
    // 2-core CI machine reached 78.6 ms against a 50 ms allowance; the fault this guards against
    // (backends still busy with cancelled work) cost 544 ms.
    expect(right).toBeLessThan(3 * median(before) + 150);
    await new Promise((r) => setTimeout(r, 50));
    const aborted = events.filter((e) => e.operationName === 'BigRows');
    expect(aborted.length).toBe(ABORTS);
    expect(aborted.every((e) => !e.complete && e.status === 200)).toBe(true);
    expect(poolLoad(pool)).toEqual({ held: 0, waiting: 0, capacity: CONCURRENCY });
  });
});
