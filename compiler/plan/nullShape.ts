// The non-null rules of an operation's response (runtime/types.ts NullShape), read from the schema
// and the document clients send (`body`), so that error locations are those graphql-js reports for
// that text. Every field @include/@skip may select is in it: variants share one shape.
import {
  Kind,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  getNamedType,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { NullShape } from '../../runtime/types.js';
import { collectFields } from './collectFields.js';

/** A type's wrappers outermost first: `!` non-null, `L` list (`[Post!]!` -> "!L!"). */
export function wrappersOf(type: GraphQLOutputType): string {
  if (isNonNullType(type)) return `!${wrappersOf(type.ofType)}`;
  if (isListType(type)) return `L${wrappersOf(type.ofType)}`;
  return '';
}

/** The shape of the operation `name` in `body` (the printed operation and its fragments). */
export function nullShapeOf(schema: GraphQLSchema, body: string, kind: 'query' | 'mutation'): NullShape {
  const document = parse(body, { noLocation: false });
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION) operation = def;
  }
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  if (!operation || !root) return {};
  return shapeOf(schema, fragments, root, [operation.selectionSet]);
}

function shapeOf(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
): NullShape {
  const shape: Record<string, NullShape[string]> = {};
  // No assignment: fields under @include/@skip on a variable are all collected.
  for (const [key, nodes] of collectFields({ fragments, assignment: new Map() }, type, sets)) {
    const name = nodes[0]!.name.value;
    if (name.startsWith('__')) continue; // __typename is never null; introspection is built by graphql-js
    const def = type.getFields()[name];
    if (!def) continue;
    const named = getNamedType(def.type);
    const childSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    const fields = isObjectType(named) ? shapeOf(schema, fragments, named, childSets) : undefined;
    const wrappers = wrappersOf(def.type);
    const hasFields = fields !== undefined && Object.keys(fields).length > 0;
    if (!wrappers.includes('!') && !hasFields) continue; // a nullable leaf never breaks a rule
    shape[key] = {
      type: wrappers,
      field: `${type.name}.${name}`,
      locations: nodes.flatMap((n) => (n.loc ? [{ line: n.loc.startToken.line, column: n.loc.startToken.column }] : [])),
      ...(hasFields ? { fields } : {}),
    };
  }
  return shape;
}
