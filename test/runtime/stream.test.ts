// runtime.stream against a real PostgreSQL: the exact bytes of every shape, and errors that happen
// before the first byte written as a GraphQL response.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime, type AnyCompiledOperation, type Runtime, type Variables } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  dashboardOp,
  dashboardRow,
  duplicateUserOp,
  emptyDataOp,
  failingNumbersOp,
  numberRows,
  numbersOp,
  oddKeyOp,
  userOp,
} from './operations.js';
import { Collector } from './writables.js';

let db: TestDatabase;
let runtime: Runtime;

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = createRuntime({ pool: db.pool, batchSize: 4 });
});
afterAll(() => db?.drop());

async function streamed<TOp extends AnyCompiledOperation>(op: TOp, variables: Variables<TOp>): Promise<string> {
  const out = new Collector();
  await runtime.stream(op, variables, out);
  expect(out.writableFinished).toBe(true);
  return out.text;
}

describe('runtime.stream', () => {
  it('writes a list as its rows, unparsed, across several batches', async () => {
    // 10 rows in batches of 4: two suspended portals, then completion.
    expect(await streamed(numbersOp, { count: 10 })).toBe(`{"data":{"numbers":[${numberRows(1, 10)}]}}`);
  });

  it('writes a list whose size is a multiple of the batch size', async () => {
    expect(await streamed(numbersOp, { count: 8 })).toBe(`{"data":{"numbers":[${numberRows(1, 8)}]}}`);
  });

  it('writes an empty list', async () => {
    expect(await streamed(numbersOp, { count: 0 })).toBe('{"data":{"numbers":[]}}');
  });

  it('escapes the key once and writes SQL NULL rows as null', async () => {
    const text = await streamed(oddKeyOp, undefined);
    expect(text).toBe('{"data":{"we\\"ird\\\\key":[1,null,3]}}');
    expect(JSON.parse(text)).toEqual({ data: { 'we"ird\\key': [1, null, 3] } });
  });

  it('writes an object, or null when there is no row', async () => {
    expect(await streamed(userOp, { id: 3 })).toBe('{"data":{"user":{"id": 3, "name": "user 3"}}}');
    expect(await streamed(userOp, { id: 30 })).toBe('{"data":{"user":null}}');
  });

  it('writes a data-shaped row as data, bytes untouched', async () => {
    const text = await streamed(dashboardOp, undefined);
    expect(text).toBe(`{"data":${dashboardRow}}`);
    expect(JSON.parse(text)).toEqual(await runtime.execute(dashboardOp));
  });

  it('streams what execute returns', async () => {
    for (const [op, variables] of [
      [numbersOp, { count: 9 }],
      [userOp, { id: 2 }],
      [userOp, { id: 99 }],
      [oddKeyOp, undefined],
    ] as const) {
      expect(JSON.parse(await streamed(op, variables))).toEqual(await runtime.execute(op, variables));
    }
  });

  it('writes variable errors without touching the database', async () => {
    const connect = vi.spyOn(db.pool, 'connect');
    const query = vi.spyOn(db.pool, 'query');
    try {
      // Typed callers cannot pass this; JSON from a request can.
      expect(await streamed(numbersOp, { count: '3' } as never)).toBe(
        '{"errors":[{"message":"Variable \\"$count\\" expected a value of type \\"Int!\\"","extensions":{"code":"BAD_USER_INPUT"}}]}',
      );
      expect(connect).not.toHaveBeenCalled();
      expect(query).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      query.mockRestore();
    }
  });

  it('writes a database error in the first batch as a GraphQL error response', async () => {
    expect(await streamed(failingNumbersOp, { failAt: 3 })).toBe(
      '{"data":null,"errors":[{"message":"Database error","extensions":{"code":"DATABASE_ERROR","sqlState":"22012"}}]}',
    );
    // The client went back to the pool usable.
    expect(await streamed(numbersOp, { count: 2 })).toBe(`{"data":{"numbers":[${numberRows(1, 2)}]}}`);
  });

  it('writes row-count errors of single-row shapes as GraphQL errors', async () => {
    expect(JSON.parse(await streamed(duplicateUserOp, { upTo: 2 }))).toEqual(
      await runtime.execute(duplicateUserOp, { upTo: 2 }),
    );
    expect(await streamed(duplicateUserOp, { upTo: 5000 })).toBe(
      '{"data":null,"errors":[{"message":"Expected at most one row for \\"user\\", got several","path":["user"],"extensions":{"code":"UNEXPECTED_ROW_COUNT"}}]}',
    );
    expect(await streamed(emptyDataOp, undefined)).toBe(
      '{"data":null,"errors":[{"message":"Expected exactly one row, got none","extensions":{"code":"UNEXPECTED_ROW_COUNT"}}]}',
    );
  });
});
