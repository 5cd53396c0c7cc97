// Persisted-document manifests, in the three formats clients produce:
// - Apollo's (`@apollo/generate-persisted-query-manifest`, also what fraise-compile writes):
//   { "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ id, name, type, body }] }
// - Relay's (`persistConfig`): { "<id>": "<document text>" }
// - GraphQL Code Generator's client preset (persisted-documents.json): { "<sha256>": "<document text>" }
import { readFile } from 'node:fs/promises';
import { FraiseError } from '../errors.js';

export interface PersistedDocument {
  /** The id clients send (documentId, doc_id, id or the APQ hash). */
  readonly id: string;
  /** The document text. */
  readonly body: string;
  /** The operation's name, when the manifest says it. */
  readonly name?: string;
}

/** Parses a manifest of any supported format; throws FraiseError INVALID_MANIFEST when it is none. */
export function parsePersistedDocuments(manifest: unknown, source = 'manifest'): PersistedDocument[] {
  const invalid = (why: string): FraiseError => new FraiseError('INVALID_MANIFEST', `${source}: ${why}`);
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw invalid('expected a JSON object');
  const record = manifest as Record<string, unknown>;
  if ('format' in record || 'operations' in record) {
    if (record['format'] !== 'apollo-persisted-query-manifest' || record['version'] !== 1) {
      throw invalid('only format "apollo-persisted-query-manifest" version 1 is supported');
    }
    const operations = record['operations'];
    if (!Array.isArray(operations)) throw invalid('"operations" must be an array');
    return operations.map((entry: unknown, index) => {
      const op = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const { id, body, name } = op;
      if (typeof id !== 'string' || typeof body !== 'string') throw invalid(`operations[${index}] needs string "id" and "body"`);
      return typeof name === 'string' ? { id, body, name } : { id, body };
    });
  }
  return Object.entries(record).map(([id, body]) => {
    if (typeof body !== 'string') throw invalid(`the document of "${id}" must be a string`);
    return { id, body };
  });
}

/** Reads and parses a manifest file. */
export async function loadPersistedDocuments(path: string): Promise<PersistedDocument[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FraiseError('INVALID_MANIFEST', `${path}: cannot be read`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new FraiseError('INVALID_MANIFEST', `${path}: not valid JSON`, { cause });
  }
  return parsePersistedDocuments(json, path);
}
