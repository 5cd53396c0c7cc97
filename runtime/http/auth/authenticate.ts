// Who is calling: the bearer token verified (or taken from the cache of verified tokens), its
// claims turned into the request context and the caller's scopes (with `implies` expanded,
// including roles loaded by `rolesQuery`). Refusals are RequestFailures: 401 with
// WWW-Authenticate, or 503 when the signing keys cannot be fetched.
import type { Pool } from 'pg';
import type { RequestContext } from '../../context.js';
import { FraiseError } from '../../errors.js';
import { RequestFailure } from '../httpErrors.js';
import type { HandlerRequest } from '../requestParams.js';
import { createTokenVerifier, TokenRefused, type TokenVerifier } from './jwt.js';
import type { AuthOptions, Claims } from './options.js';
import { defaultScopes, expandScopes, impliesMap, type Implies } from './scopes.js';
import { TokenCache } from './tokenCache.js';

export interface Caller {
  /** The verified claims, or null for an anonymous caller (`required: false`, no token). */
  readonly claims: Claims | null;
  /** `sub`, when the token has one. */
  readonly userId: string | null;
  readonly authenticated: boolean;
  /** Roles and scopes, `implies` expanded. */
  readonly scopes: ReadonlySet<string>;
  /** From auth.context(claims), or the default one. */
  readonly context: RequestContext | undefined;
}

export const ANONYMOUS: Caller = { claims: null, userId: null, authenticated: false, scopes: new Set(), context: undefined };

const DEFAULT_TOKEN_CACHE = 10_000;
const DEFAULT_ROLES_REFRESH_SECONDS = 60;

/** The token of an `Authorization: Bearer <token>` header; undefined for no header or another scheme. */
export function bearerToken(req: HandlerRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  // Auth schemes are case-insensitive (RFC 9110 11.1); any other scheme counts as no token.
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  return space < 0 ? '' : header.slice(space + 1).trim();
}

export function unauthenticated(message: string, tokenSent: boolean): RequestFailure {
  // RFC 6750 3.1: a request without credentials gets the challenge without an error code.
  const challenge = tokenSent ? `Bearer error="invalid_token", error_description=${JSON.stringify(message)}` : 'Bearer';
  return new RequestFailure('http', 401, 'UNAUTHENTICATED', message, { headers: { 'www-authenticate': challenge } });
}

export class Authenticator {
  private readonly verify: TokenVerifier;
  private readonly cache: TokenCache;
  private readonly required: boolean;
  private implies: Implies;
  private rolesLoaded: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: AuthOptions,
    private readonly onError: (error: unknown) => void,
  ) {
    if (typeof options !== 'object' || options === null || typeof options.jwt !== 'object' || options.jwt === null) {
      throw new FraiseError('INVALID_OPTIONS', 'createHandler: `auth.jwt` is required ({ secret } , { publicKey } or { jwksUri })');
    }
    for (const name of ['context', 'scopes'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') {
        throw new FraiseError('INVALID_OPTIONS', `createHandler: auth.${name} must be a function of the claims`);
      }
    }
    this.verify = createTokenVerifier(options.jwt);
    const size = options.tokenCacheSize ?? DEFAULT_TOKEN_CACHE;
    if (!Number.isSafeInteger(size) || size < 0) throw new FraiseError('INVALID_OPTIONS', `auth.tokenCacheSize must be an integer of at least 0, got ${size}`);
    this.cache = new TokenCache(size, (options.jwt.clockToleranceSeconds ?? 0) * 1000);
    this.required = options.required ?? true;
    this.implies = impliesMap(options.implies);
  }

  /** Loads `rolesQuery` now and on its interval. Requests wait for the first load. */
  startRoles(pool: Pool): void {
    const query = this.options.rolesQuery;
    if (query === undefined) return;
    const seconds = this.options.rolesRefreshSeconds ?? DEFAULT_ROLES_REFRESH_SECONDS;
    if (!(seconds > 0)) throw new FraiseError('INVALID_OPTIONS', `auth.rolesRefreshSeconds must be positive, got ${seconds}`);
    const load = async (): Promise<void> => {
      try {
        const { rows } = await pool.query<{ role: unknown; implies: unknown }>(query);
        const pairs = rows.flatMap((r) => (typeof r.role === 'string' && typeof r.implies === 'string' ? [[r.role, r.implies] as const] : []));
        this.implies = impliesMap(this.options.implies, pairs);
      } catch (error) {
        // The last roles loaded (or `implies` alone) stay in force.
        this.onError(error);
      }
    };
    this.rolesLoaded = load();
    this.timer = setInterval(() => void load(), seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The caller, or a 401/503 RequestFailure. */
  async authenticate(req: HandlerRequest): Promise<Caller> {
    const token = bearerToken(req);
    if (token === undefined) {
      if (this.required) throw unauthenticated('A bearer token is required', false);
      return ANONYMOUS;
    }
    if (token === '') throw unauthenticated('The bearer token is empty', true);
    let verified = this.cache.get(token);
    if (verified === undefined) {
      try {
        verified = await this.verify(token);
      } catch (error) {
        if (error instanceof TokenRefused && !error.unavailable) throw unauthenticated(error.message, true);
        throw new RequestFailure('server', 503, 'AUTH_UNAVAILABLE', 'The token cannot be checked right now', {
          headers: { 'retry-after': '1' },
          cause: error,
        });
      }
      this.cache.set(token, verified);
    }
    await this.rolesLoaded;
    return this.callerOf(verified.claims);
  }

  private callerOf(claims: Claims): Caller {
    const sub = typeof claims['sub'] === 'string' ? claims['sub'] : null;
    const context = this.options.context ? this.options.context(claims) : { user_id: sub ?? undefined, tenant_id: claims['tenant_id'] ?? undefined };
    const granted = this.options.scopes ? this.options.scopes(claims) : defaultScopes(claims);
    return { claims, userId: sub, authenticated: true, scopes: expandScopes(granted, this.implies), context };
  }

  /** The caller's scopes for tests and benchmarks: implies expanded with the current roles. */
  scopesOf(granted: Iterable<string>): Set<string> {
    return expandScopes(granted, this.implies);
  }
}
