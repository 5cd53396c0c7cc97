// Row-level security needs a role that is subject to it: superusers and table owners bypass RLS.
// Each test file creates its own login role, a member of the fixture's blog_app role, and a second
// tenant's rows inside its own database (the seeded rows all belong to TENANT_A).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminUrl, type TestDatabase } from './db.js';

export const TENANT_A = '00000000-0000-4000-8000-00000000000a';
export const TENANT_B = '00000000-0000-4000-8000-00000000000b';

/** Ids of tenant B's rows; none of the seeded ids (11111111-..., 22222222-..., ...) has this form. */
export const bUser = (n: number): string => `bbbbbbbb-1111-4111-8111-${String(n).padStart(12, '0')}`;
export const bPost = (n: number): string => `bbbbbbbb-2222-4222-8222-${String(n).padStart(12, '0')}`;
export const bComment = (n: number): string => `bbbbbbbb-3333-4333-8333-${String(n).padStart(12, '0')}`;

export interface AppRole {
  /** A pool connected as the application role (subject to RLS). */
  readonly pool: pg.Pool;
  /** Ends the pool and drops the role; call after the database is dropped. */
  drop(): Promise<void>;
}

export async function createAppRole(db: TestDatabase, max = 4): Promise<AppRole> {
  const role = `fraise_app_${process.pid}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE blog_app`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  const pool = new pg.Pool({ connectionString: url.toString(), max });
  pool.on('error', () => {});
  return {
    pool,
    drop: async () => {
      await pool.end();
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      try {
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Tenant B: two users, three posts (one by each, one draft), two comments, tagged like the seed.
 * Inserted as the superuser (RLS does not apply), tenant_id given explicitly.
 */
export async function insertTenantB(pool: pg.Pool): Promise<void> {
  await pool.query(`
    INSERT INTO tb_user (id, identifier, email, name, bio, role, is_active, created_at, tenant_id) VALUES
      ('${bUser(1)}', 'b-user-1', 'b1@tenant-b.example', 'Bea Tenant', 'Tenant B admin.', 'ADMIN', true, '2024-01-01T00:30:00Z', '${TENANT_B}'),
      ('${bUser(2)}', 'b-user-2', 'b2@tenant-b.example', 'Bo Tenant', NULL, 'AUTHOR', true, '2024-01-01T02:30:00Z', '${TENANT_B}');
    INSERT INTO tb_post (id, fk_author, title, body, status, views, rating, published_at, created_at, tenant_id)
    SELECT v.id::uuid, u.pk_user, v.title, v.body, v.status, v.views, v.rating, v.published_at::timestamptz, v.created_at::timestamptz, '${TENANT_B}'
    FROM (VALUES
      ('${bPost(1)}', '${bUser(1)}', 'Tenant B Secret Plans #1', 'Post b1 body. The end.', 'PUBLISHED', 500, 4.5, '2024-02-01T00:15:00Z', '2024-02-01T00:05:00Z'),
      ('${bPost(2)}', '${bUser(2)}', 'Tenant B Roadmap #2', 'Post b2 body. The end.', 'PUBLISHED', 1250, 2.0, '2024-02-01T03:00:00Z', '2024-02-01T02:55:00Z'),
      ('${bPost(3)}', '${bUser(2)}', 'Tenant B Draft #3', 'Post b3 body. The end.', 'DRAFT', 0, NULL, NULL, '2024-02-02T00:00:00Z')
    ) AS v(id, author, title, body, status, views, rating, published_at, created_at)
    JOIN tb_user u ON u.id = v.author::uuid;
    INSERT INTO tb_post_tag (fk_post, fk_tag)
    SELECT p.pk_post, t.pk_tag FROM tb_post p, tb_tag t WHERE p.id = '${bPost(1)}' AND t.name IN ('graphql', 'SQL');
    INSERT INTO tb_comment (id, fk_post, fk_author, body, likes, created_at, tenant_id)
    SELECT v.id::uuid, p.pk_post, u.pk_user, v.body, 3, '2024-02-01T05:00:00Z', '${TENANT_B}'
    FROM (VALUES ('${bComment(1)}', '${bPost(1)}', '${bUser(2)}', 'Tenant B comment #b1'),
                 ('${bComment(2)}', '${bPost(2)}', '${bUser(1)}', 'Tenant B comment #b2')) AS v(id, post, author, body)
    JOIN tb_post p ON p.id = v.post::uuid JOIN tb_user u ON u.id = v.author::uuid;
    SELECT fn_sync_tv_post(id) FROM tb_post WHERE tenant_id = '${TENANT_B}';
    ANALYZE;
  `);
}
