// SDL argument defaults and field-argument filters, as GraphQL defines them: an argument the
// operation omits takes its default (`authors(limit: Int = 20)`), and so does an argument whose
// variable the request omits. Found once per operation with graphql-js's TypeInfo, so a fragment's
// fields are seen with their parent type.
import {
  Kind,
  TypeInfo,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** Arguments of list fields that are not row filters: paging, ordering, the where input. */
export const LIST_CONTROL_ARGUMENTS: ReadonlySet<string> = new Set(['where', 'orderBy', 'limit', 'offset', 'first', 'last', 'after', 'before']);

export interface ArgumentDefaults {
  /** Variable -> the value it takes when the request omits it (the default of the argument it fills). */
  readonly fallbacks: ReadonlyMap<string, unknown>;
  /** Nullable variables that are the value of a field-argument filter: null or omitted leaves the filter out. */
  readonly filterVariables: ReadonlySet<string>;
}

/** Whether an argument of this field is a row filter (`users(orgId: Int)`, `posts(published: Boolean = true)`). */
export function isFilterArgument(field: GraphQLField<unknown, unknown>, arg: GraphQLArgument): boolean {
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  const listOrConnection = isListType(type) || (isObjectType(type) && type.name.endsWith('Connection'));
  return listOrConnection && !LIST_CONTROL_ARGUMENTS.has(arg.name);
}

export function argumentDefaults(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): ArgumentDefaults {
  const variables = new Map((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));
  const fallbacks = new Map<string, unknown>();
  const filterVariables = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Argument(node) {
      const arg = typeInfo.getArgument();
      const field = typeInfo.getFieldDef();
      if (!arg || !field || node.value.kind !== Kind.VARIABLE) return;
      const name = node.value.name.value;
      const definition = variables.get(name);
      if (!definition || definition.defaultValue) return;
      if (arg.defaultValue !== undefined && arg.defaultValue !== null) fallbacks.set(name, arg.defaultValue);
      if (isFilterArgument(field, arg) && definition.type.kind !== Kind.NON_NULL_TYPE && getNamedType(arg.type)) filterVariables.add(name);
    },
  });
  visit(operation, visitor);
  for (const fragment of fragments.values()) visit(fragment, visitor);
  return { fallbacks, filterVariables };
}
