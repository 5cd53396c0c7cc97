// PostgreSQL's meaning of the things both JavaScript oracles evaluate (test/support/filterOracle.ts
// for the filter suites, test/support/referenceExecutor.ts for whole operations): three-valued
// logic, `->` on jsonb, jsonb equality, `@>` and `?`, and LIKE under the "C" ctype. Written from
// PostgreSQL's documentation, never from Fraise's code, so the oracles stay independent of it.

/** SQL's three-valued logic: null is unknown. */
export type Tri = boolean | null;

export const and = (values: readonly Tri[]): Tri => (values.includes(false) ? false : values.includes(null) ? null : true);
export const or = (values: readonly Tri[]): Tri => (values.includes(true) ? true : values.includes(null) ? null : false);
export const not = (value: Tri): Tri => (value === null ? null : !value);

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value -> key`, with JSON null and missing keys both read as SQL NULL. */
export function jsonGet(value: unknown, key: string): unknown {
  return isJsonObject(value) && Object.hasOwn(value, key) ? (value[key] ?? null) : null;
}

/** jsonb `=`: arrays in order, objects by key whatever their order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** jsonb `a @> b`: objects by key, arrays by element (any order), and a top-level array contains a primitive. */
export function jsonContains(a: unknown, b: unknown, top = true): boolean {
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return b.every((eb) => a.some((ea) => jsonContains(ea, eb, false)));
    return top && !isJsonObject(b) && a.some((ea) => !Array.isArray(ea) && !isJsonObject(ea) && jsonEqual(ea, b));
  }
  if (isJsonObject(a)) {
    return isJsonObject(b) && Object.entries(b).every(([k, v]) => Object.hasOwn(a, k) && jsonContains(a[k], v, false));
  }
  return !Array.isArray(b) && !isJsonObject(b) && jsonEqual(a, b);
}

/** jsonb `?`: an object's key, a string element of an array, or the string itself. */
export function jsonHasKey(value: unknown, key: string): boolean {
  if (isJsonObject(value)) return Object.hasOwn(value, key);
  return Array.isArray(value) ? value.includes(key) : value === key;
}

/** ASCII-only case folding, as ILIKE and `~*` do under the "C" ctype. */
export const foldAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * SQL LIKE (ILIKE when `caseInsensitive`): `%` any run, `_` one character, `\` escapes. A pattern
 * ending in the escape character is an error in PostgreSQL, and so here.
 */
export function like(text: string, pattern: string, caseInsensitive: boolean): boolean {
  const fold = (s: string): string => (caseInsensitive ? foldAscii(s) : s);
  const chars = [...fold(pattern)];
  let re = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) throw new Error('LIKE pattern must not end with escape character');
      re += escapeRegExp(next);
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 'u').test(fold(text));
}

/** A character that matches itself in a unicode-mode regular expression. */
function escapeRegExp(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
