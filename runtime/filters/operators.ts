// The filter operators: the one table both paths read. The compiler reads it for literal filters
// (`where: { title: { contains: "x" } }`, SQL decided at build time) and to generate the
// `<Scalar>Filter` input types; the runtime reads it for whole-variable filters (`where: $where`,
// SQL built per request by filterField in ./fieldFilter.ts). Adding an operator is one entry here
// (plus its tests): the GraphQL input field, the literal SQL and the whole-variable SQL follow.

/** The GraphQL types a filter input exists for: a scalar, any enum ('enum'). */
export type FilterFieldType = 'String' | 'ID' | 'Int' | 'Float' | 'Boolean' | 'DateTime' | 'Date' | 'UUID' | 'JSON' | 'TSVector' | 'enum';

/**
 * The GraphQL type of an operator's value, relative to the filtered field's type `T` (for a list
 * filter, `T` is the element type): `T`, `[T!]`, or a fixed type.
 */
export type OperandType = 'T' | '[T!]' | 'String' | '[String!]' | 'Boolean' | 'Int';

/** How a value is shaped before it is bound: JSON text, or a LIKE pattern matching it literally. */
export type OperandEncoding = 'plain' | 'json' | 'likeContains' | 'likeStartsWith' | 'likeEndsWith';

/** The SQL expressions of the value a filter reads (a column, or a path inside `data`). */
export interface FilterTarget {
  /** The value as its SQL type: `t."id"`, `(t."data"->>'views')::integer`, `NULLIF(t."data"->'tags', 'null'::jsonb)`. */
  readonly typed: string;
  /** The value as text (LIKE and regular expressions read it): `t."id"::text`, `(t."data"->>'title')`. */
  readonly text: string;
  /** What IS NULL tests: the column itself, or the path's text (a JSON null reads as NULL). */
  readonly nullable: string;
  /** The SQL type of `typed`: comparisons bind their value as it. */
  readonly sqlType: string;
  /** The text search configuration full-text operators parse with (a quoted literal, `'english'`), from @textSearch. */
  readonly searchConfig?: string;
}

/**
 * The operand as the SQL of one operator sees it. `P` is how its bind parameter is written: the
 * runtime's `$n::type` text for whole-variable filters, the compiler's typed parameter node for
 * literal filters (whose statements are pieces, compiler/sql/builder.ts).
 */
export interface OperandSql<P = string> {
  /** Registers the bind parameter and returns it, `$n::type` (call it once per use). */
  param(): P;
  /** Whether the value is known while the SQL is built (a literal, or a whole variable's value). */
  readonly known: boolean;
  /** The value when `known`. */
  readonly value: unknown;
  /** A fresh alias for a subquery. */
  alias(): string;
}

/** An operator's SQL: text (SQL it wrote around the target's expressions) and its parameters, in order. */
export type OperatorSql<P> = readonly (string | P)[];

/** Writes an operator's SQL as a template: its text and string `${}`s are SQL, the others parameters. */
export function operatorSql<P>(strings: TemplateStringsArray, ...values: readonly (string | P)[]): OperatorSql<P> {
  return strings.flatMap((text, i) => (i < values.length ? [text, values[i]!] : [text]));
}

/** The text of an operator's SQL whose parameters are `$n::type` text (whole-variable filters). */
export const operatorText = (parts: OperatorSql<string>): string => parts.join('');

export interface FilterOperator {
  /** The field of the filter input (FraiseQL's v1 names). */
  readonly name: string;
  /** The field types whose filter input has it (list operators: the element types). */
  readonly on: readonly FilterFieldType[];
  /** The GraphQL type of its value. */
  readonly operand: OperandType;
  /** The PostgreSQL type its value is bound as, from the type of the target. */
  readonly bindAs: (targetSqlType: string) => string;
  /** LIKE patterns are escaped so they match the value literally. */
  readonly pattern?: 'likeContains' | 'likeStartsWith' | 'likeEndsWith';
  /** The value is a regular expression: its length is bounded (MAX_REGEX_LENGTH). */
  readonly regex?: true;
  /** A null value: refused ('refused'), or the operator is left out ('omitted'). */
  readonly nullValue: 'refused' | 'omitted';
  /** The SQL of `target operator value`. */
  readonly sql: <P>(target: FilterTarget, operand: OperandSql<P>) => OperatorSql<P>;
}

/** Longest regular expression accepted by matches / imatches / not_matches (their cost grows with it). */
export const MAX_REGEX_LENGTH = 1000;

