// Validation stage: graphql-js's rules over all documents together (fragments are shared across
// files), then the constructs Fraise does not compile yet.
import {
  GraphQLError,
  Kind,
  LoneAnonymousOperationRule,
  specifiedRules,
  validate,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { type Diagnostic, diagnostic, fromGraphQLError } from '../diagnostics.js';
import type { LoadedFile } from '../load/loadSources.js';
import { usesIntrospection } from '../plan/introspection.js';
import { usedFragments } from './fragmentWalk.js';

export interface ValidatedOperations {
  readonly operations: readonly OperationDefinitionNode[];
  /** Each operation's name: its own, or its file's for an anonymous one (see moduleNameOf). */
  readonly names: ReadonlyMap<OperationDefinitionNode, string>;
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
  options: { readonly introspection?: boolean } = {},
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
  if (diagnostics.length > 0) return { operations: [], names: new Map(), fragments, diagnostics };

  // An anonymous operation must be alone in its file (checked below, per file: the documents of all
  // files are validated together), so graphql-js's rule would misfire across files.
  const rules = specifiedRules.filter((rule) => rule !== LoneAnonymousOperationRule);
  const names = operationNames(files, diagnostics);
  diagnostics.push(...duplicateNames(document, names));
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
    const group = usedFragments(operation, fragments);
    for (const name of group) used.add(name);
    check([operation, ...group.map((name) => fragments.get(name)!)]);
  }
  const unused = [...fragments.values()].filter((f) => !used.has(f.name.value));
  if (unused.length > 0) check(unused);
  if (cache) {
    cache.results.clear();
    for (const [key, value] of results) cache.results.set(key, value);
  }
  for (const operation of operations) {
    if (operation.operation === 'subscription') {
      diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', 'subscription operations are not supported.', operation,
          'Fraise compiles queries, and mutations through @function.'),
      );
    }
    const introspection = options.introspection === false ? usesIntrospection(operation, fragments) : undefined;
    if (introspection) {
      diagnostics.push(
        diagnostic('FRAISE_INTROSPECTION_DISABLED', `Operation "${names.get(operation)}" asks for ${introspection.name.value}, and introspection is turned off for this build.`,
          introspection, 'Leave this operation out of the production build, or turn introspection on (remove "introspection": false / --no-introspection).'),
      );
    }
  }
  return { operations, names, fragments, diagnostics };
}

/** The text of a definition as written (its file name included, since locations name the file). */
function sourceText(node: DefinitionNode): string {
  const loc = node.loc;
  return loc ? `${loc.source.name}:${loc.start}:${loc.source.body.slice(loc.start, loc.end)}` : JSON.stringify(node);
}

/**
 * The module name of each operation: its own name, or for an anonymous one its file's name made an
 * identifier (`users-list.graphql` -> `UsersList`). An anonymous operation must be its file's only one.
 */
function operationNames(files: readonly LoadedFile[], diagnostics: Diagnostic[]): Map<OperationDefinitionNode, string> {
  const names = new Map<OperationDefinitionNode, string>();
  for (const file of files) {
    const operations = file.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    for (const operation of operations) {
      if (operation.name) {
        names.set(operation, operation.name.value);
        continue;
      }
      names.set(operation, moduleNameOf(file.name));
      if (operations.length > 1) {
        diagnostics.push(
          diagnostic('FRAISE_ANONYMOUS_OPERATION', `This anonymous operation shares ${file.name} with ${operations.length - 1} other operation(s); only an operation alone in its file may be anonymous (it takes the file's name).`,
            operation, 'Name it: `query MyName { ... }`.'),
        );
      }
    }
  }
  return names;
}

/** A file's name as an operation name: its base name without extension, in PascalCase, a valid identifier. */
export function moduleNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '');
  const name = base
    .split(/[^A-Za-z0-9_]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(name) ? name : `Operation${name}`;
}

/** graphql-js's UniqueOperationNames and UniqueFragmentNames, across every file (anonymous operations by their file's name). */
function duplicateNames(document: DocumentNode, names: ReadonlyMap<OperationDefinitionNode, string>): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Map<string, OperationDefinitionNode | FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION && def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const name = def.kind === Kind.OPERATION_DEFINITION ? names.get(def) : def.name.value;
    if (name === undefined) continue;
    const key = `${def.kind}:${name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, def);
      continue;
    }
    if (def.kind === Kind.OPERATION_DEFINITION && (!def.name || !first.name)) {
      const anonymous = def.name ? first : def;
      const other = anonymous === def ? first : def;
      const where = other.loc ? `${other.loc.source.name}:${other.loc.startToken.line}:${other.loc.startToken.column}` : 'another file';
      found.push(
        diagnostic('FRAISE_ANONYMOUS_OPERATION', `This anonymous operation takes its file's name "${name}", which the operation at ${where} has too.`,
          anonymous, 'Name one of them (`query MyName { ... }`), or rename the file.'),
      );
      continue;
    }
    const what = def.kind === Kind.OPERATION_DEFINITION ? 'operation' : 'fragment';
    const nodes = [first.name, def.name].filter((n) => n !== undefined);
    const error = new GraphQLError(`There can be only one ${what} named "${name}".`, { nodes });
    found.push(fromGraphQLError('FRAISE_INVALID_OPERATION', error));
  }
  return found;
}
