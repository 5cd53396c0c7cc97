// The per-connection bound of named prepared statements (runtime/statementBound.ts) on a real
// connection: which statements are DEALLOCATEd (the least recently used), that pg forgets them, and
// that a name already used costs no round trip and no promise.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrepared } from '../../runtime/pgInternals.js';
import { useStatement } from '../../runtime/statementBound.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function prepared(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'bound_%' ORDER BY name`);
  return rows.map((r) => r.name);
}

/** Marks `name` used within `max`, then runs it as a named statement (as the runtime does). */
async function run(client: pg.PoolClient, name: string, max: number): Promise<void> {
  await useStatement(client, name, max);
  await client.query({ name, text: `SELECT '${name}' AS n` });
}

describe('useStatement', () => {
  it('deallocates the least recently used statement beyond the bound, and pg forgets it', async () => {
    const client = await db.pool.connect();
    try {
      await run(client, 'bound_a', 2);
      await run(client, 'bound_b', 2);
      await run(client, 'bound_a', 2); // a is now more recent than b
      await run(client, 'bound_c', 2);
      expect(await prepared(client)).toEqual(['bound_a', 'bound_c']);
      expect([isPrepared(client, 'bound_a'), isPrepared(client, 'bound_b'), isPrepared(client, 'bound_c')]).toEqual([true, false, true]);
      // b Parses again when it comes back (pg forgot it), evicting a, the least recent now.
      await run(client, 'bound_b', 2);
      expect(await prepared(client)).toEqual(['bound_b', 'bound_c']);
      // A caller with a smaller bound (another runtime on the same pool) brings it down to its own.
      await run(client, 'bound_d', 1);
      expect(await prepared(client)).toEqual(['bound_d']);
    } finally {
      client.release(new Error('statements of this test stay on it')); // a fresh connection for the next
    }
  });

  it('settles a name already used on the connection at once, without a promise', async () => {
    const client = await db.pool.connect();
    try {
      const first = useStatement(client, 'bound_hot', 4);
      expect(first).toBeUndefined(); // nothing to evict either
      expect(useStatement(client, 'bound_hot', 4)).toBeUndefined();
    } finally {
      client.release();
    }
  });
});
