// SQL of one mutation field: call the function once, with every argument a bind parameter cast to
// the parameter's type, and project its result by the selection into JSON text inside PostgreSQL.
// - jsonb results: an object type reads the value as `data`; a union or interface picks the member
//   named in its `__typename` key (no member, or an unknown name, gives null);
// - mutation_response results: the status picks the *Success or *Error member, whose fields read
//   the composite (status, message, entity, updated_fields, cascade, metadata, ...) and, for an
//   object field, the entity.
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';
import type { PlanContext } from '../plan/context.js';
import { planSelection } from '../plan/planOperation.js';
import { isListOutput, jsonKeyOf } from '../schema/model.js';
import { Emitter, emitObject } from '../sql/emitSql.js';
import { empty, ident, join, literal, raw, renderText, sql, type Sql } from '../sql/builder.js';
import { RESPONSE_KEYS, type BoundFunction } from './bindFunctions.js';

/** Status words of a successful mutation_response (before any ':'); FraiseQL's list plus noop. */
export const SUCCESS_WORDS = ['success', 'created', 'updated', 'deleted', 'new', 'existing', 'ok', 'noop'] as const;

/**
 * The statement of one call; `selectionParams` counts values its result's selection would need
 * bound of its own (a variable or a LIKE pattern in a relation's arguments, a whole-variable
 * filter): a mutation binds only its function's arguments, so the caller refuses such a selection.
 */
export interface MutationStatement {
  readonly text: string;
  readonly selectionParams: number;
}

export function mutationFieldSql(
  ctx: PlanContext,
  fn: BoundFunction,
  type: GraphQLOutputType,
  sets: readonly SelectionSetNode[],
  /** Per argument of `fn`: false when it is left out of this call. */
  present: readonly boolean[] = [],
): MutationStatement {
  const e = new Emitter(new Map());
  const statement = callSql(ctx, e, fn, type, sets, present);
  const selectionParams = e.params.length + e.slots.length;
  return { text: selectionParams === 0 ? renderText(statement) : '', selectionParams };
}

function callSql(ctx: PlanContext, e: Emitter, fn: BoundFunction, type: GraphQLOutputType, sets: readonly SelectionSetNode[], present: readonly boolean[]): Sql {
  // Arguments left out (omitted, with a parameter DEFAULT) are not passed: the function's default holds.
  // They are the statement's own $1, $2, ... in order (the call's values, laid out by mutationPrepare.ts).
  const args = fn.args
    .filter((_, i) => present[i] !== false)
    .map((a, i) => sql`${a.parameter === null ? empty : sql`${ident(a.parameter)} => `}${raw(`$${i + 1}::${a.sqlType}`)}`);
  // The function's name was quoted when it was bound (bindFunctions.ts).
  const call = sql`${raw(fn.sqlName)}(${join(args, ', ')})`;
  if (fn.result.kind === 'jsonb') {
    return sql`SELECT (${project(ctx, e, type, sets, raw('r.v'))})::text\nFROM ${call} AS r(v)`;
  }
  if (fn.result.kind === 'row') {
    // Each returned row is read like a view row (columns, or data keys), relations joined on it.
    const named = getNamedType(type) as GraphQLObjectType;
    const object = emitObject(e, planSelection(ctx, named, fn.result.row, sets), { data: raw(`r."data"`), alias: raw('r') });
    if (isListOutput(type)) return sql`SELECT coalesce(json_agg(${object}), '[]'::json)::text\nFROM ${call} AS r`;
    // A function returning one composite that found nothing returns a row of NULLs: read as null.
    return sql`SELECT (${object})::text\nFROM ${call} AS r\nWHERE NOT (r IS NULL)\nLIMIT 1`;
  }
  const { columns, success, error } = fn.result;
  const col = (name: string): Sql => (columns.has(name) ? sql`to_jsonb(r.${ident(name)})` : raw('NULL::jsonb'));
  const base = join(
    [
      sql`jsonb_build_object('status', ${col('status')}, 'message', ${col('message')}, 'entity_id', ${col('entity_id')}, `,
      sql`'entity_type', ${col('entity_type')}, 'entity', ${col('entity')}, 'updated_fields', ${col('updated_fields')}, `,
      sql`'cascade', ${col('cascade')}, 'metadata', ${col('metadata')}, 'code', to_jsonb(w.word), 'identifier', to_jsonb(w.identifier), `,
      sql`'details', ${col('metadata')}->'details', 'errors', CASE WHEN k.ok THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(`,
      sql`'code', w.word, 'identifier', w.identifier, 'message', ${col('message')}, 'details', ${col('metadata')}->'details')) END)`,
    ],
    '',
  );
  // Each member reads the common object, plus its object fields' keys holding the entity.
  const laterals: Sql[] = [];
  const member = (m: GraphQLObjectType): Sql => {
    const entityKeys = Object.values(m.getFields())
      .filter((f) => !isLeafType(getNamedType(f.type)) && !RESPONSE_KEYS.has(jsonKeyOf(ctx.schema, f)))
      .map((f) => sql`${literal(jsonKeyOf(ctx.schema, f))}, ${col('entity')}`);
    let data: Sql = raw('b.base');
    if (entityKeys.length > 0) {
      const alias = raw(`d${laterals.length}`);
      laterals.push(sql`CROSS JOIN LATERAL (SELECT b.base || jsonb_build_object(${join(entityKeys, ', ')}) AS data) AS ${alias}`);
      data = sql`${alias}.data`;
    }
    return emitObject(e, planSelection(ctx, m, null, sets), { data, alias: null });
  };
  const value = success === error ? member(success) : sql`CASE WHEN k.ok THEN ${member(success)} ELSE ${member(error)} END`;
  const status = columns.has('status') ? sql`r.${ident('status')}` : raw('NULL::text');
  return join(
    [
      sql`SELECT (${value})::text`,
      sql`FROM ${call} AS r`,
      sql`CROSS JOIN LATERAL (SELECT split_part(${status}, ':', 1) AS word, nullif(substr(${status}, length(split_part(${status}, ':', 1)) + 2), '') AS identifier) AS w`,
      sql`CROSS JOIN LATERAL (SELECT coalesce(w.word IN (${join(SUCCESS_WORDS.map((w) => literal(w)), ', ')}), false) AS ok) AS k`,
      sql`CROSS JOIN LATERAL (SELECT ${base} AS base) AS b`,
      ...laterals,
    ],
    '\n',
  );
}

/** The selection over a jsonb value `data`, as a json expression. */
function project(ctx: PlanContext, e: Emitter, type: GraphQLOutputType, sets: readonly SelectionSetNode[], data: Sql): Sql {
  const named = getNamedType(type);
  if (isLeafType(named)) return sql`(${data})::json`;
  if (isObjectType(named)) {
    return sql`CASE WHEN jsonb_typeof(${data}) = 'object' THEN ${emitObject(e, planSelection(ctx, named, null, sets), { data, alias: null })} END`;
  }
  if (isAbstractType(named)) {
    const members = ctx.schema.getPossibleTypes(named);
    const branches = members.map((m) => sql`WHEN ${literal(m.name)} THEN ${emitObject(e, planSelection(ctx, m, null, sets), { data, alias: null })}`);
    return sql`CASE ${data}->>'__typename' ${join(branches, ' ')} END`;
  }
  return raw('NULL::json');
}
