// namedStatements: false on a direct connection: every statement unnamed, the timeouts set in the
// operation's own transaction (and still enforced), nothing left on the connection afterwards.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type Runtime } from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { compileMutations } from '../support/compileMutations.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { sleepyOp } from '../http/operations.js';
import { constantOperation, listen, post, type Listening } from '../http/support.js';
import { Collector } from '../runtime/writables.js';

const settingsOp = (name: string) =>
  constantOperation('query', name, `query ${name} { settings }`, { kind: 'data' }, {
    name: `fraise_test_${name.toLowerCase()}`,
    text: `SELECT json_build_object('settings', json_build_object('statement', current_setting('statement_timeout'), 'lock', current_setting('lock_timeout'), 'tenant', current_setting('app.tenant', true)))::text`,
  });
const limited = settingsOp('Limited');
const unlimited = settingsOp('Unlimited');
const locking = constantOperation('query', 'Locking', 'query Locking { got }', { kind: 'data' }, {
  name: 'fraise_test_locking',
  text: `SELECT json_build_object('got', true)::text FROM (SELECT pg_advisory_xact_lock(4243)) AS s`,
});

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;
let fixture: GeneratedFixture;
let runtime: Runtime;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'scale-unnamed');
  pool = new pg.Pool({ connectionString: db.url, max: 1 }); // one connection: anything kept would show
  runtime = createRuntime({ pool, namedStatements: false, batchSize: 3, statementTimeout: 30_000 });
  server = await listen(
    createHandler({
      pool,
      namedStatements: false,
      operations: [sleepyOp, limited, unlimited, locking],
      statementTimeout: (op) => ({ Sleepy: 200, Limited: 1500 })[op.name as 'Sleepy' | 'Limited'],
      lockTimeout: (op) => (op.name === 'Unlimited' ? undefined : 100),
      context: () => ({ tenant: 't1' }),
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

/** What the single connection has in its session once the runtime gave it back. */
async function sessionState(): Promise<{ statement: string; lock: string; prepared: number; tenant: string | null }> {
  const { rows } = await pool.query<{ statement: string; lock: string; prepared: number; tenant: string | null }>(
    `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock,
            (SELECT count(*)::int FROM pg_prepared_statements) AS prepared, current_setting('app.tenant', true) AS tenant`,
  );
  return rows[0]!;
}

describe('namedStatements: false', () => {
  it('sets each operation its timeouts and context inside its transaction only', async () => {
    expect((await post(server.url, { documentId: limited.id })).json).toEqual({ data: { settings: { statement: '1500ms', lock: '100ms', tenant: 't1' } } });
    expect(await sessionState()).toEqual({ statement: '0', lock: '0', prepared: 0, tenant: '' });
    expect((await post(server.url, { documentId: unlimited.id })).json).toEqual({ data: { settings: { statement: '0', lock: '0', tenant: 't1' } } });
  });

  it('still enforces statement_timeout and lock_timeout', async () => {
    expect((await post(server.url, { documentId: sleepyOp.id, variables: { seconds: 5 } })).json).toEqual({
      data: null,
      errors: [{ message: 'Database timeout', extensions: { code: 'DATABASE_TIMEOUT', sqlState: '57014' } }],
    });
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(4243)');
      expect((await post(server.url, { documentId: locking.id })).json).toEqual({
        data: null,
        errors: [{ message: 'Database timeout', extensions: { code: 'DATABASE_TIMEOUT', sqlState: '55P03' } }],
      });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect((await post(server.url, { documentId: locking.id })).json).toEqual({ data: { got: true } });
  });

  it('answers queries (execute and stream, several batches) and mutations like named statements, and prepares nothing', async () => {
    const named = createRuntime({ pool: db.pool, batchSize: 3 });
    const posts = fixture.operationsByName['AllPosts']!;
    const expected = await named.execute(posts, {});
    expect((expected.data as { posts: unknown[] }).posts.length).toBeGreaterThan(6); // several batches of 3
    expect(await runtime.execute(posts, {})).toEqual(expected);
    const sink = new Collector();
    await runtime.stream(posts, {}, sink, { context: { tenant: 'x' } });
    expect(JSON.parse(sink.text)).toEqual(expected);
    const mutations = await compileMutations(db.url, 'scale-unnamed-mutations');
    const id = 'dddddddd-0000-4000-8000-00000000e001';
    const created = await runtime.execute(
      mutations['CreatePost']!,
      { input: { id, authorId: '11111111-1111-4111-8111-000000000001', title: 'Unnamed' } },
      { context: { tenant: 'x' } },
    );
    expect(created).toMatchObject({ data: { createPost: { __typename: 'CreatePostSuccess', post: { id, title: 'Unnamed' } } } });
    expect((await db.pool.query('SELECT title FROM tb_post WHERE id = $1', [id])).rows).toEqual([{ title: 'Unnamed' }]);
    expect(await sessionState()).toEqual({ statement: '0', lock: '0', prepared: 0, tenant: '' });
  });

  it('refuses a namedStatements that is not a boolean', () => {
    expect(() => createRuntime({ pool, namedStatements: 'no' as unknown as boolean })).toThrow('createRuntime: namedStatements must be a boolean, got no');
  });
});
