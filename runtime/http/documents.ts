// Which compiled operation a request names. Persisted documents come by id (documentId with or
// without "sha256:", doc_id, id, Apollo's extensions.persistedQuery.sha256Hash) or by their text
// (a `query` whose sha256 is a known document). Unknown documents are refused, unless the
// application opted into compiling them at run time.
import { FraiseError } from '../errors.js';
import { Lru } from '../lru.js';
import { sha256 } from '../sha256.js';
import type { AnyCompiledOperation, GraphQLResponseError } from '../types.js';
import { badRequest, graphqlFailure, RequestFailure } from './httpErrors.js';
import type { PersistedDocument } from './manifests.js';
import { operationNames } from './operationNames.js';
import type { RequestParams } from './requestParams.js';

/** What an application's run-time compiler returns for a document (see createHandler's `compile`). */
export type CompileOutcome =
  | { readonly ok: true; readonly operation: AnyCompiledOperation }
  | { readonly ok: false; readonly errors: readonly GraphQLResponseError[] };

export type CompileDocument = (document: string, operationName: string | undefined) => Promise<CompileOutcome>;

export interface RegistryOptions {
  readonly operations: Readonly<Record<string, AnyCompiledOperation>> | readonly AnyCompiledOperation[];
  readonly manifests: readonly (readonly PersistedDocument[])[];
  readonly safelist: boolean;
  readonly compile: CompileDocument | undefined;
  readonly compileCacheSize: number;
}

const SHA256_PREFIX = 'sha256:';

export class DocumentRegistry {
  /** Every id a client may send, and the sha256 of every known document text. */
  readonly #byId = new Map<string, AnyCompiledOperation>();
  readonly #safelist: boolean;
  readonly #compile: CompileDocument | undefined;
  /**
   * Documents compiled at run time, by the sha256 of their text and the operationName they were
   * compiled for (a document may hold several operations).
   */
  readonly #compiled: Lru<string, Promise<AnyCompiledOperation>>;

