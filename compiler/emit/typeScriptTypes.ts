// TypeScript types of an operation's variables and result, as source text.
import {
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  isAbstractType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
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
import { collectFields } from '../plan/collectFields.js';
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

export function namedTs(type: GraphQLNamedType): string {
  if (isEnumType(type)) return type.getValues().map((v) => JSON.stringify(v.name)).join(' | ');
  return configuredScalarTs(type) ?? SCALAR_TS[type.name] ?? 'unknown';
}

export function inputTypeTs(type: GraphQLInputType): string {
  if (isNonNullType(type)) return inputTypeTs(type.ofType).replace(/ \| null$/, '');
  if (isListType(type)) return `ReadonlyArray<${inputTypeTs(type.ofType)}> | null`;
  // Input objects (where, orderBy, filters) are named types declared beside the variables.
  if (isInputObjectType(type)) return `${type.name} | null`;
  return `${namedTs(type as GraphQLNamedType)} | null`;
}

/** Local declarations of the input object types the operation's variables use (recursively). */
export function inputDeclarationsTs(schema: GraphQLSchema, operation: OperationDefinitionNode): string {
  const seen = new Map<string, string>();
  const visit = (type: GraphQLInputType): void => {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    seen.set(named.name, '');
    const fields = Object.values(named.getFields());
    seen.set(
      named.name,
      `type ${named.name} = {\n${fields.map((f) => `  readonly ${f.name}?: ${inputTypeTs(f.type)};`).join('\n')}\n};`,
    );
    for (const f of fields) visit(f.type);
  };
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    if (type) visit(type);
  }
  return [...seen.values()].join('\n\n');
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
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  return objectTs(schema, fragments, root!, [operation.selectionSet], 0);
}

function objectTs(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  depth: number,
): string {
  // With no assignment, @include/@skip on variables read as 'conditional': such keys are optional.
  const conditional = new Set<FieldNode>();
  const fields = collectFields({ fragments, assignment: new Map() }, type, sets, conditional);
  const indent = '  '.repeat(depth + 1);
  const lines: string[] = [];
  for (const [key, nodes] of fields) {
    // A key is optional when every occurrence may be left out by @include/@skip on a variable.
    const optional = nodes.every((n) => conditional.has(n));
    const name = nodes[0]!.name.value;
    let ts: string;
    if (name === '__typename') ts = JSON.stringify(type.name);
    else {
      const root = type === schema.getQueryType();
      const def = root && name === '__schema' ? SchemaMetaFieldDef : root && name === '__type' ? TypeMetaFieldDef : type.getFields()[name];
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
  if (isAbstractType(named)) {
    // A union or interface result (mutations): the union of each member's selection.
    const members = schema.getPossibleTypes(named).map((m) => objectTs(schema, fragments, m, sets, depth));
    return `${members.join(' | ')} | null`;
  }
  return `${namedTs(named)} | null`;
}
