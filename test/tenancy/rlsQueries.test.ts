// Tenant isolation by row-level security alone: the compiled SQL has no tenant filter, the request
// context sets app.tenant_id, the policies do the rest. Every fixture case, for both tenants, run
// sequentially and then 1,000 times interleaved on one small pool, through execute and stream. What
// each tenant must see comes from a database holding that tenant's rows only, read as the superuser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { blogDir, compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { readCases, type FixtureCase } from '../support/fixtureCases.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TENANT_A, TENANT_B, bPost, createAppRole, insertTenantB, type AppRole } from '../support/tenancy.js';
import { Collector } from '../runtime/writables.js';

const cases = await readCases(blogDir);
const SEEDED_ID = /(11111111-1111-4111-8111|22222222-2222-4222-8222|33333333-3333-4333-8333)-\d{12}/;
const TENANT_B_ID = /bbbbbbbb-\d{4}-4\d{3}-8\d{3}-\d{12}/;

let db: TestDatabase;
/** A database holding tenant B's rows only, no RLS in the way: what tenant B must see. */
let onlyB: TestDatabase;
let app: AppRole;
let fixture: GeneratedFixture;
let admin: Runtime;
let runtime: Runtime;
/** Results as the superuser sees them before tenant B exists: every row is tenant A's. */
const baseline = new Map<string, unknown>();
/** Results as the superuser sees them in a database of tenant B's rows alone (tags are shared). */
const expectedB = new Map<string, unknown>();

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'tenancy-queries');
  admin = createRuntime({ pool: db.pool });
  for (const c of cases) baseline.set(c.name, await admin.execute(fixture.operationsByName[c.operation]!, c.variables));
  await insertTenantB(db.pool);
  onlyB = await createTestDatabase();
  await onlyB.pool.query(`
    DELETE FROM tb_post_tag WHERE fk_post IN (SELECT pk_post FROM tb_post WHERE tenant_id = '${TENANT_A}');
    DELETE FROM tb_comment WHERE tenant_id = '${TENANT_A}';
    DELETE FROM tv_post WHERE tenant_id = '${TENANT_A}';
    DELETE FROM tb_post WHERE tenant_id = '${TENANT_A}';
    DELETE FROM tb_user WHERE tenant_id = '${TENANT_A}';
  `);
  await insertTenantB(onlyB.pool);
  const adminB = createRuntime({ pool: onlyB.pool });
  for (const c of cases) expectedB.set(c.name, await adminB.execute(fixture.operationsByName[c.operation]!, c.variables));
  app = await createAppRole(db, 4);
  // 1,000 requests at once on purpose: none may be refused for waiting (acquire.ts).
  runtime = createRuntime({ pool: app.pool, batchSize: 3, acquireTimeoutMs: 120_000, maxWaiting: 100_000 });
});
afterAll(async () => {
  await db?.drop();
  await onlyB?.drop();
  await app?.drop();
});

async function streamed(r: Runtime, c: FixtureCase, tenant: string): Promise<unknown> {
  const sink = new Collector();
  await r.stream(fixture.operationsByName[c.operation]!, c.variables, sink, { context: { tenant_id: tenant } });
  return JSON.parse(sink.text);
}

describe('row-level security through the request context', () => {
  it('the superuser sees both tenants; the application role without a tenant sees nothing', async () => {
    const posts = fixture.operationsByName['AllPosts']!;
    const all = JSON.stringify(await admin.execute(posts, {}));
    expect(all).toMatch(TENANT_B_ID);
    expect(all).toMatch(SEEDED_ID);
    expect(await runtime.execute(posts, {})).toEqual({ data: { posts: [] } });
    expect(await runtime.execute(posts, {}, { context: { tenant_id: null } })).toEqual({ data: { posts: [] } });
  });

  it('tenant A gets exactly the responses of the single-tenant database, through execute and stream', async () => {
    for (const c of cases) {
      const op = fixture.operationsByName[c.operation]!;
      const result = await runtime.execute(op, c.variables, { context: { tenant_id: TENANT_A } });
      expect(result, c.name).toEqual(baseline.get(c.name));
      expect(await streamed(runtime, c, TENANT_A), c.name).toEqual(result);
    }
  });

  it('tenant B gets exactly the responses of a database of its own rows, and none of tenant A', async () => {
    // The expectations are not vacuous: most cases return some of B's rows, and none of A's.
    const withRowsOfB = cases.filter((c) => TENANT_B_ID.test(JSON.stringify(expectedB.get(c.name))));
    expect(withRowsOfB.length).toBeGreaterThan(20);
    for (const c of cases) expect(JSON.stringify(expectedB.get(c.name)), c.name).not.toMatch(SEEDED_ID);
    for (const c of cases) {
      const op = fixture.operationsByName[c.operation]!;
      const result = await runtime.execute(op, c.variables, { context: { tenant_id: TENANT_B } });
      expect(result, c.name).toEqual(expectedB.get(c.name));
      expect(await streamed(runtime, c, TENANT_B), c.name).toEqual(result);
    }
    const posts = await runtime.execute(fixture.operationsByName['AllPosts']!, {}, { context: { tenant_id: TENANT_B } });
    expect((posts.data as { posts: { id: string }[] }).posts.map((p) => p.id).sort()).toEqual([bPost(1), bPost(2), bPost(3)]);
  });

  it('1,000 interleaved requests of two tenants on one pool: zero leaks', async () => {
    expect([baseline.size, expectedB.size]).toEqual([cases.length, cases.length]);
    const requests = Array.from({ length: 1000 }, (_, i) => {
      const c = cases[(i * 37) % cases.length]!;
      const tenant = i % 2 === 0 ? TENANT_A : TENANT_B;
      const expected = tenant === TENANT_A ? baseline.get(c.name) : expectedB.get(c.name);
      const run = async (): Promise<unknown> =>
        i % 3 === 0
          ? streamed(runtime, c, tenant)
          : runtime.execute(fixture.operationsByName[c.operation]!, c.variables, { context: { tenant_id: tenant } });
      return run().then((actual) => ({ i, name: c.name, tenant, ok: JSON.stringify(actual) === JSON.stringify(expected) }));
    });
    const outcomes = await Promise.all(requests);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(1000);
  });
});
