// The runtime behind a real PgBouncer (Debian's package, 1.18 here) with more client connections
// than server connections: in transaction mode with namedStatements: false, and in session mode
// with named statements. Every fixture case (whole-variable filters included) must answer exactly
// the reviewed response stored in test/e2e/__responses__; mutations commit; request contexts (RLS)
// never leak from one tenant to another.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { blogDir, compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { readCases, reviewedResponse } from '../support/fixtureCases.js';
import { compileMutations } from '../support/compileMutations.js';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/db.js';
import { startPgBouncer, type RunningPgBouncer } from '../support/pgbouncer.js';
import { TENANT_A, TENANT_B, bPost, insertTenantB } from '../support/tenancy.js';
import { Collector } from '../runtime/writables.js';


const SERVER_CONNECTIONS = 3;
/** These tests send every case at once on purpose: no request may be refused for waiting (acquire.ts). */
const FLOOD = { acquireTimeoutMs: 120_000, maxWaiting: 100_000 } as const;
const CLIENT_CONNECTIONS = 12;
const cases = await readCases(blogDir);
const SEEDED_ID = /(11111111-1111-4111-8111|22222222-2222-4222-8222|33333333-3333-4333-8333)-\d{12}/;

let db: TestDatabase;
let fixture: GeneratedFixture;
let mutations: Readonly<Record<string, CompiledOperation>>;
const expected = new Map<string, unknown>();
const role = { name: `fraise_app_${process.pid}_${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex') };
const bouncers: RunningPgBouncer[] = [];
const pools: pg.Pool[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'scale-pgbouncer');
  mutations = await compileMutations(db.url, 'scale-pgbouncer-mutations');
  for (const c of cases) expected.set(c.name, await reviewedResponse(c.name));
  await db.pool.query(`CREATE ROLE ${role.name} LOGIN PASSWORD '${role.password}' IN ROLE blog_app`);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(bouncers.map((b) => b.stop()));
  await db?.drop();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role.name}`).finally(() => admin.end());
});

async function bouncer(mode: 'transaction' | 'session'): Promise<RunningPgBouncer> {
  const b = await startPgBouncer({
    serverUrl: db.url,
    mode,
    poolSize: SERVER_CONNECTIONS,
    aliases: { fraise_rls: { dbname: db.name, user: role.name, password: role.password } },
  });
  bouncers.push(b);
  return b;
}

function clientPool(url: string, max = CLIENT_CONNECTIONS, idleTimeoutMillis = 10_000): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis });
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}

async function streamed(runtime: Runtime, op: CompiledOperation, variables: unknown, context?: Record<string, unknown>): Promise<unknown> {
  const sink = new Collector();
  await runtime.stream(op, variables as Record<string, unknown>, sink, context ? { context } : {});
  return JSON.parse(sink.text);
}

/** Every case `rounds` times at once, alternating execute and stream; returns the mismatches. */
async function runCases(runtime: Runtime, rounds: number): Promise<{ total: number; wrong: { name: string; actual: unknown }[] }> {
  const runs = Array.from({ length: rounds }, (_, round) =>
    cases.map(async (c, i) => {
      const op = fixture.operationsByName[c.operation]!;
      const actual = (round + i) % 2 === 0 ? await runtime.execute(op, c.variables) : await streamed(runtime, op, c.variables);
      return JSON.stringify(actual) === JSON.stringify(expected.get(c.name)) ? null : { name: c.name, actual };
    }),
  ).flat();
  const outcomes = await Promise.all(runs);
  return { total: outcomes.length, wrong: outcomes.filter((o) => o !== null) };
}

describe('behind PgBouncer in session mode', () => {
  it(`named statements work: every fixture case, 2 rounds, two processes' pools of ${SERVER_CONNECTIONS} over ${SERVER_CONNECTIONS} servers`, async () => {
    const pgb = await bouncer('session');
    // In session mode a client holds its server connection until it disconnects: idle clients
    // must leave quickly for more clients than servers to take turns.
    const runtimes = [0, 1].map(() => createRuntime({ pool: clientPool(pgb.urlFor(db.name), SERVER_CONNECTIONS, 20), ...FLOOD }));
    const results = await Promise.all(runtimes.map((r) => runCases(r, 1)));
    expect(results.flatMap((r) => r.wrong)).toEqual([]);
    expect(results.reduce((n, r) => n + r.total, 0)).toBe(cases.length * 2);
    expect(await pgb.serverConnections(db.name)).toBeLessThanOrEqual(SERVER_CONNECTIONS);
  });
});