const ORDERED: readonly FilterFieldType[] = ['String', 'ID', 'Int', 'Float', 'DateTime', 'Date', 'UUID'];
const EQUATABLE: readonly FilterFieldType[] = [...ORDERED, 'Boolean', 'JSON', 'enum'];
const LISTABLE: readonly FilterFieldType[] = [...ORDERED, 'Boolean', 'enum'];
const TEXT: readonly FilterFieldType[] = ['String', 'ID'];
const ALL: readonly FilterFieldType[] = [...ORDERED, 'Boolean', 'JSON', 'enum'];
const same = (t: string): string => t;
const text = (): string => 'text';

/** `x op $n` on the typed value. */
function compare(name: string, op: string, on: readonly FilterFieldType[]): FilterOperator {
  return { name, on, operand: 'T', bindAs: same, nullValue: 'refused', sql: (x, v) => operatorSql`${x.typed} ${op} ${v.param()}` };
}

/** `x LIKE pattern` on the value's text; `pattern` escapes the value so it matches literally. */
function like(name: string, op: 'LIKE' | 'ILIKE', pattern?: FilterOperator['pattern']): FilterOperator {
  return { name, on: TEXT, operand: 'String', bindAs: text, ...(pattern ? { pattern } : {}), nullValue: 'refused', sql: (x, v) => operatorSql`${x.text} ${op} ${v.param()}` };
}

function regex(name: string, op: string): FilterOperator {
  return { name, on: TEXT, operand: 'String', bindAs: text, regex: true, nullValue: 'refused', sql: (x, v) => operatorSql`${x.text} ${op} ${v.param()}` };
}

/** A jsonb operator on the typed (jsonb) value. */
function json(name: string, op: string, operand: OperandType, bindAs: string, on: readonly FilterFieldType[]): FilterOperator {
  return { name, on, operand, bindAs: () => bindAs, nullValue: 'refused', sql: (x, v) => operatorSql`${x.typed} ${op} ${v.param()}` };
}

/** `(jsonb_array_length(x)) op $n`: not an array reads as NULL (no match). */
function length(name: string, op: string): FilterOperator {
  return {
    name,
    on: ALL,
    operand: 'Int',
    bindAs: () => 'integer',
    nullValue: 'refused',
    sql: (x, v) => operatorSql`(CASE WHEN jsonb_typeof(${x.typed}) = 'array' THEN jsonb_array_length(${x.typed}) END) ${op} ${v.param()}`,
  };
}

const isnull = (on: readonly FilterFieldType[]): FilterOperator => ({
  name: 'isnull',
  on,
  operand: 'Boolean',
  bindAs: () => 'boolean',
  nullValue: 'omitted',
  // A known value needs no parameter; a variable compares the test with it.
  sql: (x, v) => (v.known ? operatorSql`${x.nullable} IS ${v.value ? '' : 'NOT '}NULL` : operatorSql`(${x.nullable} IS NULL) = ${v.param()}`),
});

/**
 * Operators of `<T>Filter` (a scalar or enum field), in the order of the input's fields. `contains`
 * is LIKE on text and containment on JSON: an operator is found by its name and the field's type.
 */
export const SCALAR_FILTER_OPERATORS: readonly FilterOperator[] = Object.freeze([
  compare('eq', '=', EQUATABLE),
  compare('neq', '<>', EQUATABLE),
  compare('gt', '>', ORDERED),
  compare('gte', '>=', ORDERED),
  compare('lt', '<', ORDERED),
  compare('lte', '<=', ORDERED),
  { name: 'in', on: LISTABLE, operand: '[T!]', bindAs: (t) => `${t}[]`, nullValue: 'refused', sql: (x, v) => operatorSql`${x.typed} = ANY(${v.param()})` },
  { name: 'nin', on: LISTABLE, operand: '[T!]', bindAs: (t) => `${t}[]`, nullValue: 'refused', sql: (x, v) => operatorSql`${x.typed} <> ALL(${v.param()})` },
  isnull(ALL),
  like('contains', 'LIKE', 'likeContains'),
  like('icontains', 'ILIKE', 'likeContains'),
  like('startswith', 'LIKE', 'likeStartsWith'),
  like('istartswith', 'ILIKE', 'likeStartsWith'),
  like('endswith', 'LIKE', 'likeEndsWith'),
  like('iendswith', 'ILIKE', 'likeEndsWith'),
  like('like', 'LIKE'),
  like('ilike', 'ILIKE'),
  regex('matches', '~'),
  regex('imatches', '~*'),
  regex('not_matches', '!~'),
  json('has_key', '?', 'String', 'text', ['JSON']),
  json('has_any_keys', '?|', '[String!]', 'text[]', ['JSON']),
  json('has_all_keys', '?&', '[String!]', 'text[]', ['JSON']),
  json('contains', '@>', 'T', 'jsonb', ['JSON']),
  json('contained_by', '<@', 'T', 'jsonb', ['JSON']),
]);

