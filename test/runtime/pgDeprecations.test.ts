// The guard of test/setup/pgDeprecations.ts, which fails any test during which pg warns of a
// deprecation: it sees the warning pg gives for a query queued on a busy client (pg >= 8.19; an
// error from pg 9), so a test that queues again fails. Its own file: Node warns once per process.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { takePgDeprecations } from '../setup/pgDeprecations.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const PG_VERSION: string =
  process.env.FRAISE_PG_CLIENT_VERSION ??
  (JSON.parse(readFileSync(new URL('../../node_modules/pg/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const [major, minor] = PG_VERSION.split('.').map(Number);
const WARNS = major! > 8 || (major === 8 && minor! >= 19);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

it(`sees pg's deprecation of a query queued on a busy client (pg ${PG_VERSION}: ${WARNS ? 'warns' : 'does not warn yet'})`, async () => {
  const client = await db.pool.connect();
  try {
    // The first runs, the second waits in pg's queue, the third is queued behind it: deprecated.
    const results = await Promise.all([client.query('SELECT 1 AS n'), client.query('SELECT 2 AS n'), client.query('SELECT 3 AS n')]);
    expect(results.map((r) => r.rows[0])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  } finally {
    client.release();
  }
  await new Promise((resolve) => setImmediate(resolve));
  // Taken here, so that the guard's own afterEach does not fail this test.
  expect(takePgDeprecations().map((w) => [w.name, w.message])).toEqual(
    WARNS
      ? [['DeprecationWarning', 'Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead.']]
      : [],
  );
});
