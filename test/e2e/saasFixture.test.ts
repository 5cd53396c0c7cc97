// The saas fixture (fixtures/saas): FraiseQL's column style, loaded unchanged. Every operation is
// compiled and run through the runtime against real PostgreSQL and must answer exactly what the
// independent reference executor answers over the same views, and the reviewed response stored
// beside this test. Streaming must give the same JSON.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { readCases, responsePath } from '../support/fixtureCases.js';
import { SAAS_TEMPLATE_DATABASE, createTestDatabase, type TestDatabase } from '../support/db.js';
import { executeReference } from '../support/referenceExecutor.js';
import { collect } from '../runtime/writables.js';

const saasDir = path.join(repoRoot, 'fixtures/saas');
const cases = await readCases(saasDir);
let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let schemaSdl: string;
let document: string;

beforeAll(async () => {
  db = await createTestDatabase({ template: SAAS_TEMPLATE_DATABASE });
  fixture = await compileProjectTo(db.url, 'saas-e2e', ['fixtures/saas/schema.graphql'], ['fixtures/saas/operations/*.graphql']);
  runtime = createRuntime({ pool: db.pool, batchSize: 3 });
  // The reference executor has no connections: their pages are compared with its lists below.
  schemaSdl = (await readFile(path.join(saasDir, 'schema.graphql'), 'utf8')).replace(/^.*Connection!.*$/gm, '');
  const opsDir = path.join(saasDir, 'operations');
  const files = (await readdir(opsDir)).filter((f) => f.endsWith('.graphql')).sort();
  const text = (await Promise.all(files.map((f) => readFile(path.join(opsDir, f), 'utf8')))).join('\n');
  document = text.replace(/query PostsPage[\s\S]*?\n}\n/, '');
});
afterAll(() => db?.drop());

const reference = (operationName: string, variables: Record<string, unknown>, doc = document) =>
  executeReference({ pool: db.pool, schemaSdl, document: doc, operationName, variables });

describe('saas fixture operations (column views)', () => {
  it('covers every operation with at least one case', () => {
    const operations = Object.keys(fixture.operationsByName).filter((name) => name !== 'PostsPage').sort();
    const covered = [...new Set(cases.map((c) => c.operation))].sort();
    expect(covered).toEqual(operations);
  });

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const op = fixture.operationsByName[testCase.operation];
      if (!op) throw new Error(`operation ${testCase.operation} was not compiled`);
      const result = await runtime.execute(op, testCase.variables);
      const expected = await reference(testCase.operation, testCase.variables);
      expect(expected.errors).toBeUndefined();
      expect(result).toEqual(expected);
      await expect(`${JSON.stringify(result, null, 2)}\n`).toMatchFileSnapshot(responsePath(testCase.name, 'saas'));

      const sink = collect();
      await runtime.stream(op, testCase.variables, sink.writable);
      expect(JSON.parse(sink.text())).toEqual(result);
    });
  }

  it('pages a connection over a column view as the reference pages the same list', async () => {
    const op = fixture.operationsByName['PostsPage']!;
    const listDoc = `query L($limit: Int, $offset: Int) { posts(where: { published: { eq: true } }, orderBy: [{ viewCount: DESC }], limit: $limit, offset: $offset) { id title viewCount } }
      query C { posts(where: { published: { eq: true } }) { id } }`;
    type Page = { data: { postsConnection: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: unknown }[] } } };
    const first = (await runtime.execute(op, { first: 3 })) as Page;
    const second = (await runtime.execute(op, { first: 3, after: first.data.postsConnection.pageInfo.endCursor })) as Page;
    const all = (await reference('C', {}, listDoc)) as { data: { posts: unknown[] } };
    expect(first.data.postsConnection.totalCount).toBe(all.data.posts.length);
    expect(first.data.postsConnection.pageInfo.hasNextPage).toBe(true);
    expect(first.data.postsConnection.edges.map((e) => e.node)).toEqual(((await reference('L', { limit: 3, offset: 0 }, listDoc)).data as { posts: unknown[] }).posts);
    expect(second.data.postsConnection.edges.map((e) => e.node)).toEqual(((await reference('L', { limit: 3, offset: 3 }, listDoc)).data as { posts: unknown[] }).posts);
  });
});
