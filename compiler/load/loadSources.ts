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
  /** Parsed documents of earlier loads by name and text (watch mode); updated in place. */
  parsed?: Map<string, DocumentNode>,
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
  const sorted = [...paths].sort();
  const texts = await Promise.all(sorted.map((absolute) => readFile(absolute, 'utf8')));
  sorted.forEach((absolute, i) => {
    const relative = path.relative(cwd, absolute);
    const name = relative.startsWith('..') ? absolute : relative;
    const text = texts[i]!;
    const key = `${name}\0${text}`;
    const known = parsed?.get(key);
    if (known) {
      files.push({ name, document: known });
      return;
    }
    try {
      const document = parse(new Source(text, name));
      parsed?.set(key, document);
      files.push({ name, document });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      diagnostics.push(fromGraphQLError('FRAISE_SYNTAX', error));
    }
  });
  return { files, diagnostics };
}
