// FRAISE_DATA_BUILT (advice, fraise-compile --advise): a list whose objects read a `data` key that
// the view's columns cannot compute makes PostgreSQL build each row's whole `data` (every key,
// its sub-selects and joins) to take a few keys out of it. Exposing those keys as plain columns
// of the view, selected as the same expressions `data` holds, lets the SQL read the columns and
// skip `data` (viewColumns.ts, viewDerived.ts). Advice, not a warning: the build is correct and
// often fine as it is, so it is reported only when asked for.
import {
  Kind,
  getNamedType,
  isLeafType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { type Diagnostic, warning } from '../diagnostics.js';
import { rootViewKey, type ViewCatalog } from '../metadata/checkSchema.js';
import { fieldSource, forcesData } from '../plan/fieldSource.js';
import { fieldViewOf, jsonKeyOf, relationOf } from '../schema/model.js';
import type { ListField } from './listFields.js';

export function dataBuiltLists(
  schema: GraphQLSchema,
  catalog: ViewCatalog,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  lists: readonly ListField[],
): Diagnostic[] {
  const found = new Map<string, Diagnostic>();
  for (const list of lists) {
    const view = (list.root && fieldViewOf(schema, list.field) !== undefined ? catalog.get(rootViewKey(list.field.name)) : undefined) ?? catalog.get(list.type.name);
    if (!view?.isView || !list.node.selectionSet) continue;
    const forcing = new Map<string, string>(); // field name -> data key
    for (const node of rowFields(list.type, list.node.selectionSet, fragments)) {
      const field = list.type.getFields()[node.name.value];
      if (!field || relationOf(schema, field)) continue;
      if (forcesData(view, fieldSource(schema, view, field), isLeafType(getNamedType(field.type)))) forcing.set(field.name, jsonKeyOf(schema, field));
    }
    if (forcing.size === 0) continue;
    const relation = list.relation.name;
    const fields = [...forcing.keys()].map((f) => `"${f}"`).join(', ');
    const keys = [...new Set(forcing.values())].map((k) => `\`${k}\``);
    const keyText = keys.length === 1 ? keys[0]! : `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`;
    const diagnostic = warning(
      'FRAISE_DATA_BUILT',
      `Each object of list "${list.node.alias?.value ?? list.node.name.value}" makes PostgreSQL build the whole \`data\` of its ${relation} row, for ${fields}.`,
      list.node,
      `Expose ${keyText} as ${keys.length === 1 ? 'a column' : 'columns'} of ${relation} (selected as the same expression${keys.length === 1 ? '' : 's'} as in data) so PostgreSQL can skip building data.`,
    );
    const at = `${diagnostic.location?.file}:${diagnostic.location?.line}:${diagnostic.location?.column}`;
    if (!found.has(at)) found.set(at, diagnostic);
  }
  return [...found.values()];
}

/** The fields selected on the list's objects themselves, through fragments (not inside sub-objects). */
function rowFields(type: GraphQLObjectType, set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value.startsWith('__') ? [] : [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rowFields(type, selection.selectionSet, fragments, seen);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return [];
    return rowFields(type, fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]));
  });
}
