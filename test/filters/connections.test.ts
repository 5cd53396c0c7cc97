// Relay connections: paging forward with first/after and backward with last/before through every
// page gives exactly the filtered rows in the connection's order (compared with the JavaScript
// oracle), pageInfo tells where more pages are, cursors are opaque keyset positions on the order
// key plus id, and totalCount is computed only when selected.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { orderItems } from '../support/filterOracle.js';
import { literal } from './cases.js';
import { createFixtureTables, fixtureRows, loadRows } from './itemData.js';

const data = fixtureRows();
let db: TestDatabase;
let runtime: Runtime;
let ops: Readonly<Record<string, CompiledOperation>>;

const ORDERINGS: Record<string, string>[][] = [
  [],
  [{ count: 'DESC' }],
  [{ qty: 'ASC' }],
  [{ name: 'ASC_NULLS_FIRST' }, { price: 'DESC_NULLS_LAST' }],
  [{ seenAt: 'DESC' }],
  [{ active: 'ASC' }, { day: 'DESC_NULLS_FIRST' }],
];
const WHERE = { NOT: { color: { eq: 'GREEN' } } };

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await createFixtureTables(db.pool);
  await loadRows(db.pool, data);
  const srcDir = path.join(repoRoot, 'test/.generated/filters-connections-src');
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  const selection = '{ edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }';
  const documents = ORDERINGS.map(
    (order, i) =>
      `query Page${i}($first: Int, $last: Int, $after: String, $before: String, $where: ItemWhere) {\n` +
      `  itemsConnection(where: $where, orderBy: ${literal(order, true)}, first: $first, last: $last, after: $after, before: $before) ${selection}\n}`,
  );
  documents.push(
    'query Counted($first: Int) { itemsConnection(first: $first, where: { qty: { gt: 0 } }) { totalCount edges { node { id } } __typename } }',
    'query Literal { itemsConnection(first: 2, after: "WyIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDMiXQ==") { edges { node { id } } } }',
    'query Nested { items(where: { qty: { gt: 20 } }) { id partsConnection(last: 1, orderBy: [{ weight: ASC }]) { totalCount edges { node { id weight } } pageInfo { hasPreviousPage } } } }',
  );
  await writeFile(path.join(srcDir, 'ops.graphql'), documents.join('\n\n'));
  ops = (await compileProjectTo(db.url, 'filters-connections', ['test/filters/schema.graphql'], ['test/.generated/filters-connections-src/*.graphql'])).operationsByName;
  runtime = createRuntime({ pool: db.pool });
}, 120_000);
afterAll(() => db?.drop());

