// Walks an operation's selections (through fragments) and yields every list field backed by a
// view: root lists and relation lists, with the field node and the relation it reads.
import {
  Kind,
  getNamedType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { MetadataIndex } from '../metadata/resolve.js';
import type { RelationInfo } from '../metadata/types.js';
import { fieldViewOf, isListOutput, relationOf, viewNameOf } from '../schema/model.js';

export interface ListField {
  readonly node: FieldNode;
  readonly field: GraphQLField<unknown, unknown>;
  /** The object type of the list's rows. */
  readonly type: GraphQLObjectType;
  readonly relation: RelationInfo;
  readonly root: boolean;
}

export function listFields(
  schema: GraphQLSchema,
  metadata: MetadataIndex,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
): ListField[] {
  const found: ListField[] = [];
  const seenFragments = new Set<string>();
  const walk = (type: GraphQLObjectType, set: SelectionSetNode, root: boolean): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(type, selection.selectionSet, root);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seenFragments.has(fragment.name.value)) {
          seenFragments.add(fragment.name.value);
          walk(type, fragment.selectionSet, root);
          seenFragments.delete(fragment.name.value);
        }
      } else {
        const field = type.getFields()[selection.name.value];
        const named = field ? getNamedType(field.type) : undefined;
        if (!field || !named || !isObjectType(named) || !selection.selectionSet) continue;
        const viewName = (root ? fieldViewOf(schema, field) : undefined) ?? viewNameOf(schema, named);
        const backed = viewName !== undefined && (root || relationOf(schema, field) !== undefined);
        const relation = backed ? metadata.relation(viewName) : undefined;
        if (relation && isListOutput(field.type)) found.push({ node: selection, field, type: named, relation, root });
        walk(named, selection.selectionSet, false);
      }
    }
  };
  const query = schema.getQueryType();
  if (query) walk(query, operation.selectionSet, true);
  return found;
}
