// Request failures the handler answers itself, before or instead of running an operation. Each has
// a stable `code` (in the GraphQL error's extensions) and a kind that decides the HTTP status.
import type { GraphQLResponseError } from '../types.js';

export type RequestErrorCode =
  /** Not a well-formed GraphQL-over-HTTP request: bad JSON, bad parameters, no document. */
  | 'BAD_REQUEST'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_ACCEPTABLE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  /** The request line and headers exceed node:http's maxHeaderSize (431, see handleClientError). */
  | 'REQUEST_HEADER_FIELDS_TOO_LARGE'
  /** The headers or body did not arrive within node:http's headersTimeout/requestTimeout (408). */
  | 'REQUEST_TIMEOUT'
  | 'TOO_MANY_VARIABLES'
  /** A persisted document id the server does not know (Apollo clients then send the document). */
  | 'PERSISTED_QUERY_NOT_FOUND'
  /** A document that is not in the server's list, and will not be (safelist, or no run-time compiling). */
  | 'PERSISTED_QUERY_NOT_IN_LIST'
  /** extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it. */
  | 'PERSISTED_QUERY_HASH_MISMATCH'
  | 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED'
  /** Variables that do not fit the operation's variable definitions (the message names them). */
  | 'BAD_USER_INPUT'
  /** operationName names no operation of the document. */
  | 'OPERATION_NAME_MISMATCH'
  /** Run-time compilation refused the document (its errors say why). */
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR'
  /** No valid bearer token where one is required (401 with WWW-Authenticate), see docs/auth.md. */
  | 'UNAUTHENTICATED'
  /** The caller's rate limit is spent (429 with Retry-After). */
  | 'RATE_LIMITED'
  /** The token's signing keys (JWKS) cannot be fetched right now (503 with Retry-After). */
  | 'AUTH_UNAVAILABLE';

/**
 * - `http`: the HTTP exchange itself is wrong (method, media types, size, malformed body): a 4xx
 *   whatever the response media type;
 * - `graphql`: a well-formed request that cannot run (unknown document, bad variables): 200 with
 *   application/json, 4xx with application/graphql-response+json, as the specification asks;
 * - `server`: our side failed: 5xx.
 */
export type FailureKind = 'http' | 'graphql' | 'server';

export interface FailureOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The errors to answer with, when not the one built from `code` and `message`. */
  readonly errors?: readonly GraphQLResponseError[];
  readonly cause?: unknown;
}

export class RequestFailure extends Error {
  readonly errors: readonly GraphQLResponseError[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly kind: FailureKind,
    readonly status: number,
    readonly code: RequestErrorCode,
    message: string,
    options: FailureOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.headers = options.headers ?? {};
    this.errors = options.errors ?? [{ message, extensions: { code } }];
  }
}

export function badRequest(message: string, code: RequestErrorCode = 'BAD_REQUEST'): RequestFailure {
  return new RequestFailure('http', 400, code, message);
}

/** A request error answered 200 (application/json) or with `status` (graphql-response+json). */
export function graphqlFailure(status: number, code: RequestErrorCode, message: string): RequestFailure {
  return new RequestFailure('graphql', status, code, message);
}
