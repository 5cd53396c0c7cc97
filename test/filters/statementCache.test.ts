// Whole-variable filters prepare one named statement per shape and reuse it: 1,000 requests of 10
// alternating shapes parse 10 statements on the connection, each run 100 times. The number of
// statements per connection is bounded: beyond the limit the least recently used is deallocated,
// through execute and stream alike, and results stay correct.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileBlogFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { Collector } from '../runtime/writables.js';

let db: TestDatabase;
let searchPosts: CompiledOperation;

/** Ten filters of ten different shapes (values vary within a shape). */
const shapes = (i: number): Record<string, unknown>[] => [
  { where: { status: { eq: 'PUBLISHED' } } },
  { where: { status: { eq: 'DRAFT' }, views: { gte: i % 3 } } },
  { where: { title: { icontains: i % 2 ? 'sql' : 'GRAPH' } } },
  { where: { OR: [{ rating: { gt: 2 } }, { rating: { isnull: true } }] } },
  { where: { author: { name: { startswith: 'B' } } } },
  { where: { NOT: { status: { in: ['DRAFT', 'ARCHIVED'] } } }, limit: 3 },
  { where: { comments: { likes: { gte: 5 + (i % 4) } } } },
  { orderBy: [{ views: 'DESC' }], limit: 5 },
  { where: { views: { lt: 500 } }, orderBy: [{ author: { name: 'ASC' } }] },
  { where: { AND: [{ views: { gte: 100 } }, { title: { contains: '#' } }] }, orderBy: [{ rating: 'ASC_NULLS_FIRST' }] },
];

beforeAll(async () => {
  db = await createTestDatabase();
  searchPosts = (await compileBlogFixture(db.url, 'filters-statement-cache')).operationsByName['SearchPosts']!;
});
afterAll(() => db?.drop());

async function preparedOn(pool: pg.Pool): Promise<{ name: string; runs: number }[]> {
  const { rows } = await pool.query<{ name: string; runs: string }>(
    `SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE name LIKE 'fraise_%' ORDER BY name`,
  );
  return rows.map((r) => ({ name: r.name, runs: Number(r.runs) }));
}

describe('statements of whole-variable filters', () => {
  it('reuses one prepared statement per shape over 1,000 requests of 10 alternating shapes', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const runtime = createRuntime({ pool });
      for (let i = 0; i < 1000; i++) {
        const shape = i % 10;
        const result = await runtime.execute(searchPosts, shapes(Math.floor(i / 10))[shape]!);
        expect(result.errors).toBeUndefined();
      }
      const statements = await preparedOn(pool);
      expect(statements).toHaveLength(10);
      expect(statements.map((s) => s.runs)).toEqual(Array(10).fill(100));
      expect(new Set(statements.map((s) => s.name)).size).toBe(10);
    } finally {
      await pool.end();
    }
  });

  it('keeps at most maxPreparedStatements per connection, deallocating the least recently used', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const unbounded = createRuntime({ pool: db.pool });
    try {
      const runtime = createRuntime({ pool, maxPreparedStatements: 4 });
      for (let round = 0; round < 3; round++) {
        for (const [k, variables] of shapes(round).entries()) {
          const expected = await unbounded.execute(searchPosts, variables);
          // Alternate execute and stream: both go through the same per-connection bound.
          if (k % 2 === 0) expect(await runtime.execute(searchPosts, variables)).toEqual(expected);
          else {
            const out = new Collector();
            await runtime.stream(searchPosts, variables, out);
            expect(JSON.parse(out.text)).toEqual(expected);
          }
          const statements = await preparedOn(pool);
          expect(statements.length).toBeLessThanOrEqual(4);
        }
      }
      expect(await preparedOn(pool)).toHaveLength(4);
    } finally {
      await pool.end();
    }
  });

  it('reports bad whole-variable values as GraphQL errors without touching the database', async () => {
    let acquired = 0;
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on('acquire', () => acquired++);
    try {
      const runtime = createRuntime({ pool });
      expect(await runtime.execute(searchPosts, { where: { views: { gt: 'many' } }, orderBy: [{ views: 'UP' }, null] })).toEqual({
        errors: [
          { message: 'Variable "$where" got invalid value "many" at "where.views.gt"; expected type "Int".', extensions: { code: 'BAD_USER_INPUT' } },
          { message: 'Variable "$orderBy" got invalid value "UP" at "orderBy[0].views"; expected type "OrderDirection".', extensions: { code: 'BAD_USER_INPUT' } },
          { message: 'Variable "$orderBy" got invalid value null at "orderBy[1]"; an orderBy item cannot be null.', extensions: { code: 'BAD_USER_INPUT' } },
        ],
      });
      expect(await runtime.execute(searchPosts, { where: 'published' })).toEqual({
        errors: [{ message: 'Variable "$where" got invalid value "published" at "where"; expected type "PostWhere".', extensions: { code: 'BAD_USER_INPUT' } }],
      });
      let deep: Record<string, unknown> = { views: { gt: 1 } };
      for (let i = 0; i < 40; i++) deep = { NOT: deep };
      expect((await runtime.execute(searchPosts, { where: deep })).errors?.[0]?.message).toMatch(/the filter nests more than 32 levels deep\.$/);
      const wide = { OR: Array.from({ length: 600 }, (_, i) => ({ views: { eq: i } })) };
      expect((await runtime.execute(searchPosts, { where: wide })).errors?.[0]?.message).toMatch(/the filter has more than 500 fields and operators\.$/);
      expect(acquired).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
