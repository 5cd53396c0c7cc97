// SQL stage: walks the plan through one handler per node kind, composing typed SQL nodes
// (builder.ts), and renders a frozen statement `{ pieces, params }` once. The response JSON is
// built inside PostgreSQL with json_build_object, which keeps keys in selection order (jsonb would
// sort them), except for bounded root lists of plain scalar columns, whose columns the runtime
// writes as JSON (rowFields). Every value is a numbered parameter or a typed literal.
import { forcesData, jsonRootOfColumn } from '../plan/fieldSource.js';
import type { FieldPlan, FieldSource, FieldPlanKind, ListQuery, ObjectSelection, OperationPlan, OrderTerm, Param, RootField } from '../plan/ir.js';
import type { ResultShape, RowField } from '../../runtime/types.js';
import { GRANTS_SETTING, ORDER_SQL, type SqlPiece } from '@fraise/runtime';
import type { BoundView } from '../metadata/checkSchema.js';
import { emitConnection } from './emitConnection.js';
import { emitFilter } from './emitFilter.js';
import {
  Emitter,
  NULL_MARK_SQL,
  column,
  derivedValue,
  emitJsonRoot,
  emitTarget,
  jsonPath,
  relation,
  rowSource,
  type ObjectSource,
  type SlotOut,
} from './emitter.js';
import { ident, join, literal, raw, renderPieces, renderText, sql, type Sql, type SqlText } from './builder.js';

export { Emitter, type ObjectSource, type SlotOut } from './emitter.js';

export interface EmittedStatement {
  /** The statement; `{ when }` pieces are filters whose variable may be omitted. */
  readonly pieces: readonly SqlPiece[];
  /** Every parameter, indexed by the `{ param }` pieces. */
  readonly params: readonly Param[];
  readonly shape: ResultShape;
  /** The parts built at run time from whole variables, indexed by the `{ slot }` pieces. */
  readonly slots: readonly SlotOut[];
  /** The SQL writes NULL_MARK where a non-null field reads NULL (see runtime/nonNull.ts). */
  readonly marksNulls: boolean;
}

/** json_build_object takes at most 100 arguments: 50 keys. Wider objects use row_to_json. */
const MAX_KEYS_PER_BUILD = 50;

/**
 * `writeRows`: a bounded list of plain scalar columns may be written by the runtime (rowFields);
 * false when the operation has @include/@skip variants, whose statements share one shape.
 */
