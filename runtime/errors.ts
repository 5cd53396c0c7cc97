// Errors the runtime throws at its caller. These are programmer errors (bad options, a malformed
// compiled operation, a broken generated module); problems of a request (bad variables, database
// failures) are reported in the GraphQL response instead, see responseErrors.ts.

export type FraiseErrorCode =
  /** `createRuntime` or a call was given options it cannot use. */
  | 'INVALID_OPTIONS'
  /** The object passed as an operation is not a compiled operation. */
  | 'INVALID_OPERATION'
  /** Two different statement texts were prepared under one name on the same connection. */
  | 'STATEMENT_CONFLICT'
  /** A row's column did not hold JSON text. */
  | 'INVALID_ROW'
  /** A streamed response broke off after its first byte (the writable was destroyed with this). */
  | 'STREAM_ABORTED'
  /** A portal cursor was read after it was closed (a bug in the runtime's own use of it). */
  | 'CURSOR_CLOSED'
  /** The request context is not an object of valid setting names and values. */
  | 'INVALID_CONTEXT'
  /** A persisted-document manifest that is not in a supported format, or names operations not compiled. */
  | 'INVALID_MANIFEST'
  /** A feature of the specification this runtime does not implement yet. */
  | 'NOT_SUPPORTED'
  /** The installed pg lacks an internal the runtime drives (pgInternals.ts); says pg's version and the supported range. */
  | 'UNSUPPORTED_PG';

export class FraiseError extends Error {
  override readonly name = 'FraiseError';
  readonly code: FraiseErrorCode;

  constructor(code: FraiseErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
