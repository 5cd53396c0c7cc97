// The request context on the wire: set_config in the same pipeline and implicit transaction as the
// statement (one ReadyForQuery, i.e. one round trip, per request), visible to every batch of a
// stream, gone on the same connection afterwards.
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { Collector } from './writables.js';

type Settings = { tenant: string | null; user: string | null; roles: string | null };

function settingsOp(kind: 'list' | 'object'): CompiledOperation<Record<string, never>, unknown> {
  const statement = {
    name: `fraise_test_settings_${kind}`,
    text:
      `SELECT json_build_object('n', n, 'tenant', current_setting('app.tenant_id', true), 'user', current_setting('app.user_id', true), ` +
      `'roles', current_setting('app.roles', true))::text FROM generate_series(1, $1::int) AS n ORDER BY n`,
  };
  const count = kind === 'list' ? 5 : 1;
  return {
    kind: 'query',
    name: `Settings_${kind}`,
    id: `sha256:settings-${kind}`,
    body: '',
    shape: { kind, key: 'settings' },
    statements: [statement],
    prepare: () => ({ ok: true, statement, values: [count] }),
  };
}

const failingOp: CompiledOperation<Record<string, never>, unknown> = {
  kind: 'query',
  name: 'Failing',
  id: 'sha256:failing',
  body: '',
  shape: { kind: 'object', key: 'x' },
  statements: [],
  prepare: () => ({ ok: true, statement: { name: 'fraise_test_ctx_fail', text: 'SELECT (1 / $1::int)::text' }, values: [0] }),
};

let db: TestDatabase;
let pool: pg.Pool;
let runtime: Runtime;
const received: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('connect', (client) => {
    const connection = (client as unknown as { connection: EventEmitter }).connection;
    connection.on('message', (message: { name: string }) => received.push(message.name));
  });
  runtime = createRuntime({ pool, batchSize: 2 });
  await pool.query('SELECT 1');
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const context = { tenant_id: 't-1', user_id: 42, roles: ['editor', 'viewer'] };
const set: Omit<Settings, never> = { tenant: 't-1', user: '42', roles: '["editor","viewer"]' };

describe('request context', () => {
  it('execute: the settings hold for the statement, in one round trip', async () => {
    received.length = 0;
    expect(await runtime.execute(settingsOp('object'), {}, { context })).toEqual({ data: { settings: { n: 1, ...set } } });
    expect(received).toEqual([
      'parseComplete', // the statement
      'parseComplete', // the unnamed set_config statement
      'bindComplete', 'dataRow', 'commandComplete',
      'bindComplete', 'dataRow', 'commandComplete',
      'readyForQuery',
    ]);
    received.length = 0;
    await runtime.execute(settingsOp('object'), {}, { context });
    expect(received.filter((m) => m === 'readyForQuery')).toHaveLength(1);
    expect(received.filter((m) => m === 'parseComplete')).toHaveLength(1);
  });

  it('the settings are transaction-local: the same connection has none afterwards', async () => {
    const result = await runtime.execute(settingsOp('object'), {});
    expect(result).toEqual({ data: { settings: { n: 1, tenant: '', user: '', roles: '' } } });
    const raw = await pool.query<{ t: string | null }>(`SELECT current_setting('app.tenant_id', true) AS t`);
    expect(raw.rows).toEqual([{ t: '' }]);
  });

  it('stream: every batch of a list sees the settings; still one Sync', async () => {
    received.length = 0;
    const sink = new Collector();
    await runtime.stream(settingsOp('list'), {}, sink, { context });
    expect(JSON.parse(sink.text)).toEqual({ data: { settings: [1, 2, 3, 4, 5].map((n) => ({ n, ...set })) } });
    expect(received.filter((m) => m === 'readyForQuery')).toHaveLength(1);
    expect(received.filter((m) => m === 'portalSuspended')).toHaveLength(2);
  });

  it('execute and stream give the same response with a context', async () => {
    const sink = new Collector();
    await runtime.stream(settingsOp('list'), {}, sink, { context });
    expect(await runtime.execute(settingsOp('list'), {}, { context })).toEqual(JSON.parse(sink.text));
  });

  it('a failing statement is a database error and leaves the connection usable', async () => {
    const expected = { data: null, errors: [{ message: 'Database error', extensions: { code: 'DATABASE_ERROR', sqlState: '22012' } }] };
    expect(await runtime.execute(failingOp, {}, { context })).toEqual(expected);
    const sink = new Collector();
    await runtime.stream(failingOp, {}, sink, { context });
    expect(JSON.parse(sink.text)).toEqual(expected);
    expect(await runtime.execute(settingsOp('object'), {}, { context: { tenant_id: 'x' } })).toEqual({
      data: { settings: { n: 1, tenant: 'x', user: '', roles: '' } },
    });
  });

  it('refuses invalid keys and values before touching the database', async () => {
    for (const bad of [{ 'tenant-id': 'x' }, { 'app.tenant_id': 'x' }, { '': 'x' }, { t: 'a\u0000b' }, { t: Number.NaN }, { t: () => 1 }]) {
      await expect(runtime.execute(settingsOp('object'), {}, { context: bad })).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
      await expect(runtime.stream(settingsOp('object'), {}, new Collector(), { context: bad })).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
    }
    expect(await runtime.execute(settingsOp('object'), {}, { context: {} })).toEqual({ data: { settings: { n: 1, tenant: '', user: '', roles: '' } } });
  });
});
