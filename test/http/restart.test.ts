// PostgreSQL restarted under load, on a server of this file's own (the shared test server is used by
// other files in parallel): the process stays up, requests fail fast and cleanly while the database
// is down, and succeed again within a second of its return.
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type CompiledOperation } from '../../runtime/index.js';
import { createDatabaseFromFiles, startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/embeddedPostgres.js';
import { blogDir, compileBlogFixture } from '../support/compileFixture.js';
import { moreOutcomes, startLoad, until, type Outcome } from './load.js';
import { listen, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

let postgres: RunningPostgres;
let pool: pg.Pool;
let server: Listening;
let userById: CompiledOperation;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres();
  const url = await createDatabaseFromFiles(postgres, 'blog', [path.join(blogDir, 'schema.sql'), path.join(blogDir, 'seed-small.sql')]);
  const fixture = await compileBlogFixture(url, 'http-restart');
  userById = fixture.operationsByName['UserById']!;
  pool = new pg.Pool({ connectionString: url, max: 4 });
  server = await listen(createHandler({ pool, operations: fixture.operations }));
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await postgres?.stop();
});

function send(): Promise<Response> {
  return fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ documentId: userById.id, variables: { id: ALICE } }),
  });
}

describe('PostgreSQL restart under load', () => {
  it('fails fast while it is down and recovers within a second of its return', async () => {
    const load = startLoad(send, 6);
    await moreOutcomes(load, 50);
    expect(load.outcomes.every((o) => o.ok)).toBe(true);

    await postgres.shutdown();
    const downAt = performance.now();
    await moreOutcomes(load, 30);
    await postgres.start();
    const upAt = performance.now();
    await until(() => load.outcomes.some((o) => o.ok && o.sentAt > upAt));
    await moreOutcomes(load, 50);
    const outcomes = await load.stop();

    // While it was down: clear, quick refusals (no connection, so no data, and a 503).
    const whileDown = outcomes.filter((o) => o.sentAt > downAt && o.answeredAt < upAt);
    expect(whileDown.length).toBeGreaterThanOrEqual(20);
    for (const o of whileDown) expect([o.status, o.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    expect(Math.max(...whileDown.map((o) => o.answeredAt - o.sentAt))).toBeLessThan(1000);

    // Every failure is a well-formed GraphQL response saying the database is unavailable.
    const failures = outcomes.filter((o) => !o.ok);
    for (const o of failures) expect(o.code).toBe('DATABASE_UNAVAILABLE');
    expect(failures.every((o: Outcome) => o.status === 503 || o.status === 200)).toBe(true);

    // Back within a second on a quiet machine (2.5 s allowed: a fresh-clone run with a benchmark beside it
    // on 2 cores measured 1.3 s); then nothing fails.
    const firstSuccess = Math.min(...outcomes.filter((o) => o.ok && o.sentAt > upAt).map((o) => o.answeredAt));
    expect(firstSuccess - upAt).toBeLessThan(2500);
    expect(outcomes.filter((o) => o.sentAt > firstSuccess).every((o) => o.ok)).toBe(true);
    expect(pool.waitingCount).toBe(0);
  });
});
