// SQL of Relay connections: the page read in the connection's order (or backwards), edges,
// pageInfo and totalCount built as JSON in one scalar subquery, and the keyset condition of a
// cursor (emitFilter.ts). A node's object is built by the caller's `objectOf` (emitSql.ts's
// emitObject), since nodes hold relations that hold connections.
import type { ConnectionQuery, ConnectionSelection, ObjectSelection } from '../plan/ir.js';
import type { OrderDirection } from '../schema/prelude.js';
import { ORDER_SQL } from '@fraise/runtime';
import type { BoundView } from '../metadata/checkSchema.js';
import { column, emitTarget, relation, rowSource, type Emitter, type ObjectSource } from './emitter.js';
import { emitFilter } from './emitFilter.js';
import { empty, join, literal, raw, sql, type Sql } from './builder.js';

/** Each direction read backwards, nulls placement mirrored (PostgreSQL: ASC = NULLS LAST). */
const REVERSED_SQL: Readonly<Record<OrderDirection, string>> = {
  ASC: 'DESC NULLS FIRST',
  ASC_NULLS_LAST: 'DESC NULLS FIRST',
  ASC_NULLS_FIRST: 'DESC NULLS LAST',
  DESC: 'ASC NULLS LAST',
  DESC_NULLS_FIRST: 'ASC NULLS LAST',
  DESC_NULLS_LAST: 'ASC NULLS FIRST',
};

/** How the caller builds the JSON object of a selection over a row. */
export type ObjectEmitter = (e: Emitter, selection: ObjectSelection, source: ObjectSource) => Sql;

/**
 * A connection as one scalar subquery building its JSON: the page's rows are read in the
 * connection's order (or backwards for `last`), one more than the page size to tell whether there
 * is another page, numbered, and aggregated into edges and pageInfo. totalCount, when selected,
 * counts the filtered rows regardless of paging.
 */
export function emitConnection(
  e: Emitter,
  view: BoundView,
  query: ConnectionQuery,
  selection: ConnectionSelection,
  correlation: { inner: string; outer: Sql } | null,
  objectOf: ObjectEmitter,
): Sql {
  const { index } = query.args;
  const computed = (part: 'size' | 'fetch' | 'back', sqlType: string): Sql =>
    e.param({ source: { kind: 'Connection', index, part }, sqlType, encoding: 'plain' });
  const t = e.alias('t');
  const s = e.alias('s');
  const where: Sql[] = correlation ? [sql`${column(t, correlation.inner)} = ${correlation.outer}`] : [];
  if (query.filter) where.push(emitFilter(e, query.filter, t));
  for (const keyset of query.keyset) where.push(emitFilter(e, keyset, t));
  const keys = query.terms.map((term) => emitTarget(term.target, t));
  const order = (): Sql =>
    join(
      query.terms.flatMap((term, i) => [
        sql`(CASE WHEN NOT ${computed('back', 'boolean')} THEN ${keys[i]!} END) ${raw(ORDER_SQL.get(term.direction)!)}`,
        sql`(CASE WHEN ${computed('back', 'boolean')} THEN ${keys[i]!} END) ${raw(REVERSED_SQL[term.direction])}`,
      ]),
      ', ',
    );
  // The cursor: base64 of the JSON array of the key values (PostgreSQL wraps base64 lines).
  const cursor = sql`translate(encode(convert_to(json_build_array(${join(keys, ', ')})::text, 'UTF8'), 'base64'), chr(10), '')`;
  const columns: Sql[] = [sql`${cursor} AS c`, sql`row_number() OVER (ORDER BY ${order()}) AS r`];
  const nodes = new Map<ObjectSelection, Sql>();
  for (const entry of selection.entries) {
    if (entry.kind !== 'Edges') continue;
    for (const field of entry.fields) {
      if (field.kind !== 'Node') continue;
      const name = raw(`n${nodes.size}`);
      nodes.set(field.selection, name);
      columns.push(sql`${objectOf(e, field.selection, rowSource(t))} AS ${name}`);
    }
  }
  const inner = sql`SELECT ${join(columns, ', ')} FROM ${relation(view)} ${t}${
    where.length > 0 ? sql` WHERE ${join(where, ' AND ')}` : empty
  } ORDER BY ${order()} LIMIT ${computed('fetch', 'integer')}`;
  const final = (): Sql => sql`(CASE WHEN ${computed('back', 'boolean')} THEN -${s}.r ELSE ${s}.r END)`;
  const keep = (): Sql => sql`(${computed('size', 'integer')} IS NULL OR ${s}.r <= ${computed('size', 'integer')})`;
  const more = (): Sql => sql`count(*) > ${computed('size', 'integer')}`;
  const parts = selection.entries.map((entry): Sql => {
    switch (entry.kind) {
      case 'Typename':
        return sql`${literal(entry.key)}, ${literal(entry.typeName, 'text')}`;
      case 'TotalCount': {
        const c = e.alias('t');
        const counted: Sql[] = correlation ? [sql`${column(c, correlation.inner)} = ${correlation.outer}`] : [];
        if (query.filter) counted.push(emitFilter(e, query.filter, c));
        const countWhere = counted.length > 0 ? sql` WHERE ${join(counted, ' AND ')}` : empty;
        return sql`${literal(entry.key)}, (SELECT count(*) FROM ${relation(view)} ${c}${countWhere})`;
      }
      case 'Edges': {
        const edge = entry.fields.map((f) => {
          if (f.kind === 'Typename') return sql`${literal(f.key)}, ${literal(f.typeName, 'text')}`;
          if (f.kind === 'Cursor') return sql`${literal(f.key)}, ${s}.c`;
          return sql`${literal(f.key)}, ${s}.${nodes.get(f.selection)!}`;
        });
        return sql`${literal(entry.key)}, coalesce(json_agg(json_build_object(${join(edge, ', ')}) ORDER BY ${final()}) FILTER (WHERE ${keep()}), '[]'::json)`;
      }
      case 'PageInfo': {
        const info = entry.fields.map((f) => {
          const value =
            f.field === 'hasNextPage'
              ? sql`coalesce(NOT ${computed('back', 'boolean')} AND ${more()}, false)`
              : f.field === 'hasPreviousPage'
                ? sql`coalesce(${computed('back', 'boolean')} AND ${more()}, false)`
                : f.field === 'startCursor'
                  ? sql`(array_agg(${s}.c ORDER BY ${final()}) FILTER (WHERE ${keep()}))[1]`
                  : f.field === 'endCursor'
                    ? sql`(array_agg(${s}.c ORDER BY ${final()} DESC) FILTER (WHERE ${keep()}))[1]`
                    : literal('PageInfo', 'text');
          return sql`${literal(f.key)}, ${value}`;
        });
        return sql`${literal(entry.key)}, json_build_object(${join(info, ', ')})`;
      }
    }
  });
  return sql`(SELECT json_build_object(${join(parts, ', ')}) FROM (${inner}) ${s})`;
}
