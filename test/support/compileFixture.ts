// Compiles the blog fixture against a test database into test/.generated/<suite>/ (inside the
// package; generated modules import @fraise/runtime, which vitest maps to runtime/ sources) and imports it.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../../compiler/index.js';
import type { CompiledOperation } from '../../runtime/types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const blogDir = path.join(repoRoot, 'fixtures/blog');

export interface GeneratedFixture {
  readonly outDir: string;
  readonly files: ReadonlyMap<string, string>;
  readonly operationsByName: Readonly<Record<string, CompiledOperation>>;
  readonly operations: Readonly<Record<string, CompiledOperation>>;
}

export function compileBlogFixture(databaseUrl: string, suite: string): Promise<GeneratedFixture> {
  return compileProjectTo(databaseUrl, suite, ['fixtures/blog/schema.graphql'], ['fixtures/blog/operations/*.graphql']);
}

/** Compiles a schema and operation files (globs relative to the repository) into test/.generated/<suite>/. */
export async function compileProjectTo(
  databaseUrl: string,
  suite: string,
  schema: readonly string[],
  operations: readonly string[],
  options: { readonly maxPageSize?: number } = {},
): Promise<GeneratedFixture> {
  const result = await compileProject({ schema, operations, databaseUrl, cwd: repoRoot, ...options });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n\n'));
  const outDir = path.join(repoRoot, 'test/.generated', suite);
  await writeOutputFolder(outDir, result.files);
  const index = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as {
    operations: Record<string, CompiledOperation>;
    operationsByName: Record<string, CompiledOperation>;
  };
  return { outDir, files: result.files, operations: index.operations, operationsByName: index.operationsByName };
}
