// Tenant isolation through createHandler: its `context(req)` option derives the request context
// (here from a header an authenticating proxy would set), which reaches PostgreSQL as app.tenant_id
// for queries (streamed) and mutations alike, under row-level security.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, FraiseError, type CompiledOperation } from '../../runtime/index.js';
import { listen, post, type Listening } from '../http/support.js';
import { compileMutations } from '../support/compileMutations.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TENANT_A, TENANT_B, bPost, bUser, createAppRole, insertTenantB, type AppRole } from '../support/tenancy.js';

const POST_1 = '22222222-2222-4222-8222-000000000001';
/** The seed's 24 posts, all tenant A's: post n is 22222222-2222-4222-8222-<n, 12 digits>. */
const SEEDED_POSTS = Array.from({ length: 24 }, (_, i) => `22222222-2222-4222-8222-${String(i + 1).padStart(12, '0')}`);

let db: TestDatabase;
let app: AppRole;
let ops: Readonly<Record<string, CompiledOperation>>;
let server: Listening;
const failures: unknown[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ops = await compileMutations(db.url, 'tenancy-http', { operations: ['fixtures/blog/operations/AllPosts.graphql'] });
  await insertTenantB(db.pool);
  app = await createAppRole(db, 3);
  server = await listen(
    createHandler({
      pool: app.pool,
      operations: Object.values(ops),
      batchSize: 2,
      // 300 requests at once on 3 connections on purpose: none may be refused for waiting (acquire.ts).
      acquireTimeoutMs: 120_000,
      maxWaiting: 100_000,
      context: (req) => {
        const tenant = req.headers['x-tenant'];
        if (tenant === 'explode') throw new Error('no session');
        return { tenant_id: typeof tenant === 'string' ? tenant : undefined };
      },
      onError: (error) => void failures.push(error),
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  await app?.drop();
});

const as = (tenant: string | undefined): Record<string, string> => (tenant === undefined ? {} : { 'x-tenant': tenant });

function postIds(json: unknown): string[] {
  return ((json as { data: { posts: { id: string }[] } }).data.posts ?? []).map((p) => p.id);
}

/** A tenant's post ids as the superuser reads them from the table (RLS does not apply), sorted. */
async function tenantPosts(tenant: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>('SELECT id::text FROM tb_post WHERE tenant_id = $1 ORDER BY id', [tenant]);
  return rows.map((r) => r.id);
}

describe('createHandler with a request context', () => {
  it('streams each tenant its own rows only; without a tenant, none', async () => {
    const a = await post(server.url, { documentId: ops['AllPosts']!.id }, undefined, as(TENANT_A));
    expect(a.status).toBe(200);
    expect(postIds(a.json).sort()).toEqual(SEEDED_POSTS);

    const b = await post(server.url, { documentId: ops['AllPosts']!.id }, undefined, as(TENANT_B));
    expect(b.status).toBe(200);
    expect(postIds(b.json).sort()).toEqual([bPost(1), bPost(2), bPost(3)]);

    const none = await post(server.url, { documentId: ops['AllPosts']!.id });
    expect(none.json).toEqual({ data: { posts: [] } });
  });

  it('runs mutations in the tenant of the request: B writes for B, A cannot touch it', async () => {
    const id = 'dddddddd-0000-4000-8000-0000000000c1';
    const created = await post(server.url, { documentId: ops['CreatePost']!.id, variables: { input: { id, authorId: bUser(1), title: 'B over HTTP' } } }, undefined, as(TENANT_B));
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ data: { createPost: { __typename: 'CreatePostSuccess', post: { id, title: 'B over HTTP', author: bUser(1) } } } });
    const { rows } = await db.pool.query<{ tenant_id: string }>('SELECT tenant_id FROM tb_post WHERE id = $1', [id]);
    expect(rows).toEqual([{ tenant_id: TENANT_B }]);

    const hijack = await post(server.url, { documentId: ops['UpdatePost']!.id, variables: { id, title: 'Hijacked' } }, undefined, as(TENANT_A));
    expect(hijack.json).toMatchObject({ data: { updatePost: { __typename: 'UpdatePostError', status: 'not_found:post' } } });
    const stealA = await post(server.url, { documentId: ops['UpdatePost']!.id, variables: { id: POST_1, title: 'Hijacked' } }, undefined, as(TENANT_B));
    expect(stealA.json).toMatchObject({ data: { updatePost: { __typename: 'UpdatePostError', status: 'not_found:post' } } });
    const titles = await db.pool.query<{ title: string }>('SELECT title FROM tb_post WHERE id = ANY($1::uuid[]) ORDER BY title', [[id, POST_1]]);
    expect(titles.rows).toEqual([{ title: 'B over HTTP' }, { title: 'Getting Started with GraphQL #1' }]);
  });

  it('300 interleaved requests of two tenants on a pool of 3: zero leaks', async () => {
    // From the table, not from the handler; B has one more post when the mutation test ran first.
    const expected = new Map([[TENANT_A, await tenantPosts(TENANT_A)], [TENANT_B, await tenantPosts(TENANT_B)]]);
    expect(expected.get(TENANT_A)).toEqual(SEEDED_POSTS);
    expect(expected.get(TENANT_B)).toEqual(expect.arrayContaining([bPost(1), bPost(2), bPost(3)]));
    const replies = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const tenant = i % 2 === 0 ? TENANT_A : TENANT_B;
        const reply = await post(server.url, { documentId: ops['AllPosts']!.id }, undefined, as(tenant));
        return { tenant, ids: postIds(reply.json) };
      }),
    );
    expect(replies).toHaveLength(300);
    for (const { tenant, ids } of replies) expect(ids.sort()).toEqual(expected.get(tenant));
  });

  it('a context callback that throws answers 500 and reaches onError; a context that is not a function is refused', async () => {
    failures.length = 0;
    const reply = await post(server.url, { documentId: ops['AllPosts']!.id }, undefined, as('explode'));
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('no session');
    expect(() => createHandler({ pool: app.pool, operations: [], context: { tenant_id: TENANT_A } as never })).toThrow(FraiseError);
  });
});
