// Authorization stage: what each field of an operation requires, decided at build time from the
// schema's @authenticated / @requiresScopes (on fields, and on the object types fields return) and
// written into the generated module as `auth`. The runtime only evaluates the recorded
// requirements against the caller's scopes (runtime/http/auth/authorize.ts).
import {
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isInputObjectType,
  isInputType,
  isObjectType,
  typeFromAST,
  type GraphQLInputType,
  type ConstDirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Kind,
} from 'graphql';
import { MAX_GRANT_BITS, type AuthField, type OperationAuth, type Requirement } from '@fraise/runtime';
import { collectFields } from '../plan/collectFields.js';

/** The operation's requirements, or undefined when none of its fields has any. */
export function operationAuth(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
): OperationAuth | undefined {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return undefined;
  const requirements: Requirement[] = [];
  const keys = new Map<string, number>();
  const indexOf = (requirement: Requirement): number => {
    const key = JSON.stringify(requirement);
    let index = keys.get(key);
    if (index === undefined) {
      index = requirements.push(requirement) - 1;
      keys.set(key, index);
    }
    return index;
  };
  // Every @include/@skip on a variable counts as included: the tree covers each variant.
  const ctx = { fragments, assignment: new Map<string, boolean>() };
  const walk = (type: GraphQLObjectType, sets: readonly SelectionSetNode[], root: boolean): AuthField[] => {
    const out: AuthField[] = [];
    for (const [key, nodes] of collectFields(ctx, type, sets)) {
      const name = nodes[0]!.name.value;
      const def = type.getFields()[name];
      if (name.startsWith('__') || !def) continue;
      const requirement = requirementOf(def);
      const named = getNamedType(def.type);
      const children = isObjectType(named) ? walk(named, childSets(nodes), false) : [];
      if (!root && requirement === null && children.length === 0) continue;
      const nullable = getNullableType(def.type);
      out.push({
        key,
        ...(requirement !== null ? { requirement: indexOf(requirement) } : {}),
        nonNull: isNonNullType(def.type),
        ...(isListType(nullable) ? { list: { nonNullItems: isNonNullType(nullable.ofType) } } : {}),
        ...(children.length > 0 ? { fields: children } : {}),
      });
    }
    return out;
  };
  const fields = walk(root, [operation.selectionSet], true);
  if (requirements.length === 0) return undefined;
  return { requirements, fields };
}

/** Requirements past this index are not guarded in SQL (the grants are a bigint; the runtime still cuts). */
const MAX_GUARD_BITS = MAX_GRANT_BITS;

/** For the planner: the bit of a field's requirement in the operation's `auth` (compiler/sql: guarded). */
export function guardsOf(auth: OperationAuth): (def: GraphQLField<unknown, unknown>) => number | undefined {
  const keys = auth.requirements.map((r) => JSON.stringify(r));
  return (def) => {
    const requirement = requirementOf(def);
    if (requirement === null) return undefined;
    const index = keys.indexOf(JSON.stringify(requirement));
    return index >= 0 && index < MAX_GUARD_BITS ? index : undefined;
  };
}

function childSets(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

/** The field's own directives and those of the object type it returns, all required together. */
function requirementOf(def: GraphQLField<unknown, unknown>): Requirement | null {
  const named = getNamedType(def.type);
  const directives = [...(def.astNode?.directives ?? []), ...(isObjectType(named) ? typeDirectives(named) : [])];
  let authenticated = false;
  const scopes: string[][][] = [];
  for (const directive of directives) {
    if (directive.name.value === 'authenticated') authenticated = true;
    if (directive.name.value === 'requiresScopes') scopes.push(scopesArgument(directive));
  }
  return authenticated || scopes.length > 0 ? { authenticated, scopes } : null;
}

function typeDirectives(type: GraphQLObjectType): readonly ConstDirectiveNode[] {
  return [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
}

/** The literal [[String!]!]! (the schema was validated, so the shape is right). */
function scopesArgument(directive: ConstDirectiveNode): string[][] {
  const value = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  const list = (node: typeof value): readonly NonNullable<typeof value>[] =>
    node === undefined ? [] : node.kind === Kind.LIST ? node.values : [node];
  return list(value).map((inner) => list(inner).flatMap((s) => (s.kind === Kind.STRING ? [s.value] : [])));
}

/**
 * What audit events leave out: a variable marked @sensitive or passed to a @sensitive argument
 * (`"password"`), or an input field marked @sensitive inside a variable (`"input.password"`).
 */
export function sensitiveVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): string[] {
  const out = new Set<string>();
  const marked = (node: { readonly directives?: readonly ConstDirectiveNode[] } | null | undefined): boolean =>
    node?.directives?.some((d) => d.name.value === 'sensitive') ?? false;
  const inputPaths = (type: GraphQLInputType, prefix: string, seen: Set<string>): void => {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    const inner = new Set(seen).add(named.name);
    for (const field of Object.values(named.getFields())) {
      const path = `${prefix}.${field.name}`;
      if (marked(field.astNode)) out.add(path);
      else inputPaths(field.type, path, inner);
    }
  };
  for (const v of operation.variableDefinitions ?? []) {
    const name = v.variable.name.value;
    if (v.directives?.some((d) => d.name.value === 'sensitive')) {
      out.add(name);
      continue;
    }
    const type = typeFromAST(schema, v.type);
    if (type !== undefined && isInputType(type)) inputPaths(type, name, new Set());
  }
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !root) continue;
    const def = root.getFields()[selection.name.value];
    for (const arg of selection.arguments ?? []) {
      const argDef = def?.args.find((a) => a.name === arg.name.value);
      if (arg.value.kind === Kind.VARIABLE && marked(argDef?.astNode)) out.add(arg.value.name.value);
    }
  }
  return [...out].sort();
}