export function emitStatement(plan: OperationPlan, optionalBits: ReadonlyMap<string, number>, writeRows = true): EmittedStatement {
  const e = new Emitter(optionalBits);
  const only = plan.fields.length === 1 ? plan.fields[0]! : undefined;
  const written = writeRows && only?.kind === 'RootList' && isSmallLiteralLimit(only.query) ? rowFields(only.view, only.selection) : null;
  let statement: Sql;
  let shape: ResultShape;
  if (only?.kind === 'RootList' && only.query.offset && only.view.columns.has('id')) {
    statement = emitKeysFirstList(e, only.view, only.selection, only.query);
    shape = { kind: 'list', key: only.key };
  } else if (only?.kind === 'RootList' && written !== null) {
    // The columns, a row per element, the rows chosen exactly as the aggregated list below chooses
    // them (rows first, the order carried out and said again); the runtime writes each element's
    // JSON (runtime/rowWriter.ts), and a null in a non-null position is marked there.
    const alias = e.alias('t');
    const sub = e.alias('s');
    const rows = limitedRows(e, only.view, alias, [], only.query, only.selection, '\n');
    const order = rows.order(sub);
    const inner = written.columns.map((c, i) => sql`${column(alias, c)} AS ${raw(`c${i}`)}`);
    const outer = written.columns.map((_c, i) => raw(`${sub.text}.c${i}`));
    if (written.fields.some((f) => f.kind !== 'constant' && f.nonNull)) e.marksNulls = true;
    statement = sql`SELECT ${join(outer, ', ')} FROM (SELECT ${join([...inner, ...rows.columns], ', ')}\n${rows.from}) ${sub}${order ? sql`\nORDER BY ${order}` : raw('')}`;
    shape = { kind: 'list', key: only.key, fields: written.fields };
  } else if (only?.kind === 'RootList' && isSmallLiteralLimit(only.query)) {
    // Laid out line by line as a streamed list is (FROM, WHERE, ORDER BY, LIMIT), for readers and
    // for the file:line:column of errors reported against the statement.
    const alias = e.alias('t');
    const sub = e.alias('s');
    const object = emitRowObject(e, only.selection, only.view, alias, true);
    const rows = limitedRows(e, only.view, alias, [], only.query, only.selection, '\n');
    statement = sql`SELECT coalesce(${aggregate(sub, rows)}, '[]'::json)::text FROM (SELECT ${join([sql`${object} AS j`, ...rows.columns], ', ')}\n${rows.from}) ${sub}`;
    shape = { kind: 'object', key: only.key };
  } else if (only?.kind === 'RootList' && isLiteralLimit(only.query, MAX_CHUNKED_ROWS)) {
    statement = emitChunkedList(e, only.view, only.selection, only.query);
    shape = { kind: 'list', key: only.key, chunk: LIST_CHUNK };
  } else if (only?.kind === 'RootList') {
    const alias = e.alias('t');
    // The statement's own ORDER BY orders the rows it returns.
    statement = sql`SELECT ${emitRowObject(e, only.selection, only.view, alias, only.query.limit !== null)}::text\n${emitFromWhere(e, only.view, alias, [], only.query, '\n').from}`;
    shape = { kind: 'list', key: only.key };
  } else if (only?.kind === 'RootLookup') {
    const alias = e.alias('t');
    const conditions = only.keys.map((k) => sql`${column(alias, k.column)} = ${e.param(k.param)}`);
    statement = sql`SELECT ${emitRowObject(e, only.selection, only.view, alias)}::text\nFROM ${relation(only.view)} ${alias}\nWHERE ${join(conditions, ' AND ')}`;
    shape = { kind: 'object', key: only.key };
  } else {
    const parts = plan.fields.map((f) => sql`${literal(f.key)}, ${guarded(emitRootExpression(e, f), plan.guards?.get(f.key))}`);
    statement = sql`SELECT json_build_object(${join(parts, ',\n  ')})::text`;
    shape = { kind: 'data' };
  }
  return Object.freeze({
    pieces: renderPieces(statement),
    params: Object.freeze([...e.params]),
    shape,
    slots: Object.freeze([...e.slots]),
    marksNulls: e.marksNulls,
  });
}

/**
 * A root list whose limit is a literal of at most this many rows is answered as ONE row holding
 * the whole array (json_agg), like a nested list: PostgreSQL sends one DataRow instead of one per
 * element and Node copies one string, with one write of a known length (bench:http, list of 100:
 * Node CPU per request 2.3x the hand-written floor's with a row per element). Larger or variable
 * limits stream row by row, so a big result never sits whole in memory on either side.
 */
export const MAX_AGGREGATED_ROWS = 1000;

/**
 * Column types whose text output is the value's JSON once quoted (strings), as it is (numbers) or
 * mapped (`t`/`f`), as `format_type` names them. Not int8 (beyond a GraphQL Int), numeric and
 * floats (`NaN`, `Infinity`), timestamps (their JSON format differs), json/jsonb, arrays, domains.
 */
const WRITTEN_TYPES: ReadonlyMap<string, 'string' | 'number' | 'boolean'> = new Map([
  ['uuid', 'string'],
  ['text', 'string'],
  ['character varying', 'string'],
  ['character', 'string'],
  ['smallint', 'number'],
  ['integer', 'number'],
  ['boolean', 'boolean'],
]);

function writtenKind(sqlType: string): 'string' | 'number' | 'boolean' | undefined {
  return WRITTEN_TYPES.get(sqlType.replace(/\(\d+\)$/, ''));
}

/**
 * Whether the runtime writes the elements of a bounded root list (docs/architecture.md, "Who writes
 * the JSON"): every field a plain column of a WRITTEN_TYPES type (or `__typename`, a constant),
 * none guarded; else null. bench:serializer, 100 rows of five such columns: PostgreSQL's CPU per
 * request 0.29-0.36 ms with the columns, 3.4-3.8 ms with json_agg; total CPU lowest.
 */
