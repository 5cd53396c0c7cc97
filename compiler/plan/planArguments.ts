// Plans the arguments of list fields: `where` into a Filter tree, `orderBy` into order terms,
// `limit`/`offset` into parameters. Values become parameters, never SQL text.
import {
  Kind,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  valueFromAST,
  type ArgumentNode,
  type GraphQLInputType,
  type GraphQLObjectType,
  type ObjectValueNode,
  type ValueNode,
} from 'graphql';
import { diagnostic } from '../diagnostics.js';
import type { BoundView } from '../metadata/checkSchema.js';
import { jsonKeyOf, relationOf } from '../schema/model.js';
import { ORDER_DIRECTIONS, type OrderDirection } from '../schema/prelude.js';
import type { PlanContext } from './context.js';
import type { CompareOp, Filter, Join, ListQuery, OrderTerm, Param, ScalarTarget } from './ir.js';
import { sqlTypeOfScalar } from './sqlTypes.js';

/** Where a filter or order term reads from: a view row, or an object embedded in its data. */
interface Scope {
  readonly type: GraphQLObjectType;
  /** The view of the row, when the scope is the row itself (not an embedded object). */
  readonly view: BoundView | null;
  readonly path: readonly string[];
}

const COMPARE_OPS = new Set<string>(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike']);

export function planListQuery(
  ctx: PlanContext,
  type: GraphQLObjectType,
  view: BoundView,
  args: readonly ArgumentNode[],
): ListQuery {
  const scope: Scope = { type, view, path: [] };
  const arg = (name: string): ValueNode | undefined => args.find((a) => a.name.value === name)?.value;
  const whereNode = arg('where');
  const orderNode = arg('orderBy');
  const orderBy = orderNode ? planOrderBy(ctx, scope, orderNode) : [];
  if (view.columns.has('id') && !orderBy.some((t) => t.target.kind === 'Column' && t.target.column === 'id')) {
    // A final key makes every ordering total, so pages are stable across requests.
    orderBy.push({ target: { kind: 'Column', column: 'id', sqlType: view.columns.get('id')! }, direction: 'ASC' });
  }
  return {
    filter: whereNode ? planWhereValue(ctx, scope, whereNode) : null,
    orderBy,
    limit: planPageParam(ctx, arg('limit')),
    offset: planPageParam(ctx, arg('offset')),
  };
}

function planPageParam(ctx: PlanContext, node: ValueNode | undefined): Param | null {
  if (!node || node.kind === Kind.NULL) return null;
  if (node.kind === Kind.VARIABLE) {
    return { source: { kind: 'Variable', name: node.name.value }, sqlType: 'integer', encoding: 'nonNegativeInt' };
  }
  if (node.kind === Kind.INT && Number(node.value) >= 0) {
    return { source: { kind: 'Const', value: Number(node.value) }, sqlType: 'integer', encoding: 'plain' };
  }
  ctx.diagnostics.push(diagnostic('FRAISE_BAD_PAGE_ARGUMENT', 'limit and offset must be non-negative integers.', node));
  return null;
}

function planWhereValue(ctx: PlanContext, scope: Scope, node: ValueNode): Filter | null {
  if (node.kind === Kind.VARIABLE) {
    ctx.diagnostics.push(
      diagnostic('FRAISE_UNSUPPORTED', `A whole-object variable for "where" ($${node.name.value}) is not supported yet.`, node,
        'Write the filter in the operation and pass leaf values as variables: where: { title: { eq: $title } }.'),
    );
    return null;
  }
  if (node.kind !== Kind.OBJECT) return null;
  return planWhereObject(ctx, scope, node);
}

function planWhereObject(ctx: PlanContext, scope: Scope, node: ObjectValueNode): Filter | null {
  const items: Filter[] = [];
  for (const field of node.fields) {
    const name = field.name.value;
    const value = field.value;
    if (name === 'AND' || name === 'OR') {
      const parts = (value.kind === Kind.LIST ? value.values : [value])
        .map((v) => planWhereValue(ctx, scope, v))
        .filter((f): f is Filter => f !== null);
      if (parts.length > 0) items.push({ kind: name === 'AND' ? 'And' : 'Or', items: parts });
      continue;
    }
    if (name === 'NOT') {
      const inner = planWhereValue(ctx, scope, value);
      if (inner) items.push({ kind: 'Not', item: inner });
      continue;
    }
    const filter = planFieldFilter(ctx, scope, name, value);
    if (filter) items.push(filter);
  }
  // An empty filter object matches every row (an And of nothing is TRUE).
  return items.length === 1 ? items[0]! : { kind: 'And', items };
}

function planFieldFilter(ctx: PlanContext, scope: Scope, fieldName: string, value: ValueNode): Filter | null {
  const field = scope.type.getFields()[fieldName];
  if (!field || value.kind === Kind.NULL) return null;
  if (value.kind !== Kind.OBJECT) {
    ctx.diagnostics.push(
      diagnostic('FRAISE_UNSUPPORTED', `A variable for the whole filter of "${fieldName}" is not supported yet.`, value,
        `Write the operators in the operation: ${fieldName}: { eq: $value }.`),
    );
    return null;
  }
  const named = getNamedType(field.type);
  const key = jsonKeyOf(ctx.schema, field);
  if (isObjectType(named)) {
    const relation = relationOf(ctx.schema, field);
    if (!relation) return planWhereObject(ctx, { type: named, view: null, path: [...scope.path, key] }, value);
    const target = ctx.catalog.get(named.name);
    if (!target || !scope.view) {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', `Filtering through relation "${fieldName}" inside an embedded object is not supported.`, value),
      );
      return null;
    }
    const inner = planWhereObject(ctx, { type: named, view: target, path: [] }, value);
    const join: Join = relation.localKey
      ? { innerColumn: relation.references, outerColumn: relation.localKey }
      : { innerColumn: relation.foreignKey!, outerColumn: relation.references };
    return { kind: 'Exists', view: target, join, filter: inner ?? { kind: 'And', items: [] } };
  }
  const target = scalarTarget(scope, key, sqlTypeOfScalar(named));
  const items: Filter[] = [];
  for (const opField of value.fields) {
    const op = opField.name.value;
    const opType = filterOperandType(ctx, named.name, op);
    const param = planOperand(ctx, opField.value, op, target.sqlType, opType);
    if (!param) continue;
    let leaf: Filter;
    if (op === 'isnull') leaf = { kind: 'IsNull', target, param };
    else if (op === 'in' || op === 'nin') {
      leaf = { kind: 'InList', target, negated: op === 'nin', param: { ...param, sqlType: `${target.sqlType}[]` } };
    } else if (COMPARE_OPS.has(op)) leaf = { kind: 'Compare', target, op: op as CompareOp, param };
    else continue;
    const optional = param.source.kind === 'Variable' && isOptionalVariable(ctx, param.source.name);
    items.push(optional && param.source.kind === 'Variable' ? { kind: 'Optional', variable: param.source.name, filter: leaf } : leaf);
  }
  if (items.length === 0) return null;
  return items.length === 1 ? items[0]! : { kind: 'And', items };
}

