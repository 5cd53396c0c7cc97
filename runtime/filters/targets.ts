// The SQL of the value a filter or an order term reads: a plain column of the view, or a key of
// (an object inside) its `data`, cast to the field's type. The compiler (literal filters, order
// terms, cursors) and the whole-variable filters build their targets here, so both read a field
// through the same expression (the one an index must match, docs/filters.md).
import type { FilterTarget } from './operators.js';

/** A plain column (`column`: its quoted SQL, `t0."id"`) of type `sqlType`. */
export function columnTarget(column: string, sqlType: string): FilterTarget {
  return { typed: column, text: sqlType === 'text' ? column : `${column}::text`, nullable: column, sqlType };
}

/**
 * Key `key` (a quoted SQL literal) of the jsonb expression `parent`: its text cast to `sqlType`, or,
 * for jsonb, the value with a JSON null read as SQL NULL (so it never matches neq or nin).
 */
export function pathTarget(parent: string, key: string, sqlType: string): FilterTarget {
  const text = `(${parent}->>${key})`;
  const typed = sqlType === 'jsonb' ? `NULLIF(${parent}->${key}, 'null'::jsonb)` : sqlType === 'text' ? text : `${text}::${sqlType}`;
  return { typed, text, nullable: text, sqlType };
}

/** Where a filter's or an ordering's fields read from: the `data` jsonb expression, and the row's alias ('' inside an embedded object). */
export interface FilterScope {
  readonly data: string;
  readonly alias: string;
}

/** Column `column` (quoted) of the scope's row. */
export const columnOf = (scope: FilterScope, column: string, sqlType: string): FilterTarget => columnTarget(`${scope.alias}.${column}`, sqlType);

/** Key `key` (a quoted SQL literal) of the scope's data. */
export const keyOf = (scope: FilterScope, key: string, sqlType: string): FilterTarget => pathTarget(scope.data, key, sqlType);
