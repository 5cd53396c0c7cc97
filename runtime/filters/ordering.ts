// A whole-variable `orderBy: $order` (a list of `<Type>OrderBy` objects): each item's terms in
// order, then the tie-break that makes the order total. Directions map to fixed SQL keywords.
import { MAX_FILTER_DEPTH, MAX_FILTER_NODES, bad, freshAlias, isObject, type FilterBuilder } from './builder.js';
import type { FilterScope } from './targets.js';
import { rowScope, type FilterRelation } from './where.js';

/** The SQL of each OrderDirection (a Map: a request's string never reaches an object's prototype). */
export const ORDER_SQL: ReadonlyMap<string, string> = new Map([
  ['ASC', 'ASC'],
  ['DESC', 'DESC'],
  ['ASC_NULLS_FIRST', 'ASC NULLS FIRST'],
  ['ASC_NULLS_LAST', 'ASC NULLS LAST'],
  ['DESC_NULLS_FIRST', 'DESC NULLS FIRST'],
  ['DESC_NULLS_LAST', 'DESC NULLS LAST'],
]);

/** Order terms collected so far: an expression and its direction's SQL. */
export type OrderTerms = [expression: string, direction: string][];

/** Adds the terms of one field of an OrderBy object, for its value. */
export type OrderField = (value: unknown, path: string, scope: FilterScope, b: FilterBuilder, terms: OrderTerms, depth: number) => void;

export interface OrderInput {
  /** The input type's name, for errors (`PostOrderBy`). */
  readonly name: string;
  readonly fields: ReadonlyMap<string, OrderField>;
}

export function orderInput(name: string, fields: Readonly<Record<string, OrderField>>): OrderInput {
  return { name, fields: new Map(Object.entries(fields)) };
}

/** The terms of one OrderBy object (a field's terms in the order of its keys). */
export function orderObject(value: unknown, path: string, scope: FilterScope, input: OrderInput, b: FilterBuilder, terms: OrderTerms, depth: number): void {
  if (!isObject(value)) {
    bad(b, path, value, `expected type "${input.name}"`);
    return;
  }
  if (depth > MAX_FILTER_DEPTH) {
    bad(b, path, value, `the ordering nests more than ${MAX_FILTER_DEPTH} levels deep`);
    return;
  }
  for (const key of Object.keys(value)) {
    const x = value[key];
    if (x === undefined || x === null) continue;
    const at = `${path}.${key}`;
    if (--b.budget < 0) {
      bad(b, at, x, `the ordering has more than ${MAX_FILTER_NODES} terms`);
      return;
    }
    const field = input.fields.get(key);
    if (field) field(x, at, scope, b, terms, depth);
    else bad(b, at, x, `"${key}" is not a field of ${input.name}`);
  }
}

/** A scalar field: `expression` in the value's direction. */
export function orderTerm(value: unknown, path: string, expression: string, b: FilterBuilder, terms: OrderTerms): void {
  const direction = typeof value === 'string' ? ORDER_SQL.get(value) : undefined;
  if (direction === undefined) bad(b, path, value, 'expected type "OrderDirection"');
  else terms.push([expression, direction]);
}

/** A field of the single related row: its value as a scalar subquery (a missing row orders as NULL). */
export function orderRelated(value: unknown, path: string, scope: FilterScope, relation: FilterRelation, input: OrderInput, b: FilterBuilder, terms: OrderTerms, depth: number): void {
  const n = freshAlias(b, 'o');
  const inner: OrderTerms = [];
  orderObject(value, path, rowScope(n), input, b, inner, depth + 1);
  for (const [expression, direction] of inner) {
    terms.push([`(SELECT ${expression} FROM ${relation.view} ${n} WHERE ${n}.${relation.inner} = ${scope.alias}.${relation.outer})`, direction]);
  }
}

/**
 * The ORDER BY list of an orderBy value (a list of OrderBy objects, or one), then the tie-break
 * that makes the order total; TRUE when there is nothing to order by.
 */
export function orderList(value: unknown, path: string, scope: FilterScope, input: OrderInput, b: FilterBuilder, tieBreak?: string): string {
  const terms: OrderTerms = [];
  if (value != null) {
    (Array.isArray(value) ? value : [value]).forEach((item, i) => {
      const at = `${path}[${i}]`;
      if (item == null) bad(b, at, item, 'an orderBy item cannot be null');
      else orderObject(item, at, scope, input, b, terms, 0);
    });
  }
  const sql = terms.map(([expression, direction]) => `${expression} ${direction}`);
  if (tieBreak !== undefined) sql.push(tieBreak);
  return sql.length === 0 ? 'TRUE' : sql.join(', ');
}
