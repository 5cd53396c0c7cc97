// @fraise/runtime, the runtime package (the root package re-exports it as fraise/runtime): what
// applications and generated modules import.
export { createRuntime } from './createRuntime.js';
export type { ExecuteOptions, RequestContext, Runtime, RuntimeOptions, Variables } from './createRuntime.js';
export { FraiseError } from './errors.js';
export { completeData, REMOVED } from './nonNull.js';
export { MUTATION_ERROR_CODES } from './mutationErrors.js';
export type { FraiseErrorCode } from './errors.js';
export type {
  AnyCompiledOperation,
  AuthField,
  CoercionResult,
  CompiledOperation,
  CompiledStatement,
  DataOf,
  ExecutionResult,
  GraphQLResponseError,
  MutationStep,
  NullField,
  NullShape,
  OperationAuth,
  Requirement,
  ResultShape,
  RowField,
  VariablesOf,
} from './types.js';
export { createHandler } from './http/createHandler.js';
export { answerServerRefusals, handleClientError } from './http/serverRefusals.js';
export type { CloseOptions, CloseReport, ErrorContext, GraphQLHandler, HandlerOptions, OperationEvent } from './http/createHandler.js';
export { AcquireRefused, acquireClient, poolLoad } from './acquire.js';
export type { Acquired, AcquireLimits, PoolLoad, RefusalReason } from './acquire.js';
export type { CompileDocument, CompileOutcome } from './http/documents.js';
export { loadPersistedDocuments, parsePersistedDocuments } from './http/manifests.js';
export type { PersistedDocument } from './http/manifests.js';
export type { RequestErrorCode } from './http/httpErrors.js';
export type { TimeoutSetting } from './settings.js';
export type { AuditEvent, AuditOutcome, AuthOptions, Claims, JwtOptions, PublicJwk, RateLimitOptions } from './http/auth/options.js';
// Constants the compiler shares with the runtime (it imports them from this package, never by path).
export { GRANTS_SETTING, MAX_GRANT_BITS } from './http/auth/authorize.js';
export { sha256 } from './sha256.js';
// The helpers generated modules import (coercion, whole-variable filters, paging, statement shapes).
export * from './generated.js';
