// The generated code that decodes a connection's paging arguments in `prepare`: first/last give
// the page size (one more row is fetched, to tell whether another page exists) and the direction;
// after/before cursors are decoded and checked against the types of the order key.
import type { ConnectionArgs, ValueSource } from '../plan/ir.js';
import { varLocal } from './coercionCode.js';

/** Helper emitted into modules with connections. */
export const CONNECTION_HELPERS_SOURCE = `/** A connection's decoded paging arguments, or the message of what is wrong with them. */
interface Paging {
  readonly size: number | null;
  readonly fetch: number | null;
  readonly back: boolean;
  readonly after: readonly unknown[] | null;
  readonly before: readonly unknown[] | null;
}
const CURSOR_CHECKS: Readonly<Record<string, (v: unknown) => boolean>> = {
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  'double precision': (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  uuid: (v) => typeof v === 'string' && /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v),
  'timestamp with time zone': (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  timestamptz: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  date: (v) => typeof v === 'string' && /^\\d{4}-\\d{2}-\\d{2}$/.test(v),
};

function decodeCursor(value: unknown, keyTypes: readonly string[]): readonly unknown[] | null {
  if (typeof value !== 'string' || value.length > 8192 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== keyTypes.length) return null;
  const ok = parts.every((p, i) => p === null || (CURSOR_CHECKS[keyTypes[i]!] ?? ((v: unknown) => typeof v === 'string'))(p));
  return ok && !hasNulText(parts) ? parts : null;
}

function paging(
  first: unknown,
  last: unknown,
  after: unknown,
  before: unknown,
  keyTypes: readonly string[],
  names: readonly string[],
  max: number | null,
): Paging | string {
  if (first != null && last != null) return 'Give "' + names[0] + '" or "' + names[1] + '", not both.';
  for (const [i, n] of [first, last].entries()) {
    if (n != null && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) return '"' + names[i] + '" must be a non-negative integer.';
    if (n != null && max !== null && (n as number) > max) return '"' + names[i] + '" is larger than the maximum page size, ' + max + '.';
  }
  const size = (first ?? last ?? max) as number | null;
  const decodedAfter = after == null ? null : decodeCursor(after, keyTypes);
  if (after != null && decodedAfter === null) return '"' + names[2] + '" is not a cursor of this connection.';
  const decodedBefore = before == null ? null : decodeCursor(before, keyTypes);
  if (before != null && decodedBefore === null) return '"' + names[3] + '" is not a cursor of this connection.';
  return { size, fetch: size === null ? null : size + 1, back: last != null, after: decodedAfter, before: decodedBefore };
}`;

/** Statements decoding one variant's connections into conn<index> locals (returning errors). */
export function connectionLines(connections: readonly ConnectionArgs[]): string {
  return connections
    .map((c) => {
      const source = (s: ValueSource | null): string =>
        s === null ? 'null' : s.kind === 'Const' ? JSON.stringify(s.value) : s.kind === 'Variable' ? varLocal(s.name) : 'null';
      const name = (s: ValueSource | null, arg: string): string => (s?.kind === 'Variable' ? `$${s.name}` : arg);
      const names = JSON.stringify([name(c.first, 'first'), name(c.last, 'last'), name(c.after, 'after'), name(c.before, 'before')]);
      const local = `conn${c.index}`;
      return (
        `const ${local} = paging(${source(c.first)}, ${source(c.last)}, ${source(c.after)}, ${source(c.before)}, ${JSON.stringify(c.keyTypes)}, ${names}, ${c.maxPageSize}); ` +
        `if (typeof ${local} === 'string') return { ok: false, errors: [badInput(${local})] };`
      );
    })
    .join(' ');
}

/** A computed value's expression in `prepare`. */
export function computedValueCode(source: ValueSource): string | undefined {
  if (source.kind === 'Connection') return `conn${source.index}.${source.part}`;
  if (source.kind === 'Cursor') return `(conn${source.index}.${source.which}?.[${source.at}] ?? null)`;
  return undefined;
}