function rowFields(view: BoundView, selection: ObjectSelection): { readonly fields: readonly RowField[]; readonly columns: readonly string[] } | null {
  if (selection.guards !== undefined && selection.guards.size > 0) return null;
  const fields: RowField[] = [];
  const columns: string[] = [];
  for (const f of selection.fields) {
    if (f.kind === 'Typename') {
      fields.push({ key: f.key, kind: 'constant', json: JSON.stringify(f.typeName) });
      continue;
    }
    if (f.kind !== 'Value' || f.source.kind !== 'Column' || f.wrappers.includes('L')) return null;
    const sqlType = view.columns.get(f.source.column);
    const kind = sqlType === undefined ? undefined : writtenKind(sqlType);
    if (kind === undefined) return null;
    fields.push({ key: f.key, kind, ...(f.wrappers.startsWith('!') && !f.source.neverNull ? { nonNull: true as const } : {}) });
    columns.push(f.source.column);
  }
  return columns.length > 0 ? { fields, columns } : null;
}

function isSmallLiteralLimit(query: ListQuery): boolean {
  return isLiteralLimit(query, MAX_AGGREGATED_ROWS);
}

function isLiteralLimit(query: ListQuery, max: number): boolean {
  const source = query.limit?.source;
  return source?.kind === 'Const' && typeof source.value === 'number' && source.value <= max;
}

/**
 * A root list whose limit is a larger literal, up to this many rows, comes as rows of LIST_CHUNK
 * elements each (ResultShape `chunk`): one DataRow per 100 elements, which the runtime reads
 * LIST_CHUNK times fewer of per batch, so it holds as much at a time as with a row per element.
 * bench:http's 10,000 rows, runtime.stream into a discarding writable, Node CPU per request
 * (medians of 25 interleaved rounds): a row per element 26.4 ms, chunks of 100 13.5 ms, one row
 * holding the whole array 14.0 ms; PostgreSQL's CPU the same for all three (210 ms). PostgreSQL
 * numbers and groups the limited rows (a sort of at most the limit's rows) before it sends the
 * first chunk, so larger and variable limits still stream a row per element as it comes.
 */
export const MAX_CHUNKED_ROWS = 100_000;
export const LIST_CHUNK = 100;

/**
 * `SELECT count(*)::text || ',' || string_agg(c.j::text, ',' ORDER BY c.n) FROM (... numbered
 * rows ...) c GROUP BY (c.n - 1) / 100 ORDER BY (c.n - 1) / 100`: each row is the number of its
 * elements and their JSON texts, in the list's order (runtime/nonNull.ts completeListChunks).
 */
function emitChunkedList(e: Emitter, view: BoundView, selection: ObjectSelection, query: ListQuery): Sql {
  const alias = e.alias('t');
  const sub = e.alias('s');
  const numbered = e.alias('c');
  const object = emitRowObject(e, selection, view, alias, true);
  const rows = limitedRows(e, view, alias, [], query, selection, '\n');
  const order = rows.order(sub);
  const chunk = raw(String(LIST_CHUNK));
  return join(
    [
      sql`SELECT count(*)::text || ',' || string_agg(${numbered}.j::text, ',' ORDER BY ${numbered}.n)`,
      sql`FROM (SELECT ${sub}.j, row_number() OVER (${order ? sql`ORDER BY ${order}` : raw('')}) AS n FROM (SELECT ${join([sql`${object} AS j`, ...rows.columns], ', ')}`,
      sql`${rows.from}) ${sub}) ${numbered}`,
      sql`GROUP BY (${numbered}.n - 1) / ${chunk}`,
      sql`ORDER BY (${numbered}.n - 1) / ${chunk}`,
    ],
    '\n',
  );
}

/**
 * A root list with an offset: the page's keys are found first and only those rows are built.
 * Otherwise PostgreSQL builds the JSON of every skipped row too, since the projection sits below
 * the Limit (bench: a 100-row page at offset 900 used 60 ms of backend CPU instead of 10.5 ms).
 * The key query carries the page's order out (carryOrder) and the statement orders by it; the
 * `id` tie-break reads the key itself, so on a nested loop over the keys PostgreSQL needs no
 * second sort (EXPLAIN, PostgreSQL 15 and 17).
 */
function emitKeysFirstList(e: Emitter, view: BoundView, selection: ObjectSelection, query: ListQuery): Sql {
  const keys = e.alias('k');
  const page = e.alias('q');
  const alias = e.alias('t');
  const object = emitRowObject(e, selection, view, alias);
  const rows = carryOrder(emitFromWhere(e, view, keys, [], query, ' '), keys, 'id');
  const order = rows.order(page);
  return join(
    [
      sql`SELECT ${object}::text`,
      sql`FROM (SELECT ${join([column(keys, 'id'), ...rows.columns], ', ')} ${rows.from}) ${page}`,
      sql`JOIN ${relation(view)} ${alias} ON ${column(alias, 'id')} = ${column(page, 'id')}`,
      ...(order ? [sql`ORDER BY ${order}`] : []),
    ],
    '\n',
  );
}

