// onOperation and onError: what a logger, metrics or tracing plug-in sees of each request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createHandler, type ErrorContext, type OperationEvent } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { bigRowsOp } from './operations.js';
import { constantOperation, listen, post, type Listening } from './support.js';

const divide = constantOperation('query', 'Divide', 'query Divide { ratio }', { kind: 'data' }, {
  name: 'fraise_test_divide',
  text: `SELECT json_build_object('ratio', 1 / 0)::text`,
});

let db: TestDatabase;
let server: Listening;
const events: OperationEvent[] = [];
const failures: [unknown, ErrorContext][] = [];
let throwFromHook = false;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await listen(
    createHandler({
      pool: db.pool,
      operations: [bigRowsOp, divide],
      onOperation: (event) => {
        events.push(event);
        if (throwFromHook) throw new Error('hook failed');
      },
      onError: (error, context) => void failures.push([error, context]),
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/** The event of the request `send` makes (the hook runs after the response ended). */
async function eventOf(send: () => Promise<unknown>): Promise<OperationEvent> {
  const before = events.length;
  await send();
  while (events.length === before) await new Promise((r) => setTimeout(r, 5));
  return events[events.length - 1]!;
}

describe('observability hooks', () => {
  it('reports operation name, id, status, duration and row count', async () => {
    const event = await eventOf(() => post(server.url, { documentId: bigRowsOp.id, variables: { count: 2500 } }));
    expect(event).toEqual({
      operationName: 'BigRows',
      operationId: bigRowsOp.id,
      method: 'POST',
      status: 200,
      durationMs: expect.any(Number),
      rows: 2500,
      errors: [],
      complete: true,
    });
    expect(event.durationMs).toBeGreaterThan(0);
  });

  it('reports refused requests with their errors, and database errors to onError with the cause', async () => {
    const refused = await eventOf(() => post(server.url, { documentId: 'nope' }));
    expect(refused).toMatchObject({
      operationName: undefined,
      status: 404,
      rows: 0,
      errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
    failures.length = 0;
    const failed = await eventOf(() => post(server.url, { documentId: divide.id }));
    expect(failed).toMatchObject({ operationName: 'Divide', status: 200, errors: [{ extensions: { code: 'DATABASE_ERROR' } }] });
    expect(failures).toEqual([[expect.any(pg.DatabaseError), { operationName: 'Divide', operationId: divide.id }]]);
    expect((failures[0]![0] as pg.DatabaseError).message).toBe('division by zero');
  });

  it('hands a failing hook to onError without touching the response', async () => {
    throwFromHook = true;
    failures.length = 0;
    try {
      const reply = await post(server.url, { documentId: bigRowsOp.id, variables: { count: 1 } });
      expect(reply.status).toBe(200);
      while (failures.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(failures).toEqual([[new Error('hook failed'), { operationName: 'BigRows', operationId: bigRowsOp.id }]]);
    } finally {
      throwFromHook = false;
    }
  });
});
