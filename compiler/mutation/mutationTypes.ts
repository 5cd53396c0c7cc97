// TypeScript types of a mutation's variables (input objects spelled out with their GraphQL field
// names). Its data type comes from emit/typeScriptTypes.ts's dataTs, as a query's does.
import {
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { namedTs } from '../emit/typeScriptTypes.js';

function inputTs(type: GraphQLInputType, depth: number, seen: ReadonlySet<string>): string {
  if (isNonNullType(type)) return inputTs(type.ofType, depth, seen).replace(/ \| null$/, '');
  if (isListType(type)) return `ReadonlyArray<${inputTs(type.ofType, depth, seen)}> | null`;
  const named = type as GraphQLNamedType;
  if (isInputObjectType(named)) {
    if (seen.has(named.name) || depth > 6) return 'Readonly<Record<string, unknown>> | null';
    const inner = new Set([...seen, named.name]);
    const pad = '  '.repeat(depth + 1);
    const lines = Object.values(named.getFields()).map((f) => {
      const optional = !isNonNullType(f.type) || f.defaultValue !== undefined;
      return `${pad}readonly ${f.name}${optional ? '?' : ''}: ${inputTs(f.type, depth + 1, inner)};`;
    });
    return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}} | null`;
  }
  return `${namedTs(named)} | null`;
}

export function mutationVariablesTs(schema: GraphQLSchema, operation: OperationDefinitionNode): string {
  const lines = (operation.variableDefinitions ?? []).map((def) => {
    const type = typeFromAST(schema, def.type) as GraphQLInputType;
    const required = def.type.kind === 'NonNullType' && !def.defaultValue;
    return `  ${def.variable.name.value}${required ? '' : '?'}: ${inputTs(type, 1, new Set())};`;
  });
  return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n}`;
}
