// What createHandler does about authentication, authorization and hardening, in one place so the
// handler only calls in: security headers and CSRF prevention on every request, the caller
// (token, scopes, context), the rate limit, the verdict on an operation's guarded fields, and
// audit events. Everything here is off unless its option is given, except the security headers.
import { Writable } from 'node:stream';
import type { Pool } from 'pg';
import type { RequestContext } from '../../context.js';
import { FraiseError } from '../../errors.js';
import type { AnyCompiledOperation, GraphQLResponseError, OperationAuth } from '../../types.js';
import { RequestFailure } from '../httpErrors.js';
import type { HandlerRequest } from '../requestParams.js';
import { ANONYMOUS, Authenticator, type Caller } from './authenticate.js';
import { judge, type Verdict } from './authorize.js';
import type { AuditEvent, AuditOutcome, AuthOptions, RateLimitOptions } from './options.js';
import { RateLimiter } from './rateLimit.js';

export interface GateOptions {
  readonly auth?: AuthOptions;
  readonly rateLimit?: RateLimitOptions;
  readonly onAudit?: (event: AuditEvent) => void;
  /** Refuse GET requests that carry no header a browser form could not send (default false). */
  readonly csrfPrevention?: boolean;
}

/** Where admit sets its headers (the response). */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Headers that prove the request was not a simple cross-site request (Apollo's list). */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'];

/** The auth metadata of a compiled operation (absent on operations without requirements). */
export function authOf(op: AnyCompiledOperation): OperationAuth | undefined {
  return op.auth;
}

function sensitiveOf(op: AnyCompiledOperation): readonly string[] {
  return op.sensitiveVariables ?? [];
}

/** What one request's audit event is made of, filled in as the request goes. */
export interface AuditState {
  kind: AuditEvent['kind'] | undefined;
  outcome: AuditOutcome | undefined;
  caller: Caller;
  variables: Readonly<Record<string, unknown>> | undefined;
}

export class Gate {
  readonly authenticator: Authenticator | undefined;
  readonly limiter: RateLimiter | undefined;

  constructor(
    readonly options: GateOptions,
    operations: readonly AnyCompiledOperation[],
    private readonly onError: (error: unknown) => void,
  ) {
    this.authenticator = options.auth !== undefined ? new Authenticator(options.auth, onError) : undefined;
    this.limiter = options.rateLimit !== undefined ? new RateLimiter(options.rateLimit) : undefined;
    if (options.onAudit !== undefined && typeof options.onAudit !== 'function') {
      throw new FraiseError('INVALID_OPTIONS', 'createHandler: `onAudit` must be a function of the event');
    }
    if (this.authenticator === undefined) {
      const guarded = operations.filter((op) => authOf(op) !== undefined).map((op) => op.name);
      if (guarded.length > 0) {
        throw new FraiseError(
          'INVALID_OPTIONS',
          `createHandler: operations ${guarded.join(', ')} read fields marked @authenticated or @requiresScopes, but no \`auth\` option is given: pass auth: { jwt: ... }`,
        );
      }
    }
  }

  start(pool: Pool): void {
    this.authenticator?.startRoles(pool);
  }

  /** Stops the rolesQuery refresh (handler.close). */
  stop(): void {
    this.authenticator?.stop();
  }

  /**
   * Security headers, CSRF prevention, the caller and the rate limit. Throws RequestFailures. The
   * caller comes at once when there is no token to verify (no `auth`): no turn of the event loop.
   */
  admit(req: HandlerRequest, res: HeaderSink, audit: AuditState): Caller | Promise<Caller> {
    res.setHeader('x-content-type-options', 'nosniff');
    if (req.headers.authorization !== undefined) res.setHeader('cache-control', 'no-store');
    if (this.options.csrfPrevention === true && req.method === 'GET' && !PREFLIGHT_HEADERS.some((h) => req.headers[h] !== undefined)) {
      throw new RequestFailure('http', 400, 'BAD_REQUEST', `GET requests must carry one of the headers ${PREFLIGHT_HEADERS.join(', ')} (CSRF prevention)`);
    }
    if (this.authenticator === undefined) return this.#limit(req, res, audit, ANONYMOUS);
    return this.#authenticate(this.authenticator, req, audit).then((caller) => this.#limit(req, res, audit, caller));
  }

