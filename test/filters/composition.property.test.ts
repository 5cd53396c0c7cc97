// Property: for random data and random filters composed with AND, OR and NOT at any depth (through
// embedded objects and relations too), PostgreSQL keeps exactly the rows the JavaScript oracle
// keeps. The filters go through `where: $where` (the generated builders) and, for a fixed set of
// compositions, through literals compiled into the operation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { selectItems, type Dataset } from '../support/filterOracle.js';
import { literal } from './cases.js';
import { createFixtureTables, fixtureRows, loadRows, uuid, type ItemRow, type PartRow } from './itemData.js';

let db: TestDatabase;
let runtime: Runtime;
let ops: Readonly<Record<string, CompiledOperation>>;

const TEXTS = ['a', 'A', 'ab', "o'b", '50%', 'x_y', 'back\\', 'É', 'é', '日本', ''];
const text = fc.oneof(fc.constantFrom(...TEXTS), fc.string({ maxLength: 4 }));
const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 4 });
const small = fc.integer({ min: -3, max: 3 });

const itemArb = (n: number): fc.Arbitrary<{ item: ItemRow; parts: PartRow[] }> =>
  fc
    .record({
      code: nullable(text),
      qty: nullable(small),
      name: nullable(text),
      count: nullable(small),
      price: nullable(fc.constantFrom(-1.5, 0, 0.5, 2, 2.25)),
      active: nullable(fc.boolean()),
      color: nullable(fc.constantFrom('RED', 'GREEN', 'BLUE')),
      tags: nullable(fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 })),
      dims: nullable(fc.record({ width: nullable(small), unit: nullable(fc.constantFrom('cm', 'mm')) })),
      parts: fc.array(fc.record({ kind: nullable(fc.constantFrom('bolt', 'nut')), weight: nullable(small) }), { maxLength: 2 }),
    })
    .map((r) => {
      const id = uuid('00000000', n);
      return {
        item: { id, code: r.code, qty: r.qty, data: { id, name: r.name, count: r.count, price: r.price, active: r.active, color: r.color, tags: r.tags, dims: r.dims } },
        parts: r.parts.map((p, k) => {
          const pid = uuid('11111111', n * 10 + k);
          return { id: pid, item_id: id, data: { id: pid, item_id: id, kind: p.kind, weight: p.weight } };
        }),
      };
    });

const datasetArb: fc.Arbitrary<Dataset> = fc.integer({ min: 0, max: 12 }).chain((count) =>
  fc.tuple(...Array.from({ length: count }, (_, i) => itemArb(i + 1))).map((rows) => ({
    items: rows.map((r) => r.item),
    parts: rows.flatMap((r) => r.parts),
  })),
);

const ordered = <T>(values: fc.Arbitrary<T>): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    fc.record({ op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'), v: values }).map(({ op, v }) => ({ [op]: v })),
    fc.record({ op: fc.constantFrom('in', 'nin'), v: fc.array(values, { minLength: 1, maxLength: 3 }) }).map(({ op, v }) => ({ [op]: v })),
    fc.boolean().map((b) => ({ isnull: b })),
  );
const textOps = fc.oneof(
  ordered(text),
  fc.record({ op: fc.constantFrom('contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith'), v: text }).map(({ op, v }) => ({ [op]: v })),
);
const leaf: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  textOps.map((f) => ({ code: f })),
  textOps.map((f) => ({ name: f })),
  ordered(small).map((f) => ({ qty: f })),
  ordered(small).map((f) => ({ count: f })),
  ordered(fc.constantFrom(-1.5, 0, 2)).map((f) => ({ price: f })),
  fc.oneof(fc.boolean().map((b) => ({ eq: b })), fc.boolean().map((b) => ({ neq: b })), fc.boolean().map((b) => ({ isnull: b }))).map((f) => ({ active: f })),
  fc.record({ op: fc.constantFrom('eq', 'neq'), v: fc.constantFrom('RED', 'BLUE') }).map(({ op, v }) => ({ color: { [op]: v } })),
  fc.record({ op: fc.constantFrom('contains', 'overlaps', 'contained_by'), v: fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { maxLength: 2 }) }).map(({ op, v }) => ({ tags: { [op]: v } })),
  fc.record({ op: fc.constantFrom('len_eq', 'len_gt', 'len_lt'), v: fc.integer({ min: 0, max: 2 }) }).map(({ op, v }) => ({ tags: { [op]: v } })),
  ordered(small).map((f) => ({ dims: { width: f } })),
  fc.boolean().map((b) => ({ dims: { unit: { isnull: b } } })),
  ordered(small).map((f) => ({ parts: { weight: f } })),
  fc.constantFrom('bolt', 'nut').map((k) => ({ parts: { kind: { eq: k } } })),
);

