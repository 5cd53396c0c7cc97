// One test per internal of pg that the runtime drives (runtime/pgInternals.ts), against a real
// PostgreSQL: each proves the internal still behaves the way Fraise relies on, so that a pg release
// that changes it fails here (and in `npm run test:pg-client`, which runs this file against the
// oldest and newest pg of PG_RANGE) instead of in production.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FraiseError } from '../../runtime/errors.js';
import {
  backendPid,
  checkPg,
  findMissingInternals,
  forgetPrepared,
  inRange,
  isPrepared,
  PG_RANGE,
  pgVersion,
  preparedText,
  prepareValue,
  sendCancelRequest,
  socketOf,
} from '../../runtime/pgInternals.js';
import { PortalCursor, type RowBatch } from '../../runtime/portalCursor.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The version of the pg this process runs, known without the code under test: the one
 * `npm run test:pg-client` installed (it says so in FRAISE_PG_CLIENT_VERSION), else the repository's.
 */
const PG_VERSION: string =
  process.env.FRAISE_PG_CLIENT_VERSION ??
  (JSON.parse(readFileSync(new URL('../../node_modules/pg/package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Whether PG_VERSION is at least `major.minor` (8.x here). */
function atLeast(minor: number): boolean {
  const [major, m] = PG_VERSION.split('.').map(Number);
  return major! > 8 || (major === 8 && m! >= minor);
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** Every batch of a cursor, then how it left the connection. */
async function readAll(client: pg.PoolClient, cursor: PortalCursor): Promise<{ batches: RowBatch[]; reusable: boolean }> {
  client.query(cursor);
  const batches: RowBatch[] = [];
  for (;;) {
    const batch = await cursor.read();
    batches.push(batch);
    if (!batch.more) break;
  }
  const outcome = await cursor.outcome;
  return { batches, reusable: outcome.reusable };
}

function cursorOf(name: string, text: string, values: readonly unknown[] = [], batchSize = 100): PortalCursor {
  return new PortalCursor({ name, text }, values, { batchSize });
}

/** What this backend has prepared under `name` (the pool may hand the same client to several tests). */
async function preparedOnServer(client: pg.PoolClient, name: string): Promise<{ name: string; statement: string }[]> {
  const { rows } = await client.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements WHERE name = $1', [name]);
  return rows;
}

describe('the pg this process runs', () => {
  it('is the one the runtime imports, within PG_RANGE', () => {
    process.stdout.write(`pg ${PG_VERSION} (the runtime sees ${pgVersion()})\n`);
    expect(pgVersion()).toBe(PG_VERSION);
    // Same copy: the runtime's serialiser is this process's pg.utils.prepareValue itself.
    expect(prepareValue).toBe((pg as unknown as { utils: { prepareValue: unknown } }).utils.prepareValue);
    expect(inRange(PG_VERSION)).toBe(true);
  });

  it('is the range both package.json files declare', () => {
    const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
    expect(read('../../runtime/package.json').peerDependencies!.pg).toBe(PG_RANGE);
    expect(read('../../package.json').dependencies!.pg).toBe(PG_RANGE);
    expect(PG_RANGE).toBe('>=8.15.0 <8.24.0');
    expect(['8.14.9', '8.15.0', '8.23.1', '8.24.0', '9.0.0'].map(inRange)).toEqual([false, true, true, false, false]);
  });
});

describe('the startup check', () => {
  it('finds every internal in this pg', () => {
    expect(findMissingInternals(pg)).toEqual([]);
    expect(() => checkPg(pg, PG_VERSION)).not.toThrow();
  });

  it('refuses a pg without one, naming it, the version and the supported range', () => {
    const withoutUtils = { Client: pg.Client };
    expect(() => checkPg(withoutUtils, '8.14.0')).toThrow(
      new FraiseError(
        'UNSUPPORTED_PG',
        '@fraise/runtime cannot run with pg 8.14.0: it lacks pg.utils.prepareValue. Supported: pg >=8.15.0 <8.24.0; install one with npm install "pg@>=8.15.0 <8.24.0".',
      ),
    );
    class BareConnection {}
    class OldClient {
      readonly connection = new BareConnection();
    }
    expect(findMissingInternals({ utils: { prepareValue: () => null }, Client: OldClient })).toEqual([
      'Client.processID/secretKey',
      'Connection.parsedStatements',
      'Connection.stream',
      'Connection.parse()',
      'Connection.bind()',
      'Connection.execute()',
      'Connection.close()',
      'Connection.flush()',
      'Connection.sync()',
      'Connection.connect()',
      'Connection.cancel()',
      'Connection.once()',
    ]);
  });

  it('warns when every internal is there but the version is outside the range', () => {
    const warnings: string[] = [];
    checkPg(pg, '8.24.0', (message) => warnings.push(message));
    checkPg(pg, PG_VERSION, (message) => warnings.push(message));
    expect(warnings).toEqual([
      '@fraise/runtime is tested with pg >=8.15.0 <8.24.0; this is pg 8.24.0. Every internal it needs is there, but this version is untested.',
    ]);
  });
});

describe('utils.prepareValue', () => {
  it('serialises values as pool.query does, and PostgreSQL reads them back', async () => {
    const instant = new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 789));
    const bytes = Buffer.from([0, 1, 255]);
    expect(prepareValue(['1', null, 'a"b', 'c\\d', ['x']])).toBe('{"1",NULL,"a\\"b","c\\\\d",{"x"}}');
    expect(prepareValue([1, 2])).toBe('{"1","2"}');
    expect(prepareValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect([prepareValue(true), prepareValue(1.5), prepareValue(null), prepareValue(undefined)]).toEqual(['true', '1.5', null, null]);
    expect(prepareValue(bytes)).toBe(bytes);
    const date = prepareValue(instant);
    expect(typeof date).toBe('string');
    await withClient(async (client) => {
      const { rows } = await client.query<{ instant: boolean; bytes: boolean; list: string }>(
        `SELECT $1::timestamptz = '2024-02-03T04:05:06.789Z'::timestamptz AS instant, $2::bytea = '\\x0001ff'::bytea AS bytes, array_to_json($3::text[])::text AS list`,
        [date, prepareValue(bytes), prepareValue(['1', null, 'a"b', 'c\\d'])],
      );
      expect(rows[0]).toEqual({ instant: true, bytes: true, list: '["1",null,"a\\"b","c\\\\d"]' });
    });
  });
});

describe('Connection.parsedStatements', () => {
  it('records a statement the cursor parsed; pg and the cursor then skip its Parse', async () => {
    await withClient(async (client) => {
      const name = 'fraise_internals_parsed';
      const text = 'SELECT n::text FROM generate_series(1, $1::int) n';
      expect(isPrepared(client, name)).toBe(false);
      expect((await readAll(client, cursorOf(name, text, [2]))).batches).toEqual([{ rows: ['1', '2'], more: false }]);
      expect(isPrepared(client, name)).toBe(true);
      expect(preparedText(client.connection, name)).toBe(text);
      expect(await preparedOnServer(client, name)).toEqual([{ name, statement: text }]);
      // A second Parse of the name would fail with 42P05 (prepared statement already exists).
      expect((await readAll(client, cursorOf(name, text, [1]))).batches).toEqual([{ rows: ['1'], more: false }]);
      const { rows } = await client.query<{ n: string }>({ name, text, values: [3] });
      expect(rows.map((r) => r.n)).toEqual(['1', '2', '3']);
      expect(await preparedOnServer(client, name)).toEqual([{ name, statement: text }]);
    });
  });

  it('is what pg consults: after DEALLOCATE it must forget the name, and then parses again', async () => {
    await withClient(async (client) => {
      const name = 'fraise_internals_forget';
      const text = 'SELECT $1::int + 1 AS n';
      await client.query({ name, text, values: [1] });
      await client.query(`DEALLOCATE ${name}`);
      // Still recorded: pg skips the Parse and Binds a statement that no longer exists.
      await expect(client.query({ name, text, values: [1] })).rejects.toMatchObject({ code: '26000' });
      forgetPrepared(client, name);
      expect(isPrepared(client, name)).toBe(false);
      expect((await client.query<{ n: number }>({ name, text, values: [41] })).rows).toEqual([{ n: 42 }]);
      expect(isPrepared(client, name)).toBe(true);
      expect(await preparedOnServer(client, name)).toEqual([{ name, statement: text }]);
    });
  });
});

describe('Connection.submittedNamedStatements', () => {
  it(`holds a Parse in flight until ParseComplete, and drops a failed one (pg ${atLeast(23) ? '>= 8.23: present' : '< 8.23: absent'})`, async () => {
    await withClient(async (client) => {
      const name = 'fraise_internals_submitted';
      const text = 'SELECT n::text FROM generate_series(1, 3) n';
      const records = client.connection as unknown as { submittedNamedStatements?: Record<string, string> };
      expect(records.submittedNamedStatements === undefined).toBe(!atLeast(23));
      const cursor = cursorOf(name, text);
      client.query(cursor); // submitted at once: the client is idle
      expect(isPrepared(client, name)).toBe(false);
      expect(preparedText(client.connection, name)).toBe(atLeast(23) ? text : undefined);
      expect((await cursor.read()).rows).toEqual(['1', '2', '3']);
      await cursor.outcome;
      expect(records.submittedNamedStatements?.[name]).toBeUndefined();
      expect(preparedText(client.connection, name)).toBe(text);

      // A Parse that fails leaves no record: the name is free for a good text afterwards.
      const broken = 'fraise_internals_broken';
      const failed = cursorOf(broken, 'SELECT nothing_here');
      client.query(failed);
      await expect(failed.read()).rejects.toMatchObject({ code: '42703' });
      expect(await failed.outcome).toEqual({ reusable: true });
      expect(preparedText(client.connection, broken)).toBeUndefined();
      expect((await readAll(client, cursorOf(broken, 'SELECT 7::text'))).batches).toEqual([{ rows: ['7'], more: false }]);
    });
  });
});

describe('the Submittable protocol and the Connection wire methods', () => {
  it('reads a portal batch by batch (Execute with a row limit, PortalSuspended, Close, Sync)', async () => {
    await withClient(async (client) => {
      const cursor = cursorOf('fraise_internals_batches', 'SELECT n::text FROM generate_series(1, $1::int) n', [5], 2);
      expect(await readAll(client, cursor)).toEqual({
        batches: [
          { rows: ['1', '2'], more: true },
          { rows: ['3', '4'], more: true },
          { rows: ['5'], more: false },
        ],
        reusable: true,
      });
      // The portal is closed and the connection idle: a plain query runs next.
      expect((await client.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    });
  });
});

describe('Connection.stream', () => {
  it("is the client's socket to the server", async () => {
    await withClient(async (client) => {
      const { rows } = await client.query<{ port: number }>('SELECT inet_client_port() AS port');
      expect(socketOf(client)?.localPort).toBe(rows[0]!.port);
    });
  });
});

describe('Client.processID and secretKey', () => {
  it('name the backend, and a CancelRequest with them stops its statement', async () => {
    await withClient(async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect((client as unknown as { processID: number }).processID).toBe(rows[0]!.pid);
      // backendPid reads it (the link check looks the backend up in pg_stat_activity with it).
      expect(backendPid(client)).toBe(rows[0]!.pid);
      const started = performance.now();
      const sleeping = client.query('SELECT pg_sleep(30)');
      // A cancel that arrives before the statement does is lost: wait until it runs.
      for (;;) {
        const { rows: running } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query = 'SELECT pg_sleep(30)'`,
          [rows[0]!.pid],
        );
        if (running[0]!.n === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(sendCancelRequest(db.pool, client)).toBe(true);
      await expect(sleeping).rejects.toMatchObject({ code: '57014' });
      expect(performance.now() - started).toBeLessThan(10_000);
    });
  });
});