/**
 * The object of a view row. A view's `data` column is an expression that PostgreSQL inlines at
 * every reference, so an object reading it N times would build it N times. Reading it once through
 * a fenced subquery (OFFSET 0 keeps the planner from pulling it up) builds it once per row:
 * 6x faster for 100 rows of the bench's v_post with ten fields (23.4 ms -> 3.6 ms).
 *
 * `limited`: the row is one of a list with a LIMIT. PostgreSQL computes a select-list expression
 * after the sort and the LIMIT (for the returned rows only) when it counts it "expensive", more than
 * 10 cpu_operator_cost (planner.c, make_sort_input_target), else for every row before the sort.
 * An object reading `data` inline, or through one fenced level, is about that cost, so whether
 * `data` was built for the 4 returned comments of a post or for all 114 turned on details (which
 * fields carry null marks). One more scalar-subquery level puts it above the threshold: the bench's
 * 50 posts x `comments(orderBy: createdAt, limit: 4) { id body }` took 47 ms of backend CPU with
 * the object inline, 21 ms with it built after the LIMIT.
 */
function emitRowObject(e: Emitter, selection: ObjectSelection, view: BoundView, alias: SqlText, limited = false): Sql {
  const dataReads = dataReadsOf(selection);
  if (view.isView && dataReads.length > 0 && computesKeys(view, dataReads)) {
    // No `data` at all; in a limited list one scalar-subquery level still puts the object after the
    // sort and the LIMIT (EXPLAIN VERBOSE, bench's v_post, 100k rows: a SubPlan run 7 times above the
    // top-N Sort), so the computed keys are computed for the returned rows only.
    const object = emitObject(e, selection, { ...rowSource(alias), derived: view.derivedKeys });
    return limited ? sql`(SELECT ${object})` : object;
  }
  if (!fencesData(selection, view, limited)) return emitObject(e, selection, rowSource(alias));
  const r = e.alias('r');
  const object = sql`(SELECT ${emitObject(e, selection, { data: sql`${r}.d`, alias })} FROM (SELECT ${column(alias, 'data')} AS d OFFSET 0) ${r})`;
  return limited ? sql`(SELECT ${object})` : object;
}

/** Whether emitRowObject reads the row's `data` once through a fenced subquery (see there). */
function fencesData(selection: ObjectSelection, view: BoundView, limited: boolean): boolean {
  const dataReads = dataReadsOf(selection);
  return view.isView && (limited ? dataReads.length > 0 : dataReads.length > 1);
}

/** The fields of a view row that read keys of its `data` (or compute them, see computesKeys). */
function dataReadsOf(selection: ObjectSelection): FieldPlan[] {
  return selection.fields.filter((f) => (f.kind === 'Value' || f.kind === 'EmbeddedObject' || f.kind === 'EmbeddedList') && f.source.kind === 'Key');
}

/**
 * A list with a LIMIT whose objects read columns only: its rows are chosen in a subquery under the
 * same alias (`FROM (SELECT t.* FROM v t WHERE ... ORDER BY ... LIMIT n) t`) and the objects built
 * above it, for the returned rows only, as a hand-written statement does. In one level PostgreSQL
 * builds a cheap object (columns, no subquery) below the Sort, for every row it sorts
 * (make_sort_input_target, see emitRowObject): EXPLAIN (ANALYZE) on the bench seed, 50 posts x
 * their first 4 of ~114 comments (column views, bench/columns): 41 ms with the comments' objects
 * built before their top-N sort, about the hand-written 20 ms with them built after it.
 * PostgreSQL leaves the view's unused columns out of the subquery (remove_unused_subquery_outputs).
 * A dynamic order already has its subquery (carryOrder); a fenced `data` object is costed
 * expensive, so PostgreSQL already builds it after the LIMIT, and so is an object computing keys
 * one subquery deep (emitRowObject).
 */
function rowsFirst(rows: ListRows, alias: SqlText, query: ListQuery, selection: ObjectSelection, view: BoundView): ListRows {
  if (query.limit === null || rows.order.kind === 'Slot' || fencesData(selection, view, true)) return rows;
  return { from: sql`FROM (SELECT ${alias}.* ${rows.from}) ${alias}`, order: rows.order };
}

