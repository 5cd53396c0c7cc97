// readPool on a real streaming replica (Debian's PostgreSQL 15: a primary, pg_basebackup, a hot
// standby): queries run on the replica and mutations on the primary, counted by pg_stat_statements
// on each server; replica lag is visible (replay paused); a query that cannot get a replica
// connection in time runs on the primary, or fails when fallback is off.
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type CompiledOperation } from '../../runtime/index.js';
import { blogDir, compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { readCases, reviewedResponse } from '../support/fixtureCases.js';
import { compileMutations } from '../support/compileMutations.js';
import { startReplicaPair, type ReplicaPair } from '../support/replica.js';
import { listen, post, type Listening } from '../http/support.js';
import { Collector } from '../runtime/writables.js';

const cases = await readCases(blogDir);
const ALICE = '11111111-1111-4111-8111-000000000001';

let pair: ReplicaPair;
let fixture: GeneratedFixture;
let mutations: Readonly<Record<string, CompiledOperation>>;
let primary: pg.Pool;
let replica: pg.Pool;
const pools: pg.Pool[] = [];

function poolOf(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}

/** Calls of the fixture's query statements (they read views) and mutation statements (they call functions). */
async function calls(on: 'primary' | 'replica'): Promise<{ queries: number; mutations: number }> {
  const [row] = await pair.query<{ queries: number; mutations: number }>(
    on,
    `SELECT coalesce(sum(calls) FILTER (WHERE query NOT LIKE '%"fn\\_%'), 0)::int AS queries,
            coalesce(sum(calls) FILTER (WHERE query LIKE '%"fn\\_%'), 0)::int AS mutations
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = current_database() AND query LIKE '%json_build_object%' AND query NOT LIKE '%pg_stat_statements%'`,
  );
  return row!;
}

async function resetCalls(replicaToo = true): Promise<void> {
  await pair.query('primary', 'SELECT pg_stat_statements_reset()');
  if (replicaToo) await pair.query('replica', 'SELECT pg_stat_statements_reset()');
}

beforeAll(async () => {
  pair = await startReplicaPair([path.join(blogDir, 'schema.sql'), path.join(blogDir, 'seed-small.sql')]);
  fixture = await compileBlogFixture(pair.primaryUrl(), 'scale-replica');
  mutations = await compileMutations(pair.primaryUrl(), 'scale-replica-mutations');
  primary = poolOf(pair.primaryUrl());
  replica = poolOf(pair.replicaUrl());
  await pair.caughtUp();
}, 180_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await pair?.stop();
});

