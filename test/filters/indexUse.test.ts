// The generated SQL lets PostgreSQL use an index on a plain column or on exactly the expression a
// filter reads (data->>'title', (data->>'views')::integer, NULLIF(data->'tags', 'null'::jsonb)),
// with the value as a bind parameter, in custom and generic plans, for leaf variables and whole
// `where: $where` variables alike.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let client: pg.PoolClient;
let ops: Readonly<Record<string, CompiledOperation>>;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`
    CREATE TABLE tb_big (id uuid PRIMARY KEY, sku text, data jsonb NOT NULL);
    INSERT INTO tb_big
    SELECT md5(n::text)::uuid, 'SKU-' || n,
           jsonb_build_object('title', 'Title ' || n, 'views', n % 5000,
                              'tags', CASE WHEN n % 1000 = 0 THEN '["rare"]'::jsonb ELSE '["common"]'::jsonb END)
    FROM generate_series(1, 60000) AS n;
    CREATE INDEX ix_big_sku ON tb_big (sku);
    CREATE INDEX ix_big_title ON tb_big ((data->>'title'));
    CREATE INDEX ix_big_views ON tb_big (((data->>'views')::integer));
    CREATE INDEX ix_big_tags ON tb_big USING gin (NULLIF(data->'tags', 'null'::jsonb));
    ANALYZE tb_big;
  `);
  ops = (await compileProjectTo(db.url, 'filters-index-use', ['test/filters/indexUse/schema.graphql'], ['test/filters/indexUse/ops.graphql'])).operationsByName;
  client = await db.pool.connect();
}, 120_000);
afterAll(async () => {
  client?.release();
  await db?.drop();
});

/**
 * The plan of the operation's statement for these variables: custom (planned with the values, as
 * a named statement's first executions are) or generic (planned without them, as it is later).
 */
async function plan(op: string, variables: Record<string, unknown>, generic: boolean): Promise<string> {
  const prepared = ops[op]!.prepare(variables);
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  if (!('statement' in prepared)) throw new Error(`${op} is not a query`);
  const { text } = prepared.statement;
  const { rows } = generic
    ? await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (GENERIC_PLAN) ${text}`)
    : await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, [...prepared.values]);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('index use', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['a plain column', 'BigBySku', { sku: 'SKU-42' }, 'ix_big_sku'],
    ['a text JSONB path', 'BigByTitle', { title: 'Title 42' }, 'ix_big_title'],
    ['an integer JSONB path, range', 'BigByViews', { min: 10, max: 12 }, 'ix_big_views'],
    ['an array inside data (GIN)', 'BigByTag', { tags: ['rare'] }, 'ix_big_tags'],
    ['a whole where on a column', 'BigSearch', { where: { sku: { in: ['SKU-1', 'SKU-2'] } } }, 'ix_big_sku'],
    ['a whole where on a JSONB path', 'BigSearch', { where: { title: { eq: 'Title 7' } } }, 'ix_big_title'],
    ['a whole where on an integer path', 'BigSearch', { where: { views: { eq: 3 } } }, 'ix_big_views'],
  ];
  for (const [label, op, variables, index] of cases) {
    it(`uses the index on ${label}`, async () => {
      for (const generic of [false, true]) {
        const text = await plan(op, variables, generic);
        expect(text, `${generic ? 'generic' : 'custom'} plan:\n${text}`).toMatch(new RegExp(`Index (Only )?Scan using ${index}|Bitmap Index Scan on ${index}`));
      }
    });
  }
});
