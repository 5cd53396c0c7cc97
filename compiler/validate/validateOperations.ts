// Validation stage: graphql-js's rules over all documents together (fragments are shared across
// files), then the constructs Fraise does not compile yet.
import {
  GraphQLError,
  Kind,
  LoneAnonymousOperationRule,
  specifiedRules,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { type Diagnostic, diagnostic, fromGraphQLError } from '../diagnostics.js';
import type { LoadedFile } from '../load/loadSources.js';

export interface ValidatedOperations {
  readonly operations: readonly OperationDefinitionNode[];
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * graphql-js's rules run per operation, on the operation and the fragments it uses (plus once on
 * the fragments no operation uses), so that results can be reused between compiles: `cache` maps
 * the text of such a group (with `schemaKey`) to its diagnostics. Names must be unique across all
 * files; that is checked here directly.
 */
export function validateOperations(
  schema: GraphQLSchema,
  files: readonly LoadedFile[],
  cache?: { readonly schemaKey: string; readonly results: Map<string, readonly Diagnostic[]> },
): ValidatedOperations {
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: files.flatMap((f) => f.document.definitions) };
  const diagnostics: Diagnostic[] = [];
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();

  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
    else if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else {
      diagnostics.push(
        diagnostic('FRAISE_NOT_AN_OPERATION', 'Operation documents may hold only operations and fragments.', def,
          'Move type definitions to the schema files (--schema).'),
      );
    }
  }
  if (diagnostics.length > 0) return { operations: [], fragments, diagnostics };

  // Every operation must be named (checked below with a clearer message), so graphql-js's rule for
  // a lone anonymous operation would only repeat that error.
  const rules = specifiedRules.filter((rule) => rule !== LoneAnonymousOperationRule);
  diagnostics.push(...duplicateNames(document));
  const used = new Set<string>();
  const results = new Map<string, readonly Diagnostic[]>();
  const check = (definitions: readonly DefinitionNode[]): void => {
    const key = `${cache?.schemaKey ?? ''}\0${definitions.map(sourceText).join('\0')}`;
    let found = cache?.results.get(key);
    if (!found) {
      found = validate(schema, { kind: Kind.DOCUMENT, definitions }, rules).map((e) => fromGraphQLError('FRAISE_INVALID_OPERATION', e));
    }
    results.set(key, found);
    diagnostics.push(...found);
  };
  for (const operation of operations) {
    const group = fragmentsUsedBy(operation, fragments);
    for (const name of group) used.add(name);
    check([operation, ...[...group].sort().map((name) => fragments.get(name)!)]);
  }
  const unused = [...fragments.values()].filter((f) => !used.has(f.name.value));
  if (unused.length > 0) check(unused);
  if (cache) {
    cache.results.clear();
    for (const [key, value] of results) cache.results.set(key, value);
  }
  for (const operation of operations) {
    if (!operation.name) {
      diagnostics.push(
        diagnostic('FRAISE_ANONYMOUS_OPERATION', 'Every operation needs a name: it names the generated module.', operation,
          'Write `query MyName { ... }`.'),
      );
    }
    if (operation.operation === 'subscription') {
      diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', 'subscription operations are not supported.', operation,
          'Fraise compiles queries, and mutations through @function.'),
      );
    }
  }
  const introspection = (node: DocumentNode): void => {
    visit(node, {
      Field(field) {
        const name = field.name.value;
        if (name === '__schema' || name === '__type') {
          diagnostics.push(
            diagnostic('FRAISE_UNSUPPORTED', `Introspection (${name}) is not served by compiled operations.`, field,
              'Use the schema.graphql file written to the output folder instead.'),
          );
        }
      },
    });
  };
  introspection(document);
  return { operations, fragments, diagnostics };
}

/** The text of a definition as written (its file name included, since locations name the file). */
function sourceText(node: DefinitionNode): string {
  const loc = node.loc;
  return loc ? `${loc.source.name}:${loc.start}:${loc.source.body.slice(loc.start, loc.end)}` : JSON.stringify(node);
}

/** Names of the fragments an operation uses, directly or through other fragments (known ones only). */
function fragmentsUsedBy(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Set<string> {
  const found = new Set<string>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || found.has(spread.name.value)) return;
        found.add(spread.name.value);
        walk(fragment);
      },
    });
  };
  walk(operation);
  return found;
}

/** graphql-js's UniqueOperationNames and UniqueFragmentNames, across every file. */
function duplicateNames(document: DocumentNode): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Map<string, OperationDefinitionNode | FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if ((def.kind !== Kind.OPERATION_DEFINITION && def.kind !== Kind.FRAGMENT_DEFINITION) || !def.name) continue;
    const key = `${def.kind}:${def.name.value}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, def);
      continue;
    }
    const what = def.kind === Kind.OPERATION_DEFINITION ? 'operation' : 'fragment';
    const nodes = [first.name, def.name].filter((n) => n !== undefined);
    const error = new GraphQLError(`There can be only one ${what} named "${def.name.value}".`, { nodes });
    found.push(fromGraphQLError('FRAISE_INVALID_OPERATION', error));
  }
  return found;
}
