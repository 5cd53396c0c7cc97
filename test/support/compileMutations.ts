// Compiles the blog schema with the fixture's mutation operations (and test-only extras) against a
// test database into test/.generated/<suite>/, and imports the operations.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../../compiler/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { repoRoot } from './compileFixture.js';

export async function compileMutations(
  databaseUrl: string,
  suite: string,
  extra: { schema?: string[]; operations?: string[] } = {},
): Promise<Readonly<Record<string, CompiledOperation>>> {
  const result = await compileProject({
    schema: ['fixtures/blog/schema.graphql', ...(extra.schema ?? [])],
    operations: ['fixtures/blog/mutations/*.graphql', ...(extra.operations ?? [])],
    databaseUrl,
    cwd: repoRoot,
  });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n\n'));
  const outDir = path.join(repoRoot, 'test/.generated', suite);
  await writeOutputFolder(outDir, result.files);
  const index = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as {
    operationsByName: Record<string, CompiledOperation>;
  };
  return index.operationsByName;
}
