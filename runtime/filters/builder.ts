// The state of building the dynamic parts of one request (whole-variable where / orderBy): the
// bind values, the errors, fresh aliases and the budget that bounds a filter's size. Generated
// `prepare` functions create one per request and pass it to the functions of ./fieldFilter.ts.
import { badInput, hasNul, isUuid, show } from '../coerce.js';
import type { GraphQLResponseError } from '../types.js';

/** Most operators and fields one whole-variable filter may hold, and how deeply it may nest. */
export const MAX_FILTER_NODES = 500;
export const MAX_FILTER_DEPTH = 32;

export interface FilterBuilder {
  /** Bind values of the dynamic parts, numbered $1, $2, ... before the statement's own. */
  readonly params: unknown[];
  readonly errors: GraphQLResponseError[];
  /** Next fresh alias (prefixed x, which static SQL never uses). */
  aliases: number;
  /** Fields and operators left before the filter is refused. */
  budget: number;
}

export const newBuilder = (): FilterBuilder => ({ params: [], errors: [], aliases: 0, budget: MAX_FILTER_NODES });

/** A fresh alias for a subquery of a dynamic part. */
export const freshAlias = (b: FilterBuilder, prefix: string): string => `x${prefix}${b.aliases++}`;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The AND of filter parts (TRUE for none). */
export const conjunction = (parts: readonly string[]): string =>
  parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;

/** Records what is wrong with the value at `path` (`where.title.eq`) and reads as TRUE meanwhile. */
export function bad(b: FilterBuilder, path: string, value: unknown, problem: string): string {
  const variable = path.split(/[.[]/)[0];
  b.errors.push(badInput(`Variable "$${variable}" got invalid value ${show(value)} at "${path}"; ${problem}.`));
  return 'TRUE';
}

/** A bind parameter: the value travels beside the statement, never inside its text. */
export function bind(b: FilterBuilder, path: string, value: unknown, type: string): string {
  if (hasNul(value)) return bad(b, path, value, 'text must not contain the NUL character (U+0000)');
  if (type.startsWith('uuid') && [value].flat().some((x) => !isUuid(x))) {
    return bad(b, path, value, 'it is compared with a uuid column, so it must be a UUID');
  }
  b.params.push(value);
  return `$${b.params.length}::${type}`;
}
