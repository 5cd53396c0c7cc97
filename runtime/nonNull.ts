// Non-null semantics (GraphQL specification, "Handling Field Errors"): a null in a non-null
// position is a field error with that position's path, and the null propagates to the nearest
// nullable parent (the whole `data` when there is none). The SQL marks such nulls with NULL_MARK
// (a JSON string PostgreSQL's jsonb cannot hold), so the runtime only parses rows that contain one;
// this module then rebuilds them exactly as graphql-js would. It never runs for rows without a mark.
import { FraiseError } from './errors.js';
import type { AnyCompiledOperation, GraphQLResponseError, NullField, NullShape, ResultShape } from './types.js';

/** The JSON text SQL writes in place of a null in a non-null position (the string "\u0000"). */
export const NULL_MARK_TEXT = '"\\u0000"';
/** NULL_MARK_TEXT once parsed. */
const NULL_MARK = '\u0000';

/**
 * Put in parsed data in place of a value that was removed on purpose (e.g. a forbidden field) whose
 * error is already in the response: it reads as null and propagates like one, without a second error.
 */
export const REMOVED: unique symbol = Symbol('fraise.removed');

const PROPAGATE: unique symbol = Symbol('fraise.propagate');
/** A completed value, or PROPAGATE. */
type Outcome = unknown;

const BANG = 33; // '!'
const LIST = 76; // 'L'

/**
 * What hasNullMark looks for: the mark without its opening quote. A search for a text that starts
 * with `"` stops at every quote of the row, and JSON is mostly quotes: on the 28 KB of bench:http's
 * nested shape (CJK and emoji, so a two-byte string) that took 100 µs per response, with a
 * backslash first 4 µs. It finds every mark; it may also find an escaped NUL that ends a string of
 * a json column, and then the row is only parsed for nothing (completeData changes no value but a
 * mark).
 */
const MARK_SEARCH = NULL_MARK_TEXT.slice(1);

/** Whether a row's JSON text may hold a null the SQL marked (only then does it need completeData). */
export function hasNullMark(row: string | null): boolean {
  return row !== null && row.includes(MARK_SEARCH);
}

/**
 * The response data with non-null rules applied: nulls (and REMOVED) in non-null positions become
 * errors (appended to `errors`, in graphql-js's order) and propagate. Returns null when the
 * propagation reaches `data`. Objects are copied where they change, never modified.
 */
export function completeData(
  shape: NullShape,
  data: Readonly<Record<string, unknown>> | null,
  errors: GraphQLResponseError[],
): Record<string, unknown> | null {
  if (data === null) return null;
  const out = completeObject(shape, data, [], errors);
  return out === PROPAGATE ? null : (out as Record<string, unknown>);
}

/**
 * One element of the root list field `key` (a streamed row): the completed element, or
 * `'propagates'` when its null reaches past the element (the list, or more, becomes null).
 */
export function completeListItem(
  shape: NullShape,
  key: string,
  item: unknown,
  index: number,
  errors: GraphQLResponseError[],
): unknown | 'propagates' {
  const field = shape[key];
  if (field === undefined) return item;
  const at = field.type.indexOf('L');
  const out = boundary(field, at + 1, item, [key, index], errors);
  return out === PROPAGATE ? 'propagates' : out;
}

/** Whether the root field `key` is non-null (so that its null is data: null). */
export function isNonNullRoot(shape: NullShape, key: string): boolean {
  return shape[key]?.type.charCodeAt(0) === BANG;
}

/** A null of the root field `key` (e.g. a lookup that found no row): the error, when it is non-null. */
export function rootNullError(shape: NullShape, key: string): GraphQLResponseError | null {
  const field = shape[key];
  return field !== undefined && field.type.charCodeAt(0) === BANG ? nullError(field, [key]) : null;
}

function completeObject(
  shape: NullShape,
  object: Readonly<Record<string, unknown>>,
  path: readonly (string | number)[],
  errors: GraphQLResponseError[],
): Outcome {
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    const field = shape[key];
    if (field === undefined) continue;
    const value = object[key];
    const completed = boundary(field, 0, value, [...path, key], errors);
    if (completed === PROPAGATE) return PROPAGATE;
    if (completed !== value) {
      out ??= { ...object };
      out[key] = completed;
    }
  }
  return out ?? object;
}

/** A field or list item: graphql-js catches a propagating null here unless the position is non-null. */
function boundary(field: NullField, at: number, value: unknown, path: readonly (string | number)[], errors: GraphQLResponseError[]): Outcome {
  const completed = completeValue(field, at, value, path, errors);
  if (completed !== PROPAGATE) return completed;
  return field.type.charCodeAt(at) === BANG ? PROPAGATE : null;
}