async function page(op: string, variables: Record<string, unknown>): Promise<Page> {
  const result = await runtime.execute(ops[op]!, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return (result.data as { itemsConnection: Page }).itemsConnection;
}

describe('connections', () => {
  for (const [i, order] of ORDERINGS.entries()) {
    it(`pages forward and backward through ${JSON.stringify(order)}`, async () => {
      const expected = orderItems(data, WHERE, order);
      for (const size of [1, 5, 17, 100]) {
        const forward: string[] = [];
        let after: string | null = null;
        for (let n = 0; n < 200; n++) {
          const p: Page = await page(`Page${i}`, { first: size, where: WHERE, ...(after ? { after } : {}) });
          forward.push(...p.edges.map((e) => e.node.id));
          expect(p.edges.length).toBeLessThanOrEqual(size);
          expect(p.pageInfo.hasNextPage).toBe(forward.length < expected.length);
          expect(p.pageInfo.hasPreviousPage).toBe(false);
          expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
          expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
          if (!p.pageInfo.hasNextPage) break;
          after = p.pageInfo.endCursor;
        }
        expect(forward).toEqual(expected);

        const backward: string[] = [];
        let before: string | null = null;
        for (let n = 0; n < 200; n++) {
          const p: Page = await page(`Page${i}`, { last: size, where: WHERE, ...(before ? { before } : {}) });
          backward.unshift(...p.edges.map((e) => e.node.id));
          expect(p.pageInfo.hasPreviousPage).toBe(backward.length < expected.length);
          expect(p.pageInfo.hasNextPage).toBe(false);
          if (!p.pageInfo.hasPreviousPage) break;
          before = p.pageInfo.startCursor;
        }
        expect(backward).toEqual(expected);
      }
      // after and before together: the rows strictly between two cursors.
      const all = await page(`Page${i}`, { where: WHERE });
      expect(all.edges.map((e) => e.node.id)).toEqual(expected);
      const between = await page(`Page${i}`, { where: WHERE, after: all.edges[2]!.cursor, before: all.edges[9]!.cursor });
      expect(between.edges.map((e) => e.node.id)).toEqual(expected.slice(3, 9));
    });
  }

  it('computes totalCount only when selected, over the whole filtered list', async () => {
    const result = await runtime.execute(ops['Counted']!, { first: 3 });
    const expected = data.items.filter((i) => i.qty !== null && i.qty > 0).length;
    expect(result.data).toMatchObject({ itemsConnection: { totalCount: expected, __typename: 'ItemConnection' } });
    expect((result.data as { itemsConnection: Page }).itemsConnection.edges).toHaveLength(3);
    expect(ops['Page0']!.statements.every((s) => !s.text.includes('count(*) FROM'))).toBe(true);
    expect(ops['Counted']!.statements.some((s) => s.text.includes('(SELECT count(*) FROM'))).toBe(true);
  });

  it('takes literal paging arguments, and pages relation connections per parent row', async () => {
    const literal = await runtime.execute(ops['Literal']!, {});
    expect((literal.data as { itemsConnection: Page }).itemsConnection.edges.map((e) => e.node.id)).toEqual(orderItems(data, {}, []).slice(3, 5));
    const nested = (await runtime.execute(ops['Nested']!, {})).data as {
      items: { id: string; partsConnection: { totalCount: number; edges: { node: { id: string; weight: number | null } }[]; pageInfo: { hasPreviousPage: boolean } } }[];
    };
    expect(nested.items.length).toBeGreaterThan(3);
    for (const item of nested.items) {
      const parts = data.parts
        .filter((p) => p.item_id === item.id)
        .sort((a, b) => {
          const x = a.data['weight'] as number | null;
          const y = b.data['weight'] as number | null;
          if (x === y) return a.id < b.id ? -1 : 1;
          if (x === null) return 1;
          if (y === null) return -1;
          return x - y;
        });
      expect(item.partsConnection.totalCount).toBe(parts.length);
      expect(item.partsConnection.edges.map((e) => e.node.id)).toEqual(parts.slice(-1).map((p) => p.id));
      expect(item.partsConnection.pageInfo.hasPreviousPage).toBe(parts.length > 1);
    }
  });

  it('refuses bad paging arguments before SQL', async () => {
    const bad = (message: string) => ({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(await runtime.execute(ops['Page0']!, { first: 1, last: 1 })).toEqual(bad('Give "$first" or "$last", not both.'));
    expect(await runtime.execute(ops['Page0']!, { first: -1 })).toEqual(bad('"$first" must be a non-negative integer.'));
    expect(await runtime.execute(ops['Page0']!, { after: 'not a cursor' })).toEqual(bad('"$after" is not a cursor of this connection.'));
    const wrongShape = Buffer.from(JSON.stringify([1, 2, 3])).toString('base64');
    expect(await runtime.execute(ops['Page0']!, { before: wrongShape })).toEqual(bad('"$before" is not a cursor of this connection.'));
    const wrongType = Buffer.from(JSON.stringify(["'; DROP TABLE tb_item; --"])).toString('base64');
    expect(await runtime.execute(ops['Page0']!, { after: wrongType })).toEqual(bad('"$after" is not a cursor of this connection.'));
    // Forged uuid keys of the right length: refused here, not by PostgreSQL's uuid input (a 200 with DATABASE_ERROR).
    for (const forged of ['-'.repeat(36), 'f'.repeat(36), '00000000-0000-4000-8000-00000000000g', '{00000000-0000-4000-8000-000000000001}']) {
      const cursor = Buffer.from(JSON.stringify([forged])).toString('base64');
      expect([forged, await runtime.execute(ops['Page0']!, { after: cursor })]).toEqual([forged, bad('"$after" is not a cursor of this connection.')]);
    }
  });
});
