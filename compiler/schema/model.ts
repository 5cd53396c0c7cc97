// Reads Fraise's directives off a built schema: which view backs a type, which data key a field
// reads, how a relation joins. Pure functions over graphql-js objects.
import {
  getDirectiveValues,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { namingOf } from './projectOptions.js';

export interface RelationSpec {
  /** Column of the other side that holds this row's key (one-to-many). */
  readonly foreignKey?: string;
  /** Column of this side that holds the other row's key (many-to-one). */
  readonly localKey?: string;
  /** Key column compared on the side that is not named above (default `id`). */
  readonly references: string;
}

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** The data key or column a GraphQL name reads: snake_case under the default `camel` naming, else as written. */
export function dataKeyOf(schema: GraphQLSchema, name: string): string {
  return namingOf(schema) === 'preserve' ? name : snakeCase(name);
}

function directiveArgs(
  schema: GraphQLSchema,
  directive: string,
  node: GraphQLObjectType['astNode'] | GraphQLField<unknown, unknown>['astNode'] | GraphQLArgument['astNode'],
): Record<string, unknown> | undefined {
  const def = schema.getDirective(directive);
  if (!def || !node) return undefined;
  return getDirectiveValues(def, node) ?? undefined;
}

/** The relation name written in `@view(name:)`, or undefined for embedded/root types. */
export function viewNameOf(schema: GraphQLSchema, type: GraphQLNamedType): string | undefined {
  if (!('getFields' in type) || type.astNode?.kind !== 'ObjectTypeDefinition') return undefined;
  const args = directiveArgs(schema, 'view', type.astNode);
  return typeof args?.['name'] === 'string' ? args['name'] : undefined;
}

export function jsonKeyOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): string {
  const args = directiveArgs(schema, 'jsonKey', field.astNode);
  return typeof args?.['name'] === 'string' ? args['name'] : dataKeyOf(schema, field.name);
}

/**
 * The column `@column(compare:)` names: filters and orderings on the field compare it instead of
 * the column the field reads (a timestamptz beside its ISO text, so that its index serves them).
 */
export function compareColumnOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): string | undefined {
  const args = directiveArgs(schema, 'column', field.astNode);
  return typeof args?.['compare'] === 'string' ? args['compare'] : undefined;
}

/** The column named by `@column(name:)` on a field, if any. */
export function columnOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): string | undefined {
  const args = directiveArgs(schema, 'column', field.astNode);
  return typeof args?.['name'] === 'string' ? args['name'] : undefined;
}

export interface FilterSpec {
  /** The column (or data key) the argument compares. */
  readonly column: string;
  /** The operator, by its filter-input name (eq, gt, in, websearch_query, ...). */
  readonly op: string;
}

/** What a field argument filters on: `@filter(column:, op:)`, else equality on its snake_case name. */
export function filterSpecOf(schema: GraphQLSchema, arg: GraphQLArgument): FilterSpec {
  const args = directiveArgs(schema, 'filter', arg.astNode);
  const column = typeof args?.['column'] === 'string' ? args['column'] : dataKeyOf(schema, arg.name);
  const op = typeof args?.['op'] === 'string' ? args['op'] : 'eq';
  return { column, op };
}

/** The text search configuration of a field or filter argument (`@textSearch(config:)`), or null. */
export function textSearchConfigOf(schema: GraphQLSchema, node: GraphQLField<unknown, unknown> | GraphQLArgument): string | null {
  const args = directiveArgs(schema, 'textSearch', node.astNode);
  return typeof args?.['config'] === 'string' ? args['config'] : null;
}

/** The view named by `@view(name:)` on a root field (it overrides the type's view), if any. */
export function fieldViewOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): string | undefined {
  const args = directiveArgs(schema, 'view', field.astNode);
  return typeof args?.['name'] === 'string' ? args['name'] : undefined;
}

export function relationOf(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
): RelationSpec | undefined {
  const args = directiveArgs(schema, 'relation', field.astNode);
  if (!args) return undefined;
  const str = (k: string): string | undefined => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const foreignKey = str('foreignKey');
  const localKey = str('localKey');
  return {
    ...(foreignKey ? { foreignKey } : {}),
    ...(localKey ? { localKey } : {}),
    references: str('references') ?? 'id',
  };
}

/** Whether the (possibly non-null) type is a list at its outer level. */
export function isListOutput(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

export function namedTypeName(type: GraphQLType): string {
  return getNamedType(type).name;
}

/** The node type of a Relay connection type (`PostConnection` -> `Post`), when `type` is one. */
export function connectionNodeOf(schema: GraphQLSchema, type: GraphQLType): GraphQLObjectType | undefined {
  const named = getNamedType(type);
  if (!named.name.endsWith('Connection') || !('getFields' in named)) return undefined;
  const node = schema.getType(named.name.slice(0, -'Connection'.length));
  const fields = (named as GraphQLObjectType).getFields();
  if (!node || !isObjectType(node) || !fields['edges'] || !fields['pageInfo']) return undefined;
  return viewNameOf(schema, node) === undefined ? undefined : node;
}