function filterOperandType(ctx: PlanContext, typeName: string, op: string): GraphQLInputType | undefined {
  const filter = ctx.schema.getType(`${typeName}Filter`);
  if (!filter || !isInputObjectType(filter)) return undefined;
  return filter.getFields()[op]?.type;
}

/** A plain column of the view when it has one named like the data key, else the JSON path. */
function scalarTarget(scope: Scope, key: string, sqlType: string): ScalarTarget {
  const columnType = scope.view?.columns.get(key);
  if (columnType !== undefined && key !== 'data') return { kind: 'Column', column: key, sqlType: columnType };
  return { kind: 'JsonPath', path: [...scope.path, key], sqlType };
}

function planOperand(
  ctx: PlanContext,
  node: ValueNode,
  op: string,
  sqlType: string,
  type: GraphQLInputType | undefined,
): Param | null {
  const paramType = op === 'isnull' ? 'boolean' : op === 'like' || op === 'ilike' ? 'text' : sqlType;
  const encoding = sqlType === 'jsonb' && op !== 'isnull' ? 'json' : 'plain';
  if (node.kind === Kind.VARIABLE) {
    return { source: { kind: 'Variable', name: node.name.value }, sqlType: paramType, encoding };
  }
  if (node.kind === Kind.NULL) {
    if (op !== 'isnull') {
      ctx.diagnostics.push(
        diagnostic('FRAISE_NULL_OPERAND', `Operator "${op}" cannot compare with null.`, node,
          'Use { isnull: true } to match missing values.'),
      );
    }
    return null;
  }
  if (node.kind === Kind.LIST && node.values.some((v) => v.kind === Kind.VARIABLE)) {
    ctx.diagnostics.push(
      diagnostic('FRAISE_UNSUPPORTED', 'A list literal that contains variables is not supported.', node,
        'Pass the whole list as one variable: in: $ids.'),
    );
    return null;
  }
  const value = type ? valueFromAST(node, type) : undefined;
  return { source: { kind: 'Const', value }, sqlType: paramType, encoding };
}

/** A nullable variable without a default may be omitted; its operator is then left out. */
function isOptionalVariable(ctx: PlanContext, name: string): boolean {
  const definition = ctx.variables.get(name);
  return definition !== undefined && definition.type.kind !== Kind.NON_NULL_TYPE && !definition.defaultValue;
}

function planOrderBy(ctx: PlanContext, scope: Scope, node: ValueNode): OrderTerm[] {
  const terms: OrderTerm[] = [];
  const entries = node.kind === Kind.LIST ? node.values : [node];
  for (const entry of entries) {
    if (entry.kind !== Kind.OBJECT) {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', 'orderBy must be written as literals in the operation.', entry,
          'Write orderBy: [{ createdAt: DESC }]; variables for orderBy are not supported yet.'),
      );
      continue;
    }
    terms.push(...planOrderObject(ctx, scope, entry));
  }
  return terms;
}

function planOrderObject(ctx: PlanContext, scope: Scope, node: ObjectValueNode): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const field of node.fields) {
    const def = scope.type.getFields()[field.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    const key = jsonKeyOf(ctx.schema, def);
    if (field.value.kind === Kind.OBJECT && isObjectType(named)) {
      terms.push(...planOrderObject(ctx, { type: named, view: null, path: [...scope.path, key] }, field.value));
    } else if (field.value.kind === Kind.ENUM && (isScalarType(named) || isEnumType(named))) {
      const direction = field.value.value as OrderDirection;
      if (ORDER_DIRECTIONS.includes(direction)) {
        terms.push({ target: scalarTarget(scope, key, sqlTypeOfScalar(named)), direction });
      }
    } else if (field.value.kind !== Kind.NULL) {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', 'orderBy directions must be literals (ASC, DESC, ...).', field.value,
          'Variables for orderBy are not supported yet.'),
      );
    }
  }
  return terms;
}
