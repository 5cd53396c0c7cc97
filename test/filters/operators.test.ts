// Every operator on every scalar type (as a plain column and as a JSONB path), arrays and JSON,
// run against real PostgreSQL in the three ways a value can be passed (a literal in the operation,
// a leaf variable, a whole `where: $where` variable), and compared with the rows a plain JavaScript
// evaluation of the same filter over the same data selects.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { selectItems } from '../support/filterOracle.js';
import { FIELD_CASES, literal, operandType } from './cases.js';
import { createFixtureTables, fixtureRows, loadRows } from './itemData.js';

const data = fixtureRows();
let db: TestDatabase;
let runtime: Runtime;
let ops: Readonly<Record<string, CompiledOperation>>;

const opName = (kind: string, field: string, op: string): string => `${kind}_${field}_${op}`;

beforeAll(async () => {
  db = await createTestDatabase();
  await createFixtureTables(db.pool);
  await loadRows(db.pool, data);
  const srcDir = path.join(repoRoot, 'test/.generated/filters-operators-src');
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  const documents: string[] = ['query Whole($where: ItemWhere) { items(where: $where) { id } }'];
  for (const c of FIELD_CASES) {
    for (const [op, values] of Object.entries(c.ops)) {
      // Literals: one root field per value, aliased, in one operation (one statement).
      const roots = values.map((v, i) => `r${i}: items(where: { ${c.field}: { ${op}: ${literal(v, c.type === 'Color')} } }) { id }`);
      documents.push(`query ${opName('Literal', c.field, op)} {\n  ${roots.join('\n  ')}\n}`);
      documents.push(`query ${opName('Leaf', c.field, op)}($v: ${operandType(c, op)}) { items(where: { ${c.field}: { ${op}: $v } }) { id } }`);
    }
  }
  await writeFile(path.join(srcDir, 'ops.graphql'), documents.join('\n\n'));
  const fixture = await compileProjectTo(db.url, 'filters-operators', ['test/filters/schema.graphql'], ['test/.generated/filters-operators-src/*.graphql']);
  ops = fixture.operationsByName;
  runtime = createRuntime({ pool: db.pool });
}, 120_000);
afterAll(() => db?.drop());

type Rows = { id: string }[];
const ids = (rows: unknown): string[] => (rows as Rows).map((r) => r.id);

describe('every operator on every type matches the JavaScript oracle', () => {
  for (const c of FIELD_CASES) {
    for (const [op, values] of Object.entries(c.ops)) {
      it(`${c.field} ${op}`, async () => {
        const literalResult = await runtime.execute(ops[opName('Literal', c.field, op)]!, {});
        expect(literalResult.errors).toBeUndefined();
        const literalData = literalResult.data as Record<string, unknown>;
        for (const [i, value] of values.entries()) {
          const where = { [c.field]: { [op]: value } };
          const expected = selectItems(data, where);
          const label = `${c.field}: { ${op}: ${JSON.stringify(value)} }`;
          expect(ids(literalData[`r${i}`]), `literal ${label}`).toEqual(expected);

          const leaf = await runtime.execute(ops[opName('Leaf', c.field, op)]!, { v: value });
          expect(leaf.errors, `leaf ${label}`).toBeUndefined();
          expect(ids((leaf.data as { items: unknown }).items), `leaf ${label}`).toEqual(expected);

          const whole = await runtime.execute(ops['Whole']!, { where });
          expect(whole.errors, `whole ${label}`).toBeUndefined();
          expect(ids((whole.data as { items: unknown }).items), `whole ${label}`).toEqual(expected);
        }
        // An omitted leaf variable leaves its operator out.
        const omitted = await runtime.execute(ops[opName('Leaf', c.field, op)]!, {});
        expect(ids((omitted.data as { items: unknown }).items)).toEqual(data.items.map((i) => i.id).sort());
      });
    }
  }
});

describe('filters through relations and embedded objects', () => {
  const wheres: Record<string, unknown>[] = [
    { parts: { kind: { eq: 'bolt' } } },
    { parts: { weight: { gt: 2 } } },
    { parts: {} },
    { NOT: { parts: { kind: { isnull: false } } } },
    { parts: { kind: { ilike: 'g%' }, weight: { isnull: true } } },
    { parts: { item: { qty: { gt: 10 } } } },
    { dims: { width: { gte: 5 } } },
    { dims: { unit: { in: ['cm', 'In'] } } },
    { dims: { unit: { isnull: true } } },
    { NOT: { dims: { width: { lt: 3 } } } },
    { dims: { width: { isnull: true }, unit: { istartswith: 'i' } } },
  ];
  for (const where of wheres) {
    it(JSON.stringify(where), async () => {
      const whole = await runtime.execute(ops['Whole']!, { where });
      expect(whole.errors).toBeUndefined();
      const got = ids((whole.data as { items: unknown }).items);
      // EXISTS never duplicates rows.
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual(selectItems(data, where));
    });
  }
});
