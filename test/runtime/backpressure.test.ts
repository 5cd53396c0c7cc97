// Streaming a large list honours the writable's backpressure: the next batch is fetched only once
// the writable drained, so only about one batch is ever in flight.
import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { numberRows, numbersOp } from './operations.js';
import { countRows, delay, PausedCollector, SlowCollector } from './writables.js';

const BATCH = 1000;
const TOTAL = 100_000;

let db: TestDatabase;
let pool: pg.Pool;
let runtime: Runtime;
/** Bytes received from PostgreSQL on the pool's only connection. */
let bytesFromDatabase: () => number = () => 0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('connect', (client) => {
    // pg's socket is internal; reading its counter is the only way to see what the server sent.
    const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    bytesFromDatabase = () => socket.bytesRead;
  });
  runtime = createRuntime({ pool, batchSize: BATCH });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('streaming backpressure', () => {
  it('streams 100k rows into a slow writable, complete and in order', async () => {
    const out = new SlowCollector();
    let rowsBeforeFirstDrain: number | undefined;
    out.once('drain', () => {
      rowsBeforeFirstDrain = out.rowCount;
    });
    await runtime.stream(numbersOp, { count: TOTAL }, out);
    expect(out.text).toBe(`{"data":{"numbers":[${numberRows(1, TOTAL)}]}}`);
    // One chunk per batch, and the writable had said "wait" after the first one.
    expect(rowsBeforeFirstDrain).toBe(BATCH);
    expect(out.chunks.length).toBe(TOTAL / BATCH + 1);
  });

  it('fetches no further batch while the writable does not drain', async () => {
    await pool.query('SELECT 1'); // connect first, so the byte counter is in place
    const out = new PausedCollector();
    const before = bytesFromDatabase();
    const done = runtime.stream(numbersOp, { count: TOTAL }, out);
    await out.firstChunk;
    await delay(300);
    // Exactly one batch reached the writable, and the server sent about one batch (~30 bytes a row).
    expect(countRows(out.text)).toBe(BATCH);
    const received = bytesFromDatabase() - before;
    expect(received).toBeLessThan(BATCH * 60);
    await delay(100);
    expect(bytesFromDatabase() - before).toBe(received);

    out.resume();
    await done;
    expect(countRows(out.text)).toBe(TOTAL);
    expect(out.text.endsWith(`${numberRows(TOTAL - 1, TOTAL)}]}}`)).toBe(true);
  });
});