describe(`readPool on a streaming replica (Debian PostgreSQL 15)`, () => {
  it('the replica is a hot standby of the primary', async () => {
    expect(await pair.query('replica', 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: true }]);
    expect(await pair.query('primary', 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: false }]);
  });

  it('100% of query statements run on the replica, 100% of mutations on the primary (execute, stream, HTTP)', async () => {
    const runtime = createRuntime({ pool: primary, readPool: replica, batchSize: 5 });
    await resetCalls();
    for (const c of cases) {
      const op = fixture.operationsByName[c.operation]!;
      expect(await runtime.execute(op, c.variables), c.name).toEqual(await reviewedResponse(c.name));
      const sink = new Collector();
      await runtime.stream(op, c.variables, sink);
      expect(JSON.parse(sink.text), c.name).toEqual(await reviewedResponse(c.name));
    }
    const ids = Array.from({ length: 10 }, (_, i) => `dddddddd-0000-4000-8000-${String(8000 + i).padStart(12, '0')}`);
    for (const id of ids) {
      expect(await runtime.execute(mutations['CreatePost']!, { input: { id, authorId: ALICE, title: 'On the primary' } })).toMatchObject({
        data: { createPost: { __typename: 'CreatePostSuccess' } },
      });
    }
    const server: Listening = await listen(createHandler({ pool: primary, readPool: replica, operations: fixture.operations }));
    try {
      const users = fixture.operationsByName['ListUsers']!;
      expect((await post(server.url, { documentId: users.id })).json).toEqual(await reviewedResponse(cases.find((c) => c.operation === 'ListUsers')!.name));
    } finally {
      await server.close();
    }
    expect(await calls('replica')).toEqual({ queries: cases.length * 2 + 1, mutations: 0 });
    expect(await calls('primary')).toEqual({ queries: 0, mutations: ids.length });
  });

  it('replica lag is visible: with replay paused a new post is on the primary only, then arrives', async () => {
    const runtime = createRuntime({ pool: primary, readPool: replica });
    const detail = fixture.operationsByName['PostWithAuthor']!;
    const id = 'dddddddd-0000-4000-8000-000000009001';
    await pair.query('replica', 'SELECT pg_wal_replay_pause()');
    try {
      const created = await runtime.execute(mutations['CreatePost']!, { input: { id, authorId: ALICE, title: 'Lagging' } });
      expect(created).toMatchObject({ data: { createPost: { __typename: 'CreatePostSuccess' } } });
      await pair.query('primary', 'SELECT pg_switch_wal()'); // make sure the WAL reached the replica
      expect(await pair.lagBytes()).toBeGreaterThan(0);
      expect(await runtime.execute(detail, { id })).toEqual({ data: { post: null } });
    } finally {
      await pair.query('replica', 'SELECT pg_wal_replay_resume()');
    }
    await pair.caughtUp();
    expect(await pair.lagBytes()).toBe(0);
    expect(await runtime.execute(detail, { id })).toMatchObject({ data: { post: { id, title: 'Lagging' } } });
  });

  it('falls back to the primary when the replica has no free connection within readPoolTimeoutMs', async () => {
    const single = poolOf(pair.replicaUrl(), 1);
    const runtime = createRuntime({ pool: primary, readPool: single, readPoolTimeoutMs: 100 });
    const users = fixture.operationsByName['ListUsers']!;
    const expected = await reviewedResponse(cases.find((c) => c.operation === 'ListUsers')!.name);
    const held = await single.connect();
    try {
      await resetCalls();
      expect(await runtime.execute(users, {})).toEqual(expected);
      expect(await calls('primary')).toEqual({ queries: 1, mutations: 0 });
      expect(await calls('replica')).toEqual({ queries: 0, mutations: 0 });
      const strict = createRuntime({ pool: primary, readPool: single, readPoolTimeoutMs: 100, readPoolFallback: false });
      expect(await strict.execute(users, {})).toEqual({ errors: [{ message: 'Database unavailable', extensions: { code: 'DATABASE_UNAVAILABLE' } }] });
    } finally {
      held.release();
    }
    expect(await runtime.execute(users, {})).toEqual(expected);
    expect(await calls('replica')).toEqual({ queries: 1, mutations: 0 });
  });

  it('falls back to the primary while the replica is stopped, and returns to it once it is back', async () => {
    const readPool = poolOf(pair.replicaUrl());
    const runtime = createRuntime({ pool: primary, readPool, readPoolTimeoutMs: 500 });
    const users = fixture.operationsByName['ListUsers']!;
    const expected = await reviewedResponse(cases.find((c) => c.operation === 'ListUsers')!.name);
    expect(await runtime.execute(users, {})).toEqual(expected);
    await pair.stopReplica();
    try {
      await resetCalls(false);
      for (let i = 0; i < 5; i++) expect(await runtime.execute(users, {})).toEqual(expected);
      const sink = new Collector();
      await runtime.stream(users, {}, sink);
      expect(JSON.parse(sink.text)).toEqual(expected);
      expect(await calls('primary')).toEqual({ queries: 6, mutations: 0 });
    } finally {
      await pair.startReplica();
    }
    await pair.caughtUp();
    await resetCalls();
    expect(await runtime.execute(users, {})).toEqual(expected);
    expect(await calls('replica')).toEqual({ queries: 1, mutations: 0 });
  });

  it('refuses readPool options that make no sense', () => {
    expect(() => createRuntime({ pool: primary, readPool: primary })).toThrow('createRuntime: `readPool` must be a different pg Pool than `pool`');
    expect(() => createRuntime({ pool: primary, readPoolTimeoutMs: 5 })).toThrow('createRuntime: readPoolTimeoutMs and readPoolFallback need a readPool');
    expect(() => createRuntime({ pool: primary, readPool: replica, readPoolTimeoutMs: 0 })).toThrow('readPoolTimeoutMs must be a positive whole number');
  });
});
