// The saas fixture's mutations (fixtures/saas/mutations): functions with scalar parameters and
// DEFAULTs, returning SETOF a view's row, a table row, a composite or jsonb. Each case runs in order
// against two copies of the fixture database, the compiled mutation on one and the reference
// executor (which calls the functions itself) on the other; answers and the resulting rows match.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { SAAS_TEMPLATE_DATABASE, createTestDatabase, type TestDatabase } from '../support/db.js';
import { executeReference } from '../support/referenceExecutor.js';

const saasDir = path.join(repoRoot, 'fixtures/saas');
let compiledDb: TestDatabase;
let referenceDb: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let schemaSdl: string;
let document: string;

beforeAll(async () => {
  [compiledDb, referenceDb] = await Promise.all([
    createTestDatabase({ template: SAAS_TEMPLATE_DATABASE }),
    createTestDatabase({ template: SAAS_TEMPLATE_DATABASE }),
  ]);
  fixture = await compileProjectTo(compiledDb.url, 'saas-mutations', ['fixtures/saas/schema.graphql'], ['fixtures/saas/mutations/*.graphql']);
  runtime = createRuntime({ pool: compiledDb.pool });
  schemaSdl = (await readFile(path.join(saasDir, 'schema.graphql'), 'utf8')).replace(/^.*Connection!.*$/gm, '');
  document = await readFile(path.join(saasDir, 'mutations/Mutations.graphql'), 'utf8');
});
afterAll(async () => {
  await compiledDb?.drop();
  await referenceDb?.drop();
});

const CASES: { name: string; operation: string; variables: Record<string, unknown> }[] = [
  { name: 'createOrganization: plan omitted, the function default (free) holds', operation: 'CreateOrganization', variables: { name: 'Umbrella', slug: 'umbrella' } },
  { name: 'createOrganization: plan given', operation: 'CreateOrganization', variables: { name: 'Hooli', slug: 'hooli', plan: 'enterprise' } },
  { name: 'createUser: role and active omitted (defaults member, true)', operation: 'CreateUser', variables: { orgId: 4, email: 'wesker@umbrella.test', fullName: 'Albert Wesker' } },
  { name: 'createUser: role given, active false', operation: 'CreateUser', variables: { orgId: 5, email: 'gavin@hooli.test', fullName: 'Gavin Belson', role: 'admin', active: false } },
  { name: 'publishPost: SETOF v_post, publishedAt default', operation: 'PublishPost', variables: { id: 3 } },
  { name: 'publishPost: publishedAt given', operation: 'PublishPost', variables: { id: 7, at: '2025-07-04T09:30:00Z' } },
  { name: 'publishPost: no such post gives null', operation: 'PublishPost', variables: { id: 999 } },
  { name: 'publishPosts, renameTag (table row), missing tag (null), postStats (composite)', operation: 'PublishAndRename', variables: {} },
  { name: 'addComment: jsonb result', operation: 'AddComment', variables: { postId: 2, authorId: 1, body: 'Mutations too.' } },
];

describe('saas fixture mutations (SETOF functions with scalar parameters)', () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const op = fixture.operationsByName[testCase.operation];
      if (!op) throw new Error(`operation ${testCase.operation} was not compiled`);
      const result = await runtime.execute(op, testCase.variables);
      const expected = await executeReference({
        pool: referenceDb.pool, schemaSdl, document, operationName: testCase.operation, variables: testCase.variables,
      });
      expect(expected.errors).toBeUndefined();
      expect(result).toEqual(expected);
    });
  }

  it('covers every mutation operation', () => {
    expect([...new Set(CASES.map((c) => c.operation))].sort()).toEqual(Object.keys(fixture.operationsByName).sort());
  });

  it('leaves both databases with the same rows', async () => {
    const dump = async (db: TestDatabase) => {
      const out: Record<string, unknown[]> = {};
      for (const view of ['v_organization', 'v_user', 'v_post', 'v_tag', 'v_comment']) {
        out[view] = (await db.pool.query(`SELECT to_jsonb(t) AS r FROM ${view} t ORDER BY id`)).rows.map((r: { r: unknown }) => r.r);
      }
      return out;
    };
    const [a, b] = await Promise.all([dump(compiledDb), dump(referenceDb)]);
    expect(a).toEqual(b);
    expect((a['v_organization'] as { slug: string; plan: { slug: string } }[]).map((o) => [o.slug, o.plan.slug])).toEqual([
      ['acme', 'pro'], ['globex', 'enterprise'], ['initech', 'free'], ['umbrella', 'free'], ['hooli', 'enterprise'],
    ]);
  });
});
