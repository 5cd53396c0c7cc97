// Request context -> PostgreSQL settings. Each key of the context becomes the setting `app.<key>`,
// set with set_config(name, value, true): local to the transaction that runs the operation's
// statements, so row-level security policies and views can read it with current_setting, and it
// is gone before the connection serves anyone else.
import { FraiseError } from './errors.js';

/** A request's context: tenant, user, roles, whatever the application's policies read. */
export type RequestContext = Readonly<Record<string, unknown>>;

/** Settings as two parallel text arrays, the bind values of SET_CONTEXT_SQL. */
export interface ContextSettings {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

/**
 * One statement for any number of settings. It is sent unnamed, in the same pipeline as the
 * operation's statement and before it (see portalCursor.ts), so it costs no extra round trip.
 */
export const SET_CONTEXT_SQL = 'SELECT count(set_config(c.name, c.value, true)) FROM unnest($1::text[], $2::text[]) AS c(name, value)';

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Validates the context and turns it into settings; null for no context. Strings are set as they
 * are, numbers, booleans and bigints as their text, arrays and objects as JSON text, and null as ''
 * (what current_setting('app.x', true) also returns once a transaction-local value ended).
 */
export function contextSettings(context: RequestContext | undefined): ContextSettings | null {
  if (context === undefined || context === null) return null;
  if (typeof context !== 'object' || Array.isArray(context)) {
    throw new FraiseError('INVALID_CONTEXT', 'The request context must be an object of settings');
  }
  const names: string[] = [];
  const values: string[] = [];
  for (const key of Object.keys(context).sort()) {
    if (!KEY.test(key)) {
      throw new FraiseError('INVALID_CONTEXT', `Context key ${JSON.stringify(key)} is not a valid setting name (letters, digits, _)`);
    }
    const value = context[key];
    if (value === undefined) continue;
    names.push(`app.${key}`);
    values.push(settingText(key, value));
  }
  return names.length === 0 ? null : { names, values };
}

function settingText(key: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (value.includes('\u0000')) throw new FraiseError('INVALID_CONTEXT', `Context value of ${JSON.stringify(key)} contains a NUL character`);
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new FraiseError('INVALID_CONTEXT', `Context value of ${JSON.stringify(key)} is not a finite number`);
      return String(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? '' : JSON.stringify(value);
    default:
      throw new FraiseError('INVALID_CONTEXT', `Context value of ${JSON.stringify(key)} has unsupported type ${typeof value}`);
  }
}
