// The pipeline: load -> schema -> metadata check -> validate -> plan -> SQL -> code, one stage a function.
// Returns the output files as data (nothing touches disk here) or the diagnostics.
import { sha256 } from '@fraise/runtime';
import { transform } from 'esbuild';
import { Kind, print, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { guardsOf, operationAuth, sensitiveVariables } from './auth/requirements.js';
import { type CachedOperation, type CompileCache, createCompileCache, metadataKey } from './compileCache.js';
import { compileQuery } from './compileQuery.js';
import { badMaxPageSize, isMaxPageSize } from './config/pageSize.js';
import type { Naming, OutputKind } from './config/types.js';
import type { Diagnostic } from './diagnostics.js';
import { emitIndexModule, emitOperationModule } from './emit/emitModule.js';
import { persistedQueryManifest } from './emit/manifest.js';
import { dataTs, inputDeclarationsTs, variablesTs } from './emit/typeScriptTypes.js';
import { documentFigures, limitDiagnostics, type DocumentFigures, type DocumentLimits } from './limits/documentFigures.js';
import { loadGraphQLFiles, type LoadedFile } from './load/loadSources.js';
import { checkSchema, type ViewCatalog } from './metadata/checkSchema.js';
import { loadMetadata } from './metadata/loadMetadata.js';
import { indexMetadata, type MetadataIndex } from './metadata/resolve.js';
import type { DatabaseMetadata } from './metadata/types.js';
import { loadViewParser } from './metadata/viewAst.js';
import { bindFunctions, type FunctionCatalog } from './mutation/bindFunctions.js';
import { compileMutation } from './mutation/compileMutation.js';
import { printBody, sourceAliases, statementName } from './operationIdentity.js';
import { nullShapeOf } from './plan/nullShape.js';
import { dataBuiltLists } from './risks/dataBuilt.js';
import { listFields } from './risks/listFields.js';
import { unindexedJsonFilters } from './risks/jsonFilterIndex.js';
import { unboundedLists } from './risks/unboundedList.js';
import { buildFraiseSchema } from './schema/buildSchema.js';
import { printServedSchema } from './schema/printServedSchema.js';
import { setSchemaOptions } from './schema/projectOptions.js';
import { usedFragments } from './validate/fragmentWalk.js';
import { validateOperations, type ValidatedOperations } from './validate/validateOperations.js';

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
      /** Where the SQL could read less if the views exposed more columns (FRAISE_DATA_BUILT; fraise-compile --advise). */
      readonly advice: readonly Diagnostic[];
      /** Per operation name: depth, aliases, root fields, estimated rows (fraise-compile --report). */
      readonly figures: Readonly<Record<string, DocumentFigures>>;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export async function compileProject(options: CompileOptions): Promise<CompileResult> {
  const cache = options.cache ?? createCompileCache();
  const sources = await loadProjectSources(options, cache);
  if ('diagnostics' in sources) return { ok: false, diagnostics: sources.diagnostics };
  const badOptions = optionDiagnostics(options);
  if (badOptions.length > 0) return { ok: false, diagnostics: badOptions };
  const project = await checkProject(options, sources, cache);
  if ('diagnostics' in project) return { ok: false, diagnostics: project.diagnostics };
  const compiled = compileOperations(project, options, cache);
  if (compiled.diagnostics.length > 0) return { ok: false, diagnostics: dedupe(compiled.diagnostics) };
  const operations = compiled.entries.map((e) => e.compiled).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // code-point order: the same on every machine
  const files = await outputFiles(project.schema, compiled.entries, operations, options.output ?? 'both', cache);
  return { ok: true, files, operations: operations.map((c) => c.name), warnings: compiled.entries.flatMap((e) => e.warnings),
    advice: compiled.entries.flatMap((e) => e.advice), figures: compiled.figures };
}

interface ProjectSources {
  readonly schemaFiles: readonly LoadedFile[];
  readonly operationFiles: readonly LoadedFile[];
}

/** Stage load: the schema and operation files, parsed (reusing the cache's documents). */
async function loadProjectSources(options: CompileOptions, cache: CompileCache): Promise<ProjectSources | { diagnostics: readonly Diagnostic[] }> {
  const cwd = options.cwd ?? process.cwd();
  const schemaFiles = await loadGraphQLFiles(options.schema, 'schema', cwd, cache.parsed);
  const operationFiles = await loadGraphQLFiles(options.operations, 'operations', cwd, cache.parsed);
  const current = new Set([...schemaFiles.files, ...operationFiles.files].map((f) => f.document));
  cache.parsed = new Map([...cache.parsed].filter(([, document]) => current.has(document)));
  const diagnostics = [...schemaFiles.diagnostics, ...operationFiles.diagnostics];
  return diagnostics.length > 0 ? { diagnostics } : { schemaFiles: schemaFiles.files, operationFiles: operationFiles.files };
}

function optionDiagnostics(options: CompileOptions): Diagnostic[] {
  if (options.maxPageSize === undefined || isMaxPageSize(options.maxPageSize)) return [];
  return [{ code: 'FRAISE_BAD_OPTION', ...badMaxPageSize('maxPageSize', options.maxPageSize, 'maxPageSize: 100') }];
}

/** Everything an operation is compiled against, once its schema, metadata and documents check out. */
interface CheckedProject {
  readonly schema: GraphQLSchema;
  readonly catalog: ViewCatalog;
  readonly functions: FunctionCatalog;
  readonly resolved: MetadataIndex;
  readonly validated: ValidatedOperations;
  /** The file each operation was read from. */
  readonly sourceFiles: ReadonlyMap<OperationDefinitionNode, string>;
  /** What every operation's cache key shares: schema, metadata and options. */
  readonly contextKey: string;
}

/** Stages schema, validate and metadata: every error found before any operation is planned. */
async function checkProject(options: CompileOptions, sources: ProjectSources, cache: CompileCache): Promise<CheckedProject | { diagnostics: readonly Diagnostic[] }> {
  const built = buildFraiseSchema(sources.schemaFiles);
  if (!built.schema) return { diagnostics: built.diagnostics };
  const schema = built.schema;
  setSchemaOptions(schema, { ...(options.naming ? { naming: options.naming } : {}), ...(options.scalars ? { scalars: options.scalars } : {}) });

  const schemaKey = JSON.stringify(sources.schemaFiles.map((f) => [f.name, f.document.loc?.source.body ?? print(f.document)]));
  const validated = validateOperations(schema, sources.operationFiles, { schemaKey, results: cache.validation }, { introspection: options.introspection ?? true });
  const metadata = options.metadata ?? (await loadMetadata({ databaseUrl: options.databaseUrl }));
  if ('diagnostics' in metadata) return { diagnostics: [...validated.diagnostics, ...metadata.diagnostics] };
  await loadViewParser();
  const checked = checkSchema(schema, metadata);
  const bound = schema.getMutationType() ? bindFunctions(schema, metadata) : { functions: new Map() as FunctionCatalog, diagnostics: [] };
  const early = [...checked.diagnostics, ...bound.diagnostics, ...validated.diagnostics];
  if (early.length > 0) return { diagnostics: early };

  const sourceFiles = new Map<OperationDefinitionNode, string>();
  for (const file of sources.operationFiles) {
    for (const def of file.document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) sourceFiles.set(def, file.name);
  }
  const contextKey = JSON.stringify([
    schemaKey,
    metadataKey(metadata),
    options.naming ?? 'camel',
    options.scalars ?? {},
    options.output ?? 'both',
    options.maxPageSize ?? null,
    options.introspection ?? true,
  ]);
  return { schema, catalog: checked.catalog, functions: bound.functions, resolved: indexMetadata(metadata), validated, sourceFiles, contextKey };
}

interface CompiledOperations {
  /** In the order the operations were read. */
  readonly entries: readonly CachedOperation[];
  readonly diagnostics: readonly Diagnostic[];
  readonly figures: Readonly<Record<string, DocumentFigures>>;
}

/** Stages plan, SQL and code, per operation; an operation unchanged since the cache's compile is reused. */
function compileOperations(project: CheckedProject, options: CompileOptions, cache: CompileCache): CompiledOperations {
  const { schema, validated } = project;
  const used = new Map<string, CachedOperation>();
  const diagnostics: Diagnostic[] = [];
  const entries: CachedOperation[] = [];
  const figures: Record<string, DocumentFigures> = {};
  for (const operation of validated.operations) {
    const sized = documentFigures(schema, validated.fragments, operation, options.maxPageSize);
    if (operation.name) figures[operation.name.value] = sized;
    if (options.documentLimits) {
      const beyond = limitDiagnostics(sized, options.documentLimits, operation);
      if (beyond.length > 0) {
        diagnostics.push(...beyond);
        continue;
      }
    }
    const sourceFile = project.sourceFiles.get(operation) ?? '?';
    const fragmentNames = usedFragments(operation, validated.fragments);
    const key = sha256(`${project.contextKey}\n${sourceFile}\n${definitionsText(operation, fragmentNames, validated.fragments)}`);
    const entry = cache.operations.get(key) ?? compileEntry(project, operation, sourceFile, fragmentNames, options.maxPageSize);
    if ('diagnostics' in entry) {
      diagnostics.push(...entry.diagnostics);
      continue;
    }
    used.set(key, entry);
    entries.push(entry);
  }
  cache.operations = used;
  return { entries, diagnostics, figures };
}

/** One operation's module (and what the manifest and warnings say of it). */
function compileEntry(
  project: CheckedProject,
  operation: OperationDefinitionNode,
  sourceFile: string,
  fragmentNames: readonly string[],
  maxPageSize: number | undefined,
): CachedOperation | { diagnostics: Diagnostic[] } {
  const { schema, validated } = project;
  const name = validated.names.get(operation)!;
  const body = printBody(operation, fragmentNames, validated.fragments);
  const id = sha256(body);
  const auth = operationAuth(schema, validated.fragments, operation);
  const guards = { ...(auth ? { auth } : {}), sensitiveVariables: sensitiveVariables(schema, operation) };
  if (operation.operation === 'mutation') {
    const result = compileMutation(schema, project.catalog, project.functions, validated.fragments, operation, statementName, maxPageSize);
    if ('diagnostics' in result) return result;
    const module = emitOperationModule({
      ...result,
      name,
      kind: 'mutation',
      id,
      body,
      sourceFile,
      shape: { kind: 'data' },
      templates: [],
      optionalFilterCount: 0,
      // Input objects are spelled out inline in the variables type; no whole-variable shapes.
      inputDeclarations: '',
      ...guards,
    });
    return { ts: module.ts, dts: module.dts, compiled: { name, id, body, type: 'mutation' }, warnings: [], advice: [] };
  }
  const result = compileQuery(schema, project.catalog, validated.fragments, operation, maxPageSize, auth ? guardsOf(auth) : undefined);
  if ('diagnostics' in result) return result;
  const module = emitOperationModule({
    ...result,
    name,
    kind: 'query',
    id,
    body,
    aliases: sourceAliases(operation, id),
    sourceFile,
    variablesType: variablesTs(schema, operation),
    inputDeclarations: inputDeclarationsTs(schema, operation),
    dataType: dataTs(schema, operation, validated.fragments),
    nulls: nullShapeOf(schema, body, 'query'),
    ...guards,
  });
  const lists = listFields(schema, project.resolved, validated.fragments, operation);
  const warnings = [...unboundedLists(lists, maxPageSize), ...unindexedJsonFilters(schema, project.resolved, lists)];
  const advice = dataBuiltLists(schema, project.catalog, validated.fragments, lists);
  return { ts: module.ts, dts: module.dts, compiled: { name, id, body, type: 'query' }, warnings, advice };
}

/** Stage output: the modules, the index, their JavaScript, the manifest and the served schema, in path order. */
async function outputFiles(
  schema: GraphQLSchema,
  entries: readonly CachedOperation[],
  operations: readonly CachedOperation['compiled'][],
  output: OutputKind,
  cache: CompileCache,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of entries) {
    files.set(`${entry.compiled.name}.ts`, entry.ts);
    files.set(`${entry.compiled.name}.d.ts`, entry.dts);
  }
  const index = emitIndexModule(operations.map((c) => c.name));
  files.set('index.ts', index.ts);
  files.set('index.d.ts', index.dts);
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
  files.set('persisted-queries.json', persistedQueryManifest(operations));
  files.set('schema.graphql', printServedSchema(schema));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The source text of the operation and of the fragments it uses: a cheap cache key. */
function definitionsText(operation: OperationDefinitionNode, fragmentNames: readonly string[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): string {
  const text = (node: OperationDefinitionNode | FragmentDefinitionNode): string =>
    node.loc ? node.loc.source.body.slice(node.loc.start, node.loc.end) : print(node);
  return [text(operation), ...fragmentNames.map((n) => text(fragments.get(n)!))].join('\n\n');
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
