// SQL of Relay connections: the page read in the connection's order (or backwards), edges,
// pageInfo and totalCount built as JSON in one scalar subquery, and the keyset condition of a
// cursor. Shares the emitter of emitSql.ts.
import type { ConnectionQuery, ConnectionSelection, KeyTerm, ObjectSelection } from '../plan/ir.js';
import type { OrderDirection } from '../schema/prelude.js';
import { ORDER_SQL } from '@fraise/runtime';
import { type Emitter, emitFilter, emitObject, emitTarget, rowSource } from './emitSql.js';
import { quoteIdent, quoteLiteral } from './quote.js';

/** Each direction read backwards, nulls placement mirrored (PostgreSQL: ASC = NULLS LAST). */
const REVERSED_SQL: Readonly<Record<OrderDirection, string>> = {
  ASC: 'DESC NULLS FIRST',
  ASC_NULLS_LAST: 'DESC NULLS FIRST',
  ASC_NULLS_FIRST: 'DESC NULLS LAST',
  DESC: 'ASC NULLS LAST',
  DESC_NULLS_FIRST: 'ASC NULLS LAST',
  DESC_NULLS_LAST: 'ASC NULLS FIRST',
};

/**
 * A connection as one scalar subquery building its JSON: the page's rows are read in the
 * connection's order (or backwards for `last`), one more than the page size to tell whether there
 * is another page, numbered, and aggregated into edges and pageInfo. totalCount, when selected,
 * counts the filtered rows regardless of paging.
 */
export function emitConnection(
  e: Emitter,
  viewSql: string,
  query: ConnectionQuery,
  selection: ConnectionSelection,
  join: { inner: string; outer: string } | null,
): string {
  const { index } = query.args;
  const computed = (part: 'size' | 'fetch' | 'back', sqlType: string): string =>
    e.param({ source: { kind: 'Connection', index, part }, sqlType, encoding: 'plain' });
  const t = e.alias('t');
  const s = e.alias('s');
  const where = join ? [`${t}.${quoteIdent(join.inner)} = ${join.outer}`] : [];
  if (query.filter) where.push(emitFilter(e, query.filter, t));
  for (const keyset of query.keyset) where.push(emitFilter(e, keyset, t));
  const keys = query.terms.map((term) => emitTarget(term.target, t));
  const order = (): string =>
    query.terms
      .flatMap((term, i) => [
        `(CASE WHEN NOT ${computed('back', 'boolean')} THEN ${keys[i]} END) ${ORDER_SQL.get(term.direction)!}`,
        `(CASE WHEN ${computed('back', 'boolean')} THEN ${keys[i]} END) ${REVERSED_SQL[term.direction]}`,
      ])
      .join(', ');
  // The cursor: base64 of the JSON array of the key values (PostgreSQL wraps base64 lines).
  const cursor = `translate(encode(convert_to(json_build_array(${keys.join(', ')})::text, 'UTF8'), 'base64'), chr(10), '')`;
  const columns = [`${cursor} AS c`, `row_number() OVER (ORDER BY ${order()}) AS r`];
  const nodes = new Map<ObjectSelection, string>();
  for (const entry of selection.entries) {
    if (entry.kind !== 'Edges') continue;
    for (const field of entry.fields) {
      if (field.kind !== 'Node') continue;
      const column = `n${nodes.size}`;
      nodes.set(field.selection, column);
      columns.push(`${emitObject(e, field.selection, rowSource(t))} AS ${column}`);
    }
  }
  const inner =
    `SELECT ${columns.join(', ')} FROM ${viewSql} ${t}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order()} LIMIT ${computed('fetch', 'integer')}`;
  const final = (): string => `(CASE WHEN ${computed('back', 'boolean')} THEN -${s}.r ELSE ${s}.r END)`;
  const keep = (): string => `(${computed('size', 'integer')} IS NULL OR ${s}.r <= ${computed('size', 'integer')})`;
  const more = (): string => `count(*) > ${computed('size', 'integer')}`;
  const parts = selection.entries.map((entry): string => {
    switch (entry.kind) {
      case 'Typename':
        return `${quoteLiteral(entry.key)}, ${quoteLiteral(entry.typeName)}::text`;
      case 'TotalCount': {
        const c = e.alias('t');
        const counted = join ? [`${c}.${quoteIdent(join.inner)} = ${join.outer}`] : [];
        if (query.filter) counted.push(emitFilter(e, query.filter, c));
        return `${quoteLiteral(entry.key)}, (SELECT count(*) FROM ${viewSql} ${c}${counted.length > 0 ? ` WHERE ${counted.join(' AND ')}` : ''})`;
      }
      case 'Edges': {
        const edge = entry.fields.map((f) => {
          if (f.kind === 'Typename') return `${quoteLiteral(f.key)}, ${quoteLiteral(f.typeName)}::text`;
          if (f.kind === 'Cursor') return `${quoteLiteral(f.key)}, ${s}.c`;
          return `${quoteLiteral(f.key)}, ${s}.${nodes.get(f.selection)!}`;
        });
        return `${quoteLiteral(entry.key)}, coalesce(json_agg(json_build_object(${edge.join(', ')}) ORDER BY ${final()}) FILTER (WHERE ${keep()}), '[]'::json)`;
      }
      case 'PageInfo': {
        const info = entry.fields.map((f) => {
          const value =
            f.field === 'hasNextPage'
              ? `coalesce(NOT ${computed('back', 'boolean')} AND ${more()}, false)`
              : f.field === 'hasPreviousPage'
                ? `coalesce(${computed('back', 'boolean')} AND ${more()}, false)`
                : f.field === 'startCursor'
                  ? `(array_agg(${s}.c ORDER BY ${final()}) FILTER (WHERE ${keep()}))[1]`
                  : f.field === 'endCursor'
                    ? `(array_agg(${s}.c ORDER BY ${final()} DESC) FILTER (WHERE ${keep()}))[1]`
                    : `'PageInfo'::text`;
          return `${quoteLiteral(f.key)}, ${value}`;
        });
        return `${quoteLiteral(entry.key)}, json_build_object(${info.join(', ')})`;
      }
    }
  });
  return `(SELECT json_build_object(${parts.join(', ')}) FROM (${inner}) ${s})`;
}

/**
 * Rows strictly after (or before) the cursor's key in the connection's order: the first key term
 * that differs decides. Nulls sort where the direction puts them; equal means IS NOT DISTINCT FROM.
 */
export function emitKeyset(e: Emitter, terms: readonly KeyTerm[], index: number, which: 'after' | 'before', alias: string): string {
  const part = (at: number): string =>
    e.param({ source: { kind: 'Cursor', index, which, at }, sqlType: terms[at]!.target.sqlType, encoding: 'plain' });
  const later = (a: string, b: string, direction: OrderDirection): string => {
    const desc = direction.startsWith('DESC');
    const nullsFirst = direction === 'DESC' || direction.endsWith('NULLS_FIRST');
    const nulls = nullsFirst ? `(${a} IS NOT NULL AND ${b} IS NULL)` : `(${a} IS NULL AND ${b} IS NOT NULL)`;
    return `(${a} ${desc ? '<' : '>'} ${b} OR ${nulls})`;
  };
  const alternatives = terms.map((term, i) => {
    const x = emitTarget(term.target, alias);
    const equal = terms.slice(0, i).map((prior, j) => `${emitTarget(prior.target, alias)} IS NOT DISTINCT FROM ${part(j)}`);
    const c = part(i);
    const step = which === 'after' ? later(x, c, term.direction) : later(c, x, term.direction);
    return [...equal, step].join(' AND ');
  });
  return `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
}
