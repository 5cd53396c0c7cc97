// Where each field of a view row reads its value: one place decides it for projection, filters,
// orderings and the run-time filter code (dynamicCode.ts).
// - `@column(name:)`: that column (`compare:` names the column its filters and orderings compare);
// - a view without a `data` column (FraiseQL's column style): the column named like the field
//   (snake_case, or `@jsonKey`'s name);
// - a view with `data`: the key of `data` named like the field (FraiseQL v1). Filters and orderings
//   still compare the plain column when the view has one of that name (see filterTarget), and a
//   key that the view's definition proves equal to one of its columns reads that column.
// Objects embedded in a jsonb value read keys of it, whatever held them.
import { getNamedType, isLeafType, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { BoundView } from '../metadata/checkSchema.js';
import { columnOf, compareColumnOf, jsonKeyOf } from '../schema/model.js';
import type { FieldSource, JsonRoot, ScalarTarget } from './ir.js';

type Field = GraphQLField<unknown, unknown>;

export function fieldSource(schema: GraphQLSchema, view: BoundView | null, field: Field): FieldSource {
  const key = jsonKeyOf(schema, field);
  if (!view) return { kind: 'Key', key };
  // A data key that a column of the view provably holds (viewColumns.ts) reads that column: when no
  // field of the row needs anything else, PostgreSQL does not build the row's `data` at all.
  const proven = view.hasData && isLeafType(getNamedType(field.type)) ? view.dataColumns.get(key) : undefined;
  const column = columnOf(schema, field) ?? (view.hasData ? proven : key);
  if (column === undefined) return { kind: 'Key', key, ...(view.nonNullKeys.has(key) ? { neverNull: true as const } : {}) };
  const compare = compareColumnOf(schema, field);
  return {
    kind: 'Column',
    column,
    sqlType: view.columns.get(column) ?? 'text',
    ...(view.nonNullColumns.has(column) ? { neverNull: true as const } : {}),
    ...(compare === undefined ? {} : { compare: { column: compare, sqlType: view.columns.get(compare) ?? 'text' } }),
  };
}

/**
 * A field of a view row that makes PostgreSQL build the row's whole `data`: it reads a key that the
 * view's columns cannot compute (viewDerived.ts; only scalars are computed). The SQL computes the
 * keys of a row from its columns only when none of its fields does (emitSql.ts emitRowObject), and
 * `fraise-compile --advise` names the ones that do (risks/dataBuilt.ts).
 */
export function forcesData(view: BoundView, source: FieldSource, leaf: boolean): boolean {
  return view.isView && source.kind === 'Key' && !(leaf && view.derivedKeys.has(source.key));
}

/** How a column becomes a JSON value to walk: jsonb as it is, json cast, arrays through to_jsonb. */
export function jsonRootOfColumn(column: string, sqlType: string): JsonRoot {
  if (sqlType === 'json') return { column, as: 'json' };
  if (sqlType.endsWith('[]')) return { column, as: 'array' };
  return { column, as: 'jsonb' };
}

/** Where an object or list a field holds is read: a JSON root and the path inside it. */
export function jsonLocation(source: FieldSource, root: JsonRoot, path: readonly string[]): { root: JsonRoot; path: readonly string[] } {
  return source.kind === 'Column' ? { root: jsonRootOfColumn(source.column, source.sqlType), path: [] } : { root, path: [...path, source.key] };
}

/**
 * The value a filter or an ordering on a scalar field compares: its column, or (a `data` key) the
 * plain column of the same name when the view has one (FraiseQL's rule: an index on it can serve),
 * else the JSON path cast to the field's type.
 */
export function filterTarget(
  source: FieldSource,
  view: BoundView | null,
  root: JsonRoot,
  path: readonly string[],
  sqlType: string,
): ScalarTarget {
  if (source.kind === 'Column') return { kind: 'Column', ...(source.compare ?? { column: source.column, sqlType: source.sqlType }) };
  const columnType = path.length === 0 && root.column === 'data' ? view?.columns.get(source.key) : undefined;
  if (columnType !== undefined && source.key !== 'data') return { kind: 'Column', column: source.key, sqlType: columnType };
  return { kind: 'JsonPath', root, path: [...path, source.key], sqlType };
}
