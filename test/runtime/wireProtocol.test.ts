// The messages PostgreSQL sends back while streaming, as seen on the connection: Parse only the
// first time on a connection, one Execute per batch, the portal closed at the end, and a
// single-row result in one round trip.
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type AnyCompiledOperation, type Runtime, type Variables } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { duplicateUserOp, failingNumbersOp, numbersOp, userOp } from './operations.js';
import { Collector } from './writables.js';

let db: TestDatabase;
let pool: pg.Pool;
let runtime: Runtime;
const received: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('connect', (client) => {
    // pg's Connection emits every backend message as 'message' once someone listens.
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

/** Streams and returns the backend messages it caused, data rows folded into a count. */
async function messagesOf<TOp extends AnyCompiledOperation>(op: TOp, variables: Variables<TOp>): Promise<string[]> {
  received.length = 0;
  await runtime.stream(op, variables, new Collector()).catch(() => {});
  const folded: string[] = [];
  for (const name of received) {
    const last = folded.length - 1;
    const rows = folded[last]?.match(/^dataRow x(\d+)$/);
    if (name === 'dataRow' && rows) folded[last] = `dataRow x${Number(rows[1]) + 1}`;
    else folded.push(name === 'dataRow' ? 'dataRow x1' : name);
  }
  return folded;
}

describe('wire protocol of stream', () => {
  it('parses on first use only, executes per batch and closes the portal', async () => {
    const batches = ['bindComplete', 'dataRow x2', 'portalSuspended', 'dataRow x2', 'portalSuspended', 'dataRow x1'];
    const end = ['commandComplete', 'closeComplete', 'readyForQuery'];
    expect(await messagesOf(numbersOp, { count: 5 })).toEqual(['parseComplete', ...batches, ...end]);
    expect(await messagesOf(numbersOp, { count: 5 })).toEqual([...batches, ...end]);
  });

  it('reads a single-row result in one round trip', async () => {
    expect(await messagesOf(userOp, { id: 1 })).toEqual(['parseComplete', 'bindComplete', 'dataRow x1', 'commandComplete', 'readyForQuery']);
    // Two rows already prove "several": the portal stays suspended and Sync discards it.
    expect(await messagesOf(duplicateUserOp, { upTo: 50 })).toEqual(['parseComplete', 'bindComplete', 'dataRow x2', 'portalSuspended', 'readyForQuery']);
  });

  it('answers an error with Sync and leaves the connection ready', async () => {
    expect(await messagesOf(failingNumbersOp, { failAt: 4 })).toEqual([
      'parseComplete', 'bindComplete', 'dataRow x2', 'portalSuspended', 'dataRow x1', 'error', 'readyForQuery',
    ]);
    expect(await messagesOf(numbersOp, { count: 1 })).toEqual(['bindComplete', 'dataRow x1', 'commandComplete', 'closeComplete', 'readyForQuery']);
  });
});
