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
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { RESPONSE_KEYS, type BoundFunction } from './bindFunctions.js';

/** Status words of a successful mutation_response (before any ':'); FraiseQL's list plus noop. */
export const SUCCESS_WORDS = ['success', 'created', 'updated', 'deleted', 'new', 'existing', 'ok', 'noop'] as const;

export function mutationFieldSql(
  ctx: PlanContext,
  fn: BoundFunction,
  type: GraphQLOutputType,
  sets: readonly SelectionSetNode[],
  /** Per argument of `fn`: false when it is left out of this call. */
  present: readonly boolean[] = [],
): string {
  const e = new Emitter(new Map());
  // Arguments left out (omitted, with a parameter DEFAULT) are not passed: the function's default holds.
  const args = fn.args
    .filter((_, i) => present[i] !== false)
    .map((a, i) => `${a.parameter === null ? '' : `${quoteIdent(a.parameter)} => `}$${i + 1}::${a.sqlType}`)
    .join(', ');
  const call = `${fn.sqlName}(${args})`;
  if (fn.result.kind === 'jsonb') {
    return `SELECT (${project(ctx, e, type, sets, 'r.v')})::text\nFROM ${call} AS r(v)`;
  }
  if (fn.result.kind === 'row') {
    // Each returned row is read like a view row (columns, or data keys), relations joined on it.
    const named = getNamedType(type) as GraphQLObjectType;
    const object = emitObject(e, planSelection(ctx, named, fn.result.row, sets), { data: `r."data"`, alias: 'r' });
    if (isListOutput(type)) return `SELECT coalesce(json_agg(${object}), '[]'::json)::text\nFROM ${call} AS r`;
    // A function returning one composite that found nothing returns a row of NULLs: read as null.
    return `SELECT (${object})::text\nFROM ${call} AS r\nWHERE NOT (r IS NULL)\nLIMIT 1`;
  }
  const { columns, success, error } = fn.result;
  const col = (name: string): string => (columns.has(name) ? `to_jsonb(r.${quoteIdent(name)})` : 'NULL::jsonb');
  const base =
    `jsonb_build_object('status', ${col('status')}, 'message', ${col('message')}, 'entity_id', ${col('entity_id')}, ` +
    `'entity_type', ${col('entity_type')}, 'entity', ${col('entity')}, 'updated_fields', ${col('updated_fields')}, ` +
    `'cascade', ${col('cascade')}, 'metadata', ${col('metadata')}, 'code', to_jsonb(w.word), 'identifier', to_jsonb(w.identifier), ` +
    `'details', ${col('metadata')}->'details', 'errors', CASE WHEN k.ok THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(` +
    `'code', w.word, 'identifier', w.identifier, 'message', ${col('message')}, 'details', ${col('metadata')}->'details')) END)`;
  // Each member reads the common object, plus its object fields' keys holding the entity.
  const laterals: string[] = [];
  const member = (m: GraphQLObjectType): string => {
    const entityKeys = Object.values(m.getFields())
      .filter((f) => !isLeafType(getNamedType(f.type)) && !RESPONSE_KEYS.has(jsonKeyOf(ctx.schema, f)))
      .map((f) => `${quoteLiteral(jsonKeyOf(ctx.schema, f))}, ${col('entity')}`);
    let data = 'b.base';
    if (entityKeys.length > 0) {
      const alias = `d${laterals.length}`;
      laterals.push(`CROSS JOIN LATERAL (SELECT b.base || jsonb_build_object(${entityKeys.join(', ')}) AS data) AS ${alias}`);
      data = `${alias}.data`;
    }
    return emitObject(e, planSelection(ctx, m, null, sets), { data, alias: null });
  };
  const value = success === error ? member(success) : `CASE WHEN k.ok THEN ${member(success)} ELSE ${member(error)} END`;
  const status = columns.has('status') ? `r.${quoteIdent('status')}` : 'NULL::text';
  return [
    `SELECT (${value})::text`,
    `FROM ${call} AS r`,
    `CROSS JOIN LATERAL (SELECT split_part(${status}, ':', 1) AS word, nullif(substr(${status}, length(split_part(${status}, ':', 1)) + 2), '') AS identifier) AS w`,
    `CROSS JOIN LATERAL (SELECT coalesce(w.word IN (${SUCCESS_WORDS.map((s) => quoteLiteral(s)).join(', ')}), false) AS ok) AS k`,
    `CROSS JOIN LATERAL (SELECT ${base} AS base) AS b`,
    ...laterals,
  ].join('\n');
}

/** The selection over a jsonb value `data`, as a json expression. */
function project(ctx: PlanContext, e: Emitter, type: GraphQLOutputType, sets: readonly SelectionSetNode[], data: string): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return `(${data})::json`;
  if (isObjectType(named)) {
    return `CASE WHEN jsonb_typeof(${data}) = 'object' THEN ${emitObject(e, planSelection(ctx, named, null, sets), { data, alias: null })} END`;
  }
  if (isAbstractType(named)) {
    const members = ctx.schema.getPossibleTypes(named);
    const branches = members.map((m) => `WHEN ${quoteLiteral(m.name)} THEN ${emitObject(e, planSelection(ctx, m, null, sets), { data, alias: null })}`);
    return `CASE ${data}->>'__typename' ${branches.join(' ')} END`;
  }
  return 'NULL::json';
}
