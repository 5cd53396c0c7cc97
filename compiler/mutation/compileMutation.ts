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
import { mutationPrepareCode, type StepOut } from './mutationPrepare.js';
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
    const text = mutationFieldSql(ctx, fn, field.type, sets);
    if (connections.length > 0) {
      // A connection's paging arguments are decoded by a query's prepare; a mutation's does not.
      diagnostics.push(diagnostic('FRAISE_UNSUPPORTED', `Mutation field "${key}" selects a Relay connection in its result; connections are supported in queries only.`,
        node, 'Select the relation as a list (with limit/offset), or query the connection after the mutation.'));
      connections.length = 0;
    }
    let index = statements.findIndex((s) => s.text === text);
    if (index < 0) index = statements.push({ name: statementName(text), text }) - 1;
    // An omitted argument takes the field's default (as written in the SDL), else null.
    const args = fn.args.map((a) => {
      const def = field.args.find((x) => x.name === a.graphqlName)!;
      const given = node.arguments?.find((x) => x.name.value === a.graphqlName)?.value;
      const value: ValueNode = given ?? def.astNode?.defaultValue ?? { kind: Kind.NULL };
      return { node: value, type: def.type, encoding: a.encoding };
    });
    steps.push({ key, statement: index, args });
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
