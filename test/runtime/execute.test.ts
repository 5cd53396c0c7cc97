// runtime.execute against a real PostgreSQL: one result per shape, variable errors that never reach
// the database, database errors without SQL text.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime, FraiseError, type Runtime } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  dashboardOp,
  duplicateUserOp,
  emptyDataOp,
  failingNumbersOp,
  numbersOp,
  oddKeyOp,
  userOp,
} from './operations.js';

let db: TestDatabase;
let runtime: Runtime;

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = createRuntime({ pool: db.pool });
});
afterAll(() => db?.drop());

describe('runtime.execute', () => {
  it('returns a list under its key, rows in order', async () => {
    const result = await runtime.execute(numbersOp, { count: 3 });
    expect(result).toEqual({
      data: {
        numbers: [
          { n: 1, label: 'row 1' },
          { n: 2, label: 'row 2' },
          { n: 3, label: 'row 3' },
        ],
      },
    });
    // Typed from the operation: this line would not compile with a wrong field.
    expect(result.data?.numbers[0]?.label).toBe('row 1');
  });

  it('returns an empty list for no rows', async () => {
    expect(await runtime.execute(numbersOp, { count: 0 })).toEqual({ data: { numbers: [] } });
  });

  it('keeps SQL NULL rows as null and uses the key as given', async () => {
    expect(await runtime.execute(oddKeyOp)).toEqual({ data: { 'we"ird\\key': [1, null, 3] } });
  });

  it('returns an object (from a jsonb column) or null', async () => {
    expect(await runtime.execute(userOp, { id: 7 })).toEqual({ data: { user: { id: 7, name: 'user 7' } } });
    expect(await runtime.execute(userOp, { id: 70 })).toEqual({ data: { user: null } });
  });

  it('refuses several rows for an object', async () => {
    expect(await runtime.execute(duplicateUserOp, { upTo: 2 })).toEqual({
      data: null,
      errors: [
        {
          message: 'Expected at most one row for "user", got several',
          path: ['user'],
          extensions: { code: 'UNEXPECTED_ROW_COUNT' },
        },
      ],
    });
  });

  it('returns the single row of a data-shaped operation as data', async () => {
    expect(await runtime.execute(dashboardOp)).toEqual({
      data: { total: 3, greeting: 'h\u00e9llo "w\u00f6rld" \\ \u{1F600}', tags: ['a', null] },
    });
    expect(await runtime.execute(emptyDataOp)).toEqual({
      data: null,
      errors: [{ message: 'Expected exactly one row, got none', extensions: { code: 'UNEXPECTED_ROW_COUNT' } }],
    });
  });

  it('returns variable errors without touching the database', async () => {
    const query = vi.spyOn(db.pool, 'query');
    const connect = vi.spyOn(db.pool, 'connect');
    try {
      // Typed callers cannot pass this; JSON from a request can.
      expect(await runtime.execute(numbersOp, { count: 'many' } as never)).toEqual({
        errors: [{ message: 'Variable "$count" expected a value of type "Int!"', extensions: { code: 'BAD_USER_INPUT' } }],
      });
      expect(await runtime.execute(numbersOp)).toHaveProperty('errors');
      expect(query).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
      connect.mockRestore();
    }
  });

  it('turns a database error into a GraphQL error with the SQLSTATE only', async () => {
    const seen: unknown[] = [];
    const logged = createRuntime({ pool: db.pool, onError: (error) => seen.push(error) });
    const result = await logged.execute(failingNumbersOp, { failAt: 2 });
    expect(result).toEqual({
      data: null,
      errors: [{ message: 'Database error', extensions: { code: 'DATABASE_ERROR', sqlState: '22012' } }],
    });
    expect(JSON.stringify(result)).not.toMatch(/SELECT|generate_series|division/i);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(pg.DatabaseError);
    // The pool is fine afterwards.
    expect(await runtime.execute(numbersOp, { count: 1 })).toEqual({ data: { numbers: [{ n: 1, label: 'row 1' }] } });
  });

  it('adds the database message when debugging', async () => {
    const debug = createRuntime({ pool: db.pool, debug: true });
    expect(await debug.execute(failingNumbersOp, { failAt: 1 })).toEqual({
      data: null,
      errors: [
        {
          message: 'Database error',
          extensions: { code: 'DATABASE_ERROR', sqlState: '22012', debugMessage: 'division by zero' },
        },
      ],
    });
  });

  it('reports an unreachable database as unavailable, without data', async () => {
    const dead = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', max: 1 });
    try {
      expect(await createRuntime({ pool: dead }).execute(numbersOp, { count: 1 })).toEqual({
        errors: [{ message: 'Database unavailable', extensions: { code: 'DATABASE_UNAVAILABLE' } }],
      });
    } finally {
      await dead.end();
    }
  });

  it('throws FraiseError for programmer errors', async () => {
    expect(() => createRuntime({ pool: db.pool, batchSize: 0 })).toThrow(FraiseError);
    expect(() => createRuntime({ pool: db.pool, batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => createRuntime({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    await expect(runtime.execute({} as never)).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    await expect(runtime.execute(numbersOp, { count: 1 }, { context: { 'tenant-id': 't1' } })).rejects.toMatchObject({
      code: 'INVALID_CONTEXT',
    });
  });
});
