// The pipeline: load -> schema -> metadata check -> validate -> plan -> SQL -> code.
// Returns the output files as data (nothing touches disk here) or the diagnostics.
import { printServedSchema } from './schema/printServedSchema.js';
import { createHash } from 'node:crypto';
import {
  Kind,
  parse,
  print,
  visit,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { transform } from 'esbuild';
import { type Diagnostic, diagnostic } from './diagnostics.js';
import { loadGraphQLFiles } from './load/loadSources.js';
import { buildFraiseSchema } from './schema/buildSchema.js';
import { checkSchema, type ViewCatalog } from './metadata/checkSchema.js';
import { loadMetadata } from './metadata/loadMetadata.js';
import { loadViewParser } from './metadata/viewColumns.js';
import type { DatabaseMetadata } from './metadata/types.js';
import { validateOperations } from './validate/validateOperations.js';
import { MAX_CONDITIONS, MAX_OPTIONAL_FILTERS, assignments, findConditions } from './plan/conditions.js';
import { planOperation } from './plan/planOperation.js';
import { nullShapeOf } from './plan/nullShape.js';
import type { NullShape } from '../runtime/types.js';
import type { ConnectionArgs } from './plan/ir.js';
import { emitStatement, type EmittedStatement } from './sql/emitSql.js';
import { expandPieces } from '@fraise/runtime';
import { hasOptionalParts } from './sql/builder.js';
import { prepareCode, type StatementOut, type TemplateOut, type VariantOut } from './emit/coercionCode.js';
import { dataTs, inputDeclarationsTs, variablesTs } from './emit/typeScriptTypes.js';
import { emitIndexModule, emitOperationModule } from './emit/emitModule.js';
import { RuntimeImports } from './emit/runtimeImports.js';
import { persistedQueryManifest } from './emit/manifest.js';
import type { Naming, OutputKind } from './config/types.js';
import { setSchemaOptions } from './schema/projectOptions.js';
import { type CachedOperation, type CompileCache, createCompileCache, metadataKey } from './compileCache.js';
import { indexMetadata } from './metadata/resolve.js';
import { listFields } from './risks/listFields.js';
import { unboundedLists } from './risks/unboundedList.js';
import { unindexedJsonFilters } from './risks/jsonFilterIndex.js';
import { bindFunctions, type FunctionCatalog } from './mutation/bindFunctions.js';
import { compileMutation } from './mutation/compileMutation.js';
import { guardsOf, operationAuth, sensitiveVariables } from './auth/requirements.js';
import type { PlanContext } from './plan/context.js';
import { documentFigures, limitDiagnostics, type DocumentFigures, type DocumentLimits } from './limits/documentFigures.js';

export interface CompileOptions {
  readonly schema: readonly string[];
  readonly operations: readonly string[];
  readonly cwd?: string;
  /** Live database to read view metadata from, unless `metadata` is given. */
  readonly databaseUrl?: string;
  readonly metadata?: DatabaseMetadata;
  /** How field names map to data keys and lookup columns (default camel: userId -> user_id). */
  readonly naming?: Naming;
  /** TypeScript types for scalars, e.g. { BigInt: 'string' }. */
  readonly scalars?: Readonly<Record<string, string>>;
  /**
   * Largest `limit` a list accepts; a list without a limit returns at most this many rows. Larger
   * literals are compile errors, larger variables request errors. Unset: no maximum.
   */
  readonly maxPageSize?: number;
  /** Which files to emit (default both: .ts, .js and .d.ts). */
  readonly output?: OutputKind;
  /** Results of earlier compiles to reuse (watch mode); updated in place. */
  readonly cache?: CompileCache;
  /** Refuse operations beyond these figures (FRAISE_DOCUMENT_LIMIT); run-time compiling sets them. */
  readonly documentLimits?: DocumentLimits;
  /**
   * Whether operations may ask for __schema / __type (answered from data computed at build time).
   * Default true; false refuses them (FRAISE_INTROSPECTION_DISABLED), e.g. for a production list.
   */
  readonly introspection?: boolean;
}

export type CompileResult =
  | {
      readonly ok: true;
      readonly files: ReadonlyMap<string, string>;
      readonly operations: readonly string[];
      /** Risky things that do not stop the compile (severity 'warning'). */
      readonly warnings: readonly Diagnostic[];
      /** Per operation name: depth, aliases, root fields, estimated rows (fraise-compile --report). */
      readonly figures: Readonly<Record<string, DocumentFigures>>;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export async function compileProject(options: CompileOptions): Promise<CompileResult> {
  const cwd = options.cwd ?? process.cwd();
  const cache = options.cache ?? createCompileCache();
  const schemaFiles = await loadGraphQLFiles(options.schema, 'schema', cwd, cache.parsed);
  const operationFiles = await loadGraphQLFiles(options.operations, 'operations', cwd, cache.parsed);
  const current = new Set([...schemaFiles.files, ...operationFiles.files].map((f) => f.document));
  cache.parsed = new Map([...cache.parsed].filter(([, document]) => current.has(document)));
  const loadErrors = [...schemaFiles.diagnostics, ...operationFiles.diagnostics];
  if (loadErrors.length > 0) return { ok: false, diagnostics: loadErrors };

  if (options.maxPageSize !== undefined && (!Number.isSafeInteger(options.maxPageSize) || options.maxPageSize < 1)) {
    return {
      ok: false,
      diagnostics: [
        { code: 'FRAISE_BAD_OPTION', message: `maxPageSize must be a positive integer, got ${options.maxPageSize}.`, hint: 'Pass a whole number of rows, at least 1.' },
      ],
    };
  }
  const built = buildFraiseSchema(schemaFiles.files);
  if (!built.schema) return { ok: false, diagnostics: built.diagnostics };
  const schema = built.schema;
  setSchemaOptions(schema, { ...(options.naming ? { naming: options.naming } : {}), ...(options.scalars ? { scalars: options.scalars } : {}) });

  const schemaKey = JSON.stringify(schemaFiles.files.map((f) => [f.name, f.document.loc?.source.body ?? print(f.document)]));
  const validated = validateOperations(schema, operationFiles.files, { schemaKey, results: cache.validation }, { introspection: options.introspection ?? true });
  const metadata = options.metadata ?? (await loadMetadata({ databaseUrl: options.databaseUrl }));
  if ('diagnostics' in metadata) return { ok: false, diagnostics: [...validated.diagnostics, ...metadata.diagnostics] };
  await loadViewParser();
  const checked = checkSchema(schema, metadata);
  const bound = schema.getMutationType() ? bindFunctions(schema, metadata) : { functions: new Map() as FunctionCatalog, diagnostics: [] };
  const early = [...checked.diagnostics, ...bound.diagnostics, ...validated.diagnostics];
  if (early.length > 0) return { ok: false, diagnostics: early };

  const sourceNames = new Map<OperationDefinitionNode, string>();
  for (const file of operationFiles.files) {
    for (const def of file.document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) sourceNames.set(def, file.name);
  }

  const used = new Map<string, CachedOperation>();
  const contextKey = JSON.stringify([
    schemaKey,
    metadataKey(metadata),
    options.naming ?? 'camel',
    options.scalars ?? {},
    options.output ?? 'both',
    options.maxPageSize ?? null,
    options.introspection ?? true,
  ]);
  const resolved = indexMetadata(metadata);
  const files = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const compiled: { name: string; id: string; body: string; type: 'query' | 'mutation' }[] = [];
  const figures: Record<string, DocumentFigures> = {};
  for (const operation of validated.operations) {
    const sourceFile = sourceNames.get(operation) ?? '?';
    const sized = documentFigures(schema, validated.fragments, operation, options.maxPageSize);
    if (operation.name) figures[operation.name.value] = sized;
    if (options.documentLimits) {
      const beyond = limitDiagnostics(sized, options.documentLimits, operation);
      if (beyond.length > 0) {
        diagnostics.push(...beyond);
        continue;
      }
    }
    const key = sha256(`${contextKey}\n${sourceFile}\n${definitionsText(operation, validated.fragments)}`);
    let entry = cache.operations.get(key);
    if (!entry) {
      const name = validated.names.get(operation)!;
      const auth = operationAuth(schema, validated.fragments, operation);
      const guards = { ...(auth ? { auth } : {}), sensitiveVariables: sensitiveVariables(schema, operation) };
      if (operation.operation === 'mutation') {
        const result = compileMutation(schema, checked.catalog, bound.functions, validated.fragments, operation, statementName, options.maxPageSize);
        if ('diagnostics' in result) {
          diagnostics.push(...result.diagnostics);
          continue;
        }
        const body = operationBody(operation, validated.fragments);
        const module = emitOperationModule({
          ...result,
          name,
          kind: 'mutation',
          id: sha256(body),
          body,
          sourceFile,
          shape: { kind: 'data' },
          templates: [],
          optionalFilterCount: 0,
          // Input objects are spelled out inline in the variables type; no whole-variable shapes.
          inputDeclarations: '',
          ...guards,
        });
        entry = { ts: module.ts, dts: module.dts, compiled: { name, id: sha256(body), body, type: 'mutation' }, warnings: [] };
      } else {
        const result = compileOperation(schema, checked.catalog, validated.fragments, operation, options.maxPageSize, auth ? guardsOf(auth) : undefined);
        if ('diagnostics' in result) {
          diagnostics.push(...result.diagnostics);
          continue;
        }
        const module = emitOperationModule({
          ...result,
          name,
          kind: 'query',
          aliases: sourceAliases(operation, result.id),
          sourceFile,
          optionalFilterCount: findConditions(operation, validated.fragments, schema).optionalFilters.length,
          variablesType: variablesTs(schema, operation),
          inputDeclarations: inputDeclarationsTs(schema, operation),
          dataType: dataTs(schema, operation, validated.fragments),
          ...guards,
        });
        const lists = listFields(schema, resolved, validated.fragments, operation);
        const warnings = [...unboundedLists(lists, options.maxPageSize), ...unindexedJsonFilters(schema, resolved, lists)];
        entry = { ts: module.ts, dts: module.dts, compiled: { name, id: result.id, body: result.body, type: 'query' }, warnings };
      }
    }
    used.set(key, entry);
    files.set(`${entry.compiled.name}.ts`, entry.ts);
    files.set(`${entry.compiled.name}.d.ts`, entry.dts);
    compiled.push(entry.compiled);
  }
  cache.operations = used;
  if (diagnostics.length > 0) return { ok: false, diagnostics: dedupe(diagnostics) };

  compiled.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // code-point order: the same on every machine
  const index = emitIndexModule(compiled.map((c) => c.name));
  files.set('index.ts', index.ts);
  files.set('index.d.ts', index.dts);
  const output = options.output ?? 'both';
  const javascript = new Map<string, string>();
  await Promise.all(
    [...files].map(async ([path, text]) => {
      const source = path.endsWith('.ts') && !path.endsWith('.d.ts');
      if (source && output !== 'ts') {
        const js = cache.javascript.get(text) ?? (await transform(text, { loader: 'ts', format: 'esm', target: 'es2022', legalComments: 'inline' })).code;
        javascript.set(text, js);
        files.set(path.replace(/\.ts$/, '.js'), js);
      }
      if ((source && output === 'js') || (path.endsWith('.d.ts') && output === 'ts')) files.delete(path);
    }),
  );
  cache.javascript = javascript;
  files.set('persisted-queries.json', persistedQueryManifest(compiled));
  files.set('schema.graphql', printServedSchema(schema));
  return { ok: true, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), operations: compiled.map((c) => c.name), warnings: [...used.values()].flatMap((e) => e.warnings), figures };
}

interface CompiledOperationParts {
  readonly id: string;
  readonly body: string;
  readonly shape: EmittedStatement['shape'];
  readonly statements: readonly StatementOut[];
  readonly templates: readonly TemplateOut[];
  readonly prepareHelpers: string;
  readonly prepareBody: string;
  readonly imports: RuntimeImports;
  readonly nulls: NullShape;
  readonly marksNulls: boolean;
}

function compileOperation(
  schema: GraphQLSchema,
  catalog: ViewCatalog,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  maxPageSize: number | undefined,
  guardOf?: PlanContext['guardOf'],
): CompiledOperationParts | { diagnostics: Diagnostic[] } {
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
    const emitted = emitStatement(plan, optionalBits);
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
  const body = operationBody(operation, fragments);
  const imports = new RuntimeImports();
  const prepare = prepareCode({ schema, imports, catalog, operation, fragments, conditions, optionalFilters, variants });
  return {
    id: sha256(body),
    body,
    shape: shape!,
    statements,
    templates,
    prepareHelpers: prepare.helpers,
    prepareBody: prepare.body,
    imports,
    nulls: nullShapeOf(schema, body, 'query'),
    marksNulls,
  };
}

/**
 * Ids of the operation as written, when it differs from the printed body: the operation's own text
 * (when it uses no fragment) and its file's whole text (when the file holds only it and fragments),
 * each trimmed. A client that sends the document as written is then served as a persisted one.
 */
function sourceAliases(operation: OperationDefinitionNode, id: string): string[] {
  const loc = operation.loc;
  if (!loc) return [];
  const texts: string[] = [];
  let spreads = false;
  visit(operation, { FragmentSpread: () => void (spreads = true) });
  if (!spreads) texts.push(loc.source.body.slice(loc.start, loc.end));
  const file = loc.source.body;
  if (operationCount(file) === 1) texts.push(file.trim());
  return [...new Set(texts.map(sha256))].filter((alias) => alias !== id);
}

/** How many operations a source text defines (0 when it does not parse). */
function operationCount(text: string): number {
  try {
    return parse(text, { noLocation: true }).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  } catch {
    return 0;
  }
}

/** The source text of the operation and of every fragment it uses: a cheap cache key. */
function definitionsText(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string {
  const text = (node: OperationDefinitionNode | FragmentDefinitionNode): string =>
    node.loc ? node.loc.source.body.slice(node.loc.start, node.loc.end) : print(node);
  const used = new Set<string>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(spread.name.value)) return;
        used.add(spread.name.value);
        collect(fragment);
      },
    });
  };
  collect(operation);
  return [text(operation), ...[...used].sort().map((n) => text(fragments.get(n)!))].join('\n\n');
}

/** The operation and every fragment it uses (sorted by name), as clients send it. */
export function operationBody(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string {
  const used = new Set<string>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        used.add(name);
        const fragment = fragments.get(name);
        if (fragment) collect(fragment);
      },
    });
  };
  collect(operation);
  const parts = [print(operation), ...[...used].sort().map((n) => print(fragments.get(n)!))];
  return parts.join('\n\n');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stable, derived from the SQL: the same text always prepares under the same name. */
export function statementName(text: string): string {
  return `fraise_${sha256(text).slice(0, 24)}`;
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.message}|${d.location?.file}:${d.location?.line}:${d.location?.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
