// Load stage: expand the schema and operation globs with @graphql-tools' loaders (so patterns mean
// what they mean in graphql-config and GraphQL Code Generator) and parse every document with its own
// Source, so that each AST node keeps its file name for error messages. `.graphql` files are read
// whole; in `.ts/.tsx/.js/.jsx` (and .mts, .cts, .mjs, .cjs) files the `gql` / `graphql` tagged
// templates, `graphql(...)` calls and /* GraphQL */ strings are found by graphql-tag-pluck (the
// code-file loader's extractor), each a document whose Source is offset to its place in the file:
// diagnostics give the line and column in the .ts file, not in the extracted document.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CodeFileLoader } from '@graphql-tools/code-file-loader';
import { GraphQLFileLoader } from '@graphql-tools/graphql-file-loader';
import { gqlPluckFromCodeStringSync } from '@graphql-tools/graphql-tag-pluck';
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

/** Files read whole as GraphQL documents. */
export const GRAPHQL_FILE = /\.(graphql|graphqls|gql)$/;
/** Files whose GraphQL lives in tagged templates. */
export const CODE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export async function loadGraphQLFiles(
  patterns: readonly string[],
  what: 'schema' | 'operations',
  cwd: string,
  /** Parsed documents of earlier loads by name and text (watch mode); updated in place. */
  parsed?: Map<string, DocumentNode>,
): Promise<LoadResult> {
  const graphqlLoader = new GraphQLFileLoader();
  const codeLoader = new CodeFileLoader({ noRequire: true });
  const diagnostics: Diagnostic[] = [];
  const paths = new Set<string>();
  for (const pattern of patterns) {
    const matched = [...(await graphqlLoader.resolveGlobs(pattern, { cwd })), ...(await codeLoader.resolveGlobs(pattern, { cwd }))]
      .filter((p) => GRAPHQL_FILE.test(p) || CODE_FILE.test(p));
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
    const sources = GRAPHQL_FILE.test(name) ? [new Source(text, name)] : templatesOf(name, text, diagnostics);
    for (const source of sources) {
      const key = `${name}\0${source.locationOffset.line}:${source.locationOffset.column}\0${source.body}`;
      const known = parsed?.get(key);
      if (known) {
        files.push({ name, document: known });
        continue;
      }
      try {
        const document = parse(source);
        parsed?.set(key, document);
        files.push({ name, document });
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        diagnostics.push(fromGraphQLError('FRAISE_SYNTAX', error));
      }
    }
  });
  return { files, diagnostics };
}

/** The GraphQL templates of a code file, each a Source placed where its text starts in the file. */
function templatesOf(name: string, code: string, diagnostics: Diagnostic[]): Source[] {
  let found: Source[];
  try {
    // skipIndent: the template's text as written, so that offsets stay true.
    found = gqlPluckFromCodeStringSync(name, code, { skipIndent: true });
  } catch (error) {
    diagnostics.push({
      code: 'FRAISE_SYNTAX',
      message: `${name} could not be read for GraphQL templates: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      hint: 'Fix the JavaScript/TypeScript syntax of the file.',
    });
    return [];
  }
  // graphql-tag-pluck places a template at its backtick (column counted from 0); the text starts
  // one character later, and graphql-js counts columns from 1.
  return found.map((s) => new Source(s.body, name, { line: s.locationOffset.line, column: s.locationOffset.column + 2 }));
}
