// statement_timeout and lock_timeout per operation: set on the connection only when they differ
// from what it has, reset to the default for operations without one, reported as DATABASE_TIMEOUT.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { sleepyOp } from './operations.js';
import { constantOperation, listen, post, type Listening } from './support.js';

const settingsOp = (name: string) =>
  constantOperation('query', name, `query ${name} { settings }`, { kind: 'data' }, {
    name: `fraise_test_${name.toLowerCase()}`,
    text: `SELECT json_build_object('settings', json_build_object('statement', current_setting('statement_timeout'), 'lock', current_setting('lock_timeout')))::text`,
  });
const limited = settingsOp('Limited');
const unlimited = settingsOp('Unlimited');
const locking = constantOperation('query', 'Locking', 'query Locking { got }', { kind: 'data' }, {
  name: 'fraise_test_locking',
  text: `SELECT json_build_object('got', true)::text FROM (SELECT pg_advisory_xact_lock(4242)) AS s`,
});

let db: TestDatabase;
let pool: pg.Pool;
let server: Listening;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 }); // one connection: the settings carry over
  server = await listen(
    createHandler({
      pool,
      operations: [sleepyOp, limited, unlimited, locking],
      statementTimeout: (op) => ({ Sleepy: 200, Limited: 1500 })[op.name as 'Sleepy' | 'Limited'],
      lockTimeout: (op) => (op.name === 'Unlimited' ? undefined : 100),
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

describe('timeouts', () => {
  it('applies each operation its own timeouts and resets them for the next', async () => {
    expect((await post(server.url, { documentId: limited.id })).json).toEqual({ data: { settings: { statement: '1500ms', lock: '100ms' } } });
    expect((await post(server.url, { documentId: unlimited.id })).json).toEqual({ data: { settings: { statement: '0', lock: '0' } } });
    expect((await post(server.url, { documentId: limited.id })).json).toEqual({ data: { settings: { statement: '1500ms', lock: '100ms' } } });
  });

  it('reports an expired statement_timeout as DATABASE_TIMEOUT', async () => {
    const reply = await post(server.url, { documentId: sleepyOp.id, variables: { seconds: 5 } });
    expect([reply.status, reply.json]).toEqual([
      200,
      { data: null, errors: [{ message: 'Database timeout', extensions: { code: 'DATABASE_TIMEOUT', sqlState: '57014' } }] },
    ]);
  });

  it('reports an expired lock_timeout as DATABASE_TIMEOUT', async () => {
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(4242)');
      const reply = await post(server.url, { documentId: locking.id });
      expect(reply.json).toEqual({
        data: null,
        errors: [{ message: 'Database timeout', extensions: { code: 'DATABASE_TIMEOUT', sqlState: '55P03' } }],
      });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect((await post(server.url, { documentId: locking.id })).json).toEqual({ data: { got: true } });
  });
});
