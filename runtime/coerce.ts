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

/** A value as JSON for an error message (whatever it is). */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Whether a string (or a string in a list) holds NUL, which PostgreSQL text cannot hold. */
export const hasNulText = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) && value.some((x) => typeof x === 'string' && x.includes('\u0000'));

/** Whether a value holds NUL anywhere in its strings, at any depth of arrays. */
export const hasNul = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) ? value.some(hasNul) : false;
