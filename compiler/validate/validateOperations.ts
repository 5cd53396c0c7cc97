// Validation stage: graphql-js's rules over all documents together (fragments are shared across
// files), then the constructs Fraise does not compile yet.
import {
  Kind,
  LoneAnonymousOperationRule,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { type Diagnostic, diagnostic, fromGraphQLError } from '../diagnostics.js';
import type { LoadedFile } from '../load/loadSources.js';

export interface ValidatedOperations {
  readonly operations: readonly OperationDefinitionNode[];
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly diagnostics: readonly Diagnostic[];
}

export function validateOperations(schema: GraphQLSchema, files: readonly LoadedFile[]): ValidatedOperations {
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: files.flatMap((f) => f.document.definitions) };
  const diagnostics: Diagnostic[] = [];
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();

  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
    else if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else {
      diagnostics.push(
        diagnostic('FRAISE_NOT_AN_OPERATION', 'Operation documents may hold only operations and fragments.', def,
          'Move type definitions to the schema files (--schema).'),
      );
    }
  }
  if (diagnostics.length > 0) return { operations: [], fragments, diagnostics };

  // Every operation must be named (checked below with a clearer message), so graphql-js's rule for
  // a lone anonymous operation would only repeat that error.
  const rules = specifiedRules.filter((rule) => rule !== LoneAnonymousOperationRule);
  for (const error of validate(schema, document, rules)) {
    diagnostics.push(fromGraphQLError('FRAISE_INVALID_OPERATION', error));
  }
  for (const operation of operations) {
    if (!operation.name) {
      diagnostics.push(
        diagnostic('FRAISE_ANONYMOUS_OPERATION', 'Every operation needs a name: it names the generated module.', operation,
          'Write `query MyName { ... }`.'),
      );
    }
    if (operation.operation === 'subscription') {
      diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', 'subscription operations are not supported.', operation,
          'Fraise compiles queries, and mutations through @function.'),
      );
    }
  }
  const introspection = (node: DocumentNode): void => {
    visit(node, {
      Field(field) {
        const name = field.name.value;
        if (name === '__schema' || name === '__type') {
          diagnostics.push(
            diagnostic('FRAISE_UNSUPPORTED', `Introspection (${name}) is not served by compiled operations.`, field,
              'Use the schema.graphql file written to the output folder instead.'),
          );
        }
      },
    });
  };
  introspection(document);
  return { operations, fragments, diagnostics };
}
