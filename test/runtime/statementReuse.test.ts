// Named prepared statements are parsed once per connection, whether execute or stream ran them
// first: with a pool of one connection, pg_prepared_statements shows every name once and counts
// every execution against it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type AnyCompiledOperation, type Runtime, type Variables } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { dashboardOp, numbersOp, userOp } from './operations.js';
import { Collector } from './writables.js';

let db: TestDatabase;
let pool: pg.Pool;
let runtime: Runtime;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  runtime = createRuntime({ pool, batchSize: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function stream<TOp extends AnyCompiledOperation>(op: TOp, variables: Variables<TOp>): Promise<string> {
  const out = new Collector();
  await runtime.stream(op, variables, out);
  return out.text;
}

async function backendPid(): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

describe('prepared statement reuse', () => {
  it('parses each statement once per connection across execute and stream', async () => {
    const pid = await backendPid();
    for (let i = 0; i < 3; i++) {
      await runtime.execute(numbersOp, { count: 5 }); // execute parses it first
      await stream(numbersOp, { count: 5 }); // several batches (batchSize 2)
      await stream(userOp, { id: 1 }); // stream parses it first
      await runtime.execute(userOp, { id: 2 });
    }
    // Statements with no variables reuse their plan too.
    await stream(dashboardOp, undefined);
    await stream(dashboardOp, undefined);

    const { rows } = await pool.query(
      `SELECT name, statement, generic_plans + custom_plans AS runs
         FROM pg_prepared_statements WHERE name LIKE 'fraise_test_%' ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'fraise_test_dashboard', statement: dashboardOp.statements[0]!.text, runs: '2' },
      { name: 'fraise_test_numbers', statement: numbersOp.statements[0]!.text, runs: '6' },
      { name: 'fraise_test_user', statement: userOp.statements[0]!.text, runs: '6' },
    ]);
    expect(await backendPid()).toBe(pid);
  });

  it('parses again after a failed parse, and reports the failure each time', async () => {
    const statement = { name: 'fraise_test_missing', text: 'SELECT data::text FROM no_such_view' };
    const missingOp = { ...dashboardOp, statements: [statement], prepare: () => ({ ok: true as const, statement, values: [] }) };
    const databaseError = '{"data":null,"errors":[{"message":"Database error","extensions":{"code":"DATABASE_ERROR","sqlState":"42P01"}}]}';
    expect(await stream(missingOp, undefined)).toBe(databaseError);
    expect(await stream(missingOp, undefined)).toBe(databaseError);
    expect(JSON.stringify(await runtime.execute(missingOp))).toBe(databaseError);

    await pool.query('CREATE VIEW no_such_view AS SELECT \'{"ok":true}\'::jsonb AS data');
    try {
      expect(await stream(missingOp, undefined)).toBe('{"data":{"ok": true}}');
    } finally {
      await pool.query('DROP VIEW no_such_view');
    }
  });

  it('refuses a second text under a name already prepared on the connection', async () => {
    await runtime.execute(dashboardOp);
    const statement = { name: dashboardOp.statements[0]!.name, text: 'SELECT 1::text' };
    const impostor = { ...dashboardOp, prepare: () => ({ ok: true as const, statement, values: [] }) };
    const out = new Collector();
    await expect(runtime.stream(impostor, undefined, out)).rejects.toMatchObject({ code: 'STATEMENT_CONFLICT' });
    expect(out.text).toBe('');
    // The connection is still fine.
    expect(await stream(dashboardOp, undefined)).toMatch(/^\{"data":\{"total" : 3/);
  });
});