/** A list's rows as the aggregated, chunked, written and nested lists choose them: rowsFirst, then carryOrder. */
function limitedRows(
  e: Emitter,
  view: BoundView,
  alias: SqlText,
  conditions: readonly Sql[],
  query: ListQuery,
  selection: ObjectSelection,
  separator: '\n' | ' ',
): CarriedRows {
  return carryOrder(rowsFirst(emitFromWhere(e, view, alias, conditions, query, separator), alias, query, selection, view), alias);
}

/**
 * Every key the row reads is a scalar that the view's columns compute (viewDerived.ts): the row's
 * `data` is then never built. One key that only `data` has builds it anyway, and reading the
 * others from it costs less than computing them again.
 */
function computesKeys(view: BoundView, dataReads: readonly FieldPlan[]): boolean {
  return dataReads.every((f) => 'source' in f && !forcesData(view, f.source, f.kind === 'Value'));
}

function emitRootExpression(e: Emitter, field: RootField): Sql {
  switch (field.kind) {
    case 'RootTypename':
      return literal('Query', 'text');
    case 'RootJson':
      return e.param(field.param);
    case 'RootConnection':
      return emitConnection(e, field.view, field.query, field.selection, null, emitObject);
    case 'RootList':
      return emitListSubquery(e, field.view, field.selection, field.query, null);
    case 'RootLookup': {
      const alias = e.alias('t');
      const conditions = field.keys.map((k) => sql`${column(alias, k.column)} = ${e.param(k.param)}`);
      return e.orMark(
        sql`(SELECT ${emitRowObject(e, field.selection, field.view, alias)} FROM ${relation(field.view)} ${alias} WHERE ${join(conditions, ' AND ')})`,
        field.wrappers,
      );
    }
  }
}

/**
 * The request's grants: bit i set when the caller meets requirement i of the operation's `auth`
 * (runtime/http/auth). Set with the request context, transaction-local; unset reads 0, so a
 * guarded field is never read without the handler's verdict (runtime.execute reads it as null).
 */
const GRANTS = sql`coalesce(nullif(current_setting(${literal(GRANTS_SETTING)}, true), ''), '0')::bigint`;

/** A guarded field's value: read only when its requirement's bit is granted, else NULL. */
function guarded(expression: Sql, bit: number | undefined): Sql {
  return bit === undefined ? expression : sql`CASE WHEN (${GRANTS} & ${raw(String(2 ** bit))}) <> 0 THEN ${expression} END`;
}

export function emitObject(e: Emitter, selection: ObjectSelection, source: ObjectSource): Sql {
  const entries = selection.fields.map((f) => [f.key, guarded(FIELD_HANDLERS[f.kind](e, f as never, source), selection.guards?.get(f.key))] as const);
  if (entries.length <= MAX_KEYS_PER_BUILD) {
    return sql`json_build_object(${join(
      entries.map(([k, v]) => sql`${literal(k)}, ${v}`),
      ', ',
    )})`;
  }
  // row_to_json keeps column order and has no argument limit; aliases name the keys.
  const columns = join(
    entries.map(([k, v]) => sql`${v} AS ${ident(k)}`),
    ', ',
  );
  const r = e.alias('r');
  return sql`(SELECT row_to_json(${r}) FROM (SELECT ${columns}) ${r})`;
}

type FieldHandler<K extends FieldPlanKind> = (e: Emitter, field: Extract<FieldPlan, { kind: K }>, source: ObjectSource) => Sql;

/** A correlated subquery's join: its rows' column `inner` equals the enclosing row's column. */
const correlate = (inner: string, s: ObjectSource, outer: string): { inner: string; outer: Sql } => ({ inner, outer: column(s.alias!, outer) });

