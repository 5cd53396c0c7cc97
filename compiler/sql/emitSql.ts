// SQL stage: walks the plan through one handler per node kind and returns a frozen statement
// `{ text, params }`. The response JSON is built inside PostgreSQL with json_build_object, which
// keeps keys in selection order (jsonb would sort them). Every value is a numbered parameter.
import { jsonRootOfColumn } from '../plan/fieldSource.js';
import type {
  DynamicSlot,
  FieldPlan,
  FieldSource,
  JsonRoot,
  FieldPlanKind,
  Filter,
  FilterKind,
  ListQuery,
  ObjectSelection,
  OperationPlan,
  OrderTerm,
  Param,
  RootField,
  ScalarTarget,
} from '../plan/ir.js';
import type { ResultShape } from '../../runtime/types.js';
import { GRANTS_SETTING } from '@fraise/runtime';
import type { BoundView } from '../metadata/checkSchema.js';
import { emitConnection, emitKeyset } from './emitConnection.js';
import { quoteIdent, quoteLiteral } from './quote.js';
import type { FilterTarget } from '@fraise/runtime';
import { columnTarget, jsonColumn, pathTarget, rootTarget } from '@fraise/runtime';
import { ORDER_SQL } from '@fraise/runtime';
import { markOptional, markParam, markSlot, toPieces, type SqlPiece } from './template.js';

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

/** json_build_object takes at most 100 arguments: 50 keys. Wider objects use row_to_json. */
const MAX_KEYS_PER_BUILD = 50;

export class Emitter {
  readonly params: Param[] = [];
  readonly slots: SlotOut[] = [];
  /** Set once a NULL_MARK was written. */
  marksNulls = false;
  private aliases = 0;

  /** `optionalBits`: for each optional filter variable, its bit in the shape number. */
  constructor(readonly optionalBits: ReadonlyMap<string, number>) {}

  param(p: Param): string {
    const literal = inlineLiteral(p);
    if (literal !== undefined) return literal;
    this.params.push(p);
    return `${markParam(this.params.length - 1)}::${p.sqlType}`;
  }

  alias(prefix: string): string {
    return `${prefix}${this.aliases++}`;
  }

  slot(out: SlotOut): string {
    this.slots.push(out);
    return markSlot(this.slots.length - 1);
  }

  /** The json expression, or NULL_MARK where it is NULL (a non-null position: `wrappers` starts with `!`). */
  orMark(json: string, wrappers: string): string {
    if (!wrappers.startsWith('!')) return json;
    this.marksNulls = true;
    return `coalesce(${json}, ${NULL_MARK_SQL})`;
  }

  /** NULL_MARK as the ELSE of a CASE whose other branches are json, in a non-null position. */
  elseMark(wrappers: string): string {
    if (!wrappers.startsWith('!')) return '';
    this.marksNulls = true;
    return ` ELSE ${NULL_MARK_SQL}`;
  }
}

/** runtime/nonNull.ts NULL_MARK_TEXT as a json constant: a string jsonb cannot hold, so data never does. */
const NULL_MARK_SQL = `'"\\u0000"'::json`;

/**
 * A literal of the operation (`status: {eq: PUBLISHED}`, `limit: 20`) as a typed SQL literal
 * instead of a parameter: the statement is the same for every request of the operation anyway,
 * and a generic plan can then use it (column statistics, partial indexes, LIMIT estimates). The
 * literal is the text `pg` would have bound, with the same cast. Only plain scalars: strings with
 * a backslash or a control character, lists, JSON and LIKE patterns stay parameters.
 */
function inlineLiteral(p: Param): string | undefined {
  if (p.source.kind !== 'Const' || p.max !== undefined || p.sqlType.endsWith('[]')) return undefined;
  if (p.encoding !== 'plain' && p.encoding !== 'nonNegativeInt') return undefined;
  const value = p.source.value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return `${value}::${p.sqlType}`;
  if (typeof value === 'number' && Number.isFinite(value)) return `${quoteLiteral(String(value))}::${p.sqlType}`;
  if (typeof value === 'boolean') return `${value ? 'TRUE' : 'FALSE'}::${p.sqlType}`;
  // eslint-disable-next-line no-control-regex
  if (typeof value === 'string' && !/[\\\u0000-\u001f]/.test(value)) return `${quoteLiteral(value)}::${p.sqlType}`;
  return undefined;
}

