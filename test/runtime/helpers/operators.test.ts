// The operator table (runtime/filters/operators.ts) is the one source of every filter operator:
// which inputs have it, the type of its value, and its SQL. Expectations are written out by hand
// from docs/filters.md, not computed from the table.
import { describe, expect, it } from 'vitest';
import {
  LIST_FILTER_OPERATORS,
  SCALAR_FILTER_OPERATORS,
  filterOperator,
  filterOperators,
  operandEncoding,
  operandTypeName,
  type FilterOperator,
  type OperandSql,
} from '../../../runtime/filters/operators.js';
import { columnTarget, pathTarget } from '../../../runtime/filters/targets.js';

const ORDERED = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'];
const TEXT = ['contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'like', 'ilike', 'matches', 'imatches', 'not_matches'];

/** An operand whose parameter renders as $1::<type>, with aliases a0, a1, ... */
function operand(value: unknown, known: boolean, type: string): OperandSql {
  let aliases = 0;
  return { known, value, param: () => `$1::${type}`, alias: () => `a${aliases++}` };
}
const sqlOf = (op: FilterOperator, target: ReturnType<typeof columnTarget>, value: unknown, known = true): string =>
  op.sql(target, operand(value, known, op.bindAs(target.sqlType))).join('');

describe('the operator table', () => {
  it('gives each filter input its operators, in the order of the generated input fields', () => {
    const names = (type: Parameters<typeof filterOperators>[0], list = false): string[] => filterOperators(type, list).map((o) => o.name);
    expect(names('String')).toEqual([...ORDERED, ...TEXT]);
    expect(names('ID')).toEqual([...ORDERED, ...TEXT]);
    for (const t of ['Int', 'Float', 'DateTime', 'Date', 'UUID'] as const) expect(names(t), t).toEqual(ORDERED);
    expect(names('Boolean')).toEqual(['eq', 'neq', 'in', 'nin', 'isnull']);
    expect(names('enum')).toEqual(['eq', 'neq', 'in', 'nin', 'isnull']);
    expect(names('JSON')).toEqual(['eq', 'neq', 'isnull', 'has_key', 'has_any_keys', 'has_all_keys', 'contains', 'contained_by']);
    const list = ['contains', 'contained_by', 'overlaps', 'len_eq', 'len_neq', 'len_gt', 'len_gte', 'len_lt', 'len_lte', 'isnull'];
    for (const t of ['String', 'Int', 'UUID', 'enum', 'JSON'] as const) expect(names(t, true), t).toEqual(list);
  });

  it('finds an operator by its name and the field type (contains is LIKE on text, @> on JSON and arrays)', () => {
    const text = pathTarget('t."data"', "'title'", 'text');
    expect(sqlOf(filterOperator('String', 'contains')!, text, 'x')).toBe(`(t."data"->>'title') LIKE $1::text`);
    const json = pathTarget('t."data"', "'meta'", 'jsonb');
    expect(sqlOf(filterOperator('JSON', 'contains')!, json, {})).toBe(`NULLIF(t."data"->'meta', 'null'::jsonb) @> $1::jsonb`);
    expect(sqlOf(filterOperator('Int', 'contains', true)!, json, [1])).toBe(`NULLIF(t."data"->'meta', 'null'::jsonb) @> $1::jsonb`);
    expect(filterOperator('Int', 'contains')).toBeUndefined();
    expect(filterOperator('Boolean', 'gt')).toBeUndefined();
  });

  it('writes each operator as docs/filters.md says, on a column and on a data path', () => {
    const uuid = columnTarget('t."id"', 'uuid');
    const views = pathTarget('t."data"', "'views'", 'integer');
    expect(sqlOf(filterOperator('UUID', 'eq')!, uuid, 'v')).toBe('t."id" = $1::uuid');
    expect(sqlOf(filterOperator('Int', 'gte')!, views, 3)).toBe(`(t."data"->>'views')::integer >= $1::integer`);
    expect(sqlOf(filterOperator('UUID', 'in')!, uuid, [])).toBe('t."id" = ANY($1::uuid[])');
    expect(sqlOf(filterOperator('Int', 'nin')!, views, [])).toBe(`(t."data"->>'views')::integer <> ALL($1::integer[])`);
    // Text operators read a non-text column as its text.
    expect(sqlOf(filterOperator('ID', 'startswith')!, uuid, 'ab')).toBe('t."id"::text LIKE $1::text');
    expect(sqlOf(filterOperator('String', 'imatches')!, columnTarget('t."name"', 'text'), '^a')).toBe('t."name" ~* $1::text');
    expect(sqlOf(filterOperator('String', 'not_matches')!, columnTarget('t."name"', 'text'), '^a')).toBe('t."name" !~ $1::text');
    const meta = pathTarget('t."data"', "'meta'", 'jsonb');
    expect(sqlOf(filterOperator('JSON', 'has_key')!, meta, 'k')).toBe(`NULLIF(t."data"->'meta', 'null'::jsonb) ? $1::text`);
    expect(sqlOf(filterOperator('JSON', 'has_any_keys')!, meta, ['k'])).toBe(`NULLIF(t."data"->'meta', 'null'::jsonb) ?| $1::text[]`);
    expect(sqlOf(filterOperator('JSON', 'contained_by')!, meta, {})).toBe(`NULLIF(t."data"->'meta', 'null'::jsonb) <@ $1::jsonb`);
    const tags = pathTarget('t."data"', "'tags'", 'jsonb');
    expect(sqlOf(filterOperator('String', 'len_gt', true)!, tags, 2)).toBe(
      `(CASE WHEN jsonb_typeof(NULLIF(t."data"->'tags', 'null'::jsonb)) = 'array' THEN jsonb_array_length(NULLIF(t."data"->'tags', 'null'::jsonb)) END) > $1::integer`,
    );
    expect(sqlOf(filterOperator('String', 'overlaps', true)!, tags, ['a'])).toBe(
      `(CASE WHEN jsonb_typeof(NULLIF(t."data"->'tags', 'null'::jsonb)) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements($1::jsonb) a0(v) WHERE NULLIF(t."data"->'tags', 'null'::jsonb) @> jsonb_build_array(a0.v)) END)`,
    );
  });

  it('tests null on the column itself, or on the text of a data path (a JSON null is null)', () => {
    const isnull = filterOperator('UUID', 'isnull')!;
    expect(sqlOf(isnull, columnTarget('t."id"', 'uuid'), true)).toBe('t."id" IS NULL');
    expect(sqlOf(isnull, pathTarget('t."data"', "'at'", 'timestamptz'), false)).toBe(`(t."data"->>'at') IS NOT NULL`);
    // A value only known at run time compares the test with a boolean parameter.
    expect(sqlOf(isnull, columnTarget('t."id"', 'uuid'), undefined, false)).toBe('(t."id" IS NULL) = $1::boolean');
  });

  it('says the GraphQL type of each value, how it binds, and which take null', () => {
    const expectOperand = (type: 'String' | 'JSON' | 'Int', name: string, list: boolean, expected: string): void =>
      expect(operandTypeName(filterOperator(type, name, list)!, type), `${type} ${name}`).toBe(expected);
    expectOperand('Int', 'eq', false, 'Int');
    expectOperand('Int', 'in', false, '[Int!]');
    expectOperand('Int', 'isnull', false, 'Boolean');
    expectOperand('String', 'contains', false, 'String');
    expectOperand('JSON', 'has_all_keys', false, '[String!]');
    expectOperand('JSON', 'contains', false, 'JSON');
    expectOperand('Int', 'contains', true, '[Int!]');
    expectOperand('Int', 'len_eq', true, 'Int');
    expect(operandEncoding(filterOperator('String', 'icontains')!, 'text')).toBe('likeContains');
    expect(operandEncoding(filterOperator('String', 'like')!, 'text')).toBe('plain');
    expect(operandEncoding(filterOperator('JSON', 'eq')!, 'jsonb')).toBe('json');
    expect(operandEncoding(filterOperator('Int', 'eq')!, 'integer')).toBe('plain');
    const nullable = [...SCALAR_FILTER_OPERATORS, ...LIST_FILTER_OPERATORS].filter((o) => o.nullValue === 'omitted').map((o) => o.name);
    expect([...new Set(nullable)]).toEqual(['isnull']);
    expect(SCALAR_FILTER_OPERATORS.filter((o) => o.regex).map((o) => o.name)).toEqual(['matches', 'imatches', 'not_matches']);
  });
});
