// One query, from its operation to the parts of its module: the @include/@skip variants planned
// and turned into statements (or templates, for optional filters), and the prepare code that picks
// one per request. (Mutations: mutation/compileMutation.ts.)
import { sha256 } from '@fraise/runtime';
import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { type Diagnostic, diagnostic } from './diagnostics.js';
import { prepareCode, type StatementOut, type TemplateOut, type VariantOut } from './emit/coercionCode.js';
import type { ModuleInput } from './emit/emitModule.js';
import { RuntimeImports } from './emit/runtimeImports.js';
import type { ViewCatalog } from './metadata/checkSchema.js';
import { statementName } from './operationIdentity.js';
import { MAX_CONDITIONS, MAX_OPTIONAL_FILTERS, assignments, findConditions, type RuntimeConditions } from './plan/conditions.js';
import type { PlanContext } from './plan/context.js';
import type { ConnectionArgs } from './plan/ir.js';
import { planOperation } from './plan/planOperation.js';
import { emitStatement, type EmittedStatement } from './sql/emitSql.js';
import { expandPieces } from '@fraise/runtime';
import { hasOptionalParts } from './sql/builder.js';

/** What a query's module holds beyond its names and types: statements, templates, prepare. */
export type QueryParts = Pick<ModuleInput, 'shape' | 'statements' | 'templates' | 'optionalFilterCount' | 'prepareHelpers' | 'prepareBody' | 'imports'> & {
  readonly marksNulls: boolean;
};

export function compileQuery(
  schema: GraphQLSchema,
  catalog: ViewCatalog,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  maxPageSize: number | undefined,
  guardOf?: PlanContext['guardOf'],
): QueryParts | { diagnostics: Diagnostic[] } {
  const { conditions, optionalFilters } = findConditions(operation, fragments, schema);
  if (conditions.length > MAX_CONDITIONS || optionalFilters.length > MAX_OPTIONAL_FILTERS) {
    return {
      diagnostics: [
        diagnostic('FRAISE_TOO_MANY_VARIANTS',
          `Operation "${operation.name?.value ?? '(anonymous)'}" has ${conditions.length} @include/@skip variables and ${optionalFilters.length} optional filter variables; at most ${MAX_CONDITIONS} and ${MAX_OPTIONAL_FILTERS} are compiled.`,
          operation, 'Use literals for some @include/@skip conditions, or split the operation.'),
      ],
    };
  }
  const planned = planVariants(schema, catalog, fragments, operation, conditions, optionalFilters, maxPageSize, guardOf);
  if ('diagnostics' in planned) return planned;
  const imports = new RuntimeImports();
  const prepare = prepareCode({ schema, imports, catalog, operation, fragments, conditions, optionalFilters, variants: planned.variants });
  return {
    shape: planned.shape,
    statements: planned.statements,
    templates: planned.templates,
    optionalFilterCount: optionalFilters.length,
    prepareHelpers: prepare.helpers,
    prepareBody: prepare.body,
    imports,
    marksNulls: planned.marksNulls,
  };
}

interface PlannedVariants {
  readonly shape: EmittedStatement['shape'];
  readonly statements: readonly StatementOut[];
  readonly templates: readonly TemplateOut[];
  readonly variants: readonly VariantOut[];
  readonly marksNulls: boolean;
}

/**
 * One plan and statement per assignment of the @include/@skip variables; identical statements (and
 * templates) are listed once, each variant pointing at its own.
 */
function planVariants(
  schema: GraphQLSchema,
  catalog: ViewCatalog,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  conditions: RuntimeConditions['conditions'],
  optionalFilters: RuntimeConditions['optionalFilters'],
  maxPageSize: number | undefined,
  guardOf: PlanContext['guardOf'] | undefined,
): PlannedVariants | { diagnostics: Diagnostic[] } {
  const variables = new Map((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));
  const optionalBits = new Map(optionalFilters.map((o, i) => [o.variable, i]));
  const diagnostics: Diagnostic[] = [];
  const statements: StatementOut[] = [];
  const templates: TemplateOut[] = [];
  const variants: VariantOut[] = [];
  let shape: EmittedStatement['shape'] | undefined;
  let marksNulls = false;
  for (const assignment of assignments(conditions)) {
    const connections: ConnectionArgs[] = [];
    const plan = planOperation({ schema, catalog, fragments, variables, assignment, diagnostics, connections, ...(maxPageSize !== undefined ? { maxPageSize } : {}), ...(guardOf ? { guardOf } : {}) }, operation);
    const emitted = emitStatement(plan, optionalBits, conditions.length === 0);
    shape ??= emitted.shape;
    marksNulls ||= emitted.marksNulls;
    if (hasOptionalParts(emitted.pieces)) {
      const key = JSON.stringify(emitted.pieces);
      let index = templates.findIndex((t) => JSON.stringify(t.pieces) === key);
      const fallbacks = emitted.slots.map((s) => s.tieBreak ?? 'TRUE');
      if (index < 0) index = templates.push({ name: `fraise_${sha256(key).slice(0, 16)}`, pieces: emitted.pieces, fallbacks }) - 1;
      variants.push({ kind: 'template', index, params: emitted.params, slots: emitted.slots, connections });
    } else {
      // Parameters are numbered in the order they appear in the text, so lay the values out so.
      const { text, params: order } = expandPieces(emitted.pieces, 0);
      let index = statements.findIndex((s) => s.text === text);
      if (index < 0) index = statements.push({ name: statementName(text), text }) - 1;
      variants.push({ kind: 'statement', index, params: order.map((i) => emitted.params[i]!), slots: [], connections });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { shape: shape!, statements, templates, variants, marksNulls };
}
