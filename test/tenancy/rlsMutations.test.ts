// Mutations under row-level security: the function runs as the caller, in the transaction where
// the runtime set app.tenant_id, so it neither sees nor writes another tenant's rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { compileMutations } from '../support/compileMutations.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TENANT_A, TENANT_B, bUser, createAppRole, insertTenantB, type AppRole } from '../support/tenancy.js';

const ALICE = '11111111-1111-4111-8111-000000000001';
const POST_1 = '22222222-2222-4222-8222-000000000001';

let db: TestDatabase;
let app: AppRole;
let ops: Readonly<Record<string, CompiledOperation>>;
let runtime: Runtime;
beforeAll(async () => {
  db = await createTestDatabase();
  ops = await compileMutations(db.url, 'tenancy-mutations');
  await insertTenantB(db.pool);
  app = await createAppRole(db, 4);
  runtime = createRuntime({ pool: app.pool });
});
afterAll(async () => {
  await db?.drop();
  await app?.drop();
});

describe('mutations under row-level security', () => {
  it("tenant B cannot update, delete or comment on tenant A's post: it does not exist for B", async () => {
    const b = { context: { tenant_id: TENANT_B } };
    expect(await runtime.execute(ops['UpdatePost']!, { id: POST_1, title: 'Hijacked' }, b)).toMatchObject({
      data: { updatePost: { __typename: 'UpdatePostError', status: 'not_found:post' } },
    });
    expect(await runtime.execute(ops['DeletePost']!, { id: POST_1 }, b)).toMatchObject({ data: { deletePost: { status: 'not_found:post', post: null } } });
    expect(await runtime.execute(ops['AddComment']!, { input: { postId: POST_1, authorId: bUser(1), body: 'Hi' } }, b)).toEqual({
      data: null,
      errors: [{ message: 'Unknown post or author.', path: ['addComment'], extensions: { code: 'NOT_FOUND', sqlState: 'P0002' } }],
    });
    const { rows } = await db.pool.query<{ title: string }>('SELECT title FROM tb_post WHERE id = $1', [POST_1]);
    expect(rows).toEqual([{ title: 'Getting Started with GraphQL #1' }]);
  });

  it('a post created by tenant B belongs to B and only B sees it; without a tenant nothing is written', async () => {
    const id = 'dddddddd-0000-4000-8000-0000000000b1';
    const created = await runtime.execute(ops['CreatePost']!, { input: { id, authorId: bUser(2), title: 'B only' } }, { context: { tenant_id: TENANT_B } });
    expect(created).toMatchObject({ data: { createPost: { __typename: 'CreatePostSuccess', post: { id, title: 'B only', author: bUser(2) } } } });
    const { rows } = await db.pool.query<{ tenant_id: string }>('SELECT tenant_id FROM tb_post WHERE id = $1', [id]);
    expect(rows).toEqual([{ tenant_id: TENANT_B }]);
    expect(await runtime.execute(ops['UpdatePost']!, { id, title: 'x' }, { context: { tenant_id: TENANT_A } })).toMatchObject({
      data: { updatePost: { status: 'not_found:post' } },
    });
    // Alice is invisible without a tenant: the function's lookup finds no author.
    expect(await runtime.execute(ops['CreatePost']!, { input: { authorId: ALICE, title: 'No tenant' } })).toMatchObject({
      data: null,
      errors: [{ extensions: { code: 'NOT_FOUND', sqlState: 'P0002' } }],
    });
  });

  it('a row written for another tenant is refused by the policy (42501 -> FORBIDDEN)', async () => {
    // A function that writes an explicit tenant_id other than the context's: WITH CHECK refuses it.
    await db.pool.query(`CREATE FUNCTION fn_steal(input jsonb) RETURNS jsonb LANGUAGE sql AS $$
      INSERT INTO tb_user (id, identifier, email, name, role, tenant_id)
      VALUES (gen_random_uuid(), 'thief', 'thief@example.com', 'Thief', 'READER', '${TENANT_B}') RETURNING jsonb_build_object('id', id) $$`);
    await db.pool.query('GRANT EXECUTE ON FUNCTION fn_steal(jsonb) TO blog_app');
    const steal = await compileMutations(db.url, 'tenancy-mutations-steal', {
      schema: ['test/tenancy/fixtures/steal.graphql'],
      operations: ['test/tenancy/fixtures/steal-operations.graphql'],
    });
    expect(await runtime.execute(steal['Steal']!, {}, { context: { tenant_id: TENANT_A } })).toEqual({
      data: null,
      errors: [{ message: 'The mutation is not allowed.', path: ['steal'], extensions: { code: 'FORBIDDEN', sqlState: '42501' } }],
    });
  });
});
