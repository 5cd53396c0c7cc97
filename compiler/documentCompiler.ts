// Run-time compilation for createHandler's opt-in `compile` option (development, and Apollo's APQ
// registration): one document compiled with the same pipeline as fraise-compile, its module
// evaluated in memory. The runtime never imports this; the application passes it in.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { CompileOutcome } from '../runtime/http/documents.js';
import type { AnyCompiledOperation, GraphQLResponseError } from '../runtime/types.js';
import { compileProject } from './compile.js';
import { runtimeHelpersPlugin } from './runtimeHelpers.js';
import type { Diagnostic } from './diagnostics.js';
import type { DatabaseMetadata } from './metadata/types.js';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from './limits/documentFigures.js';

export interface DocumentCompilerOptions {
  /** SDL files (globs), as for fraise-compile --schema. */
  readonly schema: readonly string[];
  readonly cwd?: string;
  /** Database to read view metadata from, unless `metadata` is given. */
  readonly databaseUrl?: string;
  readonly metadata?: DatabaseMetadata;
  /**
   * Documents beyond these figures are refused (GRAPHQL_VALIDATION_FAILED, diagnostic
   * FRAISE_DOCUMENT_LIMIT). Default DEFAULT_DOCUMENT_LIMITS: depth 10, 30 aliases, 10 root fields,
   * 100,000 estimated rows. `false`: no limits.
   */
  readonly limits?: DocumentLimits | false;
  /** Largest list limit, as fraise-compile's maxPageSize (also bounds the estimated rows). */
  readonly maxPageSize?: number;
}

/** A `compile` function for createHandler. */
export function createDocumentCompiler(
  options: DocumentCompilerOptions,
): (document: string, operationName: string | undefined) => Promise<CompileOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const schema = options.schema.map((pattern) => (path.isAbsolute(pattern) ? pattern : path.join(cwd, pattern)));
  return async (document, operationName) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-document-'));
    try {
      const file = path.join(dir, 'document.graphql');
      await writeFile(file, document);
      const result = await compileProject({
        schema,
        operations: [file],
        cwd: dir,
        ...(options.metadata ? { metadata: options.metadata } : {}),
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.limits === false ? {} : { documentLimits: { ...DEFAULT_DOCUMENT_LIMITS, ...options.limits } }),
        ...(options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : {}),
      });
      if (!result.ok) return { ok: false, errors: result.diagnostics.map(errorOf) };
      const name = operationName ?? (result.operations.length === 1 ? result.operations[0] : undefined);
      if (name === undefined || !result.operations.includes(name)) {
        const message = operationName === undefined
          ? 'The document has several operations: give operationName'
          : `Unknown operation named "${operationName}"`;
        return { ok: false, errors: [{ message, extensions: { code: 'OPERATION_NAME_MISMATCH' } }] };
      }
      const code = await bundleWithRuntime(result.files.get(`${name}.js`)!, dir);
      const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
        default: AnyCompiledOperation;
      };
      return { ok: true, operation: module.default };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

/**
 * The module with the runtime helpers it imports bundled in: a module evaluated from a data: URL
 * cannot resolve `@fraise/runtime` (see runtimeHelpers.ts).
 */
async function bundleWithRuntime(code: string, dir: string): Promise<string> {
  const bundled = await build({
    stdin: { contents: code, loader: 'js', resolveDir: dir },
    plugins: [runtimeHelpersPlugin()],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  return bundled.outputFiles[0]!.text;
}

function errorOf(diagnostic: Diagnostic): GraphQLResponseError {
  const location = diagnostic.location;
  return {
    message: diagnostic.message,
    ...(location ? { locations: [{ line: location.line, column: location.column }] } : {}),
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', diagnostic: diagnostic.code },
  };
}
