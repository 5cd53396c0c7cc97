// TypeScript types of a mutation's variables (input objects spelled out with their GraphQL field
// names) and of its data (a union result is the union of its members' selections).
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  typeFromAST,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { collectFields } from '../plan/collectFields.js';

const SCALAR_TS: Readonly<Record<string, string>> = {
  ID: 'string', String: 'string', Int: 'number', Float: 'number', Boolean: 'boolean',
  DateTime: 'string', Date: 'string', UUID: 'string', JSON: 'unknown',
};

function leafTs(type: GraphQLNamedType): string {
  if (isEnumType(type)) return type.getValues().map((v) => JSON.stringify(v.name)).join(' | ');
  return SCALAR_TS[type.name] ?? 'unknown';
}

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
  return `${leafTs(named)} | null`;
}

export function mutationVariablesTs(schema: GraphQLSchema, operation: OperationDefinitionNode): string {
  const lines = (operation.variableDefinitions ?? []).map((def) => {
    const type = typeFromAST(schema, def.type) as GraphQLInputType;
    const required = def.type.kind === 'NonNullType' && !def.defaultValue;
    return `  ${def.variable.name.value}${required ? '' : '?'}: ${inputTs(type, 1, new Set())};`;
  });
  return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n}`;
}

export function mutationDataTs(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string {
  return objectTs(schema, fragments, schema.getMutationType()!, [operation.selectionSet], 0);
}

function objectTs(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  depth: number,
): string {
  const lines: string[] = [];
  const pad = '  '.repeat(depth + 1);
  for (const [key, nodes] of collectFields({ fragments, assignment: new Map() }, type, sets)) {
    const name = nodes[0]!.name.value;
    const def = type.getFields()[name];
    if (name !== '__typename' && !def) continue;
    const childSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    const ts = name === '__typename' ? JSON.stringify(type.name) : outputTs(schema, fragments, def!.type, childSets, depth + 1);
    lines.push(`${pad}${key}: ${ts};`);
  }
  return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
}

function outputTs(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLOutputType,
  sets: readonly SelectionSetNode[],
  depth: number,
): string {
  if (isNonNullType(type)) return outputTs(schema, fragments, type.ofType, sets, depth).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${outputTs(schema, fragments, type.ofType, sets, depth)}> | null`;
  const named = getNamedType(type);
  if (isObjectType(named)) return `${objectTs(schema, fragments, named, sets, depth)} | null`;
  if (isAbstractType(named)) {
    const members = schema.getPossibleTypes(named).map((m) => objectTs(schema, fragments, m, sets, depth));
    return `${members.join(' | ')} | null`;
  }
  return `${leafTs(named)} | null`;
}
