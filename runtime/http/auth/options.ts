// The options of createHandler's `auth`, `rateLimit` and `onAudit` (docs/auth.md). Kept apart from
// createHandler.ts so the handler only gains three optional keys.
import type { RequestContext } from '../../context.js';
import type { HandlerRequest } from '../requestParams.js';

/** A JWT's payload once verified. */
export type Claims = Readonly<Record<string, unknown>>;

/** A public key in JWK form (RFC 7517): what a JWKS endpoint returns one of. */
export interface PublicJwk {
  readonly kty?: string;
  readonly [member: string]: unknown;
}

export interface JwtOptions {
  /** A shared secret (HS256/384/512). */
  readonly secret?: string | Uint8Array;
  /** A public key: PEM (SPKI, `-----BEGIN PUBLIC KEY-----`) or a JWK object. */
  readonly publicKey?: string | PublicJwk;
  /** A JWKS endpoint (Auth0: https://<tenant>/.well-known/jwks.json). */
  readonly jwksUri?: string;
  /** Required `iss`, when set. */
  readonly issuer?: string | readonly string[];
  /** Required `aud` (a token's array passes when it contains one of these), when set. */
  readonly audience?: string | readonly string[];
  /** Accepted `alg` values; by default every algorithm of the key's kind (HS* only for `secret`). */
  readonly algorithms?: readonly string[];
  /** Slack for `exp` and `nbf`, in seconds. Default 0. */
  readonly clockToleranceSeconds?: number;
}

export interface AuthOptions {
  readonly jwt: JwtOptions;
  /** Default true: a request without a valid token is refused with 401. */
  readonly required?: boolean;
  /** The request context from the claims. Default `{ user_id: sub, tenant_id: claims.tenant_id }`. */
  readonly context?: (claims: Claims) => RequestContext | undefined;
  /** The caller's scopes and roles. Default: `claims.scope` split on spaces, plus `claims.roles`. */
  readonly scopes?: (claims: Claims) => readonly string[];
  /** Role hierarchy: each role or scope grants the listed ones too (transitively). */
  readonly implies?: Readonly<Record<string, readonly string[]>>;
  /**
   * More `implies` from the database: a query returning rows `(role text, implies text)`, run on
   * the handler's pool at start and every `rolesRefreshSeconds` (default 60). Merged with `implies`.
   */
  readonly rolesQuery?: string;
  readonly rolesRefreshSeconds?: number;
  /** Verified tokens kept until their exp (least recently used go first). Default 10,000. */
  readonly tokenCacheSize?: number;
}

export interface RateLimitOptions {
  /** Requests allowed per window (the bucket's size). */
  readonly limit: number;
  /** The window: the bucket refills `limit` tokens over this many seconds. */
  readonly windowSeconds: number;
  /** The bucket's key. Default: the token's `sub`, else the client address. */
  readonly key?: (req: HandlerRequest, claims: Claims | null) => string;
}

export type AuditOutcome = 'ok' | 'error' | 'unauthenticated' | 'forbidden' | 'rate_limited';

/** One mutation, or one refused request. */
export interface AuditEvent {
  readonly kind: 'mutation' | 'refused';
  readonly operationId: string | undefined;
  readonly operationName: string | undefined;
  /** The token's `sub`, or null for an anonymous (or unauthenticated) caller. */
  readonly userId: string | null;
  readonly outcome: AuditOutcome;
  readonly durationMs: number;
  /** The variables sent, without those the schema marks `@sensitive`; absent when none were read. */
  readonly variables?: Readonly<Record<string, unknown>>;
}
