// Verifies `Authorization: Bearer` JWTs with `jose` (loaded on first use, so the runtime installs
// with `pg` alone; `jose` is an optional peer dependency needed only when `auth.jwt` is set).
// The accepted algorithms follow the key: HS* only with a shared secret, never with a public key
// or a JWKS, so an HS token signed with a public key's bytes (algorithm confusion) is refused
// before any key is used; `none` is never accepted by jose's jwtVerify.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { FraiseError } from '../../errors.js';
import type { Claims, JwtOptions, PublicJwk } from './options.js';

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
/** Node's curve names -> the JWS algorithm of that curve. */
const EC_ALGORITHMS: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const ASYMMETRIC_ALGORITHMS = [...RSA_ALGORITHMS, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** JWKS: kept one hour; an unknown `kid` refetches it, at most once every 30 seconds. */
export const JWKS_CACHE_MAX_AGE_MS = 3_600_000;
export const JWKS_COOLDOWN_MS = 30_000;

/** Why a token was refused (the 401's error_description), or that the keys could not be fetched. */
export class TokenRefused extends Error {
  constructor(
    message: string,
    /** True when the token may be fine but its keys could not be fetched (503, not 401). */
    readonly unavailable = false,
  ) {
    super(message);
  }
}

export interface VerifiedToken {
  readonly claims: Claims;
  /** Seconds since the epoch, when the token carries `exp`. */
  readonly exp: number | undefined;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

type Jose = typeof import('jose');
type KeyInput = Parameters<Jose['jwtVerify']>[1];

let josePromise: Promise<Jose> | undefined;

/** `jose`, imported once, on first use. */
function loadJose(): Promise<Jose> {
  josePromise ??= import('jose').catch((error: unknown) => {
    josePromise = undefined;
    throw new FraiseError('INVALID_OPTIONS', 'auth.jwt needs the `jose` package: npm install jose', { cause: error });
  });
  return josePromise;
}

/** Checks the options at start-up and returns the verifier (which loads jose on its first call). */
export function createTokenVerifier(options: JwtOptions): TokenVerifier {
  const sources = [options.secret, options.publicKey, options.jwksUri].filter((s) => s !== undefined).length;
  if (sources !== 1) {
    throw new FraiseError('INVALID_OPTIONS', 'auth.jwt needs exactly one of `secret`, `publicKey` or `jwksUri`');
  }
  const tolerance = options.clockToleranceSeconds ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new FraiseError('INVALID_OPTIONS', `auth.jwt.clockToleranceSeconds must be a number of at least 0, got ${tolerance}`);
  }
  const { key, defaults } = keyOf(options);
  const algorithms = checkAlgorithms(options, defaults);
  const verifyOptions = {
    algorithms,
    clockTolerance: tolerance,
    ...(options.issuer !== undefined ? { issuer: [options.issuer].flat() as string[] } : {}),
    ...(options.audience !== undefined ? { audience: [options.audience].flat() as string[] } : {}),
  };
  let resolved: Promise<{ jose: Jose; key: KeyInput }> | undefined;
  const ready = (): Promise<{ jose: Jose; key: KeyInput }> =>
    (resolved ??= loadJose().then((jose) => ({
      jose,
      key:
        key.kind === 'jwks'
          ? jose.createRemoteJWKSet(key.url, { cacheMaxAge: JWKS_CACHE_MAX_AGE_MS, cooldownDuration: JWKS_COOLDOWN_MS })
          : key.value,
    })));
  return async (token) => {
    const { jose, key: verifyKey } = await ready();
    try {
      const { payload } = await jose.jwtVerify(token, verifyKey as Parameters<Jose['jwtVerify']>[1] & KeyObject, verifyOptions);
      return { claims: payload as Claims, exp: typeof payload.exp === 'number' ? payload.exp : undefined };
    } catch (error) {
      throw refusal(jose, error);
    }
  };
}

type Key = { readonly kind: 'jwks'; readonly url: URL } | { readonly kind: 'static'; readonly value: KeyObject | Uint8Array };

function keyOf(options: JwtOptions): { key: Key; defaults: readonly string[] } {
  if (options.secret !== undefined) {
    const bytes = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (bytes.byteLength === 0) throw new FraiseError('INVALID_OPTIONS', 'auth.jwt.secret is empty');
    return { key: { kind: 'static', value: bytes }, defaults: HMAC_ALGORITHMS };
  }
  if (options.jwksUri !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUri);
    } catch {
      throw new FraiseError('INVALID_OPTIONS', `auth.jwt.jwksUri is not a URL: ${JSON.stringify(options.jwksUri)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new FraiseError('INVALID_OPTIONS', `auth.jwt.jwksUri must be an http(s) URL, got ${url.protocol}`);
    }
    return { key: { kind: 'jwks', url }, defaults: ASYMMETRIC_ALGORITHMS };
  }
  const input = options.publicKey!;
  const publicKey = publicKeyOf(input);
  return { key: { kind: 'static', value: publicKey }, defaults: algorithmsOfKey(publicKey, input) };
}

function publicKeyOf(input: string | PublicJwk): KeyObject {
  let key: KeyObject;
  try {
    key =
      typeof input === 'string'
        ? createPublicKey({ key: input, format: 'pem' })
        : createPublicKey({ key: input as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new FraiseError('INVALID_OPTIONS', `auth.jwt.publicKey is not a PEM (SPKI) public key or a public JWK: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (key.type !== 'public') throw new FraiseError('INVALID_OPTIONS', 'auth.jwt.publicKey must be a public key');
  return key;
}

function algorithmsOfKey(key: KeyObject, input: string | PublicJwk): readonly string[] {
  const jwkAlg = typeof input === 'object' && typeof input['alg'] === 'string' ? input['alg'] : undefined;
  if (jwkAlg !== undefined) return [jwkAlg];
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA_ALGORITHMS;
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const alg = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (alg === undefined) throw new FraiseError('INVALID_OPTIONS', 'auth.jwt.publicKey: unsupported elliptic curve');
      return [alg];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      throw new FraiseError('INVALID_OPTIONS', `auth.jwt.publicKey: unsupported key type ${key.asymmetricKeyType}`);
  }
}

function checkAlgorithms(options: JwtOptions, defaults: readonly string[]): string[] {
  if (options.algorithms === undefined) return [...defaults];
  if (!Array.isArray(options.algorithms) || options.algorithms.length === 0) {
    throw new FraiseError('INVALID_OPTIONS', 'auth.jwt.algorithms must be a non-empty list');
  }
  const symmetric = options.secret !== undefined;
  for (const alg of options.algorithms) {
    if (alg === 'none') throw new FraiseError('INVALID_OPTIONS', 'auth.jwt.algorithms: `none` is never accepted');
    const hmac = (HMAC_ALGORITHMS as readonly string[]).includes(alg);
    if (hmac !== symmetric || !(hmac || (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg))) {
      throw new FraiseError(
        'INVALID_OPTIONS',
        `auth.jwt.algorithms: ${alg} cannot be used with ${symmetric ? 'a shared secret (HS256, HS384, HS512 only)' : 'a public key or JWKS (HS* needs `secret`)'}`,
      );
    }
  }
  return [...options.algorithms];
}

/** jose's verdicts become 401s; a JWKS that cannot be fetched is our side's problem (503). */
function refusal(jose: Jose, error: unknown): TokenRefused {
  const { errors } = jose;
  if (error instanceof errors.JWKSTimeout) return new TokenRefused('The signing keys could not be fetched in time', true);
  if (error instanceof errors.JWTExpired) return new TokenRefused('The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new TokenRefused(`The token's ${error.claim} claim is not accepted`);
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRefused("The token's algorithm is not accepted");
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new TokenRefused('The token names no key (kid) and several keys match');
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRefused('No signing key matches the token');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRefused('The token signature is invalid');
  if (error instanceof errors.JOSEError) {
    // jose reports a JWKS endpoint's bad answer (non-200, not a JWKS) as a JOSEError too.
    if (error.code === 'ERR_JOSE_GENERIC' || error.code === 'ERR_JWKS_INVALID') return new TokenRefused('The signing keys could not be fetched', true);
    return new TokenRefused('The token is malformed or invalid');
  }
  // fetch failures (connection refused, DNS): the keys are unreachable.
  return new TokenRefused('The signing keys could not be fetched', true);
}
