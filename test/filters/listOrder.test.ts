// Lists come back in the order asked for, whatever order PostgreSQL finds the rows in. The rows
// are inserted in reverse, so their physical order is the opposite of the id order every ordering
// ends with; every list form whose order a query level above must keep (one json_agg over a page,
// a page of keys found first and then joined) says that order again explicitly. Each statement's
// text is checked for it, and each answer against the JavaScript oracle or values worked out by hand.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { orderItems } from '../support/filterOracle.js';
import { createFixtureTables, fixtureRows, loadRows, uuid, type PartRow } from './itemData.js';

const data = fixtureRows();
const ITEM_1 = uuid('00000000', 1);
/** Six more parts of item 1 (which has one, weight 1.5): a null weight and a tie (3, 3) broken by id. */
const EXTRA_WEIGHTS = [0.5, 3, null, 2, 3, 4.5];
const extraParts: PartRow[] = EXTRA_WEIGHTS.map((weight, i) => {
  const id = uuid('22222222', i + 1);
  return { id, item_id: ITEM_1, data: { id, item_id: ITEM_1, kind: 'bolt', weight } };
});
const p = (n: number): string => uuid('22222222', n);
const FIXTURE_PART_OF_ITEM_1 = uuid('11111111', 10);

let db: TestDatabase;
let runtime: Runtime;
let ops: Readonly<Record<string, CompiledOperation>>;

const OPERATIONS = `
query StaticAggregated { items(orderBy: [{ count: DESC }, { price: ASC_NULLS_FIRST }], limit: 30) { id } }
query DynamicAggregated($order: [ItemOrderBy!]) { items(orderBy: $order, limit: 30) { id } }
query StaticPage($offset: Int) { items(orderBy: [{ seenAt: DESC }], limit: 7, offset: $offset) { id } }
query DynamicPage($order: [ItemOrderBy!], $offset: Int) { items(orderBy: $order, limit: 7, offset: $offset) { id } }
query TwoLists {
  byQty: items(orderBy: [{ qty: DESC_NULLS_LAST }], limit: 12) { id }
  parts(where: { itemId: { eq: "${ITEM_1}" } }, orderBy: [{ weight: ASC }], limit: 3) { id }
}
query NestedStatic { items(where: { id: { eq: "${ITEM_1}" } }) { parts(orderBy: [{ weight: DESC }], limit: 5) { id } } }
query NestedDynamic($order: [PartOrderBy!]) { items(where: { id: { eq: "${ITEM_1}" } }) { parts(orderBy: $order, limit: 5) { id } } }
`;

beforeAll(async () => {
  db = await createTestDatabase();
  await createFixtureTables(db.pool);
  // Reversed: a heap scan meets the rows in the opposite of the id order.
  await loadRows(db.pool, { items: [...data.items].reverse(), parts: [...data.parts, ...extraParts].reverse() });
  await db.pool.query('ANALYZE tb_item, tb_part');
  const srcDir = path.join(repoRoot, 'test/.generated/filters-list-order-src');
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  await writeFile(path.join(srcDir, 'ops.graphql'), OPERATIONS);
  ops = (await compileProjectTo(db.url, 'filters-list-order', ['test/filters/schema.graphql'], ['test/.generated/filters-list-order-src/*.graphql'])).operationsByName;
  runtime = createRuntime({ pool: db.pool });
}, 120_000);
afterAll(() => db?.drop());

