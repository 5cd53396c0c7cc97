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

/** Operators per scalar, in the order they appear in the generated input types. */
export const SCALAR_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  String: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull', 'like', 'ilike'],
  ID: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull', 'like', 'ilike'],
  Int: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'],
  Float: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'],
  DateTime: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'],
  Date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'isnull'],
  Boolean: ['eq', 'neq', 'in', 'nin', 'isnull'],
  UUID: ['eq', 'neq', 'in', 'nin', 'isnull'],
  JSON: ['eq', 'neq', 'isnull'],
};

export const ENUM_OPERATORS: readonly string[] = ['eq', 'neq', 'in', 'nin', 'isnull'];

export const ORDER_DIRECTIONS = [
  'ASC',
  'DESC',
  'ASC_NULLS_FIRST',
  'ASC_NULLS_LAST',
  'DESC_NULLS_FIRST',
  'DESC_NULLS_LAST',
] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

/** The input type of one operator's value for a field of type `typeName`. */
export function operatorValueType(op: string, typeName: string): string {
  if (op === 'isnull') return 'Boolean';
  if (op === 'in' || op === 'nin') return `[${typeName}!]`;
  if (op === 'like' || op === 'ilike') return 'String';
  return typeName;
}

export function filterInputName(typeName: string): string {
  return `${typeName}Filter`;
}