/** The JSON source of an object: its jsonb expression, and the row alias when it is a view row. */
export interface ObjectSource {
  readonly data: string;
  readonly alias: string | null;
}

export function emitStatement(plan: OperationPlan, optionalBits: ReadonlyMap<string, number>): EmittedStatement {
  const e = new Emitter(optionalBits);
  const only = plan.fields.length === 1 ? plan.fields[0]! : undefined;
  let text: string;
  let shape: ResultShape;
  if (only?.kind === 'RootList' && only.query.offset && only.view.columns.has('id')) {
    text = emitKeysFirstList(e, only.view, only.selection, only.query);
    shape = { kind: 'list', key: only.key };
  } else if (only?.kind === 'RootList' && isSmallLiteralLimit(only.query)) {
    // Laid out line by line as a streamed list is (FROM, WHERE, ORDER BY, LIMIT), for readers and
    // for the file:line:column of errors reported against the statement.
    const alias = e.alias('t');
    const sub = e.alias('s');
    const object = emitRowObject(e, only.selection, only.view, alias);
    text = `SELECT coalesce(json_agg(${sub}.j), '[]'::json)::text FROM (SELECT ${object} AS j\n${emitFromWhere(e, only.view.sqlName, alias, [], only.query)}) ${sub}`;
    shape = { kind: 'object', key: only.key };
  } else if (only?.kind === 'RootList') {
    const alias = e.alias('t');
    text = `SELECT ${emitRowObject(e, only.selection, only.view, alias)}::text\n${emitFromWhere(e, only.view.sqlName, alias, [], only.query)}`;
    shape = { kind: 'list', key: only.key };
  } else if (only?.kind === 'RootLookup') {
    const alias = e.alias('t');
    const conditions = only.keys.map((k) => `${alias}.${quoteIdent(k.column)} = ${e.param(k.param)}`);
    text = `SELECT ${emitRowObject(e, only.selection, only.view, alias)}::text\nFROM ${only.view.sqlName} ${alias}\nWHERE ${conditions.join(' AND ')}`;
    shape = { kind: 'object', key: only.key };
  } else {
    const parts = plan.fields.map((f) => `${quoteLiteral(f.key)}, ${guarded(emitRootExpression(e, f), plan.guards?.get(f.key))}`);
    text = `SELECT json_build_object(${parts.join(',\n  ')})::text`;
    shape = { kind: 'data' };
  }
  return Object.freeze({
    pieces: Object.freeze(toPieces(text)),
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

function isSmallLiteralLimit(query: ListQuery): boolean {
  const source = query.limit?.source;
  return source?.kind === 'Const' && typeof source.value === 'number' && source.value <= MAX_AGGREGATED_ROWS;
}

/**
 * A root list with an offset: the page's keys are found first and only those rows are built.
 * Otherwise PostgreSQL builds the JSON of every skipped row too, since the projection sits below
 * the Limit (bench: a 100-row page at offset 900 used 60 ms of backend CPU instead of 10.5 ms).
 * The page's order is carried by row_number() over the ordered key subquery.
 */
function emitKeysFirstList(e: Emitter, view: BoundView, selection: ObjectSelection, query: ListQuery): string {
  const keys = e.alias('k');
  const page = e.alias('p');
  const numbered = e.alias('q');
  const alias = e.alias('t');
  const object = emitRowObject(e, selection, view, alias);
  const keyQuery = emitFromWhere(e, view.sqlName, keys, [], query).replace(/\n/g, ' ');
  return (
    `SELECT ${object}::text\n` +
    `FROM (SELECT ${page}."id", row_number() OVER () AS n FROM (SELECT ${keys}."id" ${keyQuery}) ${page}) ${numbered}\n` +
    `JOIN ${view.sqlName} ${alias} ON ${alias}."id" = ${numbered}."id"\n` +
    `ORDER BY ${numbered}.n`
  );
}

/**
 * The object of a view row. A view's `data` column is an expression that PostgreSQL inlines at
 * every reference, so an object reading it N times would build it N times. Reading it once through
 * a fenced subquery (OFFSET 0 keeps the planner from pulling it up) builds it once per row:
 * 6x faster for 100 rows of the bench's v_post with ten fields (23.4 ms -> 3.6 ms).
 */
function emitRowObject(e: Emitter, selection: ObjectSelection, view: BoundView, alias: string): string {
  const dataReads = selection.fields.filter((f) => (f.kind === 'Value' || f.kind === 'EmbeddedObject' || f.kind === 'EmbeddedList') && f.source.kind === 'Key');
  if (!view.isView || dataReads.length < 2) return emitObject(e, selection, { data: `${alias}."data"`, alias });
  const r = e.alias('r');
  return `(SELECT ${emitObject(e, selection, { data: `${r}.d`, alias })} FROM (SELECT ${alias}."data" AS d OFFSET 0) ${r})`;
}

export function rowSource(alias: string): ObjectSource {
  return { data: `${alias}."data"`, alias };
}

function emitRootExpression(e: Emitter, field: RootField): string {
  switch (field.kind) {
    case 'RootTypename':
      return `'Query'::text`;
    case 'RootJson':
      return e.param(field.param);
    case 'RootConnection':
      return emitConnection(e, field.view.sqlName, field.query, field.selection, null);
    case 'RootList':
      return emitListSubquery(e, field.view, field.selection, field.query, null);
    case 'RootLookup': {
      const alias = e.alias('t');
      const conditions = field.keys.map((k) => `${alias}.${quoteIdent(k.column)} = ${e.param(k.param)}`);
      return e.orMark(`(SELECT ${emitRowObject(e, field.selection, field.view, alias)} FROM ${field.view.sqlName} ${alias} WHERE ${conditions.join(' AND ')})`, field.wrappers);
    }
  }
}

/**
 * The request's grants: bit i set when the caller meets requirement i of the operation's `auth`
 * (runtime/http/auth). Set with the request context, transaction-local; unset reads 0, so a
 * guarded field is never read without the handler's verdict (runtime.execute reads it as null).
 */
const GRANTS = `coalesce(nullif(current_setting('${GRANTS_SETTING}', true), ''), '0')::bigint`;

/** A guarded field's value: read only when its requirement's bit is granted, else NULL. */
function guarded(expression: string, bit: number | undefined): string {
  return bit === undefined ? expression : `CASE WHEN (${GRANTS} & ${2 ** bit}) <> 0 THEN ${expression} END`;
}

export function emitObject(e: Emitter, selection: ObjectSelection, source: ObjectSource): string {
  const entries = selection.fields.map((f) => [f.key, guarded(FIELD_HANDLERS[f.kind](e, f as never, source), selection.guards?.get(f.key))] as const);
  if (entries.length <= MAX_KEYS_PER_BUILD) {
    return `json_build_object(${entries.map(([k, v]) => `${quoteLiteral(k)}, ${v}`).join(', ')})`;
  }
  // row_to_json keeps column order and has no argument limit; aliases name the keys.
  const columns = entries.map(([k, v]) => `${v} AS ${quoteIdent(k)}`).join(', ');
  const r = e.alias('r');
  return `(SELECT row_to_json(${r}) FROM (SELECT ${columns}) ${r})`;
}

type FieldHandler<K extends FieldPlanKind> = (e: Emitter, field: Extract<FieldPlan, { kind: K }>, source: ObjectSource) => string;

const FIELD_HANDLERS: { readonly [K in FieldPlanKind]: FieldHandler<K> } = {
  Typename: (_e, f) => `${quoteLiteral(f.typeName)}::text`,
  Value: (e, f, s) =>
    f.source.kind === 'Column' ? emitColumnValue(e, `${s.alias}.${quoteIdent(f.source.column)}`, f.wrappers) : emitValue(e, jsonPath(s.data, [f.source.key]), f.wrappers),
  EmbeddedObject: (e, f, s) => {
    const value = sourceJson(f.source, s);
    return `CASE WHEN jsonb_typeof(${value}) = 'object' THEN ${emitObject(e, f.selection, { data: value, alias: null })}${e.elseMark(f.wrappers)} END`;
  },
  EmbeddedList: (e, f, s) => {
    const value = sourceJson(f.source, s);
    const el = e.alias('e');
    const items = f.wrappers.slice(f.wrappers.indexOf('L') + 1);
    const element = `CASE WHEN jsonb_typeof(${el}.v) = 'object' THEN ${emitObject(e, f.selection, { data: `${el}.v`, alias: null })}${e.elseMark(items)} END`;
    return (
      `CASE WHEN jsonb_typeof(${value}) = 'array' THEN (SELECT coalesce(json_agg(${element} ORDER BY ${el}.i), '[]'::json) ` +
      `FROM jsonb_array_elements(${value}) WITH ORDINALITY AS ${el}(v, i))${e.elseMark(f.wrappers)} END`
    );
  },
  RelationObject: (e, f, s) => {
    const alias = e.alias('t');
    const join = `${alias}.${quoteIdent(f.join.innerColumn)} = ${s.alias}.${quoteIdent(f.join.outerColumn)}`;
    return e.orMark(`(SELECT ${emitRowObject(e, f.selection, f.view, alias)} FROM ${f.view.sqlName} ${alias} WHERE ${join})`, f.wrappers);
  },
  RelationConnection: (e, f, s) =>
    emitConnection(e, f.view.sqlName, f.query, f.selection, { inner: f.join.innerColumn, outer: `${s.alias}.${quoteIdent(f.join.outerColumn)}` }),
  RelationList: (e, f, s) =>
    emitListSubquery(e, f.view, f.selection, f.query, { inner: f.join.innerColumn, outer: `${s.alias}.${quoteIdent(f.join.outerColumn)}` }),
};

function emitListSubquery(
  e: Emitter,
  view: BoundView,
  selection: ObjectSelection,
  query: ListQuery,
  join: { inner: string; outer: string } | null,
): string {
  const alias = e.alias('t');
  const sub = e.alias('s');
  const joinCondition = join ? [`${alias}.${quoteIdent(join.inner)} = ${join.outer}`] : [];
  const object = emitRowObject(e, selection, view, alias);
  return (
    `(SELECT coalesce(json_agg(${sub}.j), '[]'::json) FROM (SELECT ${object} AS j ` +
    `${emitFromWhere(e, view.sqlName, alias, joinCondition, query).replace(/\n/g, ' ')}) ${sub})`
  );
}

function emitFromWhere(e: Emitter, viewSql: string, alias: string, conditions: readonly string[], query: ListQuery): string {
  const where = [...conditions];
  if (query.filter) where.push(emitFilter(e, query.filter, alias));
  const lines = [`FROM ${viewSql} ${alias}`];
  if (where.length > 0) lines.push(`WHERE ${where.join(' AND ')}`);
  const ordering = query.ordering;
  if (ordering.kind === 'Static' && ordering.terms.length > 0) {
    lines.push(`ORDER BY ${ordering.terms.map((t) => emitOrderTerm(e, t, alias)).join(', ')}`);
  } else if (ordering.kind === 'Dynamic') {
    const tieBreak = ordering.tieBreak ? emitOrderTerm(e, ordering.tieBreak, alias) : null;
    lines.push(`ORDER BY ${e.slot({ slot: ordering.slot, alias, data: `${alias}."data"`, tieBreak })}`);
  }
  if (query.limit) lines.push(`LIMIT ${e.param(query.limit)}`);
  if (query.offset) lines.push(`OFFSET ${e.param(query.offset)}`);
  return lines.join('\n');
}

function emitOrderTerm(e: Emitter, term: OrderTerm, alias: string): string {
  const t = term.target;
  if (t.kind !== 'Related') return `${emitTarget(t, alias)} ${ORDER_SQL.get(term.direction)!}`;
  // The single related row's value, as a scalar subquery (a missing row orders as NULL).
  const inner = e.alias('t');
  const join = `${inner}.${quoteIdent(t.join.innerColumn)} = ${alias}.${quoteIdent(t.join.outerColumn)}`;
  return `(SELECT ${emitTarget(t.target, inner)} FROM ${t.view.sqlName} ${inner} WHERE ${join}) ${ORDER_SQL.get(term.direction)!}`;
}


/**
 * A value of `data` (jsonb) as it is; in a non-null position a missing key or JSON null reads as
 * NULL_MARK instead, and so does a null element of a list of non-null scalars.
 */
function emitValue(e: Emitter, value: string, wrappers: string): string {
  const items = wrappers.startsWith('!L') ? wrappers.slice(2) : wrappers.startsWith('L') ? wrappers.slice(1) : '';
  if (!wrappers.startsWith('!') && !items.startsWith('!')) return value;
  const json = items.startsWith('!')
    ? (() => {
        // Only a list that holds a null is rebuilt element by element (jsonb's @> finds it).
        const el = e.alias('e');
        e.marksNulls = true;
        return (
          `CASE WHEN jsonb_typeof(${value}) = 'array' AND ${value} @> '[null]'::jsonb ` +
          `THEN (SELECT json_agg(CASE WHEN ${el}.v = 'null'::jsonb THEN ${NULL_MARK_SQL} ELSE ${el}.v::json END ORDER BY ${el}.i) ` +
          `FROM jsonb_array_elements(${value}) WITH ORDINALITY AS ${el}(v, i)) ELSE NULLIF(${value}, 'null'::jsonb)::json END`
        );
      })()
    : `NULLIF(${value}, 'null'::jsonb)::json`;
  return e.orMark(json, wrappers);
}

/** A plain column: in a non-null position its NULL reads as NULL_MARK. */
function emitColumnValue(e: Emitter, column: string, wrappers: string): string {
  return wrappers.startsWith('!') ? e.orMark(`to_json(${column})`, wrappers) : column;
}

function jsonPath(data: string, path: readonly string[]): string {
  return data + path.map((k) => `->${quoteLiteral(k)}`).join('');
}

/** A column of the row as jsonb: jsonb as it is, json cast, an array through to_jsonb. */
export function emitJsonRoot(root: JsonRoot, alias: string): string {
  return jsonColumn({ data: '', alias }, quoteIdent(root.column), root.as);
}

/** The jsonb value of an embedded object or list: a key of the object in scope, or a column. */
function sourceJson(source: FieldSource, s: ObjectSource): string {
  if (source.kind === 'Key') return jsonPath(s.data, [source.key]);
  return emitJsonRoot(jsonRootOfColumn(source.column, source.sqlType), s.alias!);
}

/** The SQL of a scalar of the row (see runtime/filters/targets.ts, which whole-variable filters share). */
export function targetSql(target: ScalarTarget, alias: string): FilterTarget {
  if (target.kind === 'Column') return columnTarget(`${alias}.${quoteIdent(target.column)}`, target.sqlType);
  const root = emitJsonRoot(target.root, alias);
  // The root itself (an array column, a jsonb column): its jsonb, or its text.
  if (target.path.length === 0) return rootTarget(root, target.sqlType);
  const parents = target.path.slice(0, -1);
  return pathTarget(jsonPath(root, parents), quoteLiteral(target.path[target.path.length - 1]!), target.sqlType);
}

/** A typed scalar of the row; JSON paths end in ->> (text) and are cast to the field's type. */
export function emitTarget(target: ScalarTarget, alias: string): string {
  return targetSql(target, alias).typed;
}

type FilterHandler<K extends FilterKind> = (e: Emitter, filter: Extract<Filter, { kind: K }>, alias: string) => string;

const FILTER_HANDLERS: { readonly [K in FilterKind]: FilterHandler<K> } = {
  And: (e, f, a) => (f.items.length === 0 ? 'TRUE' : `(${f.items.map((i) => emitFilter(e, i, a)).join(' AND ')})`),
  Or: (e, f, a) => (f.items.length === 0 ? 'FALSE' : `(${f.items.map((i) => emitFilter(e, i, a)).join(' OR ')})`),
  Not: (e, f, a) => `NOT (${emitFilter(e, f.item, a)})`,
  Operator: (e, f, a) =>
    f.operator.sql(f.searchConfig === undefined ? targetSql(f.target, a) : { ...targetSql(f.target, a), searchConfig: quoteLiteral(f.searchConfig) }, {
      known: f.param.source.kind === 'Const',
      value: f.param.source.kind === 'Const' ? f.param.source.value : undefined,
      param: () => e.param(f.param),
      alias: () => e.alias('e'),
    }),
  Keyset: (e, f, a) => emitKeyset(e, f.terms, f.index, f.which, a),
  Dynamic: (e, f, a) => {
    const data = jsonPath(emitJsonRoot(f.slot.root, a), f.slot.path);
    return e.slot({ slot: f.slot, alias: f.slot.view ? a : null, data, tieBreak: null });
  },
  Exists: (e, f, a) => {
    const inner = e.alias('t');
    const join = `${inner}.${quoteIdent(f.join.innerColumn)} = ${a}.${quoteIdent(f.join.outerColumn)}`;
    return `EXISTS (SELECT 1 FROM ${f.view.sqlName} ${inner} WHERE ${join} AND ${emitFilter(e, f.filter, inner)})`;
  },
  Optional: (e, f, a) => markOptional(e.optionalBits.get(f.variable)!, emitFilter(e, f.filter, a)),
};

export function emitFilter(e: Emitter, filter: Filter, alias: string): string {
  return FILTER_HANDLERS[filter.kind](e, filter as never, alias);
}
