// A whole-variable `<Type>Where` (`where: $where`): walked key by key, with AND / OR / NOT, a depth
// and size budget, and the fields that the generated module lists for the type (which column or
// data key each reads, which filter input it takes). Every value becomes a bind parameter.
import type { FilterScope } from './targets.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_NODES, bad, conjunction, freshAlias, isObject, type FilterBuilder } from './builder.js';


/** The SQL of one field of a where, for its value (`path` locates it for errors). */
export type WhereField = (value: unknown, path: string, scope: FilterScope, b: FilterBuilder, depth: number) => string;

export interface WhereInput {
  /** The input type's name, for errors (`PostWhere`). */
  readonly name: string;
  readonly fields: ReadonlyMap<string, WhereField>;
}

export function whereInput(name: string, fields: Readonly<Record<string, WhereField>>): WhereInput {
  return { name, fields: new Map(Object.entries(fields)) };
}

/** The scope of a view row under `alias`. */
export const rowScope = (alias: string): FilterScope => ({ data: `${alias}."data"`, alias });

/** The scope of an object embedded in the current one at `key` (a quoted SQL literal). */
export const embeddedScope = (scope: FilterScope, key: string): FilterScope => ({ data: `${scope.data}->${key}`, alias: '' });

/** A where's SQL: its fields ANDed, or TRUE after recording what is wrong in `b`. */
export function filterWhere(value: unknown, path: string, scope: FilterScope, input: WhereInput, b: FilterBuilder, depth: number): string {
  if (!isObject(value)) return bad(b, path, value, `expected type "${input.name}"`);
  if (depth > MAX_FILTER_DEPTH) return bad(b, path, value, `the filter nests more than ${MAX_FILTER_DEPTH} levels deep`);
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    const x = value[key];
    if (x === undefined) continue;
    const at = `${path}.${key}`;
    if (--b.budget < 0) return bad(b, at, x, `the filter has more than ${MAX_FILTER_NODES} fields and operators`);
    if (x === null) {
      bad(b, at, x, 'a filter field cannot be null; omit it instead');
      continue;
    }
    if (key === 'AND' || key === 'OR') {
      const items = Array.isArray(x) ? x : [x];
      const inner = items.map((item, i) => filterWhere(item, `${at}[${i}]`, scope, input, b, depth + 1));
      parts.push(inner.length === 0 ? (key === 'AND' ? 'TRUE' : 'FALSE') : `(${inner.join(key === 'AND' ? ' AND ' : ' OR ')})`);
      continue;
    }
    if (key === 'NOT') {
      parts.push(`NOT (${filterWhere(x, at, scope, input, b, depth + 1)})`);
      continue;
    }
    const field = input.fields.get(key);
    if (field) parts.push(field(x, at, scope, b, depth));
    else bad(b, at, x, `"${key}" is not a field of ${input.name}`);
  }
  return conjunction(parts);
}

/** A relation joined from the current row: the related view and the columns that join them (quoted SQL). */
export interface FilterRelation {
  readonly view: string;
  /** The related row's column. */
  readonly inner: string;
  /** The current row's column. */
  readonly outer: string;
}

/** A where through a relation: EXISTS a related row that matches (it never duplicates rows). */
export function whereRelated(value: unknown, path: string, scope: FilterScope, relation: FilterRelation, input: WhereInput, b: FilterBuilder, depth: number): string {
  const n = freshAlias(b, 'w');
  const inner = filterWhere(value, path, rowScope(n), input, b, depth + 1);
  return `EXISTS (SELECT 1 FROM ${relation.view} ${n} WHERE ${n}.${relation.inner} = ${scope.alias}.${relation.outer} AND ${inner})`;
}

/** The handler of a relation inside an embedded object, which a where cannot follow. */
export const relationInEmbedded: WhereField = (value, path, _scope, b) =>
  bad(b, path, value, 'filtering through a relation inside an embedded object is not supported');
