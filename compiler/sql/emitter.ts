// The state of emitting one statement (its parameters, dynamic slots, fresh aliases, whether it
// writes NULL_MARK) and the SQL of the values a row is read through, shared by the emitters of
// objects (emitSql.ts), filters (emitFilter.ts) and connections (emitConnection.ts).
import type { FilterTarget } from '@fraise/runtime';
import { columnTarget, jsonColumn, pathTarget, rootTarget } from '@fraise/runtime';
import type { BoundView } from '../metadata/checkSchema.js';
import type { DerivedKey } from '../metadata/viewDerived.js';
import type { DynamicSlot, JsonRoot, Param, ScalarTarget } from '../plan/ir.js';
import { empty, ident, join, literal, param, raw, renderText, slot, sql, type Sql, type SqlText } from './builder.js';

/** A dynamic part and the SQL context it is built in. */
export interface SlotOut {
  readonly slot: DynamicSlot;
  /** Alias of the view row in scope (null: none, e.g. inside an embedded object). */
  readonly alias: string | null;
  /** The jsonb expression of the object the slot's fields are read from. */
  readonly data: string;
  /** For orderBy: the tie-break term appended to every ordering (the view's id). */
  readonly tieBreak: string | null;
}

/** The JSON source of an object: its jsonb expression, and the row alias when it is a view row. */
export interface ObjectSource {
  readonly data: Sql;
  readonly alias: SqlText | null;
  /** Keys computed from the row's columns instead of read from `data` (emitSql.ts emitRowObject). */
  readonly derived?: ReadonlyMap<string, DerivedKey>;
}

export class Emitter {
  readonly params: Param[] = [];
  readonly slots: SlotOut[] = [];
  /** Set once a NULL_MARK was written. */
  marksNulls = false;
  private aliases = 0;

  /** `optionalBits`: for each optional filter variable, its bit in the shape number. */
  constructor(readonly optionalBits: ReadonlyMap<string, number>) {}

  /** A value: a typed literal when the operation wrote it (see inlineLiteral), else the next parameter. */
  param(p: Param): Sql {
    const inline = inlineLiteral(p);
    if (inline !== undefined) return inline;
    this.params.push(p);
    return param(this.params.length - 1, p.sqlType);
  }

  /** A fresh alias (`t0`, `s1`, ...): the compiler's own names, never quoted. */
  alias(prefix: string): SqlText {
    return raw(`${prefix}${this.aliases++}`);
  }

  slot(out: SlotOut): Sql {
    this.slots.push(out);
    return slot(this.slots.length - 1);
  }

  /** The json expression, or NULL_MARK where it is NULL (a non-null position: `wrappers` starts with `!`). */
  orMark(json: Sql, wrappers: string): Sql {
    if (!wrappers.startsWith('!')) return json;
    this.marksNulls = true;
    return sql`coalesce(${json}, ${NULL_MARK_SQL})`;
  }

  /** NULL_MARK as the ELSE of a CASE whose other branches are json, in a non-null position. */
  elseMark(wrappers: string): Sql {
    if (!wrappers.startsWith('!')) return empty;
    this.marksNulls = true;
    return sql` ELSE ${NULL_MARK_SQL}`;
  }
}

/** runtime/nonNull.ts NULL_MARK_TEXT as a json constant: a string jsonb cannot hold, so data never does. */
export const NULL_MARK_SQL = raw(`'"\\u0000"'::json`);

/**
 * A literal of the operation (`status: {eq: PUBLISHED}`, `limit: 20`) as a typed SQL literal
 * instead of a parameter: the statement is the same for every request of the operation anyway,
 * and a generic plan can then use it (column statistics, partial indexes, LIMIT estimates). The
 * literal is the text `pg` would have bound, with the same cast. Only plain scalars: strings with
 * a backslash or a control character, lists, JSON and LIKE patterns stay parameters.
 */
function inlineLiteral(p: Param): Sql | undefined {
  if (p.source.kind !== 'Const' || p.max !== undefined || p.sqlType.endsWith('[]')) return undefined;
  if (p.encoding !== 'plain' && p.encoding !== 'nonNegativeInt') return undefined;
  const value = p.source.value;
  if (typeof value === 'number' && Number.isFinite(value)) return literal(value, p.sqlType);
  if (typeof value === 'boolean') return literal(value, p.sqlType);
  // eslint-disable-next-line no-control-regex
  if (typeof value === 'string' && !/[\\\u0000-\u001f]/.test(value)) return literal(value, p.sqlType);
  return undefined;
}

/** A view or table, its name quoted once when the schema was bound (`"public"."v_post"`, checkSchema.ts). */
export const relation = (view: BoundView): Sql => raw(view.sqlName);

/** Column `name` of the row `alias`: `t0."id"`. */
export const column = (alias: SqlText, name: string): Sql => sql`${alias}.${ident(name)}`;

export function rowSource(alias: SqlText): ObjectSource {
  return { data: column(alias, 'data'), alias };
}

/** A key computed from the columns of the row `alias` (viewDerived.ts): the jsonb `data->'key'` holds. */
export function derivedValue(key: DerivedKey, alias: SqlText): Sql {
  return sql`to_jsonb(${join(key.parts.map((p) => (typeof p === 'string' ? raw(p) : column(alias, p.column))), '')})`;
}

/** `data->'a'->'b'`: keys of a jsonb value. */
export function jsonPath(data: Sql, path: readonly string[]): Sql {
  return sql`${data}${join(path.map((k) => sql`->${literal(k)}`), '')}`;
}

/** A column of the row as jsonb: jsonb as it is, json cast, an array through to_jsonb. */
export function emitJsonRoot(root: JsonRoot, alias: SqlText): Sql {
  return raw(jsonColumn({ data: '', alias: alias.text }, renderText(ident(root.column)), root.as));
}

/** The SQL of a scalar of the row (see runtime/filters/targets.ts, which whole-variable filters share). */
export function targetSql(target: ScalarTarget, alias: SqlText): FilterTarget {
  if (target.kind === 'Column') return columnTarget(renderText(column(alias, target.column)), target.sqlType);
  const root = emitJsonRoot(target.root, alias);
  // The root itself (an array column, a jsonb column): its jsonb, or its text.
  if (target.path.length === 0) return rootTarget(renderText(root), target.sqlType);
  const parents = target.path.slice(0, -1);
  return pathTarget(renderText(jsonPath(root, parents)), renderText(literal(target.path[target.path.length - 1]!)), target.sqlType);
}

/** A typed scalar of the row; JSON paths end in ->> (text) and are cast to the field's type. */
export function emitTarget(target: ScalarTarget, alias: SqlText): Sql {
  return raw(targetSql(target, alias).typed);
}