const FIELD_HANDLERS: { readonly [K in FieldPlanKind]: FieldHandler<K> } = {
  Typename: (_e, f) => literal(f.typeName, 'text'),
  Value: (e, f, s) => {
    // A source proven never null needs no mark for the field itself (its list's items still may).
    const wrappers = f.source.neverNull ? f.wrappers.replace(/^!/, '') : f.wrappers;
    if (f.source.kind === 'Column') return emitColumnValue(e, column(s.alias!, f.source.column), wrappers);
    const derived = s.derived?.get(f.source.key);
    return emitValue(e, derived ? derivedValue(derived, s.alias!) : jsonPath(s.data, [f.source.key]), wrappers);
  },
  EmbeddedObject: (e, f, s) => {
    const value = sourceJson(f.source, s);
    return sql`CASE WHEN jsonb_typeof(${value}) = 'object' THEN ${emitObject(e, f.selection, { data: value, alias: null })}${e.elseMark(f.wrappers)} END`;
  },
  EmbeddedList: (e, f, s) => {
    const value = sourceJson(f.source, s);
    const el = e.alias('e');
    const items = f.wrappers.slice(f.wrappers.indexOf('L') + 1);
    const element = sql`CASE WHEN jsonb_typeof(${el}.v) = 'object' THEN ${emitObject(e, f.selection, { data: sql`${el}.v`, alias: null })}${e.elseMark(items)} END`;
    return join(
      [
        sql`CASE WHEN jsonb_typeof(${value}) = 'array' THEN (SELECT coalesce(json_agg(${element} ORDER BY ${el}.i), '[]'::json)`,
        sql`FROM jsonb_array_elements(${value}) WITH ORDINALITY AS ${el}(v, i))${e.elseMark(f.wrappers)} END`,
      ],
      ' ',
    );
  },
  RelationObject: (e, f, s) => {
    const alias = e.alias('t');
    const on = sql`${column(alias, f.join.innerColumn)} = ${column(s.alias!, f.join.outerColumn)}`;
    return e.orMark(sql`(SELECT ${emitRowObject(e, f.selection, f.view, alias)} FROM ${relation(f.view)} ${alias} WHERE ${on})`, f.wrappers);
  },
  RelationConnection: (e, f, s) => emitConnection(e, f.view, f.query, f.selection, correlate(f.join.innerColumn, s, f.join.outerColumn), emitObject),
  RelationList: (e, f, s) => emitListSubquery(e, f.view, f.selection, f.query, correlate(f.join.innerColumn, s, f.join.outerColumn)),
};

function emitListSubquery(
  e: Emitter,
  view: BoundView,
  selection: ObjectSelection,
  query: ListQuery,
  correlation: { inner: string; outer: Sql } | null,
): Sql {
  const keyed = keysFirstColumn(view, selection, query);
  if (keyed !== null) return emitKeysFirstSubquery(e, view, selection, query, correlation, keyed);
  const alias = e.alias('t');
  const sub = e.alias('s');
  const conditions = correlation ? [sql`${column(alias, correlation.inner)} = ${correlation.outer}`] : [];
  const object = emitRowObject(e, selection, view, alias, query.limit !== null);
  const rows = limitedRows(e, view, alias, conditions, query, selection, ' ');
  return sql`(SELECT coalesce(${aggregate(sub, rows)}, '[]'::json) FROM (SELECT ${join([sql`${object} AS j`, ...rows.columns], ', ')} ${rows.from}) ${sub})`;
}

/**
 * The key column a limited list of a view is chosen by, when its objects read a computed column of
 * the view (viewFacts.ts plainColumns: `to_char(created_at ...) AS created_at_iso`), else null.
 * PostgreSQL evaluates a view's columns where it scans the view's rows, below the Sort: with the
 * rows chosen in one subquery (rowsFirst) it formats every row it sorts. Choosing the keys and the
 * order columns first and joining the view on its key for the page evaluates the computed columns
 * for the returned rows only, one unique-index probe each: EXPLAIN (ANALYZE) on the bench seed, 50
 * posts x their first 4 of ~114 comments over bench/columns' vc_comment: 14.3 ms rows first, the
 * hand-written statement on the tables 7.6 ms (see docs/benchmarks.md for keys first).
 * Only for a static order of columns (the key query carries it out) and a key column that is
 * unique and never null (keyColumns), `id` first.
 */
function keysFirstColumn(view: BoundView, selection: ObjectSelection, query: ListQuery): string | null {
  if (query.limit === null || query.ordering.kind === 'Dynamic' || fencesData(selection, view, true)) return null;
  if (query.ordering.terms.some((t) => t.target.kind !== 'Column')) return null;
  const computed = selection.fields.some((f) => f.kind === 'Value' && f.source.kind === 'Column' && !view.plainColumns.has(f.source.column));
  if (!computed) return null;
  if (view.keyColumns.has('id')) return 'id';
  return [...view.keyColumns].sort()[0] ?? null;
}

