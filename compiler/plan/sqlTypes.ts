// How a GraphQL scalar of `data` is compared and ordered in SQL.
import { isEnumType, type GraphQLNamedType } from 'graphql';

const SCALAR_SQL_TYPES: Readonly<Record<string, string>> = {
  ID: 'text',
  String: 'text',
  Int: 'integer',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamptz',
  Date: 'date',
  UUID: 'uuid',
  JSON: 'jsonb',
  TSVector: 'tsvector',
};

export function sqlTypeOfScalar(type: GraphQLNamedType): string {
  if (isEnumType(type)) return 'text';
  return SCALAR_SQL_TYPES[type.name] ?? 'text';
}
