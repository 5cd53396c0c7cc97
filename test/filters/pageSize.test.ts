// A configured maximum page size: lists without a limit return at most that many rows (root and
// relation lists), larger variables are request errors and larger literals compile errors.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, formatDiagnostic } from '../../compiler/index.js';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let runtime: Runtime;
let ops: Readonly<Record<string, CompiledOperation>>;
const srcDir = path.join(repoRoot, 'test/.generated/filters-page-size-src');

async function compileWithMax(files: Record<string, string>, maxPageSize: number) {
  const dir = path.join(repoRoot, 'test/.generated/filters-page-size-bad');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return compileProject({
    schema: ['fixtures/blog/schema.graphql'],
    operations: ['test/.generated/filters-page-size-bad/*.graphql'],
    databaseUrl: db.url,
    cwd: repoRoot,
    maxPageSize,
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  await writeFile(
    path.join(srcDir, 'ok.graphql'),
    [
      'query Page($limit: Int, $offset: Int) { posts(limit: $limit, offset: $offset) { id } }',
      'query Nested($identifier: String!) { users(where: { identifier: { eq: $identifier } }) { posts { id } } }',
      'query Search($where: PostWhere, $limit: Int) { posts(where: $where, limit: $limit) { id } }',
      'query Connection($first: Int) { postsConnection(first: $first) { edges { node { id } } pageInfo { hasNextPage } } }',
    ].join('\n'),
  );
  const globs = ['test/.generated/filters-page-size-src/*.graphql'];
  ops = (await compileProjectTo(db.url, 'filters-page-size', ['fixtures/blog/schema.graphql', 'test/filters/pageSizeConnection.graphql'], globs, { maxPageSize: 5 }))
    .operationsByName;
  runtime = createRuntime({ pool: db.pool });
});
afterAll(() => db?.drop());

const count = (result: { data?: unknown }, key: string): number => ((result.data as Record<string, unknown[]>)[key] ?? []).length;

describe('maximum page size', () => {
  it('limits lists that give no limit', async () => {
    expect(count(await runtime.execute(ops['Page']!, {}), 'posts')).toBe(5);
    expect(count(await runtime.execute(ops['Page']!, { limit: null }), 'posts')).toBe(5);
    expect(count(await runtime.execute(ops['Search']!, { where: { views: { gte: 0 } } }), 'posts')).toBe(5);
    const { rows } = await db.pool.query<{ identifier: string; n: number }>(
      `SELECT u.identifier, count(*)::int AS n FROM v_post p JOIN v_user u ON u.id = p.author_id GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    );
    expect(rows[0]!.n).toBeGreaterThan(5);
    const nested = (await runtime.execute(ops['Nested']!, { identifier: rows[0]!.identifier })).data as { users: { posts: unknown[] }[] };
    expect(nested.users[0]!.posts.length).toBe(5);
  });

  it('accepts limits up to the maximum and refuses larger ones', async () => {
    expect(count(await runtime.execute(ops['Page']!, { limit: 3, offset: 1 }), 'posts')).toBe(3);
    expect(count(await runtime.execute(ops['Page']!, { limit: 5 }), 'posts')).toBe(5);
    expect(await runtime.execute(ops['Page']!, { limit: 6 })).toEqual({
      errors: [{ message: 'Variable "$limit" is larger than the maximum page size, 5.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('bounds connections too', async () => {
    const page = async (variables: Record<string, unknown>) => (await runtime.execute(ops['Connection']!, variables)).data as {
      postsConnection: { edges: unknown[]; pageInfo: { hasNextPage: boolean } };
    };
    expect((await page({})).postsConnection).toMatchObject({ pageInfo: { hasNextPage: true } });
    expect((await page({})).postsConnection.edges).toHaveLength(5);
    expect((await page({ first: 2 })).postsConnection.edges).toHaveLength(2);
    expect(await runtime.execute(ops['Connection']!, { first: 9 })).toEqual({
      errors: [{ message: '"$first" is larger than the maximum page size, 5.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('refuses a larger literal at compile time', async () => {
    const result = await compileWithMax({ 'bad.graphql': 'query Big { posts(limit: 6) { id } }\n' }, 5);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.diagnostics.map((d) => formatDiagnostic(d).split('\n')[0])).toEqual([
      'test/.generated/filters-page-size-bad/bad.graphql:1:26: error FRAISE_PAGE_TOO_LARGE: limit 6 is larger than the maximum page size, 5.',
    ]);
  });
});
