// Variable coercion shared by every generated module: each scalar's check, lists, enums and the
// errors a bad value gets. A generated `prepare` imports what its variables need and holds only
// what is specific to its operation (which variable has which type).
import type { GraphQLResponseError } from './types.js';

/** What a coercer returns for a value its type does not accept. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;
/** A value checked against one GraphQL input type: the value to bind, or INVALID. */
export type Coercer = (value: unknown) => unknown;

/** The one UUID check: 8-4-4-4-12 hexadecimal digits, as PostgreSQL's uuid input accepts them. */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const coerceString: Coercer = (v) => (typeof v === 'string' ? v : INVALID);
export const coerceID: Coercer = (v) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : INVALID);
export const coerceInt: Coercer = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : INVALID);
export const coerceFloat: Coercer = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : INVALID);
export const coerceBoolean: Coercer = (v) => (typeof v === 'boolean' ? v : INVALID);
export const coerceDateTime: Coercer = (v) => (typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) ? v : INVALID);
export const coerceDate: Coercer = (v) => (typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(v)) ? v : INVALID);
export const coerceUUID: Coercer = (v) => (isUuid(v) ? v : INVALID);
export const coerceJSON: Coercer = (v) => v;
/** Input objects are checked by their generated builders (where, orderBy) or coercers (mutations). */
export const coerceAny: Coercer = (v) => v;
/** A scalar the runtime has no check for accepts nothing. */
export const coerceNothing: Coercer = () => INVALID;

/** The check of each scalar a generated module may import, by GraphQL name. */
export const SCALAR_COERCERS: Readonly<Record<string, Coercer>> = Object.freeze({
  String: coerceString,
  ID: coerceID,
  Int: coerceInt,
  Float: coerceFloat,
  Boolean: coerceBoolean,
  DateTime: coerceDateTime,
  Date: coerceDate,
  UUID: coerceUUID,
  JSON: coerceJSON,
});

/** A list: a single value is a list of one (GraphQL input coercion); null items only when `nullable`. */
export function coerceList(value: unknown, item: Coercer, nullable = true): unknown {
  const items = Array.isArray(value) ? value : [value];
  const out = items.map((x) => (x === null ? (nullable ? null : INVALID) : item(x)));
  return out.includes(INVALID) ? INVALID : out;
}

/** `[T]` of an item coercer (a list of non-null items: `nullable` false). */
export const listOf = (item: Coercer, nullable = true): Coercer => (v) => coerceList(v, item, nullable);

/** An enum: one of its value names. */
export function enumCoercer(values: readonly string[]): Coercer {
  const names = new Set(values);
  return (v) => (typeof v === 'string' && names.has(v) ? v : INVALID);
}

/** A request error about a variable (GraphQL's BAD_USER_INPUT). */
export const badInput = (message: string): GraphQLResponseError => ({ message, extensions: { code: 'BAD_USER_INPUT' } });

/** Messages quote at most this much of a value (then `…`). */
export const SHOW_MAX_LENGTH = 200;
/** Messages quote arrays and objects this deep (deeper ones read `[…]` / `{…}`). */
export const SHOW_MAX_DEPTH = 20;

/**
 * A value as JSON for an error message, whatever it is. Bounded: it writes at most
 * SHOW_MAX_LENGTH characters and descends at most SHOW_MAX_DEPTH levels, so a huge or 100,000-deep
 * value costs a few hundred steps and no deep recursion (prepareOperation refuses such variables
 * before any coercion, but show does not rely on its callers for that). A cycle reads `[Circular]`;
 * what JSON.stringify leaves out (undefined, functions, symbols) is left out or null as there.
 */
export function show(value: unknown): string {
  try {
    const top = jsonOf(value, '');
    if (isOmitted(top)) return bounded(String(value));
    const out = new BoundedText();
    writeJson(top, 0, [], out);
    return out.text();
  } catch {
    // A getter or toJSON that throws, a revoked proxy, an object without toString.
    return bounded(Object.prototype.toString.call(value));
  }
}

class BoundedText {
  #text = '';
  get full(): boolean {
    return this.#text.length > SHOW_MAX_LENGTH;
  }
  add(part: string): void {
    if (!this.full) this.#text += part;
  }
  text(): string {
    return bounded(this.#text);
  }
}

function bounded(text: string): string {
  return text.length > SHOW_MAX_LENGTH ? `${text.slice(0, SHOW_MAX_LENGTH)}…` : text;
}

/** What JSON.stringify writes for `value` as the member `key`: its toJSON() when it has one. */
function jsonOf(value: unknown, key: string): unknown {
  const toJSON = typeof value === 'object' && value !== null ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? (toJSON as (key: string) => unknown).call(value, key) : value;
}

const isOmitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function writeJson(value: unknown, depth: number, ancestors: object[], out: BoundedText): void {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return out.add(JSON.stringify(value));
  // Only the start of a long string can be shown: escape just that much.
  if (typeof value === 'string') return out.add(JSON.stringify(value.length > SHOW_MAX_LENGTH ? value.slice(0, SHOW_MAX_LENGTH + 1) : value));
  if (typeof value === 'bigint') return out.add(String(value));
  const object = value as object;
  const list = Array.isArray(object);
  if (ancestors.includes(object)) return out.add('[Circular]');
  if (depth >= SHOW_MAX_DEPTH) return out.add(list ? '[…]' : '{…}');
  ancestors.push(object);
  if (list) {
    out.add('[');
    for (let i = 0; i < object.length && !out.full; i++) {
      if (i > 0) out.add(',');
      const item = jsonOf(object[i], String(i));
      if (isOmitted(item)) out.add('null');
      else writeJson(item, depth + 1, ancestors, out);
    }
    out.add(']');
  } else {
    out.add('{');
    let first = true;
    // for...in rather than Object.keys: stops at the length bound without listing every key.
    for (const key in object) {
      if (out.full) break;
      if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
      const item = jsonOf((object as Record<string, unknown>)[key], key);
      if (isOmitted(item)) continue;
      out.add(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      writeJson(item, depth + 1, ancestors, out);
    }
    out.add('}');
  }
  ancestors.pop();
}

/** Whether a string (or a string in a list) holds NUL, which PostgreSQL text cannot hold. */
export const hasNulText = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) && value.some((x) => typeof x === 'string' && x.includes('\u0000'));

/**
 * Whether a value holds NUL anywhere in its strings, at any depth of arrays. Iterative and each
 * array once, so neither a deep nor a cyclic value (runtime.execute takes any JavaScript value) can
 * overflow the stack or loop.
 */
export function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (!Array.isArray(value)) return false;
  const seen = new Set<readonly unknown[]>();
  const stack: (readonly unknown[])[] = [value];
  while (stack.length > 0) {
    const list = stack.pop()!;
    if (seen.has(list)) continue;
    seen.add(list);
    for (const item of list) {
      if (typeof item === 'string' && item.includes('\u0000')) return true;
      if (Array.isArray(item)) stack.push(item);
    }
  }
  return false;
}
