// Load stage: expand the schema and operation globs (with @graphql-tools' file loader, so patterns
// mean what they mean in graphql-config) and parse every file with its own Source, so that each
// AST node keeps its file name for error messages.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GraphQLFileLoader } from '@graphql-tools/graphql-file-loader';
import { GraphQLError, parse, Source, type DocumentNode } from 'graphql';
import { type Diagnostic, fromGraphQLError } from '../diagnostics.js';

export interface LoadedFile {
  /** Path as shown in messages: relative to cwd when inside it. */
  readonly name: string;
  readonly document: DocumentNode;
}

export interface LoadResult {
  readonly files: readonly LoadedFile[];
  readonly diagnostics: readonly Diagnostic[];
}

export async function loadGraphQLFiles(
  patterns: readonly string[],
  what: 'schema' | 'operations',
  cwd: string,
): Promise<LoadResult> {
  const loader = new GraphQLFileLoader();
  const diagnostics: Diagnostic[] = [];
  const paths = new Set<string>();
  for (const pattern of patterns) {
    const matched = await loader.resolveGlobs(pattern, { cwd });
    if (matched.length === 0) {
      diagnostics.push({
        code: 'FRAISE_NO_FILES',
        message: `No ${what} files match "${pattern}".`,
        hint: `Check the ${what} pattern; a relative pattern is resolved from the working directory, or from the configuration file that names it.`,
      });
    }
    for (const p of matched) paths.add(path.resolve(cwd, p));
  }
  const files: LoadedFile[] = [];
  for (const absolute of [...paths].sort()) {
    const relative = path.relative(cwd, absolute);
    const name = relative.startsWith('..') ? absolute : relative;
    const text = await readFile(absolute, 'utf8');
    try {
      files.push({ name, document: parse(new Source(text, name)) });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      diagnostics.push(fromGraphQLError('FRAISE_SYNTAX', error));
    }
  }
  return { files, diagnostics };
}
