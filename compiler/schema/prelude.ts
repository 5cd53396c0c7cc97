// The SDL the compiler adds to every schema: its directives, the extra scalars, and the filter
// inputs for each scalar. Users may reference all of these without defining them.
import { filterOperators } from '@fraise/runtime';
export const DIRECTIVES_SDL = `
"The type (or, on a root field, that field) is backed by this PostgreSQL view or table: one column per field, or a data jsonb column, or both."
directive @view(name: String!) on OBJECT | FIELD_DEFINITION
"Read the field from this key of data instead of its snake_case name."
directive @jsonKey(name: String!) on FIELD_DEFINITION
"Read the field from this column of the view instead of the column (or data key) named like it; filters and orderings on the field compare the column named by compare (default: the same column)."
directive @column(name: String!, compare: String) on FIELD_DEFINITION
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

/**
 * Operators a field argument may name in `@filter(op:)` (equality when none is named): the text
 * filter's, without isnull, and the full-text ones (on a tsvector, or with @textSearch). All come
 * from the operator table (runtime/filters/operators.ts).
 */
export const ARGUMENT_OPERATORS: readonly string[] = filterOperators('String').map((o) => o.name).filter((name) => name !== 'isnull');
export const TEXT_SEARCH_OPERATORS: readonly string[] = filterOperators('TSVector').map((o) => o.name).filter((name) => name !== 'isnull');

/** A tsvector column (`search: TSVector`): only the full-text operators and isnull; never ordered. */
export const TSVECTOR_SCALAR = 'TSVector';

export const ORDER_DIRECTIONS = [
  'ASC',
  'DESC',
  'ASC_NULLS_FIRST',
  'ASC_NULLS_LAST',
  'DESC_NULLS_FIRST',
  'DESC_NULLS_LAST',
] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

export function filterInputName(typeName: string, list = false): string {
  return `${typeName}${list ? 'List' : ''}Filter`;
}
