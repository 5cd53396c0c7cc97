// Plans a Relay connection field (`postsConnection(first: 10, after: $cursor, where: ...)`): its
// filter, its order (literal terms, ending with the view's id), its paging arguments and the
// selection of edges, nodes, pageInfo and totalCount.
import { Kind, type GraphQLArgument, type ArgumentNode, type FieldNode, type GraphQLObjectType, type SelectionSetNode, type ValueNode } from 'graphql';
import { diagnostic } from '../diagnostics.js';
import type { BoundView } from '../metadata/checkSchema.js';
import { collectFields } from './collectFields.js';
import type { PlanContext } from './context.js';
import type { ConnectionArgs, ConnectionEntry, ConnectionQuery, ConnectionSelection, EdgeEntry, Filter, KeyTerm, ObjectSelection, ValueSource } from './ir.js';
import { argumentValue, planListQuery } from './planArguments.js';

export type SelectionPlanner = (type: GraphQLObjectType, view: BoundView, sets: readonly SelectionSetNode[]) => ObjectSelection;

export function planConnectionQuery(
  ctx: PlanContext,
  node: GraphQLObjectType,
  view: BoundView,
  field: FieldNode,
  /** The field's argument definitions (SDL defaults, filter arguments). */
  defs: readonly GraphQLArgument[] = [],
): ConnectionQuery {
  const args = field.arguments ?? [];
  const arg = (name: string): ValueNode | undefined => argumentValue(args, defs, name);
  const order = arg('orderBy');
  if (order?.kind === Kind.VARIABLE) {
    ctx.diagnostics.push(
      diagnostic('FRAISE_UNSUPPORTED', 'A connection orders by literals only (its cursors hold the order key).', order,
        'Write orderBy: [{ createdAt: DESC }] in the operation.'),
    );
  }
  // The list planner already does where and literal orderBy (with the id tie-break).
  const listArgs: ArgumentNode[] = args.filter((a) => a.name.value === 'where' || (a.name.value === 'orderBy' && a.value.kind !== Kind.VARIABLE));
  const list = planListQuery({ ...ctx, maxPageSize: undefined }, node, view, listArgs, defs.filter((d) => d.name !== 'orderBy' || order?.kind !== Kind.VARIABLE));
  const terms: KeyTerm[] = [];
  if (list.ordering.kind === 'Static') {
    for (const term of list.ordering.terms) {
      if (term.target.kind === 'Related') {
        ctx.diagnostics.push(diagnostic('FRAISE_UNSUPPORTED', 'A connection cannot order through a relation yet.', order));
        continue;
      }
      terms.push({ target: term.target, direction: term.direction });
    }
  }
  const index = ctx.connections.length;
  const connection: ConnectionArgs = {
    index,
    first: pagingSource(ctx, arg('first'), 'Int'),
    last: pagingSource(ctx, arg('last'), 'Int'),
    after: pagingSource(ctx, arg('after'), 'String'),
    before: pagingSource(ctx, arg('before'), 'String'),
    keyTypes: terms.map((t) => t.target.sqlType),
    maxPageSize: ctx.maxPageSize ?? null,
  };
  ctx.connections.push(connection);
  const keyset: Filter[] = [];
  for (const which of ['after', 'before'] as const) {
    const source = connection[which];
    if (!source) continue;
    const filter: Filter = { kind: 'Keyset', terms, index, which };
    keyset.push(source.kind === 'Variable' && isOptional(ctx, source.name) ? { kind: 'Optional', variable: source.name, filter } : filter);
  }
  return { filter: list.filter, terms, args: connection, keyset };
}

function pagingSource(ctx: PlanContext, node: ValueNode | undefined, type: 'Int' | 'String'): ValueSource | null {
  if (!node || node.kind === Kind.NULL) return null;
  if (node.kind === Kind.VARIABLE) return { kind: 'Variable', name: node.name.value };
  if (type === 'Int' && node.kind === Kind.INT) return { kind: 'Const', value: Number(node.value) };
  if (type === 'String' && node.kind === Kind.STRING) return { kind: 'Const', value: node.value };
  ctx.diagnostics.push(diagnostic('FRAISE_BAD_PAGE_ARGUMENT', `Expected ${type === 'Int' ? 'an integer' : 'a cursor string'}.`, node));
  return null;
}

function isOptional(ctx: PlanContext, name: string): boolean {
  const definition = ctx.variables.get(name);
  return definition !== undefined && definition.type.kind !== Kind.NON_NULL_TYPE && !definition.defaultValue;
}

/** The selection on `<Type>Connection`: edges (cursor, node), pageInfo, totalCount, __typename. */
export function planConnectionSelection(
  ctx: PlanContext,
  connectionType: GraphQLObjectType,
  node: GraphQLObjectType,
  view: BoundView,
  sets: readonly SelectionSetNode[],
  planNode: SelectionPlanner,
): ConnectionSelection {
  const entries: ConnectionEntry[] = [];
  const childSets = (nodes: readonly FieldNode[]): SelectionSetNode[] => nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const [key, nodes] of collectFields(ctx, connectionType, sets)) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') entries.push({ kind: 'Typename', key, typeName: connectionType.name });
    else if (name === 'totalCount') entries.push({ kind: 'TotalCount', key });
    else if (name === 'pageInfo') {
      const pageInfo = ctx.schema.getType('PageInfo') as GraphQLObjectType;
      const fields = [...collectFields(ctx, pageInfo, childSets(nodes))].map(([k, n]) => ({ key: k, field: n[0]!.name.value }));
      entries.push({ kind: 'PageInfo', key, fields });
    } else if (name === 'edges') {
      const edgeType = ctx.schema.getType(`${node.name}Edge`) as GraphQLObjectType;
      const fields: EdgeEntry[] = [];
      for (const [k, n] of collectFields(ctx, edgeType, childSets(nodes))) {
        const edgeField = n[0]!.name.value;
        if (edgeField === '__typename') fields.push({ kind: 'Typename', key: k, typeName: edgeType.name });
        else if (edgeField === 'cursor') fields.push({ kind: 'Cursor', key: k });
        else if (edgeField === 'node') fields.push({ kind: 'Node', key: k, selection: planNode(node, view, childSets(n)) });
      }
      entries.push({ kind: 'Edges', key, typeName: edgeType.name, fields });
    }
  }
  return { typeName: connectionType.name, entries };
}