  constructor(options: RegistryOptions) {
    this.#safelist = options.safelist;
    this.#compile = options.compile;
    this.#compiled = new Lru(options.compileCacheSize);
    const operations = Array.isArray(options.operations) ? options.operations : Object.values(options.operations);
    const byName = new Map<string, AnyCompiledOperation>();
    for (const op of operations as readonly AnyCompiledOperation[]) {
      if (typeof op?.prepare !== 'function' || typeof op.id !== 'string') {
        throw new FraiseError('INVALID_OPERATION', 'createHandler: `operations` must hold compiled operations (the generated `operations`)');
      }
      this.#byId.set(op.id, op);
      for (const alias of op.aliases ?? []) if (!this.#byId.has(alias)) this.#byId.set(alias, op);
      byName.set(op.name, op);
    }
    const missing: string[] = [];
    for (const manifest of options.manifests) {
      for (const doc of manifest) {
        const op = this.#byId.get(sha256(doc.body)) ?? this.#byName(byName, doc);
        if (op === undefined) {
          missing.push(doc.name ?? doc.id);
          continue;
        }
        this.#byId.set(doc.id, op);
        this.#byId.set(sha256(doc.body), op);
      }
    }
    // A manifest the server cannot serve is a deployment error: say so at start, not per request.
    if (missing.length > 0) {
      throw new FraiseError(
        'INVALID_MANIFEST',
        `Persisted documents name operations that were not compiled: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
      );
    }
  }

  /** Ties a manifest document to the compiled operation of the same name and kind. */
  #byName(byName: ReadonlyMap<string, AnyCompiledOperation>, doc: PersistedDocument): AnyCompiledOperation | undefined {
    const defined = operationNames(doc.body) ?? [];
    const only = defined.length === 1 ? defined[0] : undefined;
    const name = doc.name ?? only?.name;
    if (name === undefined) return undefined;
    const op = byName.get(name);
    return op !== undefined && (only === undefined || only.kind === op.kind) ? op : undefined;
  }

  /**
   * The operation the request names; throws RequestFailure when there is none to run. A promise
   * only while a document compiles at run time: the common case costs no extra turn.
   */
  resolve(params: RequestParams): AnyCompiledOperation | Promise<AnyCompiledOperation> {
    const found = this.#find(params);
    return found instanceof Promise ? found.then((op) => checkName(op, params)) : checkName(found, params);
  }

  #find(params: RequestParams): AnyCompiledOperation | Promise<AnyCompiledOperation> {
    const apqHash = persistedQueryHash(params.extensions);
    if (params.documentId !== undefined && params.query !== undefined) {
      throw badRequest('Send either a document id or a query, not both');
    }
    if (params.documentId !== undefined && apqHash !== undefined && stripPrefix(params.documentId) !== apqHash) {
      throw badRequest('documentId and extensions.persistedQuery name different documents');
    }
    const id = params.documentId ?? apqHash;
    if (id !== undefined) {
      const known = this.#byId.get(id) ?? this.#byId.get(stripPrefix(id)) ?? this.#cached(stripPrefix(id), params.operationName);
      if (params.query === undefined) {
        if (known !== undefined) return known;
        throw this.#safelist
          ? graphqlFailure(400, 'PERSISTED_QUERY_NOT_IN_LIST', 'PersistedQueryNotInList')
          : graphqlFailure(404, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
      }
      // Apollo's registration: the document with its hash. The hash must be the document's.
      if (sha256(params.query) !== apqHash) {
        throw graphqlFailure(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query');
      }
      if (known !== undefined) return known;
    }
    if (params.query === undefined) {
      throw badRequest('No document: send a persisted document id (documentId or extensions.persistedQuery) or a query');
    }
    const hash = sha256(params.query);
    const known = this.#byId.get(hash) ?? this.#cached(hash, params.operationName);
    if (known !== undefined) return known;
    if (this.#compile === undefined || this.#safelist) {
      throw graphqlFailure(400, 'PERSISTED_QUERY_NOT_IN_LIST', 'PersistedQueryNotInList');
    }
    return this.#compileAndCache(hash, params.query, params.operationName, this.#compile);
  }

  /**
   * The compilation for this operationName, else the one compiled without a name (a document with
   * one operation: `checkName` then tells whether the name fits it).
   */
  #cached(hash: string, operationName: string | undefined): Promise<AnyCompiledOperation> | undefined {
    for (const key of operationName === undefined ? [cacheKey(hash, undefined)] : [cacheKey(hash, operationName), cacheKey(hash, undefined)]) {
      const entry = this.#compiled.get(key);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  #compileAndCache(hash: string, document: string, operationName: string | undefined, compile: CompileDocument): Promise<AnyCompiledOperation> {
    // Concurrent requests for one new document share one compilation.
    const key = cacheKey(hash, operationName);
    const pending = compile(document, operationName).then(
      (outcome) => {
        if (outcome.ok) return outcome.operation;
        const message = outcome.errors[0]?.message ?? 'Invalid document';
        throw new RequestFailure('graphql', 400, 'GRAPHQL_VALIDATION_FAILED', message, { errors: outcome.errors });
      },
      (error: unknown) => {
        throw new RequestFailure('server', 500, 'INTERNAL_SERVER_ERROR', 'The document could not be compiled', { cause: error });
      },
    );
    this.#compiled.set(key, pending);
    // Failures are not cached: a fixed schema or database lets the same document compile next time.
    pending.catch(() => {
      if (this.#compiled.peek(key) === pending) this.#compiled.delete(key);
    });
    return pending;
  }
}

/** The run-time compile cache's key: the document's sha256 and the operation compiled from it. */
function cacheKey(hash: string, operationName: string | undefined): string {
  return operationName === undefined ? hash : `${hash}:${operationName}`;
}

function checkName(op: AnyCompiledOperation, params: RequestParams): AnyCompiledOperation {
  if (params.operationName !== undefined && params.operationName !== op.name) {
    throw graphqlFailure(400, 'OPERATION_NAME_MISMATCH', `Unknown operation named "${params.operationName}"`);
  }
  return op;
}

function stripPrefix(id: string): string {
  return id.startsWith(SHA256_PREFIX) ? id.slice(SHA256_PREFIX.length) : id;
}

/** extensions.persistedQuery.sha256Hash (version 1), as Apollo clients send it. */
function persistedQueryHash(extensions: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const persisted = extensions?.['persistedQuery'];
  if (persisted === undefined || persisted === null) return undefined;
  if (typeof persisted !== 'object') throw badRequest('extensions.persistedQuery must be an object');
  const { version, sha256Hash } = persisted as Record<string, unknown>;
  if (version !== 1) {
    throw graphqlFailure(400, 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED', 'Unsupported persisted query version');
  }
  if (typeof sha256Hash !== 'string' || sha256Hash === '') throw badRequest('extensions.persistedQuery.sha256Hash must be a string');
  return sha256Hash;
}
