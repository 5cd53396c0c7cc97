// Reuse between compiles of one process (watch mode): an operation whose body, source file,
// schema, metadata and options are unchanged is not planned or emitted again, and a module whose
// text is unchanged is not transpiled again. Entries not used by the latest compile are dropped.
import { sha256 } from '@fraise/runtime';
import type { DocumentNode } from 'graphql';
import type { Diagnostic } from './diagnostics.js';
import type { DatabaseMetadata } from './metadata/types.js';

export interface CachedOperation {
  readonly ts: string;
  readonly dts: string;
  readonly compiled: { readonly name: string; readonly id: string; readonly body: string; readonly type: 'query' | 'mutation' };
  readonly warnings: readonly Diagnostic[];
  /** Reported only when asked for (fraise-compile --advise): FRAISE_DATA_BUILT. */
  readonly advice: readonly Diagnostic[];
}

export interface CompileCache {
  operations: Map<string, CachedOperation>;
  javascript: Map<string, string>;
  /** Parsed documents by file name and text. */
  parsed: Map<string, DocumentNode>;
  /** graphql-js validation results by operation (and fragment) text. */
  readonly validation: Map<string, readonly Diagnostic[]>;
}

export function createCompileCache(): CompileCache {
  return { operations: new Map(), javascript: new Map(), parsed: new Map(), validation: new Map() };
}

const metadataKeys = new WeakMap<DatabaseMetadata, string>();

export function metadataKey(metadata: DatabaseMetadata): string {
  let key = metadataKeys.get(metadata);
  if (key === undefined) metadataKeys.set(metadata, (key = sha256(JSON.stringify(metadata))));
  return key;
}
