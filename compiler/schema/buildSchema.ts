// Schema stage: user SDL + the compiler's prelude + generated inputs -> a validated GraphQLSchema.
import {
  buildASTSchema,
  concatAST,
  parse,
  Source,
  validateSchema,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import { type Diagnostic, fromGraphQLError } from '../diagnostics.js';
import type { LoadedFile } from '../load/loadSources.js';
import { generateInputsSdl } from './generateInputs.js';
import { DIRECTIVES_SDL } from './prelude.js';

export interface SchemaResult {
  readonly schema?: GraphQLSchema;
  readonly diagnostics: readonly Diagnostic[];
}

export function buildFraiseSchema(files: readonly LoadedFile[]): SchemaResult {
  const userDefinitions = files.flatMap((f) => f.document.definitions);
  const prelude = parse(new Source(DIRECTIVES_SDL, '<fraise directives>'));
  const generated = parse(new Source(generateInputsSdl(userDefinitions), '<fraise generated inputs>'));
  const document: DocumentNode = concatAST([prelude, ...files.map((f) => f.document), generated]);

  const sdlErrors = validateSDL(document);
  if (sdlErrors.length > 0) {
    return { diagnostics: sdlErrors.map((e) => fromGraphQLError('FRAISE_INVALID_SCHEMA', e)) };
  }
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  const schemaErrors = validateSchema(schema);
  if (schemaErrors.length > 0) {
    return { diagnostics: schemaErrors.map((e) => fromGraphQLError('FRAISE_INVALID_SCHEMA', e)) };
  }
  return { schema, diagnostics: [] };
}
