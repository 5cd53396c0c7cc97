// Plans one variant of an operation: which rows, which keys of `data`, which relations, in the
// order of the response. The result is the typed IR that the SQL emitter walks.
import {
  Kind,
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLInputType,
  type ValueNode,
  valueFromAST,
} from 'graphql';
import { diagnostic } from '../diagnostics.js';
import { viewOfRootField, type BoundView } from '../metadata/checkSchema.js';
import { connectionNodeOf, dataKeyOf, isListOutput, relationOf } from '../schema/model.js';
import { fieldSource } from './fieldSource.js';
import { planConnectionQuery, planConnectionSelection } from './planConnection.js';
import { collectFields } from './collectFields.js';
import type { PlanContext } from './context.js';
import { joinOf } from './join.js';
import type { FieldPlan, Join, ObjectSelection, OperationPlan, Param, RootField } from './ir.js';
import { planListQuery } from './planArguments.js';
import { wrappersOf } from './nullShape.js';
import { INTROSPECTION_FIELDS, planIntrospection } from './introspection.js';

export function planOperation(ctx: PlanContext, operation: OperationDefinitionNode): OperationPlan {
  const queryType = ctx.schema.getQueryType()!;
  const fields: RootField[] = [];
  const guards = new Map<string, number>();
  for (const [key, nodes] of collectFields(ctx, queryType, [operation.selectionSet])) {
    const node = nodes[0]!;
    const name = node.name.value;
    if (name === '__typename') {
      fields.push({ kind: 'RootTypename', key });
      continue;
    }
    if (INTROSPECTION_FIELDS.has(name)) {
      const planned = planIntrospection(ctx, key, nodes);
      if (planned) fields.push(planned);
      continue;
    }
    const def = queryType.getFields()[name];
    if (!def) continue;
    const guard = ctx.guardOf?.(def);
    if (guard !== undefined) guards.set(key, guard);
    const connectionNode = connectionNodeOf(ctx.schema, def.type);
    if (connectionNode) {
      const view = viewOfRootField(ctx.catalog, name, connectionNode.name)!;
      const query = planConnectionQuery(ctx, connectionNode, view, node, def.args);
      const selection = planConnectionSelection(ctx, getNamedType(def.type) as GraphQLObjectType, connectionNode, view, mergedSets(nodes),
        (t, v, sets) => planSelection(ctx, t, v, sets));
      fields.push({ kind: 'RootConnection', key, view, query, selection });
      continue;
    }
    const named = getNamedType(def.type);
    const view = viewOfRootField(ctx.catalog, name, named.name);
    if (!view || !isObjectType(named)) {
      ctx.diagnostics.push(diagnostic('FRAISE_UNSUPPORTED', `Root field "${name}" is not backed by a view.`, node));
      continue;
    }
    const selection = planSelection(ctx, named, view, mergedSets(nodes));
    if (isListOutput(def.type)) {
      fields.push({ kind: 'RootList', key, view, query: planListQuery(ctx, named, view, node.arguments ?? [], def.args), selection });
    } else {
      const keys = (node.arguments ?? []).map((arg) => {
        const column = dataKeyOf(ctx.schema, arg.name.value);
        const argType = def.args.find((a) => a.name === arg.name.value)?.type;
        return { column, param: lookupParam(arg.value, argType, view.columns.get(column) ?? "text") };
      });
      fields.push({ kind: 'RootLookup', key, view, keys, selection, wrappers: wrappersOf(def.type) });
    }
  }
  return { name: operation.name?.value ?? '', fields, ...(guards.size > 0 ? { guards } : {}) };
}

function lookupParam(value: ValueNode, type: GraphQLInputType | undefined, sqlType: string): Param {
  if (value.kind === Kind.VARIABLE) return { source: { kind: 'Variable', name: value.name.value }, sqlType, encoding: 'plain' };
  const literal = type ? valueFromAST(value, type) : undefined;
  return { source: { kind: 'Const', value: literal ?? null }, sqlType, encoding: 'plain' };
}

function mergedSets(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

/**
 * Plans the selection on an object. `view` is set when the object is a row of that view (so
 * relations can join on its columns) and null for an object embedded in `data`.
 */
export function planSelection(
  ctx: PlanContext,
  type: GraphQLObjectType,
  view: BoundView | null,
  sets: readonly SelectionSetNode[],
): ObjectSelection {
  const fields: FieldPlan[] = [];
  const guards = new Map<string, number>();
  for (const [key, nodes] of collectFields(ctx, type, sets)) {
    const node = nodes[0]!;
    const name = node.name.value;
    if (name === '__typename') {
      fields.push({ kind: 'Typename', key, typeName: type.name });
      continue;
    }
    const def = type.getFields()[name];
    if (!def) continue;
    const guard = ctx.guardOf?.(def);
    if (guard !== undefined) guards.set(key, guard);
    const relation = relationOf(ctx.schema, def);
    const connectionNode = connectionNodeOf(ctx.schema, def.type);
    if (connectionNode && relation) {
      const target = ctx.catalog.get(connectionNode.name);
      if (!view || !target) continue;
      const join: Join = { innerColumn: relation.foreignKey!, outerColumn: relation.references };
      const query = planConnectionQuery(ctx, connectionNode, target, node, def.args);
      const selection = planConnectionSelection(ctx, getNamedType(def.type) as GraphQLObjectType, connectionNode, target, mergedSets(nodes),
        (t, v, sets) => planSelection(ctx, t, v, sets));
      fields.push({ kind: 'RelationConnection', key, view: target, join, query, selection });
      continue;
    }
    const named = getNamedType(def.type);
    const source = fieldSource(ctx.schema, view, def);
    if (!isObjectType(named)) {
      fields.push({ kind: 'Value', key, source, wrappers: wrappersOf(def.type) });
      continue;
    }
    if (!relation) {
      const selection = planSelection(ctx, named, null, mergedSets(nodes));
      fields.push({ kind: isListOutput(def.type) ? 'EmbeddedList' : 'EmbeddedObject', key, source, selection, wrappers: wrappersOf(def.type) });
      continue;
    }
    const target = ctx.catalog.get(named.name);
    if (!view || !target) {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', `Relation "${type.name}.${name}" cannot be selected inside an embedded object.`, node,
          'Select it from a root field whose type is backed by the view, or embed the related data in data.'),
      );
      continue;
    }
    const join: Join = joinOf(relation);
    const selection = planSelection(ctx, named, target, mergedSets(nodes));
    if (isListOutput(def.type)) {
      const query = planListQuery(ctx, named, target, node.arguments ?? [], def.args);
      fields.push({ kind: 'RelationList', key, view: target, join, query, selection });
    } else {
      fields.push({ kind: 'RelationObject', key, view: target, join, selection, wrappers: wrappersOf(def.type) });
    }
  }
  return { fields, ...(guards.size > 0 ? { guards } : {}) };
}