/** A limited list whose page's keys are chosen first and only those rows read (keysFirstColumn). */
function emitKeysFirstSubquery(
  e: Emitter,
  view: BoundView,
  selection: ObjectSelection,
  query: ListQuery,
  correlation: { inner: string; outer: Sql } | null,
  key: string,
): Sql {
  const keys = e.alias('k');
  const page = e.alias('q');
  const alias = e.alias('t');
  const sub = e.alias('s');
  const conditions = correlation ? [sql`${column(keys, correlation.inner)} = ${correlation.outer}`] : [];
  const rows = carryOrder(emitFromWhere(e, view, keys, conditions, query, ' '), keys, key);
  const object = emitRowObject(e, selection, view, alias, true);
  return join(
    [
      sql`(SELECT coalesce(${aggregate(sub, rows)}, '[]'::json) FROM (SELECT ${object} AS j, ${page}.*`,
      sql`FROM (SELECT ${join([column(keys, key), ...rows.columns], ', ')} ${rows.from}) ${page}`,
      sql`JOIN ${relation(view)} ${alias} ON ${column(alias, key)} = ${column(page, key)}) ${sub})`,
    ],
    ' ',
  );
}

/** A list's order as its SQL needs it: the static terms (expression and direction), a dynamic part, or none. */
type ListOrder =
  | { readonly kind: 'Terms'; readonly terms: readonly { readonly term: OrderTerm; readonly expression: Sql; readonly direction: Sql }[] }
  | { readonly kind: 'Slot'; readonly slot: Sql }
  | { readonly kind: 'None' };

/** A list's rows: FROM, WHERE, ORDER BY, LIMIT and OFFSET over `alias`, and the order it was written with. */
interface ListRows {
  readonly from: Sql;
  readonly order: ListOrder;
}

/** FROM, WHERE, ORDER BY, LIMIT and OFFSET of a list, one clause per line (`separator` '\n') or on one line (' '). */
function emitFromWhere(e: Emitter, view: BoundView, alias: SqlText, conditions: readonly Sql[], query: ListQuery, separator: '\n' | ' '): ListRows {
  const where = [...conditions];
  if (query.filter) where.push(emitFilter(e, query.filter, alias));
  const lines = [sql`FROM ${relation(view)} ${alias}`];
  if (where.length > 0) lines.push(sql`WHERE ${join(where, ' AND ')}`);
  const order = emitListOrder(e, query, alias);
  if (order.kind === 'Terms') lines.push(sql`ORDER BY ${join(order.terms.map((t) => sql`${t.expression} ${t.direction}`), ', ')}`);
  if (order.kind === 'Slot') lines.push(sql`ORDER BY ${order.slot}`);
  if (query.limit) lines.push(sql`LIMIT ${e.param(query.limit)}`);
  if (query.offset) lines.push(sql`OFFSET ${e.param(query.offset)}`);
  return { from: join(lines, separator), order };
}

function emitListOrder(e: Emitter, query: ListQuery, alias: SqlText): ListOrder {
  const ordering = query.ordering;
  if (ordering.kind === 'Static' && ordering.terms.length > 0) {
    return { kind: 'Terms', terms: ordering.terms.map((term) => ({ term, expression: emitOrderTarget(e, term, alias), direction: raw(ORDER_SQL.get(term.direction)!) })) };
  }
  if (ordering.kind === 'Dynamic') {
    const tieBreak = ordering.tieBreak ? renderText(sql`${emitOrderTarget(e, ordering.tieBreak, alias)} ${raw(ORDER_SQL.get(ordering.tieBreak.direction)!)}`) : null;
    return { kind: 'Slot', slot: e.slot({ slot: ordering.slot, alias: alias.text, data: renderText(column(alias, 'data')), tieBreak }) };
  }
  return { kind: 'None' };
}

/** A list's rows with their order columns carried out (`o0`, ...), and the order over them. */
type CarriedRows = { readonly columns: readonly Sql[]; readonly from: Sql; readonly order: (sub: SqlText) => Sql | null };

/**
 * A list's rows for a query above them that must keep their order (json_agg, the join of a page
 * of keys): the order goes out with the rows and the consumer says it again, so no order rests on
 * a subquery's ORDER BY surviving the level above (PostgreSQL promises that for no plan).
 * - static terms leave as columns (`t0."views" AS o0`); the consumer orders by them
 *   (`json_agg(s1.j ORDER BY s1.o0 DESC, s1.o1 ASC)`), which PostgreSQL 16+ reads as presorted
 *   (no Sort in EXPLAIN) and 13-15 sort within the aggregate, at most a page of rows. A term that
 *   is the `selected` column already in the select list reads it instead.
 * - a dynamic order (a fragment built per request) numbers the rows: the page is chosen in a
 *   subquery under the same alias, so the fragment reads the same names there and above, and
 *   `row_number() OVER (ORDER BY <fragment>)` above numbers only the page. In the page's own
 *   level the window would sort every filtered row without the LIMIT's bound (EXPLAIN: an
 *   external merge sort over 20k posts, against a top-N heapsort).
 */
