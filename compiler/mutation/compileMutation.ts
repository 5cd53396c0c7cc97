// Compiles one mutation operation: a named prepared statement per mutation field (the function
// call and the projection of its result), run in order in one transaction by the runtime.
import {
  Kind,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { type Diagnostic, diagnostic } from '../diagnostics.js';
import type { StatementOut } from '../emit/coercionCode.js';
import type { ViewCatalog } from '../metadata/checkSchema.js';
import { collectFields } from '../plan/collectFields.js';
import { findConditions } from '../plan/conditions.js';
import type { PlanContext } from '../plan/context.js';
import type { ConnectionArgs } from '../plan/ir.js';
import type { FunctionCatalog } from './bindFunctions.js';
import { mutationFieldSql } from './emitMutation.js';
import { mutationPrepareCode, type StepArgument, type StepOut } from './mutationPrepare.js';

/** Most nullable variables (for parameters with a DEFAULT) one mutation field may leave out at run time. */
export const MAX_OPTIONAL_ARGUMENTS = 4;
import { RuntimeImports } from '../emit/runtimeImports.js';
import { dataTs } from '../emit/typeScriptTypes.js';
import { mutationVariablesTs } from './mutationTypes.js';

export interface CompiledMutation {
  readonly statements: readonly StatementOut[];
  readonly prepareHelpers: string;
  readonly prepareBody: string;
  readonly variablesType: string;
  readonly dataType: string;
  /** The runtime helpers its prepare uses. */
  readonly imports: RuntimeImports;
}

export function compileMutation(
  schema: GraphQLSchema,
  catalog: ViewCatalog,
  functions: FunctionCatalog,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  statementName: (text: string) => string,
  maxPageSize?: number,
): CompiledMutation | { diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (findConditions(operation, fragments, schema).conditions.length > 0) {
    return {
      diagnostics: [diagnostic('FRAISE_UNSUPPORTED', `Mutation "${operation.name?.value}" uses @include/@skip with a variable; mutations take literal conditions only.`,
        operation, 'Split the mutation, or use a literal true/false.')],
    };
  }
  const mutationType = schema.getMutationType()!;
  const variables = new Map((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));
  const connections: ConnectionArgs[] = [];
  const ctx: PlanContext = { schema, catalog, fragments, variables, assignment: new Map(), diagnostics, connections, ...(maxPageSize !== undefined ? { maxPageSize } : {}) };
  const statements: StatementOut[] = [];
  const steps: StepOut[] = [];
  for (const [key, nodes] of collectFields(ctx, mutationType, [operation.selectionSet])) {
    const node = nodes[0]!;
    const name = node.name.value;
    if (name === '__typename') {
      steps.push({ key, typename: mutationType.name });
      continue;
    }
    const field = mutationType.getFields()[name];
    const fn = functions.get(name);
    if (!field || !fn) continue; // reported when the schema was bound
    const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    // Per argument: its value (given, else the SDL default, else null), or left out of the call
    // (omitted with a parameter DEFAULT). A nullable variable without a default may be omitted at
    // run time: each combination of those is its own statement (at most 2^MAX_OPTIONAL_ARGUMENTS).
    const optional: string[] = [];
    const args: StepArgument[] = [];
    const fixedAbsent = new Set<number>();
    fn.args.forEach((a, i) => {
      const def = field.args.find((x) => x.name === a.graphqlName)!;
      const given = node.arguments?.find((x) => x.name.value === a.graphqlName)?.value;
      const sdlDefault = def.astNode?.defaultValue;
      if (!given && !sdlDefault && a.hasDefault) {
        fixedAbsent.add(i);
        return;
      }
      const value: ValueNode = given ?? sdlDefault ?? { kind: Kind.NULL };
      let bit: number | undefined;
      if (value.kind === Kind.VARIABLE && !sdlDefault && a.hasDefault) {
        const variable = variables.get(value.name.value);
        if (variable && variable.type.kind !== Kind.NON_NULL_TYPE && !variable.defaultValue) bit = optional.push(value.name.value) - 1;
      }
      args.push({
        node: value,
        type: def.type,
        encoding: a.encoding,
        ...(bit !== undefined ? { bit } : {}),
        ...(value.kind === Kind.VARIABLE && sdlDefault ? { fallback: sdlDefault } : {}),
      });
    });
    if (optional.length > MAX_OPTIONAL_ARGUMENTS) {
      diagnostics.push(diagnostic('FRAISE_TOO_MANY_VARIANTS',
        `Mutation field "${key}" has ${optional.length} optional variables for parameters with defaults; at most ${MAX_OPTIONAL_ARGUMENTS} are compiled.`,
        node, 'Make some variables non-null, or give them defaults in the operation.'));
      continue;
    }
    const variantStatements: number[] = [];
    let selectionParams = 0;
    for (let bits = 0; bits < 1 << optional.length; bits++) {
      let at = 0;
      const present = fn.args.map((_, i) => {
        if (fixedAbsent.has(i)) return false;
        const arg = args[at++]!;
        return arg.bit === undefined || (bits & (1 << arg.bit)) !== 0;
      });
      const { text, selectionParams: needed } = mutationFieldSql(ctx, fn, field.type, sets, present);
      selectionParams = Math.max(selectionParams, needed);
      if (needed > 0) continue;
      let index = statements.findIndex((s) => s.text === text);
      if (index < 0) index = statements.push({ name: statementName(text), text }) - 1;
      variantStatements.push(index);
    }
    if (connections.length > 0) {
      // A connection's paging arguments are decoded by a query's prepare; a mutation's does not.
      diagnostics.push(diagnostic('FRAISE_UNSUPPORTED', `Mutation field "${key}" selects a Relay connection in its result; connections are supported in queries only.`,
        node, 'Select the relation as a list (with limit/offset), or query the connection after the mutation.'));
      connections.length = 0;
    } else if (selectionParams > 0) {
      // The statement binds the function's arguments only (mutationPrepare.ts lays out nothing else).
      diagnostics.push(diagnostic('FRAISE_UNSUPPORTED',
        `Mutation field "${key}" selects related rows whose arguments need bind values of their own (a variable, a list, a text pattern such as contains, or a whole where/orderBy variable); a mutation binds only its function's arguments.`,
        node, 'Write those arguments as plain literals (numbers, booleans, enum values, strings without a backslash), or query the related rows after the mutation.'));
    }
    steps.push({ key, statements: variantStatements, optional, args });
  }
  if (diagnostics.length > 0) return { diagnostics };
  const imports = new RuntimeImports();
  const prepare = mutationPrepareCode(schema, operation, steps, imports);
  return {
    imports,
    statements,
    prepareHelpers: prepare.helpers,
    prepareBody: prepare.body,
    variablesType: mutationVariablesTs(schema, operation),
    dataType: dataTs(schema, operation, fragments),
  };
}