const partLeaf: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  ordered(small).map((f) => ({ weight: f })),
  fc.constantFrom('bolt', 'nut').map((k) => ({ kind: { eq: k } })),
  fc.boolean().map((b) => ({ kind: { isnull: b } })),
);

const { where: whereArb } = fc.letrec<{ where: Record<string, unknown> }>((tie) => ({
  where: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('where'), { maxLength: 3 }).map((items) => ({ AND: items })),
    fc.array(tie('where'), { maxLength: 3 }).map((items) => ({ OR: items })),
    tie('where').map((w) => ({ NOT: w })),
    fc.tuple(leaf, tie('where')).map(([a, b]) => ({ ...b, ...a })),
    fc.tuple(fc.constantFrom('AND', 'OR'), fc.array(partLeaf, { maxLength: 2 })).map(([k, items]) => ({ parts: { [k]: items } })),
    partLeaf.map((p) => ({ parts: { NOT: p } })),
  ),
}));

/** Fixed compositions, also compiled as literals (the static emitter's And, Or, Not, Exists). */
const LITERAL_WHERES: Record<string, unknown>[] = [
  { OR: [{ qty: { gt: 10 } }, { NOT: { name: { icontains: 'a' } } }] },
  { AND: [{ OR: [] }] },
  { AND: [] },
  { NOT: { OR: [{ count: { isnull: true } }, { count: { lt: 0 } }] } },
  { NOT: { NOT: { price: { gte: 2 } } }, parts: { OR: [{ kind: { eq: 'nut' } }, { weight: { lt: 1 } }] } },
  { OR: [{ tags: { contains: ['x'] } }, { dims: { NOT: { width: { gt: 2 } } } }], active: { neq: true } },
];

beforeAll(async () => {
  db = await createTestDatabase();
  await createFixtureTables(db.pool);
  const srcDir = path.join(repoRoot, 'test/.generated/filters-composition-src');
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  const documents = [
    'query Whole($where: ItemWhere) { items(where: $where) { id } }',
    ...LITERAL_WHERES.map((w, i) => `query Literal${i} { items(where: ${literal(w)}) { id } }`),
  ];
  await writeFile(path.join(srcDir, 'ops.graphql'), documents.join('\n\n'));
  ops = (await compileProjectTo(db.url, 'filters-composition', ['test/filters/schema.graphql'], ['test/.generated/filters-composition-src/*.graphql'])).operationsByName;
  runtime = createRuntime({ pool: db.pool });
}, 120_000);
afterAll(() => db?.drop());

async function run(where: Record<string, unknown>): Promise<string[]> {
  const result = await runtime.execute(ops['Whole']!, { where });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return (result.data as { items: { id: string }[] }).items.map((r) => r.id);
}

describe('composed filters', () => {
  it('literal compositions match the oracle', async () => {
    const data = fixtureRows();
    await loadRows(db.pool, data);
    for (const [i, where] of LITERAL_WHERES.entries()) {
      const result = await runtime.execute(ops[`Literal${i}`]!, {});
      const expected = selectItems(data, where);
      expect((result.data as { items: { id: string }[] }).items.map((r) => r.id), JSON.stringify(where)).toEqual(expected);
      expect(await run(where)).toEqual(expected);
    }
  });

  it('random AND/OR/NOT filters over random data match the oracle', async () => {
    await fc.assert(
      fc.asyncProperty(datasetArb, fc.array(whereArb, { minLength: 1, maxLength: 8 }), async (data, wheres) => {
        await loadRows(db.pool, data);
        for (const where of wheres) expect(await run(where), JSON.stringify(where)).toEqual(selectItems(data, where));
      }),
      { numRuns: 150, seed: 20251125 },
    );
  });
});