/** `x @@ to_tsquery(config, $n)`: a tsvector, or a text read with to_tsvector in the field's configuration. */
function textSearch(name: string, parse: string): FilterOperator {
  return {
    name,
    on: ['TSVector'],
    operand: 'String',
    bindAs: text,
    nullValue: 'refused',
    sql: (x, v) => {
      const config = x.searchConfig === undefined ? '' : `${x.searchConfig}::regconfig, `;
      const vector = x.sqlType === 'tsvector' ? x.typed : `to_tsvector(${config}${x.typed})`;
      return operatorSql`${vector} @@ ${parse}(${config}${v.param()})`;
    },
  };
}

/**
 * Operators of `TSVectorFilter` (a tsvector column), FraiseQL's full-text names; a filter argument
 * with @textSearch takes them on a text column too.
 */
export const TEXT_SEARCH_FILTER_OPERATORS: readonly FilterOperator[] = Object.freeze([
  textSearch('matches', 'to_tsquery'),
  textSearch('plain_query', 'plainto_tsquery'),
  textSearch('phrase_query', 'phraseto_tsquery'),
  textSearch('websearch_query', 'websearch_to_tsquery'),
  isnull(['TSVector']),
]);

/**
 * Operators of `<T>ListFilter` (an array of scalars inside `data`, read as jsonb): its elements
 * compare as JSON values.
 */
export const LIST_FILTER_OPERATORS: readonly FilterOperator[] = Object.freeze([
  json('contains', '@>', '[T!]', 'jsonb', ALL),
  json('contained_by', '<@', '[T!]', 'jsonb', ALL),
  {
    name: 'overlaps',
    on: ALL,
    operand: '[T!]',
    bindAs: () => 'jsonb',
    nullValue: 'refused',
    sql: (x, v) => {
      const e = v.alias();
      return operatorSql`(CASE WHEN jsonb_typeof(${x.typed}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${v.param()}) ${e}(v) WHERE ${x.typed} @> jsonb_build_array(${e}.v)) END)`;
    },
  },
  length('len_eq', '='),
  length('len_neq', '<>'),
  length('len_gt', '>'),
  length('len_gte', '>='),
  length('len_lt', '<'),
  length('len_lte', '<='),
  isnull(ALL),
]);

function family(type: FilterFieldType, list: boolean): readonly FilterOperator[] {
  return list ? LIST_FILTER_OPERATORS : type === 'TSVector' ? TEXT_SEARCH_FILTER_OPERATORS : SCALAR_FILTER_OPERATORS;
}

/** The operators of a field type's filter input, in order (`list`: its `<T>ListFilter`). */
export function filterOperators(type: FilterFieldType, list = false): readonly FilterOperator[] {
  return family(type, list).filter((o) => o.on.includes(type));
}

/** One operator of a field type's filter input, by name. */
export function filterOperator(type: FilterFieldType, name: string, list = false): FilterOperator | undefined {
  return family(type, list).find((o) => o.name === name && o.on.includes(type));
}

/** How an operator's value is shaped before binding: its LIKE pattern, or JSON text for jsonb. */
export function operandEncoding(operator: FilterOperator, bindType: string): OperandEncoding {
  if (operator.pattern) return operator.pattern;
  return /^jsonb?(\[\])?$/.test(bindType) ? 'json' : 'plain';
}

/** The GraphQL type name of an operator's value for a field of type `typeName`. */
export function operandTypeName(operator: FilterOperator, typeName: string): string {
  switch (operator.operand) {
    case 'T':
      return typeName;
    case '[T!]':
      return `[${typeName}!]`;
    default:
      return operator.operand;
  }
}

/** The filter input type of a GraphQL scalar or enum name (custom scalars have none). */
export function filterFieldType(typeName: string, isEnum: boolean): FilterFieldType | undefined {
  if (isEnum) return 'enum';
  if (typeName === 'TSVector') return 'TSVector';
  return (FILTER_SCALARS as readonly string[]).includes(typeName) ? (typeName as FilterFieldType) : undefined;
}

/** The scalars that have a `<Scalar>Filter` input, in the order they are generated. */
export const FILTER_SCALARS = ['String', 'ID', 'Int', 'Float', 'DateTime', 'Date', 'UUID', 'Boolean', 'JSON'] as const;