async function run(op: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  const result = await runtime.execute(ops[op]!, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}
const ids = (rows: unknown): string[] => (rows as { id: string }[]).map((r) => r.id);
const textOf = (op: string): string => ops[op]!.statements.map((s) => s.text).join('\n;\n');

describe('the physical order of the rows', () => {
  it('is the opposite of the id order (so a lost ORDER BY shows)', async () => {
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM tb_item');
    expect(rows.map((r) => r.id)).toEqual(data.items.map((i) => i.id).reverse());
  });
});

describe('a root list aggregated into one row (literal limit)', () => {
  it('orders json_agg by the order columns its page query carries out', async () => {
    expect(textOf('StaticAggregated')).toBe(STATIC_AGGREGATED);
    const expected = orderItems(data, {}, [{ count: 'DESC' }, { price: 'ASC_NULLS_FIRST' }]).slice(0, 30);
    expect(ids(((await run('StaticAggregated')) as { items: unknown }).items)).toEqual(expected);
  });

  it('with orderBy from a variable: chooses the page with it, numbers the page with it again, orders json_agg by the number', async () => {
    expect(textOf('DynamicAggregated')).toBe(DYNAMIC_AGGREGATED);
    const orders: Record<string, string>[][] = [[{ qty: 'ASC_NULLS_FIRST' }], [{ price: 'DESC_NULLS_LAST' }, { count: 'ASC' }], []];
    for (const order of orders) {
      const expected = orderItems(data, {}, order).slice(0, 30);
      expect(ids(((await run('DynamicAggregated', { order })) as { items: unknown }).items), JSON.stringify(order)).toEqual(expected);
    }
    // Omitted: the id tie-break alone.
    expect(ids(((await run('DynamicAggregated')) as { items: unknown }).items)).toEqual(data.items.map((i) => i.id).slice(0, 30));
  });

  it('beside another root field, each list in its own order', async () => {
    expect(textOf('TwoLists')).toContain(`json_agg(s1.j ORDER BY s1.o0 DESC NULLS LAST, s1.o1 ASC)`);
    expect(textOf('TwoLists')).toContain(`json_agg(s4.j ORDER BY s4.o0 ASC, s4.o1 ASC)`);
    const result = (await run('TwoLists')) as { byQty: unknown; parts: unknown };
    expect(ids(result.byQty)).toEqual(orderItems(data, {}, [{ qty: 'DESC_NULLS_LAST' }]).slice(0, 12));
    // Item 1's weights: 0.5 (p1), 1.5 (its fixture part), 2 (p4), then 3, 3, 4.5 and null.
    expect(ids(result.parts)).toEqual([p(1), FIXTURE_PART_OF_ITEM_1, p(4)]);
  });
});

describe('a root list with an offset (the page of keys first)', () => {
  it('orders the joined rows by the key query\'s order columns, the id tie-break by the key itself', async () => {
    expect(textOf('StaticPage')).toBe(STATIC_PAGE);
    const pages: string[] = [];
    for (let offset = 0; offset < data.items.length; offset += 7) pages.push(...ids(((await run('StaticPage', { offset })) as { items: unknown }).items));
    expect(pages).toEqual(orderItems(data, {}, [{ seenAt: 'DESC' }]));
  });

  it('with orderBy from a variable: numbers the page of keys with it and orders by the number', async () => {
    expect(textOf('DynamicPage')).toBe(DYNAMIC_PAGE);
    const orders: Record<string, string>[][] = [[{ price: 'DESC_NULLS_LAST' }, { count: 'ASC' }], [{ seenAt: 'ASC' }]];
    for (const order of orders) {
      const pages: string[] = [];
      for (let offset = 0; offset < data.items.length; offset += 7) {
        pages.push(...ids(((await run('DynamicPage', { order, offset })) as { items: unknown }).items));
      }
      expect(pages, JSON.stringify(order)).toEqual(orderItems(data, {}, order));
    }
  });
});

describe('a nested list (json_agg per parent row)', () => {
  it('orders by the carried order columns: nulls first for DESC, a tie broken by id', async () => {
    expect(textOf('NestedStatic')).toContain(`json_agg(s2.j ORDER BY s2.o0 DESC, s2.o1 ASC)`);
    const result = (await run('NestedStatic')) as { items: { parts: unknown }[] };
    expect(result.items.map((i) => ids(i.parts))).toEqual([[p(3), p(6), p(2), p(5), p(4)]]);
  });

  it('with orderBy from a variable', async () => {
    expect(textOf('NestedDynamic')).toContain(`json_agg(s2.j ORDER BY s2.n)`);
    const result = (await run('NestedDynamic', { order: [{ weight: 'ASC_NULLS_FIRST' }] })) as { items: { parts: unknown }[] };
    expect(result.items.map((i) => ids(i.parts))).toEqual([[p(3), p(1), FIXTURE_PART_OF_ITEM_1, p(4), p(2)]]);
  });
});

const STATIC_AGGREGATED = [
  "SELECT coalesce(json_agg(s1.j ORDER BY s1.o0 DESC, s1.o1 ASC NULLS FIRST, s1.o2 ASC), '[]'::json)::text FROM (SELECT (SELECT (SELECT json_build_object('id', coalesce(NULLIF(r2.d->'id', 'null'::jsonb)::json, '\"\\u0000\"'::json)) FROM (SELECT t0.\"data\" AS d OFFSET 0) r2)) AS j, (t0.\"data\"->>'count')::integer AS o0, (t0.\"data\"->>'price')::double precision AS o1, t0.\"id\" AS o2",
  "FROM \"public\".\"v_item\" t0",
  "ORDER BY (t0.\"data\"->>'count')::integer DESC, (t0.\"data\"->>'price')::double precision ASC NULLS FIRST, t0.\"id\" ASC",
  "LIMIT 30::integer) s1",
].join('\n');
const DYNAMIC_AGGREGATED = [
  "SELECT coalesce(json_agg(s1.j ORDER BY s1.n), '[]'::json)::text FROM (SELECT (SELECT (SELECT json_build_object('id', coalesce(NULLIF(r2.d->'id', 'null'::jsonb)::json, '\"\\u0000\"'::json)) FROM (SELECT t0.\"data\" AS d OFFSET 0) r2)) AS j, row_number() OVER (ORDER BY t0.\"id\" ASC) AS n",
  "FROM (SELECT * FROM \"public\".\"v_item\" t0",
  "ORDER BY t0.\"id\" ASC",
  "LIMIT 30::integer) t0) s1",
].join('\n');
const STATIC_PAGE = [
  "SELECT json_build_object('id', coalesce(NULLIF(t2.\"data\"->'id', 'null'::jsonb)::json, '\"\\u0000\"'::json))::text",
  "FROM (SELECT k0.\"id\", (k0.\"data\"->>'seen_at')::timestamptz AS o0 FROM \"public\".\"v_item\" k0 ORDER BY (k0.\"data\"->>'seen_at')::timestamptz DESC, k0.\"id\" ASC LIMIT 7::integer OFFSET $1::integer) q1",
  "JOIN \"public\".\"v_item\" t2 ON t2.\"id\" = q1.\"id\"",
  "ORDER BY q1.o0 DESC, q1.\"id\" ASC",
].join('\n');
const DYNAMIC_PAGE = [
  "SELECT json_build_object('id', coalesce(NULLIF(t2.\"data\"->'id', 'null'::jsonb)::json, '\"\\u0000\"'::json))::text",
  "FROM (SELECT k0.\"id\", row_number() OVER (ORDER BY k0.\"id\" ASC) AS n FROM (SELECT * FROM \"public\".\"v_item\" k0 ORDER BY k0.\"id\" ASC LIMIT 7::integer OFFSET $1::integer) k0) q1",
  "JOIN \"public\".\"v_item\" t2 ON t2.\"id\" = q1.\"id\"",
  "ORDER BY q1.n",
].join('\n');