describe('behind PgBouncer in transaction mode', () => {
  let pgb: RunningPgBouncer;
  beforeAll(async () => {
    pgb = await bouncer('transaction');
  });

  it('named statements break (the reason for the option): prepared statements do not follow the client', async () => {
    // Its own PgBouncer: the statements it leaves on its server connections must not meet the others.
    const own = await bouncer('transaction');
    const runtime = createRuntime({ pool: clientPool(own.urlFor(db.name)), ...FLOOD });
    const { total, wrong } = await runCases(runtime, 3);
    const states = new Set(wrong.map((w) => JSON.stringify(w.actual)).map((t) => /"sqlState":"(\w+)"/.exec(t)?.[1]));
    expect(total).toBe(cases.length * 3);
    expect(wrong.length).toBeGreaterThan(0);
    // 26000: prepared statement does not exist; 42P05: prepared statement already exists.
    expect([...states].every((s) => s === '26000' || s === '42P05')).toBe(true);
  });

  it(`namedStatements: false: every fixture case, 4 rounds at once over ${CLIENT_CONNECTIONS} clients and ${SERVER_CONNECTIONS} servers, exactly right`, async () => {
    const runtime = createRuntime({ pool: clientPool(pgb.urlFor(db.name)), namedStatements: false, batchSize: 2, statementTimeout: 20_000, ...FLOOD });
    const { total, wrong } = await runCases(runtime, 4);
    expect(wrong).toEqual([]);
    expect(total).toBe(cases.length * 4);
    expect(await pgb.serverConnections(db.name)).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    // Nothing was left on the server connections: no prepared statement, no setting.
    const raw = clientPool(pgb.urlFor(db.name), 1);
    for (let i = 0; i < SERVER_CONNECTIONS * 3; i++) {
      const { rows } = await raw.query<{ prepared: number; timeout: string }>(
        `SELECT (SELECT count(*)::int FROM pg_prepared_statements) AS prepared, current_setting('statement_timeout') AS timeout`,
      );
      expect(rows).toEqual([{ prepared: 0, timeout: '0' }]);
    }
  });

  it('mutations commit, 40 at once, and delete', async () => {
    const runtime = createRuntime({ pool: clientPool(pgb.urlFor(db.name)), namedStatements: false, ...FLOOD });
    const ids = Array.from({ length: 40 }, (_, i) => `dddddddd-0000-4000-8000-${String(7000 + i).padStart(12, '0')}`);
    const results = await Promise.all(
      ids.map((id, i) =>
        runtime.execute(mutations['CreatePost']!, { input: { id, authorId: '11111111-1111-4111-8111-000000000001', title: `Bounced ${i}` } }),
      ),
    );
    results.forEach((r, i) => expect(r).toMatchObject({ data: { createPost: { __typename: 'CreatePostSuccess', post: { id: ids[i], title: `Bounced ${i}` } } } }));
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tb_post WHERE id = ANY($1::uuid[])', [ids]);
    expect(rows).toEqual([{ n: 40 }]);
    const deleted = await runtime.execute(mutations['DeletePost']!, { id: ids[0] });
    expect(deleted).toMatchObject({ data: { deletePost: { post: { id: ids[0] } } } });
    expect((await db.pool.query('SELECT 1 FROM tb_post WHERE id = $1', [ids[0]])).rowCount).toBe(0);
    await db.pool.query('DELETE FROM tb_post WHERE id = ANY($1::uuid[])', [ids]);
  });

  it('request contexts under row-level security: 600 interleaved requests of two tenants, 0 errors, 0 leaks', async () => {
    await insertTenantB(db.pool);
    const runtime = createRuntime({ pool: clientPool(pgb.urlFor('fraise_rls')), namedStatements: false, batchSize: 3, ...FLOOD });
    const outcomes = await Promise.all(
      Array.from({ length: 600 }, async (_, i) => {
        const c = cases[(i * 37) % cases.length]!;
        const tenant = i % 2 === 0 ? TENANT_A : TENANT_B;
        const op = fixture.operationsByName[c.operation]!;
        const actual = i % 3 === 0 ? await streamed(runtime, op, c.variables, { tenant_id: tenant }) : await runtime.execute(op, c.variables, { context: { tenant_id: tenant } });
        const text = JSON.stringify(actual);
        if (text.includes('"errors"')) return `${c.name}: ${text}`;
        if (tenant === TENANT_A && text !== JSON.stringify(expected.get(c.name))) return `${c.name} (A): ${text}`;
        if (tenant === TENANT_B && SEEDED_ID.test(text)) return `${c.name} (B) saw tenant A: ${text}`;
        return null;
      }),
    );
    expect(outcomes.filter((o) => o !== null)).toEqual([]);
    const posts = await runtime.execute(fixture.operationsByName['AllPosts']!, {}, { context: { tenant_id: TENANT_B } });
    expect((posts.data as { posts: { id: string }[] }).posts.map((p) => p.id).sort()).toEqual([bPost(1), bPost(2), bPost(3)]);
    expect(await runtime.execute(fixture.operationsByName['AllPosts']!, {})).toEqual({ data: { posts: [] } });
  });
});