function completeValue(field: NullField, at: number, value: unknown, path: readonly (string | number)[], errors: GraphQLResponseError[]): Outcome {
  const wrapper = field.type.charCodeAt(at);
  if (wrapper === BANG) {
    if (value === REMOVED) return PROPAGATE;
    const completed = completeValue(field, at + 1, value, path, errors);
    if (completed === null) {
      errors.push(nullError(field, path));
      return PROPAGATE;
    }
    return completed;
  }
  if (value === null || value === undefined || value === NULL_MARK || value === REMOVED) return null;
  if (wrapper === LIST) {
    if (!Array.isArray(value)) return value;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const completed = boundary(field, at + 1, item, [...path, i], errors);
      if (completed === PROPAGATE) return PROPAGATE;
      if (completed !== item) {
        out ??= [...value];
        out[i] = completed;
      }
    }
    return out ?? value;
  }
  if (field.fields !== undefined && typeof value === 'object') {
    return completeObject(field.fields, value as Record<string, unknown>, path, errors);
  }
  return value;
}

function nullError(field: NullField, path: readonly (string | number)[]): GraphQLResponseError {
  return {
    message: `Cannot return null for non-nullable field ${field.field}.`,
    ...(field.locations.length > 0 ? { locations: field.locations } : {}),
    path,
  };
}

/** A response's `data` and errors once the rules are applied. */
export interface Completed {
  readonly data: unknown;
  readonly errors: GraphQLResponseError[];
}

/**
 * The single row of an `object` or `data` response (null: no row): undefined when it needs nothing
 * (the common case, decided without parsing), else the completed data and its errors.
 */
export function completeSingleRow(op: AnyCompiledOperation, shape: ResultShape, row: string | null): Completed | undefined {
  const rules = op.nulls;
  if (rules === undefined || shape.kind === 'list') return undefined;
  if (shape.kind === 'object' && row === null) {
    const error = rootNullError(rules, shape.key);
    return error === null ? undefined : { data: null, errors: [error] };
  }
  if (op.marksNulls !== true || !hasNullMark(row)) return undefined;
  const parsed = JSON.parse(row!) as unknown;
  const errors: GraphQLResponseError[] = [];
  const data = completeData(rules, (shape.kind === 'object' ? { [shape.key]: parsed } : parsed) as Record<string, unknown>, errors);
  // No error: no mark after all (see MARK_SEARCH), and the row goes out as PostgreSQL wrote it.
  return errors.length === 0 ? undefined : { data, errors };
}

/**
 * Rows of the root list field `key` from `offset` on: the same array when none needs anything, rows
 * rewritten where a null was marked, or `propagates` when a null reaches past its element (then the
 * list, or `data`, is null: see listNullData).
 */
export function completeListRows(
  op: AnyCompiledOperation,
  key: string,
  rows: readonly (string | null)[],
  offset: number,
  errors: GraphQLResponseError[],
): readonly (string | null)[] | 'propagates' {
  const rules = op.nulls;
  if (rules === undefined || op.marksNulls !== true) return rows;
  let out: (string | null)[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!hasNullMark(row)) continue;
    const before = errors.length;
    const completed = completeListItem(rules, key, JSON.parse(row!) as unknown, offset + i, errors);
    if (completed === 'propagates') return 'propagates';
    // No error: no mark after all (see MARK_SEARCH), and the row stays as PostgreSQL wrote it.
    if (errors.length === before) continue;
    out ??= [...rows];
    out[i] = JSON.stringify(completed);
  }
  return out ?? rows;
}

/**
 * Rows of a chunked root list (ResultShape `chunk`) from element `offset` on: each row is
 * `<count>,<element>,<element>...`. Returns each row's elements as JSON text, one piece per row,
 * each but the list's first led by its separating comma (a row is parsed only when it holds a
 * marked null, then completed element by element with its index in the whole list), and how many
 * elements there were, or `propagates` as completeListRows. The pieces are not joined: a join
 * copies every large string once more before it is encoded for the socket (bench:http's 10,000
 * rows: the join was the largest item of Fraise's own profile).
 */
export function completeListChunks(
  op: AnyCompiledOperation,
  key: string,
  rows: readonly (string | null)[],
  offset: number,
  errors: GraphQLResponseError[],
): { readonly texts: readonly string[]; readonly count: number } | 'propagates' {
  const rules = op.marksNulls === true ? op.nulls : undefined;
  const texts: string[] = [];
  let count = 0;
  for (const row of rows) {
    const comma = row === null ? -1 : row.indexOf(',');
    if (comma < 1) throw new FraiseError('INVALID_ROW', 'A result row did not hold a chunk of list elements');
    // After the list's first element, the count's comma is the separator (a slice shares the row's characters).
    const first = offset + count === 0;
    const elements = row!.slice(first ? comma + 1 : comma);
    if (rules !== undefined && hasNullMark(elements)) {
      const items = JSON.parse(`[${row!.slice(comma + 1)}]`) as unknown[];
      const completed: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        const item = completeListItem(rules, key, items[i], offset + count + i, errors);
        if (item === 'propagates') return 'propagates';
        completed.push(item);
      }
      texts.push((first ? '' : ',') + completed.map((item) => JSON.stringify(item)).join(','));
    } else {
      texts.push(elements);
    }
    count += Number(row!.slice(0, comma));
  }
  return { texts, count };
}

/** The data of a response whose root list `key` became null: `{ key: null }`, or null when the list is non-null. */
export function listNullData(op: AnyCompiledOperation, key: string): Record<string, null> | null {
  return op.nulls !== undefined && isNonNullRoot(op.nulls, key) ? null : { [key]: null };
}
