// The SDL the compiler adds to every schema: its directives, the extra scalars, and the filter
// inputs for each scalar. Users may reference all of these without defining them.
export const DIRECTIVES_SDL = `
"The type (or, on a root field, that field) is backed by this PostgreSQL view or table: one column per field, or a data jsonb column, or both."
directive @view(name: String!) on OBJECT | FIELD_DEFINITION
"Read the field from this key of data instead of its snake_case name."
directive @jsonKey(name: String!) on FIELD_DEFINITION
"Read the field from this column of the view instead of the column (or data key) named like it."
directive @column(name: String!) on FIELD_DEFINITION
"This field argument filters the rows: the column (or data key) it compares, and the operator (default eq)."
directive @filter(column: String, op: String) on ARGUMENT_DEFINITION
"A relation to another @view type, joined on key columns."
directive @relation(foreignKey: String, localKey: String, references: String) on FIELD_DEFINITION
"The text search configuration (such as english) that full-text operators parse queries with, on a TSVector field or a filter argument; on a text column the column is also read with to_tsvector in it."
directive @textSearch(config: String!) on FIELD_DEFINITION | ARGUMENT_DEFINITION
"A mutation served by this PostgreSQL function."
directive @function(name: String!) on FIELD_DEFINITION
"Only authenticated callers may read the field (or any field returning the type). Apollo Router's semantics."
directive @authenticated on OBJECT | FIELD_DEFINITION
"The caller needs, for one of the inner lists, every scope of it (outer: any of, inner: all of)."
directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION
"The value is left out of audit events (a password, a token)."
directive @sensitive on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | VARIABLE_DEFINITION
`;

export const EXTRA_SCALARS = ['DateTime', 'Date', 'UUID', 'JSON'] as const;

const ORDERED = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'];
/** FraiseQL's string operators (v1 names); `like`/`ilike` take a pattern, the others a plain value. */
export const TEXT_OPERATORS = [
  'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith',
  'like', 'ilike', 'matches', 'imatches', 'not_matches',
] as const;

/** Operators per scalar, in the order they appear in the generated input types. */
export const SCALAR_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  String: [...ORDERED, ...TEXT_OPERATORS],
  ID: [...ORDERED, ...TEXT_OPERATORS],
  Int: ORDERED,
  Float: ORDERED,
  DateTime: ORDERED,
  Date: ORDERED,
  UUID: ORDERED,
  Boolean: ['eq', 'neq', 'in', 'nin', 'isnull'],
  JSON: ['eq', 'neq', 'isnull', 'has_key', 'has_any_keys', 'has_all_keys', 'contains', 'contained_by'],
};

/** Operators a field argument may name in `@filter(op:)` (equality when none is named). */
export const ARGUMENT_OPERATORS: readonly string[] = [...ORDERED.filter((op) => op !== 'isnull'), ...TEXT_OPERATORS];

/** Full-text operators (FraiseQL's names) and the PostgreSQL function that parses each query. */
export const TEXT_SEARCH_FUNCTIONS = {
  matches: 'to_tsquery',
  plain_query: 'plainto_tsquery',
  phrase_query: 'phraseto_tsquery',
  websearch_query: 'websearch_to_tsquery',
} as const;
export type TextSearchOperator = keyof typeof TEXT_SEARCH_FUNCTIONS;
export const TEXT_SEARCH_OPERATORS: readonly string[] = Object.keys(TEXT_SEARCH_FUNCTIONS);

/** A tsvector column (`search: TSVector`): only the full-text operators and isnull; never ordered. */
export const TSVECTOR_SCALAR = 'TSVector';
export const TSVECTOR_OPERATORS: readonly string[] = [...TEXT_SEARCH_OPERATORS, 'isnull'];

export const ENUM_OPERATORS: readonly string[] = ['eq', 'neq', 'in', 'nin', 'isnull'];

/** Operators on an array of scalars inside `data` (`tags: [String!]!`), FraiseQL's names. */
export const LIST_OPERATORS: readonly string[] = [
  'contains', 'contained_by', 'overlaps', 'len_eq', 'len_neq', 'len_gt', 'len_gte', 'len_lt', 'len_lte', 'isnull',
];

export const ORDER_DIRECTIONS = [
  'ASC',
  'DESC',
  'ASC_NULLS_FIRST',
  'ASC_NULLS_LAST',
  'DESC_NULLS_FIRST',
  'DESC_NULLS_LAST',
] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

/** The input type of one operator's value for a field of type `typeName` (`list`: an array field). */
export function operatorValueType(op: string, typeName: string, list = false): string {
  if (op === 'isnull') return 'Boolean';
  if (typeName === TSVECTOR_SCALAR) return 'String';
  if (list) return op.startsWith('len_') ? 'Int' : `[${typeName}!]`;
  if (op === 'in' || op === 'nin') return `[${typeName}!]`;
  if (op === 'has_key') return 'String';
  if (op === 'has_any_keys' || op === 'has_all_keys') return '[String!]';
  if (typeName === 'JSON') return 'JSON';
  if ((TEXT_OPERATORS as readonly string[]).includes(op)) return 'String';
  return typeName;
}

export function filterInputName(typeName: string, list = false): string {
  return `${typeName}${list ? 'List' : ''}Filter`;
}