function carryOrder(
  rows: ListRows,
  alias: SqlText,
  selected: string | null = null,
): CarriedRows {
  const { order } = rows;
  if (order.kind === 'Slot') {
    return { columns: [sql`row_number() OVER (ORDER BY ${order.slot}) AS n`], from: sql`FROM (SELECT * ${rows.from}) ${alias}`, order: (sub) => sql`${sub}.n` };
  }
  if (order.kind === 'None') return { columns: [], from: rows.from, order: () => null };
  const reads = (t: (typeof order.terms)[number]): boolean => t.term.target.kind === 'Column' && t.term.target.column === selected;
  const names = new Map(order.terms.filter((t) => !reads(t)).map((t, i) => [t, raw(`o${i}`)] as const));
  return {
    columns: [...names].map(([t, name]) => sql`${t.expression} AS ${name}`),
    from: rows.from,
    order: (sub) => join(order.terms.map((t) => sql`${names.has(t) ? sql`${sub}.${names.get(t)!}` : column(sub, selected!)} ${t.direction}`), ', '),
  };
}

/** json_agg of the rows' objects (`sub.j`) in the order carried out of their query. */
function aggregate(sub: SqlText, rows: ReturnType<typeof carryOrder>): Sql {
  const order = rows.order(sub);
  return order ? sql`json_agg(${sub}.j ORDER BY ${order})` : sql`json_agg(${sub}.j)`;
}

/** The value an order term sorts by. */
function emitOrderTarget(e: Emitter, term: OrderTerm, alias: SqlText): Sql {
  const t = term.target;
  if (t.kind !== 'Related') return emitTarget(t, alias);
  // The single related row's value, as a scalar subquery (a missing row orders as NULL).
  const inner = e.alias('t');
  const on = sql`${column(inner, t.join.innerColumn)} = ${column(alias, t.join.outerColumn)}`;
  return sql`(SELECT ${emitTarget(t.target, inner)} FROM ${relation(t.view)} ${inner} WHERE ${on})`;
}

/**
 * A value of `data` (jsonb) as it is; in a non-null position a missing key or JSON null reads as
 * NULL_MARK instead, and so does a null element of a list of non-null scalars.
 */
function emitValue(e: Emitter, value: Sql, wrappers: string): Sql {
  const items = wrappers.startsWith('!L') ? wrappers.slice(2) : wrappers.startsWith('L') ? wrappers.slice(1) : '';
  if (!wrappers.startsWith('!') && !items.startsWith('!')) return value;
  const json = items.startsWith('!')
    ? (() => {
        // Only a list that holds a null is rebuilt element by element (jsonb's @> finds it).
        const el = e.alias('e');
        e.marksNulls = true;
        return join(
          [
            sql`CASE WHEN jsonb_typeof(${value}) = 'array' AND ${value} @> '[null]'::jsonb`,
            sql`THEN (SELECT json_agg(CASE WHEN ${el}.v = 'null'::jsonb THEN ${NULL_MARK_SQL} ELSE ${el}.v::json END ORDER BY ${el}.i)`,
            sql`FROM jsonb_array_elements(${value}) WITH ORDINALITY AS ${el}(v, i)) ELSE NULLIF(${value}, 'null'::jsonb)::json END`,
          ],
          ' ',
        );
      })()
    : sql`NULLIF(${value}, 'null'::jsonb)::json`;
  return e.orMark(json, wrappers);
}

/** A plain column: in a non-null position its NULL reads as NULL_MARK. */
function emitColumnValue(e: Emitter, value: Sql, wrappers: string): Sql {
  return wrappers.startsWith('!') ? e.orMark(sql`to_json(${value})`, wrappers) : value;
}

/** The jsonb value of an embedded object or list: a key of the object in scope, or a column. */
function sourceJson(source: FieldSource, s: ObjectSource): Sql {
  if (source.kind === 'Key') return jsonPath(s.data, [source.key]);
  return emitJsonRoot(jsonRootOfColumn(source.column, source.sqlType), s.alias!);
}
