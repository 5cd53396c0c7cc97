// Introspection (__schema, __type) answered from data computed at build time: graphql-js executes
// the operation's introspection fields here, on the schema being compiled, once for every
// combination of the variables they use (a String naming a type, Booleans such as
// includeDeprecated or @include/@skip). The runtime only looks the JSON up; it never runs graphql-js.
import {
  Kind,
  executeSync,
  getNamedType,
  typeFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { diagnostic } from '../diagnostics.js';
import { visitWithFragments } from '../validate/fragmentWalk.js';
import type { PlanContext } from './context.js';
import type { Param, RootField } from './ir.js';

/** Most combinations of variable values one introspection field is computed for. */
export const MAX_INTROSPECTION_ENTRIES = 4096;

export const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

/** The root field `key` (nodes merged under it): its JSON for every combination of the variables it uses. */
export function planIntrospection(ctx: PlanContext, key: string, nodes: readonly FieldNode[]): RootField | undefined {
  const used = variablesUsed(nodes, ctx.fragments);
  const definitions = used.map((name) => ctx.variables.get(name)).filter((d): d is VariableDefinitionNode => d !== undefined);
  const typeNames = Object.keys(ctx.schema.getTypeMap());
  const domains: { name: string; values: readonly unknown[]; names?: readonly string[] }[] = [];
  for (const definition of definitions) {
    const type = typeFromAST(ctx.schema, definition.type);
    const named = type ? getNamedType(type).name : '';
    const name = definition.variable.name.value;
    if (named === 'Boolean') domains.push({ name, values: [true, false, null] });
    else if (named === 'String') domains.push({ name, values: [...typeNames, null], names: typeNames });
    else {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', `Variable "$${name}" of type ${named} is used in introspection; only String (a type name) and Boolean variables are.`,
          definition, 'Use a literal, or a String or Boolean variable.'),
      );
      return undefined;
    }
  }
  const entries = domains.reduce((n, d) => n * d.values.length, 1);
  if (entries > MAX_INTROSPECTION_ENTRIES) {
    ctx.diagnostics.push(
      diagnostic('FRAISE_TOO_MANY_VARIANTS', `Introspection field "${key}" depends on ${domains.length} variables: ${entries} combinations, at most ${MAX_INTROSPECTION_ENTRIES} are computed.`,
        nodes[0]!, 'Use literals for some of its variables.'),
    );
    return undefined;
  }
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    variableDefinitions: definitions,
    selectionSet: { kind: Kind.SELECTION_SET, selections: nodes },
  };
  const document = { kind: Kind.DOCUMENT, definitions: [operation, ...ctx.fragments.values()] } as const;
  const table: Record<string, string> = {};
  for (const values of combinations(domains.map((d) => d.values))) {
    const variableValues = Object.fromEntries(
      domains.map((d, i) => [d.name, values[i] === null && d.names !== undefined ? '' : values[i]]),
    );
    const result = executeSync({ schema: ctx.schema, document, variableValues });
    if (result.errors?.length) {
      // A combination the operation refuses (a null for a non-null variable): prepare refuses it too.
      continue;
    }
    table[JSON.stringify(values)] = JSON.stringify((result.data as Record<string, unknown>)[key] ?? null);
  }
  const param: Param = {
    source: { kind: 'Table', variables: domains.map((d) => (d.names ? { name: d.name, names: true } : { name: d.name })), table },
    sqlType: 'json',
    encoding: 'plain',
  };
  return { kind: 'RootJson', key, param };
}

function variablesUsed(nodes: readonly FieldNode[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  const found = new Set<string>();
  visitWithFragments(nodes, fragments, {
    Variable(variable) {
      found.add(variable.name.value);
    },
  });
  return [...found].sort();
}

function* combinations(domains: readonly (readonly unknown[])[]): Generator<unknown[]> {
  if (domains.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = domains;
  for (const value of first!) for (const tail of combinations(rest)) yield [value, ...tail];
}

/** Whether a schema's introspection is asked for anywhere in the operation (for the `introspection: false` option). */
export function usesIntrospection(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FieldNode | undefined {
  let found: FieldNode | undefined;
  visitWithFragments(operation, fragments, {
    Field(field) {
      if (INTROSPECTION_FIELDS.has(field.name.value)) found ??= field;
    },
  });
  return found;
}
