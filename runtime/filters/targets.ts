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

/**
 * A whole JSON value `root` (a jsonb, json or array column as jsonb): its jsonb (a JSON null read as
 * SQL NULL), or its text cast to `sqlType`.
 */
export function rootTarget(root: string, sqlType: string): FilterTarget {
  const text = `(${root} #>> '{}')`;
  const typed = sqlType === 'jsonb' ? `NULLIF(${root}, 'null'::jsonb)` : sqlType === 'text' ? text : `${text}::${sqlType}`;
  return { typed, text, nullable: text, sqlType };
}

/** How a column becomes a JSON value to walk: jsonb as it is, json cast, an array through to_jsonb. */
export type JsonColumnKind = 'jsonb' | 'json' | 'array';

/** The jsonb SQL of column `column` (quoted) of the scope's row. */
export function jsonColumn(scope: FilterScope, column: string, as: JsonColumnKind): string {
  const sql = `${scope.alias}.${column}`;
  return as === 'jsonb' ? sql : as === 'json' ? `${sql}::jsonb` : `to_jsonb(${sql})`;
}

/** A whole JSON column of the scope's row (an array column's filter reads it as jsonb). */
export const jsonColumnOf = (scope: FilterScope, column: string, as: JsonColumnKind, sqlType: string): FilterTarget =>
  rootTarget(jsonColumn(scope, column, as), sqlType);

/** The scope of an object held in a JSON column of the scope's row. */
export const columnScope = (scope: FilterScope, column: string, as: JsonColumnKind): FilterScope => ({ data: jsonColumn(scope, column, as), alias: '' });

/** A target whose full-text operators parse queries in configuration `config` (a quoted literal). */
export const searchIn = (target: FilterTarget, config: string): FilterTarget => ({ ...target, searchConfig: config });
