// The SDL the compiler adds to every schema: its directives, the extra scalars, and the filter
// inputs for each scalar. Users may reference all of these without defining them.
export const DIRECTIVES_SDL = `
"The type is backed by this PostgreSQL view (or table) with a data jsonb column."
directive @view(name: String!) on OBJECT
"Read the field from this key of data instead of its snake_case name."
directive @jsonKey(name: String!) on FIELD_DEFINITION
"A relation to another @view type, joined on key columns."
directive @relation(foreignKey: String, localKey: String, references: String) on FIELD_DEFINITION
"A mutation served by this PostgreSQL function."
directive @function(name: String!) on FIELD_DEFINITION
`;

export const EXTRA_SCALARS = ['DateTime', 'Date', 'UUID', 'JSON'] as const;

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