  async #authenticate(authenticator: Authenticator, req: HandlerRequest, audit: AuditState): Promise<Caller> {
    try {
      return await authenticator.authenticate(req);
    } catch (error) {
      if (error instanceof RequestFailure && error.status === 401) {
        audit.kind = 'refused';
        audit.outcome = 'unauthenticated';
        // A refused token counts against the client address, so guessing tokens is rate limited too.
        const limited = this.limiter?.take(addressOf(req));
        if (limited?.refused) {
          audit.outcome = 'rate_limited';
          throw limited.refused;
        }
        throw limited ? withHeaders(error, limited.headers) : error;
      }
      throw error;
    }
  }

  #limit(req: HandlerRequest, res: HeaderSink, audit: AuditState, caller: Caller): Caller {
    audit.caller = caller;
    if (this.limiter !== undefined) {
      const key = this.limiter.options.key?.(req, caller.claims) ?? caller.userId ?? addressOf(req);
      const { headers, refused } = this.limiter.take(key);
      if (refused) {
        audit.kind = 'refused';
        audit.outcome = 'rate_limited';
        throw refused;
      }
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    }
    return caller;
  }

  /** The verdict on the operation's guarded fields for this caller; null when it has none. */
  verdict(op: AnyCompiledOperation, caller: Caller): Verdict | null {
    const auth = authOf(op);
    return auth === undefined ? null : judge(auth, caller);
  }

  /** The variables an audit event may carry: all but the @sensitive ones. */
  auditVariables(op: AnyCompiledOperation, variables: Readonly<Record<string, unknown>> | null | undefined): Readonly<Record<string, unknown>> | undefined {
    if (this.options.onAudit === undefined || variables === null || variables === undefined) return undefined;
    const sensitive = sensitiveOf(op);
    if (sensitive.length === 0) return variables;
    return redact(variables, sensitive.map((path) => path.split('.')));
  }

  /** Sends the request's audit event, if it has one, after the response (never delaying it). */
  report(audit: AuditState, op: AnyCompiledOperation | undefined, durationMs: number): void {
    const { onAudit } = this.options;
    if (onAudit === undefined || audit.kind === undefined || audit.outcome === undefined) return;
    const event: AuditEvent = {
      kind: audit.kind,
      operationId: op?.id,
      operationName: op?.name,
      userId: audit.caller.userId,
      outcome: audit.outcome,
      durationMs,
      ...(audit.variables !== undefined ? { variables: audit.variables } : {}),
    };
    setImmediate(() => {
      try {
        const result: unknown = onAudit(event);
        if (result instanceof Promise) result.catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    });
  }
}

/** A copy of `value` without the given paths (lists are looked through). */
export function redact(value: Readonly<Record<string, unknown>>, paths: readonly (readonly string[])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const below = paths.filter((p) => p[0] === key);
    if (below.some((p) => p.length === 1)) continue;
    out[key] = below.length === 0 ? item : redactValue(item, below.map((p) => p.slice(1)));
  }
  return out;
}

function redactValue(value: unknown, paths: readonly (readonly string[])[]): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, paths));
  if (value !== null && typeof value === 'object') return redact(value as Record<string, unknown>, paths);
  return value;
}

/** The request context: the application's `context(req)` overlaid with the token's (verified) one. */
export function mergeContexts(app: RequestContext | undefined, token: RequestContext | undefined): RequestContext | undefined {
  if (token === undefined) return app;
  const merged: Record<string, unknown> = { ...app };
  for (const [key, value] of Object.entries(token)) if (value !== undefined) merged[key] = value;
  return merged;
}

export function addressOf(req: HandlerRequest): string {
  return req.socket?.remoteAddress ?? 'unknown';
}

function withHeaders(failure: RequestFailure, headers: Record<string, string>): RequestFailure {
  return new RequestFailure(failure.kind, failure.status, failure.code, failure.message, {
    headers: { ...headers, ...failure.headers },
    errors: failure.errors,
  });
}

/** A Writable that keeps what is written, for responses that must be cut before they go out. */
export class CollectingWritable extends Writable {
  private readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    callback();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export type { GraphQLResponseError };
