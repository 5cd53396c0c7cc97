// Compiles the blog fixture with the compiler API into bench/.out/generated and imports it.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../compiler/index.js';
import type { AnyCompiledOperation } from '@fraise/runtime';
import { log, seconds } from './log.js';

export type Operations = Readonly<Record<string, AnyCompiledOperation>>;

export async function compileFixture(repoRoot: string, databaseUrl: string): Promise<{ operations: Operations; outDir: string }> {
  const started = performance.now();
  const result = await compileProject({
    schema: ['fixtures/blog/schema.graphql'],
    operations: ['fixtures/blog/operations/*.graphql', 'bench/operations/*.graphql'],
    databaseUrl,
    cwd: repoRoot,
  });
  if (!result.ok) {
    throw new Error(`fraise-compile failed:\n${result.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  }
  const outDir = path.join(repoRoot, 'bench/.out/generated');
  await writeOutputFolder(outDir, result.files);
  const index = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as { operationsByName: Operations };
  log(`compiled ${result.operations.length} operations into ${path.relative(repoRoot, outDir)}/ in ${seconds(started)}`);
  return { operations: index.operationsByName, outDir };
}
