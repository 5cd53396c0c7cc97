// TypeScript types of an operation's variables and result, as source text.
import {
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  typeFromAST,
} from 'graphql';
import { collectFields, isIncluded } from '../plan/collectFields.js';
import { configuredScalarTs } from '../schema/projectOptions.js';

const SCALAR_TS: Readonly<Record<string, string>> = {
  ID: 'string',
  String: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  DateTime: 'string',
  Date: 'string',
  UUID: 'string',
  JSON: 'unknown',
};

function namedTs(type: GraphQLNamedType): string {
  if (isEnumType(type)) return type.getValues().map((v) => JSON.stringify(v.name)).join(' | ');
  return configuredScalarTs(type) ?? SCALAR_TS[type.name] ?? 'unknown';
}

export function inputTypeTs(type: GraphQLInputType): string {
  if (isNonNullType(type)) return inputTypeTs(type.ofType).replace(/ \| null$/, '');
  if (isListType(type)) return `ReadonlyArray<${inputTypeTs(type.ofType)}> | null`;
  return `${namedTs(type as GraphQLNamedType)} | null`;
}

export function variablesTs(schema: GraphQLSchema, operation: OperationDefinitionNode): string {
  const lines = (operation.variableDefinitions ?? []).map((def) => {
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    const ts = type ? inputTypeTs(type) : 'unknown';
    const required = def.type.kind === 'NonNullType' && !def.defaultValue;
    return `  ${def.variable.name.value}${required ? '' : '?'}: ${ts};`;
  });
  return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n}`;
}

export function dataTs(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string {
  return objectTs(schema, fragments, schema.getQueryType()!, [operation.selectionSet], 0);
}

function objectTs(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  depth: number,
): string {
  // With no assignment, @include/@skip on variables read as 'conditional': such keys are optional.
  const fields = collectFields({ fragments, assignment: new Map() }, type, sets);
  const indent = '  '.repeat(depth + 1);
  const lines: string[] = [];
  for (const [key, nodes] of fields) {
    const optional = nodes.every((n) => isIncluded(null, n.directives) === 'conditional');
    const name = nodes[0]!.name.value;
    let ts: string;
    if (name === '__typename') ts = JSON.stringify(type.name);
    else {
      const def = type.getFields()[name];
      if (!def) continue;
      const childSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      ts = outputTs(schema, fragments, def.type, childSets, depth + 1);
    }
    lines.push(`${indent}${key}${optional ? '?' : ''}: ${ts};`);
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
  return `${namedTs(named)} | null`;
}
