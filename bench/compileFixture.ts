// Compiles the bench's schemas with the compiler API and imports the generated operations:
// - the blog fixture (its operations and bench/operations/*.graphql) into bench/.out/generated;
// - the column-style schema (bench/columns/schema.graphql, over the views bench/columns/views.sql
//   creates) with the Floor* operations into bench/.out/generated-columns.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../compiler/index.js';
import type { AnyCompiledOperation } from '@fraise/runtime';
import { log, seconds } from './log.js';

export type Operations = Readonly<Record<string, AnyCompiledOperation>>;

interface Project {
  readonly schema: readonly string[];
  readonly operations: readonly string[];
  readonly outDir: string;
}

const BLOG: Project = {
  schema: ['fixtures/blog/schema.graphql'],
  operations: ['fixtures/blog/operations/*.graphql', 'bench/operations/*.graphql'],
  outDir: 'bench/.out/generated',
};

export const COLUMNS: Project = {
  schema: ['bench/columns/schema.graphql'],
  operations: ['bench/operations/Floor*.graphql'],
  outDir: 'bench/.out/generated-columns',
};

export async function compileFixture(
  repoRoot: string,
  databaseUrl: string,
  project: Project = BLOG,
): Promise<{ operations: Operations; outDir: string }> {
  const started = performance.now();
  const result = await compileProject({ schema: [...project.schema], operations: [...project.operations], databaseUrl, cwd: repoRoot });
  if (!result.ok) {
    throw new Error(`fraise-compile failed:\n${result.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  }
  const outDir = path.join(repoRoot, project.outDir);
  await writeOutputFolder(outDir, result.files);
  const index = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as { operationsByName: Operations };
  log(`compiled ${result.operations.length} operations into ${path.relative(repoRoot, outDir)}/ in ${seconds(started)}`);
  return { operations: index.operationsByName, outDir };
}
