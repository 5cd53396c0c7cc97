// What identifies an operation and its statements: the body clients send (the operation and its
// fragments, printed), its sha256 id and the ids of the texts it was written as, and statement
// names derived from their SQL.
import { sha256 } from '@fraise/runtime';
import { Kind, parse, print, visit, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { usedFragments } from './validate/fragmentWalk.js';

/**
 * Ids of the operation as written, when it differs from the printed body: the operation's own text
 * (when it uses no fragment) and its file's whole text (when the file holds only it and fragments),
 * each trimmed. A client that sends the document as written is then served as a persisted one.
 */
export function sourceAliases(operation: OperationDefinitionNode, id: string): string[] {
  const loc = operation.loc;
  if (!loc) return [];
  const texts: string[] = [];
  let spreads = false;
  visit(operation, { FragmentSpread: () => void (spreads = true) });
  if (!spreads) texts.push(loc.source.body.slice(loc.start, loc.end));
  const file = loc.source.body;
  if (operationCount(file) === 1) texts.push(file.trim());
  return [...new Set(texts.map(sha256))].filter((alias) => alias !== id);
}

/** How many operations a source text defines (0 when it does not parse). */
function operationCount(text: string): number {
  try {
    return parse(text, { noLocation: true }).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  } catch {
    return 0;
  }
}

/** The operation and every fragment it uses (sorted by name), as clients send it. */
export function operationBody(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string {
  return printBody(operation, usedFragments(operation, fragments), fragments);
}

export function printBody(operation: OperationDefinitionNode, fragmentNames: readonly string[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): string {
  return [print(operation), ...fragmentNames.map((n) => print(fragments.get(n)!))].join('\n\n');
}

/** Stable, derived from the SQL: the same text always prepares under the same name. */
export function statementName(text: string): string {
  return `fraise_${sha256(text).slice(0, 24)}`;
}

