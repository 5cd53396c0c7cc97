// Row-level security from token claims: 1,000 interleaved requests of two tenants' tokens, many at
// once on a small pool, under the application role (subject to RLS): every response holds exactly
// its own tenant's rows. And roles loaded from the database (auth.rolesQuery), refreshed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type CompiledOperation } from '../../runtime/index.js';
import { listen, post, type Listening } from '../http/support.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TENANT_A, TENANT_B, createAppRole, insertTenantB, type AppRole } from '../support/tenancy.js';
import { bearer, compileAuthFixture, SECRET, sign } from './support.js';

let db: TestDatabase;
let app: AppRole;
let ops: Readonly<Record<string, CompiledOperation>>;
const servers: Listening[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ops = await compileAuthFixture(db.url, 'auth-tenancy');
  await insertTenantB(db.pool);
  app = await createAppRole(db, 4);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await db?.drop();
  await app?.drop();
});

describe('RLS with claims', () => {
  it('1,000 interleaved requests of two tenants: 0 leaks', async () => {
    const server = await listen(createHandler({ pool: app.pool, operations: Object.values(ops), auth: { jwt: { secret: SECRET } } }));
    servers.push(server);
    // What each tenant owns, read as the superuser (no RLS).
    const owned = async (tenant: string): Promise<string[]> =>
      (await db.pool.query<{ id: string }>('SELECT id FROM tb_post WHERE tenant_id = $1', [tenant])).rows.map((r) => r.id);
    const mine = { [TENANT_A]: new Set(await owned(TENANT_A)), [TENANT_B]: new Set(await owned(TENANT_B)) };
    const tokens = { [TENANT_A]: await sign({ sub: 'a', tenant_id: TENANT_A }), [TENANT_B]: await sign({ sub: 'b', tenant_id: TENANT_B }) };
    let leaks = 0;
    let rows = 0;
    const one = async (i: number): Promise<void> => {
      const tenant = i % 2 === 0 ? TENANT_A : TENANT_B;
      const reply = await post(server.url, { documentId: ops['NonNullRoot']!.id }, undefined, bearer(tokens[tenant]!));
      expect(reply.status).toBe(200);
      const posts = (reply.json as { data: { posts: { id: string }[] } }).data.posts;
      expect(posts.length).toBe(Math.min(2, mine[tenant]!.size));
      for (const p of posts) {
        rows++;
        if (!mine[tenant]!.has(p.id)) leaks++;
      }
    };
    // 20 in flight at a time on a pool of 4: connections are reused across tenants all the time.
    for (let start = 0; start < 1000; start += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => one(start + k)));
    expect(rows).toBe(1000 * 2);
    expect(leaks).toBe(0);
  });
});

describe('roles from the database', () => {
  it('auth.rolesQuery: loaded at start, merged with implies, refreshed on its interval', async () => {
    await db.pool.query(`
      CREATE TABLE tb_role (name text PRIMARY KEY, parent text REFERENCES tb_role(name));
      INSERT INTO tb_role VALUES ('viewer', NULL), ('analyst', 'viewer'), ('lead', 'analyst');
      GRANT SELECT ON tb_role TO blog_app;`);
    // A role implies its parent's grants, transitively (the CTE lists every ancestor).
    const rolesQuery = `
      WITH RECURSIVE up(role, implies) AS (
        SELECT name, parent FROM tb_role WHERE parent IS NOT NULL
        UNION SELECT up.role, r.parent FROM up JOIN tb_role r ON r.name = up.implies WHERE r.parent IS NOT NULL)
      SELECT role, implies FROM up
      UNION ALL SELECT 'viewer', 'posts:read' UNION ALL SELECT 'analyst', 'stats'`;
    const server = await listen(
      createHandler({
        pool: app.pool,
        operations: Object.values(ops),
        auth: { jwt: { secret: SECRET }, rolesQuery, rolesRefreshSeconds: 1, implies: { auditor: ['lead'] } },
      }),
    );
    servers.push(server);
    // PostStats reads views (stats and posts:read) and rating/comments, which stay refused here;
    // `views` is what the roles decide.
    const viewsRefused = async (roles: string[]): Promise<boolean> => {
      const reply = await post(server.url, { documentId: ops['PostStats']!.id, variables: { id: '22222222-2222-4222-8222-000000000001' } }, undefined, bearer(await sign({ sub: 'x', tenant_id: TENANT_A, roles })));
      return ((reply.json as { errors?: { path: unknown[] }[] }).errors ?? []).some((e) => JSON.stringify(e.path) === '["post","views"]');
    };
    expect(await viewsRefused(['viewer'])).toBe(true); // posts:read but no stats
    expect(await viewsRefused(['analyst'])).toBe(false); // stats, and viewer's posts:read
    expect(await viewsRefused(['lead'])).toBe(false); // transitively
    expect(await viewsRefused(['auditor'])).toBe(false); // implies (options) -> lead (database)
    await db.pool.query(`UPDATE tb_role SET parent = NULL WHERE name = 'lead'`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await viewsRefused(['lead'])).toBe(true);
    expect(await viewsRefused(['analyst'])).toBe(false);
  });
});
