// `check` prepares every compiled statement on the database and reports those that no longer fit:
// here a dropped column (v_user.is_active) and a changed type (v_post.views integer -> text).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOG_SCHEMA, runCli, tempProject } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const DRIFT_HINT =
  'The database changed since the compile (a dropped or renamed column or view, a changed type): migrate it, or update the schema and recompile.';

let db: TestDatabase;
let dir: string;
/** The prepared-statement name of each operation's (single) statement, as compiled. */
let names: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await tempProject({
    'ops/ActiveUsers.graphql': 'query ActiveUsers {\n  users(where: { isActive: { eq: true } }, limit: 5) { id name }\n}\n',
    'ops/PopularPosts.graphql': 'query PopularPosts($min: Int!) {\n  posts(where: { views: { gte: $min } }, limit: 5) { id title }\n}\n',
    'ops/Tags.graphql': 'query Tags {\n  tags(limit: 5) { id name }\n}\n',
  });
  const compiled = await runCli(['--schema', BLOG_SCHEMA, '--operations', 'ops/*.graphql', '--out', 'generated', '--database-url', db.url], dir);
  expect([compiled.code, compiled.stderr]).toEqual([0, '']);
  const index = (await import(pathToFileURL(path.join(dir, 'generated/index.js')).href)) as {
    operationsByName: Record<string, { statements: { name: string }[] }>;
  };
  names = Object.fromEntries(Object.entries(index.operationsByName).map(([name, op]) => [name, op.statements[0]!.name]));
});
afterAll(() => db?.drop());

describe('check', () => {
  it('passes while the database matches the compiled statements', async () => {
    const run = await runCli(['check', '--database-url', db.url, '--out', 'generated'], dir);
    expect(run).toEqual({ code: 0, stdout: 'fraise-compile check: 3 statement(s) of 3 operation(s) prepare on the database.\n', stderr: '' });
  });

  it('checks a .ts-only output folder too', async () => {
    const compiled = await runCli(['--schema', BLOG_SCHEMA, '--operations', 'ops/*.graphql', '--out', 'ts-only', '--output', 'ts', '--database-url', db.url], dir);
    expect([compiled.code, compiled.stderr]).toEqual([0, '']);
    const run = await runCli(['check', '--database-url', db.url, '--out', 'ts-only'], dir);
    expect(run).toEqual({ code: 0, stdout: 'fraise-compile check: 3 statement(s) of 3 operation(s) prepare on the database.\n', stderr: '' });
  });

  it('reports a dropped column and a changed type, and exits 1', async () => {
    await db.pool.query(`
      DROP VIEW v_user CASCADE;
      CREATE VIEW v_user AS
      SELECT u.id, u.identifier, u.email, u.role, u.created_at,
             jsonb_build_object('id', u.id, 'name', u.name, 'is_active', u.is_active) AS data
      FROM tb_user u;
      DROP VIEW v_post CASCADE;
      CREATE VIEW v_post AS
      SELECT p.id, u.id AS author_id, p.status, p.views::text AS views, p.created_at,
             jsonb_build_object('id', p.id, 'title', p.title) AS data
      FROM tb_post p JOIN tb_user u ON u.pk_user = p.fk_author;`);
    const run = await runCli(['check', '--database-url', db.url, '--out', 'generated'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        `generated/ActiveUsers.ts:27:7: error FRAISE_DRIFT: Operation "ActiveUsers" no longer fits the database: column t0.is_active does not exist (statement ${names.ActiveUsers}, SQLSTATE 42703).`,
        '27 | WHERE t0."is_active" = TRUE::boolean',
        '           ^',
        `hint: ${DRIFT_HINT}`,
        '',
        `generated/PopularPosts.ts:29:18: error FRAISE_DRIFT: Operation "PopularPosts" no longer fits the database: operator does not exist: text >= integer (statement ${names.PopularPosts}, SQLSTATE 42883).`,
        '29 | WHERE t0."views" >= $1::integer',
        '                      ^',
        `hint: ${DRIFT_HINT} PostgreSQL says: No operator matches the given name and argument types. You might need to add explicit type casts.`,
        '',
        'fraise-compile check: 2 of 3 statement(s) no longer fit the database.',
        '',
      ].join('\n'),
    );
  });

  it('reports drift as JSON for CI annotations', async () => {
    const run = await runCli(['check', '--database-url', db.url, '--out', 'generated', '--format', 'json'], dir);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: 2,
      warnings: 0,
      operations: 3,
      statements: 3,
      drifted: 2,
      diagnostics: [
        {
          severity: 'error',
          code: 'FRAISE_DRIFT',
          message: `Operation "ActiveUsers" no longer fits the database: column t0.is_active does not exist (statement ${names.ActiveUsers}, SQLSTATE 42703).`,
          hint: DRIFT_HINT,
          file: 'generated/ActiveUsers.ts',
          line: 27,
          column: 7,
        },
        {
          severity: 'error',
          code: 'FRAISE_DRIFT',
          message: `Operation "PopularPosts" no longer fits the database: operator does not exist: text >= integer (statement ${names.PopularPosts}, SQLSTATE 42883).`,
          hint: `${DRIFT_HINT} PostgreSQL says: No operator matches the given name and argument types. You might need to add explicit type casts.`,
          file: 'generated/PopularPosts.ts',
          line: 29,
          column: 18,
        },
      ],
    });
  });
});
