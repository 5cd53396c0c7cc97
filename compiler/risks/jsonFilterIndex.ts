// FRAISE_UNINDEXED_JSON_FILTER (warning): a `where` on a field that is not a plain column of the
// view reads a JSON path of `data`; unless an index on exactly that expression exists (only
// possible on a table or materialized view), every row is read and its JSON taken apart.
import {
  Kind,
  getNamedType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type ObjectFieldNode,
  type ValueNode,
} from 'graphql';
import { type Diagnostic, warning } from '../diagnostics.js';
import type { MetadataIndex } from '../metadata/resolve.js';
import type { RelationInfo } from '../metadata/types.js';
import { sqlTypeOfScalar } from '../plan/sqlTypes.js';
import { jsonKeyOf, relationOf, viewNameOf } from '../schema/model.js';
import type { ListField } from './listFields.js';

/** How PostgreSQL prints the types our casts name. */
const PRINTED_TYPES: Readonly<Record<string, string>> = { timestamptz: 'timestamp with time zone' };

interface Scope {
  readonly type: GraphQLObjectType;
  readonly relation: RelationInfo;
  /** Path inside data (empty: the row itself, whose plain columns filters prefer). */
  readonly path: readonly string[];
}

export function unindexedJsonFilters(schema: GraphQLSchema, metadata: MetadataIndex, lists: readonly ListField[]): Diagnostic[] {
  const found = new Map<string, Diagnostic>();
  const visitObject = (scope: Scope, value: ValueNode): void => {
    if (value.kind === Kind.LIST) for (const item of value.values) visitObject(scope, item);
    if (value.kind !== Kind.OBJECT) return;
    for (const field of value.fields) visitField(scope, field);
  };
  const visitField = (scope: Scope, node: ObjectFieldNode): void => {
    const name = node.name.value;
    if (name === 'AND' || name === 'OR' || name === 'NOT') return visitObject(scope, node.value);
    const def = scope.type.getFields()[name];
    if (!def) return;
    const named = getNamedType(def.type);
    const key = jsonKeyOf(schema, def);
    if (isObjectType(named)) {
      if (!relationOf(schema, def)) return visitObject({ ...scope, type: named, path: [...scope.path, key] }, node.value);
      const viewName = viewNameOf(schema, named);
      const target = viewName === undefined ? undefined : metadata.relation(viewName);
      if (target) visitObject({ type: named, relation: target, path: [] }, node.value);
      return;
    }
    if (scope.path.length === 0 && key !== 'data' && scope.relation.columns.some((c) => c.name === key)) return;
    const expression = jsonExpression([...scope.path, key], sqlTypeOfScalar(named));
    if (metadata.indexesOn(scope.relation).some((index) => index.keys.some((k) => normalize(k) === normalize(expression)))) return;
    const where = `${scope.relation.kind} "${scope.relation.name}"`;
    const problem = scope.relation.kind === 'view' ? 'which no index can serve' : 'which has no index on that expression';
    const hint =
      scope.relation.kind === 'view'
        ? `Add "${key}" as a column of the view (filters then use the column), or read from a table with an index on ${expression}.`
        : `CREATE INDEX ON ${scope.relation.schema}.${scope.relation.name} ((${expression}));`;
    const diagnostic = warning('FRAISE_UNINDEXED_JSON_FILTER', `Filter on "${name}" reads ${expression} of ${where}, ${problem}.`, node.name, hint);
    const at = `${diagnostic.location?.file}:${diagnostic.location?.line}:${diagnostic.location?.column}`;
    if (!found.has(at)) found.set(at, diagnostic);
  };
  for (const list of lists) {
    const where = (list.node.arguments ?? []).find((a) => a.name.value === 'where');
    if (where) visitObject({ type: list.type, relation: list.relation, path: [] }, where.value);
  }
  return [...found.values()];
}

/** The expression the SQL emitter writes for a JSON path filter (docs/schema.md, Filters). */
function jsonExpression(path: readonly string[], sqlType: string): string {
  const quote = (k: string): string => `'${k.replace(/'/g, "''")}'`;
  const parents = path.slice(0, -1).map((k) => `->${quote(k)}`).join('');
  const last = quote(path[path.length - 1]!);
  if (sqlType === 'jsonb') return `data${parents}->${last}`;
  const text = `(data${parents}->>${last})`;
  return sqlType === 'text' ? text : `${text}::${PRINTED_TYPES[sqlType] ?? sqlType}`;
}

/** Compares expressions as PostgreSQL prints them and as we write them: no spaces, parentheses or ::text on literals. */
function normalize(expression: string): string {
  return expression
    .replace(/\s+/g, '')
    .replace(/('(?:[^']|'')*')::text/g, '$1')
    .replace(/[()]/g, '')
    .replace(/::timestampwithtimezone/g, '::timestamptz')
    .replace(/::doubleprecision/g, '::float8');
}
