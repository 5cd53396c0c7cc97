// Generates, per input type, the functions that turn a whole variable (`where: $where`,
// `orderBy: $order`, `title: $titleFilter`) into SQL at run time: each validates its value against
// its one input type (specialised code, no generic GraphQL interpretation) and returns SQL text in
// which every value is a bind parameter. The text of the fragments is the statement's shape: the
// runtime caches one named prepared statement per shape (see SHAPE_OF_SOURCE in emitModule.ts).
import {
  getNamedType,
  isEnumType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { BoundView, ViewCatalog } from '../metadata/checkSchema.js';
import { MAX_REGEX_LENGTH } from '../plan/planArguments.js';
import { sqlTypeOfScalar } from '../plan/sqlTypes.js';
import { isListOutput, relationOf, textSearchConfigOf } from '../schema/model.js';
import { fieldSource, filterTarget, jsonRootOfColumn } from '../plan/fieldSource.js';
import { DATA_ROOT, type FieldSource, type JsonRoot } from '../plan/ir.js';
import {
  ENUM_OPERATORS,
  LIST_OPERATORS,
  SCALAR_OPERATORS,
  TEXT_SEARCH_FUNCTIONS,
  TSVECTOR_OPERATORS,
  TSVECTOR_SCALAR,
  filterInputName,
  type TextSearchOperator,
} from '../schema/prelude.js';
import { COMPARE_SQL, JSON_SQL, ORDER_SQL, type SlotOut } from '../sql/emitSql.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';

/** Most operators and fields one whole-variable filter may hold, and how deeply it may nest. */
export const MAX_FILTER_NODES = 500;
export const MAX_FILTER_DEPTH = 32;

export interface DynamicCodeContext {
  readonly schema: GraphQLSchema;
  readonly catalog: ViewCatalog;
  /** Registers a scalar or enum coercer and returns the name of its function in the module. */
  readonly coercer: (type: GraphQLNamedType) => string;
}

/** Builds the functions on demand (types refer to each other, so each is generated once). */
export class DynamicCode {
  readonly #functions = new Map<string, string>();
  readonly #views: string[] = [];
  constructor(readonly ctx: DynamicCodeContext) {}

  get used(): boolean {
    return this.#functions.size > 0;
  }

  /** The expression computing one slot's SQL fragment from the variable's (coerced) value. */
  slotExpression(out: SlotOut, valueLocal: string): string {
    const { slot } = out;
    const data = JSON.stringify(out.data);
    const alias = JSON.stringify(out.alias ?? '');
    const path = JSON.stringify(slot.variable);
    if (slot.kind === 'where') {
      const fn = this.where(slot.type, slot.view);
      return `(${valueLocal} == null ? 'TRUE' : ${fn}(${valueLocal}, ${path}, ${data}, ${alias}, b, 0))`;
    }
    if (slot.kind === 'orderBy') {
      const fn = this.orderBy(slot.type, slot.view);
      const tieBreak = out.tieBreak === null ? '' : `, ${JSON.stringify(out.tieBreak)}`;
      return `orderList(${valueLocal}, ${path}, (item, p, terms) => ${fn}(item, p, ${data}, ${alias}, b, terms, 0), b${tieBreak})`;
    }
    const field = slot.type.getFields()[slot.field!]!;
    return `(${valueLocal} == null ? 'TRUE' : ${this.fieldCall(field, valueLocal, path, data, out.alias === null ? null : alias, slot.view)})`;
  }

  /** Every generated function, for the module. */
  source(): string {
    if (this.#functions.size === 0) return '';
    return [BUILDER_SOURCE, ...this.#functions.values()].join('\n\n');
  }

  /** Functions are per type and per view a row comes from (a root field's @view may differ). */
  private rowSuffix(type: GraphQLObjectType, view: BoundView | null): string {
    if (!view) return 'Embedded';
    if (view === this.ctx.catalog.get(type.name)) return 'Row';
    let index = this.#views.indexOf(view.sqlName);
    if (index < 0) index = this.#views.push(view.sqlName) - 1;
    return `Row${index}`;
  }

  // ---- where ----

  where(type: GraphQLObjectType, view: BoundView | null): string {
    const name = `where${type.name}${this.rowSuffix(type, view)}`;
    if (this.#functions.has(name)) return name;
    this.#functions.set(name, '');
    const inputName = `${type.name}Where`;
    const cases: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isObjectType(named)) {
        const relation = relationOf(this.ctx.schema, field);
        if (!relation) {
          if (isListOutput(field.type)) continue; // embedded lists of objects have no filter
          const inner = this.where(named, null);
          cases.push(`case ${JSON.stringify(field.name)}: parts.push(${inner}(x, q, ${innerJson(fieldSource(this.ctx.schema, view ?? null, field))}, '', b, depth + 1)); break;`);
          continue;
        }
        const target = this.ctx.catalog.get(named.name);
        if (!target) continue;
        if (!view) {
          cases.push(`case ${JSON.stringify(field.name)}: bad(b, q, x, 'filtering through a relation inside an embedded object is not supported'); break;`);
          continue;
        }
        const [inner, outer] = relation.localKey ? [relation.references, relation.localKey] : [relation.foreignKey!, relation.references];
        const fn = this.where(named, target);
        cases.push(
          `case ${JSON.stringify(field.name)}: { const n = 'xw' + b.aliases++; ` +
            `parts.push('EXISTS (SELECT 1 FROM ' + ${JSON.stringify(target.sqlName)} + ' ' + n + ' WHERE ' + n + ${JSON.stringify(`.${quoteIdent(inner)} = `)} + a + ${JSON.stringify(`.${quoteIdent(outer)}`)} + ' AND ' + ${fn}(x, q, n + '."data"', n, b, depth + 1) + ')'); break; }`,
        );
        continue;
      }
      cases.push(`case ${JSON.stringify(field.name)}: parts.push(${this.fieldCall(field, 'x', 'q', 'd', view ? 'a' : null, view)}); break;`);
    }
    const body = `function ${name}(v: unknown, p: string, d: string, a: string, b: Builder, depth: number): string {
  if (!isObject(v)) return bad(b, p, v, 'expected type "${inputName}"');
  if (depth > MAX_FILTER_DEPTH) return bad(b, p, v, 'the filter nests more than ' + MAX_FILTER_DEPTH + ' levels deep');
  const parts: string[] = [];
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    const q = p + '.' + k;
    if (--b.budget < 0) return bad(b, q, x, 'the filter has more than ' + MAX_FILTER_NODES + ' fields and operators');
    if (x === null) { bad(b, q, x, 'a filter field cannot be null; omit it instead'); continue; }
    switch (k) {
      ${cases.join('\n      ')}
      case 'AND': case 'OR': {
        const items = Array.isArray(x) ? x : [x];
        const inner = items.map((item, i) => ${name}(item, q + '[' + i + ']', d, a, b, depth + 1));
        parts.push(inner.length === 0 ? (k === 'AND' ? 'TRUE' : 'FALSE') : '(' + inner.join(k === 'AND' ? ' AND ' : ' OR ') + ')');
        break;
      }
      case 'NOT': parts.push('NOT (' + ${name}(x, q, d, a, b, depth + 1) + ')'); break;
      default: bad(b, q, x, '"' + k + '" is not a field of ${inputName}');
    }
  }
  return conjunction(parts);
}`;
    this.#functions.set(name, body);
    return name;
  }

  /** The call filtering one scalar (or scalar array) field with a `<Scalar>Filter` value. */
  private fieldCall(
    field: GraphQLField<unknown, unknown>,
    value: string,
    path: string,
    data: string,
    alias: string | null,
    view: BoundView | null,
  ): string {
    const named = getNamedType(field.type);
    const source = fieldSource(this.ctx.schema, alias === null ? null : (view ?? null), field);
    if (isListOutput(field.type)) {
      const fn = this.listFilter(named);
      if (source.kind === 'Column' && alias !== null) {
        // An array (or jsonb) column: compared as jsonb, like an array inside data.
        const root = rootJs(jsonRootOfColumn(source.column, source.sqlType), alias);
        return `${fn}(${value}, ${path}, 'NULLIF(' + ${root} + ${JSON.stringify(", 'null'::jsonb)")}, '(' + ${root} + ${JSON.stringify(" #>> '{}')")}, b)`;
      }
      const key = source.kind === 'Key' ? source.key : source.column;
      const text = `${data} + ${JSON.stringify(`->>${quoteLiteral(key)}`)}`;
      return `${fn}(${value}, ${path}, 'NULLIF(' + ${data} + ${JSON.stringify(`->${quoteLiteral(key)}, 'null'::jsonb)`)}, '(' + ${text} + ')', b)`;
    }
    const fn = named.name === TSVECTOR_SCALAR ? this.textSearchFilter(textSearchConfigOf(this.ctx.schema, field)) : this.scalarFilter(named);
    const target = filterTarget(source, alias === null ? null : (view ?? null), DATA_ROOT, [], sqlTypeOfScalar(named));
    if (target.kind === 'Column' && alias !== null) {
      const column = `${alias} + ${JSON.stringify(`.${quoteIdent(target.column)}`)}`;
      const asText = target.sqlType === 'text' ? column : `${column} + '::text'`;
      return `${fn}(${value}, ${path}, ${column}, ${asText}, ${JSON.stringify(target.sqlType)}, b)`;
    }
    const key = target.kind === 'JsonPath' ? target.path[target.path.length - 1]! : target.column;
    const text = `${data} + ${JSON.stringify(`->>${quoteLiteral(key)}`)}`;
    const sqlType = sqlTypeOfScalar(named);
    const textExpr = `'(' + ${text} + ')'`;
    const typed =
      sqlType === 'jsonb'
        ? `'NULLIF(' + ${data} + ${JSON.stringify(`->${quoteLiteral(key)}, 'null'::jsonb)`)}`
        : sqlType === 'text'
          ? textExpr
          : `${textExpr} + ${JSON.stringify(`::${sqlType}`)}`;
    return `${fn}(${value}, ${path}, ${typed}, ${textExpr}, ${JSON.stringify(sqlType)}, b)`;
  }

  /** `<Scalar>Filter` / `<Enum>Filter`: t is the typed target, tt its text, ty the type of values. */
  private scalarFilter(type: GraphQLNamedType): string {
    const inputName = filterInputName(type.name);
    const name = `filter${type.name}`;
    if (this.#functions.has(name)) return name;
    this.#functions.set(name, '');
    const coerce = this.ctx.coercer(type);
    const ops = isEnumType(type) ? ENUM_OPERATORS : (SCALAR_OPERATORS[type.name] ?? ENUM_OPERATORS);
    const json = sqlTypeOfScalar(type) === 'jsonb';
    const stringCoerce = this.ctx.coercer(this.ctx.schema.getType('String')!);
    const cases = ops.map((op) => {
      const c = (fn: string, expected: string, then: string): string =>
        `case '${op}': { const c = ${fn}(x); if (c === INVALID) bad(b, q, x, 'expected type "${expected}"'); else ${then}; break; }`;
      const value = json ? 'JSON.stringify(c)' : 'c';
      if (op === 'isnull') return c(this.ctx.coercer(this.ctx.schema.getType('Boolean')!), 'Boolean', `parts.push(tt + (c ? ' IS NULL' : ' IS NOT NULL'))`);
      if (op === 'in' || op === 'nin') {
        const sql = op === 'in' ? ` = ANY(` : ` <> ALL(`;
        return c(`((y: unknown) => coerceList(y, ${coerce}, false))`, `[${type.name}!]`, `parts.push(t + '${sql}' + bind(b, q, ${json ? 'c.map((e) => JSON.stringify(e))' : 'c'}, ty + '[]') + ')')`);
      }
      if (json && op in JSON_SQL) {
        const sql = JSON_SQL[op as keyof typeof JSON_SQL];
        if (op === 'has_key') return c(stringCoerce, 'String', `parts.push(t + ' ${sql} ' + bind(b, q, c, 'text'))`);
        if (op === 'has_any_keys' || op === 'has_all_keys') {
          return c(`((y: unknown) => coerceList(y, ${stringCoerce}, false))`, '[String!]', `parts.push(t + ' ${sql} ' + bind(b, q, c, 'text[]'))`);
        }
        return c(coerce, type.name, `parts.push(t + ' ${sql} ' + bind(b, q, JSON.stringify(c), 'jsonb'))`);
      }
      const like = LIKE_SOURCES[op];
      if (like) return c(stringCoerce, 'String', `parts.push(tt + ' ${like.sql} ' + bind(b, q, ${like.encode}(c), 'text'))`);
      if (op === 'like' || op === 'ilike') return c(stringCoerce, 'String', `parts.push(tt + ' ${COMPARE_SQL[op]} ' + bind(b, q, c, 'text'))`);
      if (op === 'matches' || op === 'imatches' || op === 'not_matches') {
        return c(stringCoerce, 'String',
          `{ if (c.length > MAX_REGEX_LENGTH) bad(b, q, '...', 'a regular expression may have at most ' + MAX_REGEX_LENGTH + ' characters'); else parts.push(tt + ' ${COMPARE_SQL[op]} ' + bind(b, q, c, 'text')); }`);
      }
      const sql = COMPARE_SQL[op as keyof typeof COMPARE_SQL];
      return c(coerce, type.name, `parts.push(t + ' ${sql} ' + bind(b, q, ${value}, ty))`);
    });
    this.#functions.set(name, operatorFunction(name, 'ty: string, ', inputName, cases));
    return name;
  }

  /** `TSVectorFilter` with the field's text search configuration: t is the tsvector. */
  private textSearchFilter(config: string | null): string {
    const name = `filterTSVector${config === null ? '' : `_${config.replace(/[^A-Za-z0-9]/g, '_')}`}`;
    if (this.#functions.has(name)) return name;
    this.#functions.set(name, '');
    const stringCoerce = this.ctx.coercer(this.ctx.schema.getType('String')!);
    const prefix = config === null ? '' : `${quoteLiteral(config)}::regconfig, `;
    const cases = TSVECTOR_OPERATORS.map((op) => {
      const c = (fn: string, expected: string, then: string): string =>
        `case '${op}': { const c = ${fn}(x); if (c === INVALID) bad(b, q, x, 'expected type "${expected}"'); else ${then}; break; }`;
      if (op === 'isnull') return c(this.ctx.coercer(this.ctx.schema.getType('Boolean')!), 'Boolean', `parts.push(tt + (c ? ' IS NULL' : ' IS NOT NULL'))`);
      const fn = TEXT_SEARCH_FUNCTIONS[op as TextSearchOperator];
      return c(stringCoerce, 'String', `parts.push(t + ${JSON.stringify(` @@ ${fn}(${prefix}`)} + bind(b, q, c, 'text') + ')')`);
    });
    this.#functions.set(name, operatorFunction(name, 'ty: string, ', filterInputName(TSVECTOR_SCALAR), cases));
    return name;
  }

  /** `<Scalar>ListFilter`, on an array inside data: t is its jsonb, tt its text. */
  private listFilter(type: GraphQLNamedType): string {
    const inputName = filterInputName(type.name, true);
    const name = `filter${type.name}List`;
    if (this.#functions.has(name)) return name;
    this.#functions.set(name, '');
    const coerce = this.ctx.coercer(type);
    const intCoerce = this.ctx.coercer(this.ctx.schema.getType('Int')!);
    const cases = LIST_OPERATORS.map((op) => {
      const c = (fn: string, expected: string, then: string): string =>
        `case '${op}': { const c = ${fn}(x); if (c === INVALID) bad(b, q, x, 'expected type "${expected}"'); else ${then}; break; }`;
      if (op === 'isnull') return c(this.ctx.coercer(this.ctx.schema.getType('Boolean')!), 'Boolean', `parts.push(tt + (c ? ' IS NULL' : ' IS NOT NULL'))`);
      if (op.startsWith('len_')) {
        const sql = COMPARE_SQL[op.slice(4) as keyof typeof COMPARE_SQL];
        return c(intCoerce, 'Int', `parts.push('(CASE WHEN jsonb_typeof(' + t + ') = \\'array\\' THEN jsonb_array_length(' + t + ') END) ${sql} ' + bind(b, q, c, 'integer'))`);
      }
      const list = `((y: unknown) => coerceList(y, ${coerce}, false))`;
      if (op === 'overlaps') {
        return c(list, `[${type.name}!]`,
          `{ const e = 'xe' + b.aliases++; parts.push('(CASE WHEN jsonb_typeof(' + t + ') = \\'array\\' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(' + bind(b, q, JSON.stringify(c), 'jsonb') + ') ' + e + '(v) WHERE ' + t + ' @> jsonb_build_array(' + e + '.v)) END)'); }`);
      }
      return c(list, `[${type.name}!]`, `parts.push(t + ' ${JSON_SQL[op as 'contains' | 'contained_by']} ' + bind(b, q, JSON.stringify(c), 'jsonb'))`);
    });
    this.#functions.set(name, operatorFunction(name, '', inputName, cases));
    return name;
  }

  // ---- orderBy ----

  /** Pushes `expression direction` terms for one `<Type>OrderBy` object. */
  orderBy(type: GraphQLObjectType, view: BoundView | null): string {
    const name = `order${type.name}${this.rowSuffix(type, view)}`;
    if (this.#functions.has(name)) return name;
    this.#functions.set(name, '');
    const inputName = `${type.name}OrderBy`;
    const cases: string[] = [];
    for (const field of Object.values(type.getFields())) {
      if (isListOutput(field.type)) continue;
      const named = getNamedType(field.type);
      const source = fieldSource(this.ctx.schema, view ?? null, field);
      const label = JSON.stringify(field.name);
      if (isObjectType(named)) {
        const relation = relationOf(this.ctx.schema, field);
        if (!relation) {
          const inner = this.orderBy(named, null);
          cases.push(`case ${label}: ${inner}(x, q, ${innerJson(source)}, '', b, terms, depth + 1); break;`);
          continue;
        }
        const target = this.ctx.catalog.get(named.name);
        if (!target || !view) continue;
        const [inner, outer] = relation.localKey ? [relation.references, relation.localKey] : [relation.foreignKey!, relation.references];
        const fn = this.orderBy(named, target);
        // The related row's value as a scalar subquery (a missing row orders as NULL).
        cases.push(
          `case ${label}: { const n = 'xo' + b.aliases++; const sub: [string, string][] = []; ${fn}(x, q, n + '."data"', n, b, sub, depth + 1); ` +
            `for (const [e, dir] of sub) terms.push(['(SELECT ' + e + ' FROM ' + ${JSON.stringify(target.sqlName)} + ' ' + n + ' WHERE ' + n + ${JSON.stringify(`.${quoteIdent(inner)} = `)} + a + ${JSON.stringify(`.${quoteIdent(outer)}`)} + ')', dir]); break; }`,
        );
        continue;
      }
      if (named.name === 'JSON') continue;
      const sqlType = sqlTypeOfScalar(named);
      const target = filterTarget(source, view ?? null, DATA_ROOT, [], sqlType);
      const expr =
        target.kind === 'Column'
          ? `a + ${JSON.stringify(`.${quoteIdent(target.column)}`)}`
          : `'(' + d + ${JSON.stringify(`->>${quoteLiteral(target.path[0]!)})${sqlType === 'text' ? '' : `::${sqlType}`}`)}`;
      cases.push(`case ${label}: { const dir = ORDER_SQL[x as string]; if (typeof x !== 'string' || dir === undefined) bad(b, q, x, 'expected type "OrderDirection"'); else terms.push([${expr}, dir]); break; }`);
    }
    const body = `function ${name}(v: unknown, p: string, d: string, a: string, b: Builder, terms: [string, string][], depth: number): void {
  if (!isObject(v)) { bad(b, p, v, 'expected type "${inputName}"'); return; }
  if (depth > MAX_FILTER_DEPTH) { bad(b, p, v, 'the ordering nests more than ' + MAX_FILTER_DEPTH + ' levels deep'); return; }
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    const q = p + '.' + k;
    if (--b.budget < 0) { bad(b, q, x, 'the ordering has more than ' + MAX_FILTER_NODES + ' terms'); return; }
    switch (k) {
      ${cases.join('\n      ')}
      default: bad(b, q, x, '"' + k + '" is not a field of ${inputName}');
    }
  }
}`;
    this.#functions.set(name, body);
    return name;
  }
}

/** Generated code: the jsonb of a column of the row (`a` holds the row's alias at run time). */
function rootJs(root: JsonRoot, alias: string): string {
  const column = `${alias} + ${JSON.stringify(`.${quoteIdent(root.column)}`)}`;
  return root.as === 'jsonb' ? column : root.as === 'json' ? `${column} + '::jsonb'` : `'to_jsonb(' + ${column} + ')'`;
}

/** Generated code: the jsonb of an embedded object a field holds (`d` the object in scope, `a` the row). */
function innerJson(source: FieldSource): string {
  if (source.kind === 'Key') return `d + ${JSON.stringify(`->${quoteLiteral(source.key)}`)}`;
  return rootJs(jsonRootOfColumn(source.column, source.sqlType), 'a');
}

const LIKE_SOURCES: Readonly<Record<string, { readonly sql: string; readonly encode: string }>> = {
  contains: { sql: 'LIKE', encode: 'likeContains' },
  icontains: { sql: 'ILIKE', encode: 'likeContains' },
  startswith: { sql: 'LIKE', encode: 'likeStartsWith' },
  istartswith: { sql: 'ILIKE', encode: 'likeStartsWith' },
  endswith: { sql: 'LIKE', encode: 'likeEndsWith' },
  iendswith: { sql: 'ILIKE', encode: 'likeEndsWith' },
};

/** LIKE patterns that match a value literally: `\`, `%` and `_` escaped (the default escape is `\`). */
export const LIKE_HELPERS_SOURCE = `const likeEscape = (s: string): string => s.replace(/[\\\\%_]/g, '\\\\$&');
const likeContains = (s: unknown): unknown => (typeof s === 'string' ? '%' + likeEscape(s) + '%' : s);
const likeStartsWith = (s: unknown): unknown => (typeof s === 'string' ? likeEscape(s) + '%' : s);
const likeEndsWith = (s: unknown): unknown => (typeof s === 'string' ? '%' + likeEscape(s) : s);`;

const BUILDER_SOURCE = `/** State of building the dynamic parts of one request: bind values, errors, fresh aliases (prefixed x, which static SQL never uses). */
interface Builder {
  readonly params: unknown[];
  readonly errors: GraphQLResponseError[];
  aliases: number;
  budget: number;
}
const MAX_FILTER_NODES = ${MAX_FILTER_NODES};
const MAX_FILTER_DEPTH = ${MAX_FILTER_DEPTH};
const MAX_REGEX_LENGTH = ${MAX_REGEX_LENGTH};
const ORDER_SQL: Readonly<Record<string, string | undefined>> = ${JSON.stringify(ORDER_SQL)};
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const newBuilder = (): Builder => ({ params: [], errors: [], aliases: 0, budget: MAX_FILTER_NODES });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const conjunction = (parts: readonly string[]): string => (parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : '(' + parts.join(' AND ') + ')');
const hasNul = (v: unknown): boolean => (typeof v === 'string' ? v.includes('\\u0000') : Array.isArray(v) ? v.some(hasNul) : false);

function bad(b: Builder, path: string, value: unknown, problem: string): string {
  const variable = path.split(/[.[]/)[0];
  b.errors.push(badInput('Variable "$' + variable + '" got invalid value ' + show(value).slice(0, 200) + ' at "' + path + '"; ' + problem + '.'));
  return 'TRUE';
}

/** A bind parameter: the value travels beside the statement, never inside its text. */
function bind(b: Builder, path: string, value: unknown, type: string): string {
  if (hasNul(value)) return bad(b, path, value, 'text must not contain the NUL character (U+0000)');
  if (type.startsWith('uuid') && [value].flat().some((x) => typeof x !== 'string' || !UUID_TEXT.test(x))) {
    return bad(b, path, value, 'it is compared with a uuid column, so it must be a UUID');
  }
  b.params.push(value);
  return '$' + b.params.length + '::' + type;
}

/** An orderBy list: each item's terms in order, then the tie-break that makes the order total. */
function orderList(v: unknown, p: string, item: (x: unknown, p: string, terms: [string, string][]) => void, b: Builder, tieBreak?: string): string {
  const terms: [string, string][] = [];
  if (v != null) (Array.isArray(v) ? v : [v]).forEach((x, i) => (x == null ? bad(b, p + '[' + i + ']', x, 'an orderBy item cannot be null') : item(x, p + '[' + i + ']', terms)));
  const sql = terms.map(([e, dir]) => e + ' ' + dir);
  if (tieBreak !== undefined) sql.push(tieBreak);
  return sql.length === 0 ? 'TRUE' : sql.join(', ');
}`;

/**
 * The generated function of one operator input (`<Scalar>Filter`, `<Scalar>ListFilter`): walks the
 * value's keys, refuses nulls and unknown operators, and ANDs what each operator case pushes.
 */
function operatorFunction(name: string, extraParams: string, inputName: string, cases: readonly string[]): string {
  return `function ${name}(v: unknown, p: string, t: string, tt: string, ${extraParams}b: Builder): string {
  if (!isObject(v)) return bad(b, p, v, 'expected type "${inputName}"');
  const parts: string[] = [];
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    const q = p + '.' + k;
    if (--b.budget < 0) return bad(b, q, x, 'the filter has more than ' + MAX_FILTER_NODES + ' fields and operators');
    if (x === null) {
      if (k !== 'isnull') bad(b, q, x, 'operator "' + k + '" cannot be null; omit it to leave it out, or use isnull');
      continue;
    }
    switch (k) {
      ${cases.join('\n      ')}
      default: bad(b, q, x, '"' + k + '" is not an operator of ${inputName}');
    }
  }
  return conjunction(parts);
}`;
}
