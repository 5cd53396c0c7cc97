// The operator cases of the filter fixture: for every field (one per scalar type, as a plain column
// or inside data, plus arrays and JSON) every operator its type has, with values taken from the
// data, values that match nothing, and probes full of quotes, backslashes and LIKE wildcards.
import { fixtureRows, uuid } from './itemData.js';

export interface FieldCase {
  readonly field: string;
  /** GraphQL type of one value (the operand type of eq). */
  readonly type: string;
  readonly list?: boolean;
  readonly ops: Readonly<Record<string, readonly unknown[]>>;
}

const ORDERED = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
const TEXT_PROBES = ['a', 'A', '%', '_', "'", '\\', 'é', 'É', '日本', 'x_y', 'under_', '100%', '"', 'ALPHA', 'lpha'];
const LIKE_PATTERNS = ['a%', '%A%', '%\\%', '100\\%', '_lpha', 'under\\_%', '%é%', "o'%", '%\\\\%', '%', '___'];
const REGEXES = ['^a', 'A', 'a$', '[0-9]+', '^[A-Z]', "'", '\\\\', 'é', '^$', 'x.y|l.h', '^(al|AL)'];

const { items } = fixtureRows();

/** Distinct non-null values of a data key (or column), in the order of the rows. */
function valuesOf(field: string, key: string, column: boolean): unknown[] {
  const seen = new Map<string, unknown>();
  for (const item of items) {
    const v = column ? (item as unknown as Record<string, unknown>)[key] : item.data[key];
    if (v !== null && v !== undefined) seen.set(JSON.stringify(v), v);
  }
  if (seen.size < 2) throw new Error(`fixture field ${field} has too few values`);
  return [...seen.values()];
}

function scalarCase(field: string, type: string, key: string, column: boolean, missing: unknown, text: boolean): FieldCase {
  const values = valuesOf(field, key, column);
  const picks = [values[0], values[Math.floor(values.length / 2)], values[values.length - 1], missing];
  const ops: Record<string, unknown[]> = {};
  for (const op of ORDERED) ops[op] = picks;
  ops['in'] = [[values[0], values[values.length - 1]], [missing]];
  ops['nin'] = [[values[0], values[1]], [missing]];
  ops['isnull'] = [true, false];
  if (text) {
    for (const op of ['contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']) ops[op] = TEXT_PROBES;
    ops['like'] = LIKE_PATTERNS;
    ops['ilike'] = LIKE_PATTERNS;
    ops['matches'] = REGEXES;
    ops['imatches'] = REGEXES;
    ops['not_matches'] = REGEXES;
  }
  return { field, type, ops };
}

function unorderedCase(field: string, type: string, key: string, values: readonly unknown[]): FieldCase {
  valuesOf(field, key, false);
  return {
    field,
    type,
    ops: { eq: values, neq: values, in: [values, [values[0]]], nin: [values, [values[0]]], isnull: [true, false] },
  };
}

export const FIELD_CASES: readonly FieldCase[] = [
  // A uuid column read as ID: text operators work on its text.
  {
    ...scalarCase('id', 'ID', 'id', true, uuid('00000000', 999), false),
    ops: {
      ...scalarCase('id', 'ID', 'id', true, uuid('00000000', 999), false).ops,
      contains: ['0000', '-0000-4000', '48', 'A'],
      icontains: ['4000-8000'],
      startswith: ['00000000-0000-4000-8000-00000000001'],
      endswith: ['7', '07'],
      like: ['%1_'],
      matches: ['^0+', '48$'],
    },
  },
  scalarCase('code', 'String', 'code', true, 'zzz-missing', true),
  scalarCase('qty', 'Int', 'qty', true, 1000, false),
  scalarCase('name', 'String', 'name', false, 'zzz-missing', true),
  scalarCase('label', 'ID', 'label', false, 'L-99', true),
  scalarCase('count', 'Int', 'count', false, 1000, false),
  scalarCase('price', 'Float', 'price', false, 3.3, false),
  scalarCase('seenAt', 'DateTime', 'seen_at', false, '2024-01-10T00:00:00.000Z', false),
  scalarCase('day', 'Date', 'day', false, '2024-06-15', false),
  scalarCase('ref', 'UUID', 'ref', false, 'ffffffff-0000-4000-8000-000000000000', false),
  unorderedCase('active', 'Boolean', 'active', [true, false]),
  unorderedCase('color', 'Color', 'color', ['RED', 'BLUE']),
  {
    field: 'meta',
    type: 'JSON',
    ops: {
      eq: [{ a: 1, b: 'two', c: [1, 2] }, [1, 'x'], 'x', 7, { a: 2 }],
      neq: [{ a: 2 }, 'x'],
      isnull: [true, false],
      has_key: ['a', 'x', 'd'],
      has_any_keys: [['a', 'x'], ['zz']],
      has_all_keys: [['a', 'b'], ['a', 'zz']],
      contains: [{ a: 1 }, [1], 'x', { d: { e: true } }, {}],
      contained_by: [{ a: 1, b: 'two', c: [1, 2] }, { a: 2, b: 'two' }, [1, 'x', 2]],
    },
  },
  {
    field: 'tags',
    type: 'String',
    list: true,
    ops: {
      contains: [['x'], ['x', 'y'], []],
      contained_by: [['x', 'y'], ['x', 'y', 'z', 'w']],
      overlaps: [['x', 'w'], ['X'], []],
      len_eq: [0, 2],
      len_neq: [1],
      len_gt: [1],
      len_gte: [2],
      len_lt: [1],
      len_lte: [1],
      isnull: [true, false],
    },
  },
  {
    field: 'scores',
    type: 'Int',
    list: true,
    ops: {
      contains: [[1], [1, 3]],
      contained_by: [[0, 1, 2, 3]],
      overlaps: [[1, 6]],
      len_eq: [0, 2],
      len_neq: [3],
      len_gt: [0],
      len_gte: [3],
      len_lt: [2],
      len_lte: [0],
      isnull: [true, false],
    },
  },
];

/** The GraphQL type of an operator's value. */
export function operandType(c: FieldCase, op: string): string {
  if (op === 'isnull') return 'Boolean';
  if (c.list) return op.startsWith('len_') ? 'Int' : `[${c.type}!]`;
  if (op === 'in' || op === 'nin') return `[${c.type}!]`;
  if (op === 'has_key') return 'String';
  if (op === 'has_any_keys' || op === 'has_all_keys') return '[String!]';
  if (['eq', 'neq', 'gt', 'gte', 'lt', 'lte'].includes(op)) return c.type;
  if (c.type === 'JSON' && (op === 'contains' || op === 'contained_by')) return 'JSON';
  return 'String';
}

/** A GraphQL literal for a value (enum values bare). */
export function literal(value: unknown, enumValue = false): string {
  if (typeof value === 'string') return enumValue ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, enumValue)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${literal(v, enumValue)}`).join(', ')}}`;
  }
  return String(value);
}
