// The `serve` section of fraise.config.json: createHandler's auth, rateLimit and csrfPrevention
// options for `fraise-compile serve` (docs/auth.md). Functions (auth.context, auth.scopes,
// rateLimit.key) cannot be written in JSON: the defaults apply. A secret is best not written in the
// file: `"secret": { "env": "FRAISE_JWT_SECRET" }` reads it from the environment.
import { readFile } from 'node:fs/promises';
import type { AuthOptions, RateLimitOptions } from '@fraise/runtime';

export interface ServeConfig {
  readonly auth?: AuthOptions;
  readonly rateLimit?: RateLimitOptions;
  readonly csrfPrevention?: boolean;
}

const SERVE_KEYS = ['auth', 'rateLimit', 'csrfPrevention'];
const AUTH_KEYS = ['jwt', 'required', 'implies', 'rolesQuery', 'rolesRefreshSeconds', 'tokenCacheSize'];

/** The `serve` section of a config file; {} when the file (not given explicitly) does not exist. */
export async function readServeConfig(file: string, explicit: boolean, env: NodeJS.ProcessEnv = process.env): Promise<ServeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`${file}: cannot be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const serve = isRecord(value) ? value['serve'] : undefined;
  if (serve === undefined) return {};
  const where = (key: string): string => `${file}: "serve.${key}"`;
  if (!isRecord(serve)) throw new Error(`${file}: "serve" must be an object`);
  for (const key of Object.keys(serve)) if (!SERVE_KEYS.includes(key)) throw new Error(`${where(key)} is not an option (${SERVE_KEYS.join(', ')})`);
  const out: { auth?: AuthOptions; rateLimit?: RateLimitOptions; csrfPrevention?: boolean } = {};
  if (serve['auth'] !== undefined) {
    const auth = serve['auth'];
    if (!isRecord(auth) || !isRecord(auth['jwt'])) throw new Error(`${where('auth')} must be an object with a "jwt" object`);
    for (const key of Object.keys(auth)) {
      if (!AUTH_KEYS.includes(key)) throw new Error(`${where(`auth.${key}`)} is not an option in a config file (${AUTH_KEYS.join(', ')}); functions go in createHandler`);
    }
    const jwt: Record<string, unknown> = { ...auth['jwt'] };
    const secret = jwt['secret'];
    if (isRecord(secret)) {
      const name = secret['env'];
      const fromEnv = typeof name === 'string' ? env[name] : undefined;
      if (fromEnv === undefined || fromEnv === '') throw new Error(`${where('auth.jwt.secret')} reads the environment variable ${String(name)}, which is not set`);
      jwt['secret'] = fromEnv;
    }
    out.auth = { ...(auth as unknown as AuthOptions), jwt };
  }
  if (serve['rateLimit'] !== undefined) {
    const rate = serve['rateLimit'];
    if (!isRecord(rate) || 'key' in rate) throw new Error(`${where('rateLimit')} must be { "limit": n, "windowSeconds": s }`);
    out.rateLimit = rate as unknown as RateLimitOptions;
  }
  if (serve['csrfPrevention'] !== undefined) {
    if (typeof serve['csrfPrevention'] !== 'boolean') throw new Error(`${where('csrfPrevention')} must be true or false`);
    out.csrfPrevention = serve['csrfPrevention'];
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
