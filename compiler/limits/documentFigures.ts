// The size of an operation, decided from its document: selection depth, aliases, root fields and
// the rows it may read at most (each list's limit - a literal, the variable's default, else the
// configured maximum page size - multiplied down the nesting). `fraise-compile --report` prints
// them per operation; run-time compiled documents are refused beyond `DocumentLimits`.
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { collectFields } from '../plan/collectFields.js';

export interface DocumentFigures {
  /** Deepest field nesting (a root field with scalars only: 1). */
  readonly depth: number;
  readonly aliases: number;
  readonly rootFields: number;
  /** Rows read at most: Infinity when a list has no bound (no limit and no maxPageSize). */
  readonly estimatedRows: number;
}

export interface DocumentLimits {
  readonly maxDepth?: number;
  readonly maxAliases?: number;
  readonly maxRootFields?: number;
  readonly maxEstimatedRows?: number;
}

/** The limits createDocumentCompiler applies to documents compiled at run time unless told otherwise. */
export const DEFAULT_DOCUMENT_LIMITS: Required<DocumentLimits> = { maxDepth: 10, maxAliases: 30, maxRootFields: 10, maxEstimatedRows: 100_000 };

const PAGE_ARGUMENTS = ['limit', 'first', 'last'];

export function documentFigures(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  maxPageSize: number | undefined,
): DocumentFigures {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const defaults = new Map(
    (operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v.defaultValue?.kind === Kind.INT ? Number(v.defaultValue.value) : undefined]),
  );
  const ctx = { fragments, assignment: new Map<string, boolean>() };
  let aliases = 0;
  // Aliases are counted on the document (every aliased field node, fragments once per use).
  const countAliases = (sets: readonly SelectionSetNode[], seen: Set<string>): void => {
    for (const set of sets) {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) aliases++;
          if (selection.selectionSet) countAliases([selection.selectionSet], seen);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) countAliases([selection.selectionSet], seen);
        else {
          const fragment = fragments.get(selection.name.value);
          if (fragment && !seen.has(fragment.name.value)) countAliases([fragment.selectionSet], new Set(seen).add(fragment.name.value));
        }
      }
    }
  };
  countAliases([operation.selectionSet], new Set());

  const pageOf = (node: FieldNode): number => {
    for (const arg of node.arguments ?? []) {
      if (!PAGE_ARGUMENTS.includes(arg.name.value)) continue;
      const n = intOf(arg.value, defaults);
      if (n !== undefined) return maxPageSize !== undefined ? Math.min(n, maxPageSize) : n;
    }
    return maxPageSize ?? Infinity;
  };
  /** [depth below, rows] of a selection on `type`, each row multiplied by `times`. */
  const walk = (type: GraphQLObjectType, sets: readonly SelectionSetNode[], times: number): [number, number] => {
    let depth = 0;
    let rows = 0;
    for (const [, nodes] of collectFields(ctx, type, sets)) {
      const node = nodes[0]!;
      const def: GraphQLField<unknown, unknown> | undefined = type.getFields()[node.name.value];
      if (!def) {
        depth = Math.max(depth, 1);
        continue;
      }
      const named = getNamedType(def.type);
      if (!isObjectType(named)) {
        depth = Math.max(depth, 1);
        continue;
      }
      const list = isListType(getNullableType(def.type));
      const connection = named.getFields()['edges'] !== undefined && named.getFields()['pageInfo'] !== undefined;
      const viewBacked = named.astNode?.directives?.some((d) => d.name.value === 'view') ?? false;
      // A list of view rows (or a connection's page) reads up to its page of rows per parent row.
      const here = (list && viewBacked) || connection ? times * pageOf(node) : viewBacked ? times : 0;
      const sets2 = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const [below, rowsBelow] = walk(named, sets2, here > 0 ? here : times);
      depth = Math.max(depth, below + 1);
      rows += here + rowsBelow;
    }
    return [depth, rows];
  };
  const rootFields = root ? collectFields(ctx, root, [operation.selectionSet]).size : 0;
  const [depth, estimatedRows] = root ? walk(root, [operation.selectionSet], 1) : [0, 0];
  return { depth, aliases, rootFields, estimatedRows };
}

function intOf(value: ValueNode, defaults: ReadonlyMap<string, number | undefined>): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) return defaults.get(value.name.value);
  return undefined;
}

/** Diagnostics for figures beyond the limits (at the operation's position). */
export function limitDiagnostics(figures: DocumentFigures, limits: DocumentLimits, operation: OperationDefinitionNode): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (value: number, max: number | undefined, what: string, hint: string): void => {
    if (max !== undefined && value > max) {
      out.push(diagnostic('FRAISE_DOCUMENT_LIMIT', `Operation "${operation.name?.value ?? ''}" ${what} ${fmt(value)}; at most ${max} is accepted.`, operation, hint));
    }
  };
  check(figures.depth, limits.maxDepth, 'nests fields', 'Select fewer levels of relations, or persist the operation at build time.');
  check(figures.aliases, limits.maxAliases, 'uses aliases:', 'Use fewer aliases (each can repeat a costly field).');
  check(figures.rootFields, limits.maxRootFields, 'selects root fields:', 'Split the operation.');
  check(figures.estimatedRows, limits.maxEstimatedRows, 'may read rows:', 'Give lists a smaller limit (rows multiply down nested lists).');
  return out;
}

const fmt = (n: number): string => (Number.isFinite(n) ? String(n) : 'unbounded');
