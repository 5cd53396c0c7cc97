// SQL of filters: one handler per filter kind; an operator's SQL comes from the operator table
// (runtime/filters/operators.ts), which whole-variable filters read too. A connection's cursor
// condition (keyset) is a filter as well.
import type { OrderDirection } from '../schema/prelude.js';
import type { Filter, FilterKind, KeyTerm } from '../plan/ir.js';
import { column, emitJsonRoot, emitTarget, jsonPath, relation, targetSql, type Emitter } from './emitter.js';
import { join, literal, optional, raw, renderText, sql, type Sql, type SqlText } from './builder.js';

type FilterHandler<K extends FilterKind> = (e: Emitter, filter: Extract<Filter, { kind: K }>, alias: SqlText) => Sql;

const FILTER_HANDLERS: { readonly [K in FilterKind]: FilterHandler<K> } = {
  And: (e, f, a) => (f.items.length === 0 ? raw('TRUE') : sql`(${join(f.items.map((i) => emitFilter(e, i, a)), ' AND ')})`),
  Or: (e, f, a) => (f.items.length === 0 ? raw('FALSE') : sql`(${join(f.items.map((i) => emitFilter(e, i, a)), ' OR ')})`),
  Not: (e, f, a) => sql`NOT (${emitFilter(e, f.item, a)})`,
  Operator: (e, f, a) => {
    const target = targetSql(f.target, a);
    const parts = f.operator.sql<Sql>(f.searchConfig === undefined ? target : { ...target, searchConfig: renderText(literal(f.searchConfig)) }, {
      known: f.param.source.kind === 'Const',
      value: f.param.source.kind === 'Const' ? f.param.source.value : undefined,
      param: () => e.param(f.param),
      alias: () => e.alias('e').text,
    });
    // The table's text parts are SQL it wrote around the target's expressions; the rest is the operand.
    return join(parts.map((p) => (typeof p === 'string' ? raw(p) : p)), '');
  },
  Keyset: (e, f, a) => emitKeyset(e, f.terms, f.index, f.which, a),
  Dynamic: (e, f, a) => {
    const data = jsonPath(emitJsonRoot(f.slot.root, a), f.slot.path);
    return e.slot({ slot: f.slot, alias: f.slot.view ? a.text : null, data: renderText(data), tieBreak: null });
  },
  Exists: (e, f, a) => {
    const inner = e.alias('t');
    const on = sql`${column(inner, f.join.innerColumn)} = ${column(a, f.join.outerColumn)}`;
    return sql`EXISTS (SELECT 1 FROM ${relation(f.view)} ${inner} WHERE ${on} AND ${emitFilter(e, f.filter, inner)})`;
  },
  Optional: (e, f, a) => optional(e.optionalBits.get(f.variable)!, emitFilter(e, f.filter, a)),
};

export function emitFilter(e: Emitter, filter: Filter, alias: SqlText): Sql {
  return FILTER_HANDLERS[filter.kind](e, filter as never, alias);
}

/**
 * Rows strictly after (or before) the cursor's key in the connection's order: the first key term
 * that differs decides. Nulls sort where the direction puts them; equal means IS NOT DISTINCT FROM.
 */
export function emitKeyset(e: Emitter, terms: readonly KeyTerm[], index: number, which: 'after' | 'before', alias: SqlText): Sql {
  const part = (at: number): Sql =>
    e.param({ source: { kind: 'Cursor', index, which, at }, sqlType: terms[at]!.target.sqlType, encoding: 'plain' });
  const later = (a: Sql, b: Sql, direction: OrderDirection): Sql => {
    const desc = direction.startsWith('DESC');
    const nullsFirst = direction === 'DESC' || direction.endsWith('NULLS_FIRST');
    const nulls = nullsFirst ? sql`(${a} IS NOT NULL AND ${b} IS NULL)` : sql`(${a} IS NULL AND ${b} IS NOT NULL)`;
    return sql`(${a} ${raw(desc ? '<' : '>')} ${b} OR ${nulls})`;
  };
  const alternatives = terms.map((term, i) => {
    const x = emitTarget(term.target, alias);
    const equal = terms.slice(0, i).map((prior, j) => sql`${emitTarget(prior.target, alias)} IS NOT DISTINCT FROM ${part(j)}`);
    const c = part(i);
    const step = which === 'after' ? later(x, c, term.direction) : later(c, x, term.direction);
    return join([...equal, step], ' AND ');
  });
  return sql`(${join(alternatives.map((a) => sql`(${a})`), ' OR ')})`;
}
