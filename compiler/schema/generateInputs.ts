// Generates the `<Type>Where`, `<Type>OrderBy` and `<Scalar>Filter` inputs from the user's SDL, so
// that the schema may reference them without defining them.
import {
  Kind,
  type DefinitionNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';
import { EXTRA_SCALARS, ORDER_DIRECTIONS, TSVECTOR_SCALAR, filterInputName } from './prelude.js';
import { FILTER_SCALARS, filterOperators, operandTypeName, type FilterFieldType } from '@fraise/runtime';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const BUILT_IN_SCALARS = ['String', 'ID', 'Int', 'Float', 'Boolean'];

/** The SDL of every input and scalar the compiler provides that the user has not defined. */
export function generateInputsSdl(definitions: readonly DefinitionNode[]): string {
  const defined = new Set<string>();
  const objects: ObjectTypeDefinitionNode[] = [];
  const enums: string[] = [];
  for (const def of definitions) {
    if ('name' in def && def.name && def.kind !== Kind.DIRECTIVE_DEFINITION) defined.add(def.name.value);
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION && !ROOT_TYPES.has(def.name.value)) objects.push(def);
    if (def.kind === Kind.ENUM_TYPE_DEFINITION) enums.push(def.name.value);
  }
  const scalarKinds = new Set([...BUILT_IN_SCALARS, ...EXTRA_SCALARS]);
  const enumKinds = new Set(enums);
  const objectNames = new Set(objects.map((o) => o.name.value));
  const parts: string[] = [];
  const add = (name: string, sdl: string): void => {
    if (!defined.has(name)) parts.push(sdl);
  };

  for (const scalar of EXTRA_SCALARS) add(scalar, `scalar ${scalar}`);
  add('OrderDirection', `enum OrderDirection { ${ORDER_DIRECTIONS.join(' ')} }`);
  // The operator table (runtime/filters/operators.ts) gives each filter input its fields.
  for (const scalar of FILTER_SCALARS) add(filterInputName(scalar), filterInput(scalar, scalar));
  for (const enumName of enums) add(filterInputName(enumName), filterInput(enumName, 'enum'));
  // TSVector only when the schema uses it, so other schemas print as before.
  const usesTsvector = objects.some((o) => (o.fields ?? []).some((f) => unwrap(f.type).named === TSVECTOR_SCALAR));
  if (usesTsvector) {
    scalarKinds.add(TSVECTOR_SCALAR);
    add(TSVECTOR_SCALAR, `"A PostgreSQL tsvector: filtered with full-text operators (matches, plain_query, phrase_query, websearch_query)." scalar ${TSVECTOR_SCALAR}`);
    add(filterInputName(TSVECTOR_SCALAR), filterInput(TSVECTOR_SCALAR, 'TSVector'));
  }

  const listFilters = new Map<string, string>();
  const orderInputs = new Map<string, string[]>();
  const orderable = new Set<string>();
  for (const object of objects) {
    const name = object.name.value;
    const whereFields: string[] = [];
    const orderFields: string[] = [];
    for (const field of object.fields ?? []) {
      const { named, list } = unwrap(field.type);
      const fieldName = field.name.value;
      const isRelation = hasDirective(field, 'relation');
      if (!list && (scalarKinds.has(named) || enumKinds.has(named))) {
        whereFields.push(`${fieldName}: ${filterInputName(named)}`);
        if (named !== 'JSON' && named !== TSVECTOR_SCALAR) orderFields.push(`${fieldName}: OrderDirection`);
      } else if (list && !isRelation && (scalarKinds.has(named) || enumKinds.has(named))) {
        // An array of scalars inside data: FraiseQL's array operators.
        const listFilter = filterInputName(named, true);
        if (!listFilters.has(listFilter)) listFilters.set(listFilter, filterInput(named, enumKinds.has(named) ? 'enum' : (named as FilterFieldType), true));
        whereFields.push(`${fieldName}: ${listFilter}`);
      } else if (objectNames.has(named) && (isRelation || !list)) {
        whereFields.push(`${fieldName}: ${named}Where`);
        // Embedded objects and single related rows can be ordered by their fields.
        if (!list) orderFields.push(`${fieldName}: ${named}OrderBy`);
      }
    }
    whereFields.push(`AND: [${name}Where!]`, `OR: [${name}Where!]`, `NOT: ${name}Where`);
    add(`${name}Where`, `input ${name}Where { ${whereFields.join(' ')} }`);
    // An input type must have at least one field; a type with nothing orderable gets none.
    if (orderFields.length > 0) orderable.add(name);
    orderInputs.set(name, orderFields);
  }
  for (const [name, fields] of orderInputs) {
    // References to types that have nothing orderable are dropped (an input needs a field).
    const kept = fields.filter((f) => !f.endsWith('OrderBy') || orderable.has(f.slice(f.indexOf(': ') + 2, -'OrderBy'.length)));
    if (kept.length > 0) add(`${name}OrderBy`, `input ${name}OrderBy { ${kept.join(' ')} }`);
  }
  for (const [listFilter, sdl] of listFilters) add(listFilter, sdl);
  // Relay connections over every @view type (docs/filters.md): <Type>Connection, <Type>Edge, PageInfo.
  const viewTypes = objects.filter((o) => (o.directives ?? []).some((d) => d.name.value === 'view')).map((o) => o.name.value);
  if (viewTypes.length > 0) {
    add('PageInfo', 'type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }');
  }
  for (const name of viewTypes) {
    add(`${name}Edge`, `type ${name}Edge { cursor: String! node: ${name}! }`);
    add(`${name}Connection`, `type ${name}Connection { edges: [${name}Edge!]! pageInfo: PageInfo! totalCount: Int! }`);
  }
  return parts.join('\n');
}

function filterInput(typeName: string, type: FilterFieldType, list = false): string {
  const fields = filterOperators(type, list).map((op) => `${op.name}: ${operandTypeName(op, typeName)}`);
  return `input ${filterInputName(typeName, list)} { ${fields.join(' ')} }`;
}

export function unwrap(type: TypeNode): { named: string; list: boolean } {
  let list = false;
  let t = type;
  while (t.kind !== Kind.NAMED_TYPE) {
    if (t.kind === Kind.LIST_TYPE) list = true;
    t = t.type;
  }
  return { named: t.name.value, list };
}

function hasDirective(field: FieldDefinitionNode, name: string): boolean {
  return (field.directives ?? []).some((d) => d.name.value === name);
}
