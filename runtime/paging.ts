// A connection's paging arguments, decoded in a generated `prepare`: first/last give the page size
// (one more row is fetched, to tell whether another page exists) and the direction; after/before
// cursors are decoded and checked against the SQL types of the connection's order key.
import { hasNulText, isUuid } from './coerce.js';

/** A connection's decoded paging arguments. */
export interface Paging {
  readonly size: number | null;
  readonly fetch: number | null;
  readonly back: boolean;
  readonly after: readonly unknown[] | null;
  readonly before: readonly unknown[] | null;
}

/** Longest cursor accepted (base64 of the key values). */
export const MAX_CURSOR_LENGTH = 8192;

/** What each key type's value must be in a cursor (others: a string). */
const CURSOR_CHECKS: ReadonlyMap<string, (v: unknown) => boolean> = new Map<string, (v: unknown) => boolean>([
  ['integer', (v) => typeof v === 'number' && Number.isInteger(v)],
  ['double precision', (v) => typeof v === 'number'],
  ['boolean', (v) => typeof v === 'boolean'],
  ['uuid', isUuid],
  ['timestamp with time zone', (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v))],
  ['timestamptz', (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v))],
  ['date', (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)],
]);
const isString = (v: unknown): boolean => typeof v === 'string';

/** A cursor's key values, or null when it is not a cursor of a key of these types. */
export function decodeCursor(value: unknown, keyTypes: readonly string[]): readonly unknown[] | null {
  if (typeof value !== 'string' || value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== keyTypes.length) return null;
  const ok = parts.every((p, i) => p === null || (CURSOR_CHECKS.get(keyTypes[i]!) ?? isString)(p));
  return ok && !hasNulText(parts) ? parts : null;
}

/**
 * Decodes first/last/after/before (`names`: how the request called them, for errors) under a
 * maximum page size (null: none): the paging, or the message of what is wrong.
 */
export function paging(
  first: unknown,
  last: unknown,
  after: unknown,
  before: unknown,
  keyTypes: readonly string[],
  names: readonly [string, string, string, string],
  max: number | null,
): Paging | string {
  if (first != null && last != null) return `Give "${names[0]}" or "${names[1]}", not both.`;
  for (const [i, n] of [first, last].entries()) {
    if (n != null && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) return `"${names[i]}" must be a non-negative integer.`;
    if (n != null && max !== null && (n as number) > max) return `"${names[i]}" is larger than the maximum page size, ${max}.`;
  }
  const size = (first ?? last ?? max) as number | null;
  const decodedAfter = after == null ? null : decodeCursor(after, keyTypes);
  if (after != null && decodedAfter === null) return `"${names[2]}" is not a cursor of this connection.`;
  const decodedBefore = before == null ? null : decodeCursor(before, keyTypes);
  if (before != null && decodedBefore === null) return `"${names[3]}" is not a cursor of this connection.`;
  return { size, fetch: size === null ? null : size + 1, back: last != null, after: decodedAfter, before: decodedBefore };
}
