// A view's columns change under traffic. Compiled statements build their JSON from named columns,
// so PostgreSQL re-plans them; a statement whose result type depends on the view fails on every
// connection that prepared it ("cached plan must not change result type"), and the runtime
// prepares it again and retries once, so clients never see it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type CompiledOperation } from '../../runtime/index.js';
import { compileBlogFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { moreOutcomes, startLoad } from './load.js';
import { listen, sha256, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

/**
 * A hand-written operation returning a view column as it is, so its result type is the column's:
 * `meta`, a jsonb column this test adds (the compiled operations use `data` with jsonb functions, and
 * changing that column's type would be a change the compiler has to see).
 */
const rawUserBody = 'query RawUser($id: ID!) { user(id: $id) { id } }';
const rawUserStatement = { name: 'fraise_test_raw_user', text: `SELECT meta FROM v_user WHERE id = $1::uuid` };
const rawUser: CompiledOperation = {
  kind: 'query',
  name: 'RawUser',
  id: sha256(rawUserBody),
  body: rawUserBody,
  shape: { kind: 'object', key: 'user' },
  statements: [rawUserStatement],
  prepare: (variables) => ({ ok: true, statement: rawUserStatement, values: [variables?.['id']] }),
};

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;
let userById: CompiledOperation;
const errors: unknown[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const fixture = await compileBlogFixture(db.url, 'http-view-change');
  userById = fixture.operationsByName['UserById']!;
  await replaceUserView(`v.*, jsonb_build_object('id', v.id) AS meta`);
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  server = await listen(createHandler({ pool, operations: [userById, rawUser], onError: (error) => void errors.push(error) }));
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

function send(op: CompiledOperation): () => Promise<Response> {
  return () =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: op.id, variables: { id: ALICE } }),
    });
}

let generation = 0;

/**
 * Replaces v_user in one transaction by a view over the previous one (renamed, so the views that
 * depend on it keep working); `columns` select from the previous one as `v`.
 */
async function replaceUserView(columns: string): Promise<void> {
  const previous = `v_user_${++generation}`;
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`ALTER VIEW v_user RENAME TO ${previous}`);
    await client.query(`CREATE VIEW v_user AS SELECT ${columns} FROM ${previous} AS v`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

describe('view changes under traffic', () => {
  it('keeps answering while a view gains and reorders columns, and while a column changes type', async () => {
    // A plain client that prepared the raw statement: it shows what the runtime hides.
    const witness = new pg.Client({ connectionString: db.url });
    await witness.connect();
    try {
      await witness.query({ ...rawUserStatement, values: [ALICE] });
      const load = [startLoad(send(userById), 4), startLoad(send(rawUser), 4)];
      await Promise.all(load.map((l) => moreOutcomes(l, 40)));

      await replaceUserView(`'added' AS note, v.*`); // new column first: every position moves
      await Promise.all(load.map((l) => moreOutcomes(l, 40)));
      await replaceUserView(`v.id, v.identifier, v.email, v.role, v.is_active, v.created_at, v.data, v.meta::json AS meta`);
      await Promise.all(load.map((l) => moreOutcomes(l, 40)));

      const outcomes = (await Promise.all(load.map((l) => l.stop()))).flat();
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      expect(errors).toEqual([]);
      await expect(witness.query({ ...rawUserStatement, values: [ALICE] })).rejects.toMatchObject({
        code: '0A000',
        message: 'cached plan must not change result type',
      });
    } finally {
      await witness.end();
    }
    const after = await send(rawUser)();
    expect(await after.json()).toMatchObject({ data: { user: { id: ALICE } } });
  });
});
