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
  astFromValue,
  type ArgumentNode,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLObjectType,
  type ObjectValueNode,
  type ValueNode,
} from 'graphql';
import { diagnostic } from '../diagnostics.js';
import type { BoundView } from '../metadata/checkSchema.js';
import { filterSpecOf, isListOutput, relationOf, textSearchConfigOf } from '../schema/model.js';
import { LIST_CONTROL_ARGUMENTS } from './argumentDefaults.js';
import { fieldSource, filterTarget, jsonLocation } from './fieldSource.js';
import { ORDER_DIRECTIONS, TSVECTOR_SCALAR, filterInputName, type OrderDirection } from '../schema/prelude.js';
import type { PlanContext } from './context.js';
import { DATA_ROOT, type JsonRoot } from './ir.js';
import type { DynamicSlot, Filter, Join, ListQuery, Ordering, OrderTerm, Param, ParamEncoding, ScalarTarget } from './ir.js';
import { joinOf } from './join.js';
import { MAX_REGEX_LENGTH, filterFieldType, filterOperator, operandEncoding, type FilterOperator } from '@fraise/runtime';
import { sqlTypeOfScalar } from './sqlTypes.js';

/** Where a filter or order term reads from: a view row, or an object embedded in a JSON value of it. */
export interface Scope {
  readonly type: GraphQLObjectType;
  /** The view of the row, when the scope is the row itself (not an embedded object). */
  readonly view: BoundView | null;
  /** The JSON value `path` starts from: the row's `data`, or a jsonb column holding the object. */
  readonly root: JsonRoot;
  readonly path: readonly string[];
}

export function planListQuery(
  ctx: PlanContext,
  type: GraphQLObjectType,
  view: BoundView,
  args: readonly ArgumentNode[],
  /** The field's argument definitions: their SDL defaults apply when the operation omits them. */
  defs: readonly GraphQLArgument[] = [],
): ListQuery {
  const scope: Scope = { type, view, root: DATA_ROOT, path: [] };
  const arg = (name: string): ValueNode | undefined => argumentValue(args, defs, name);
  const whereNode = arg('where');
  const orderNode = arg('orderBy');
  // A final key makes every ordering total, so pages are stable across requests.
  const tieBreak: OrderTerm | null = view.columns.has('id')
    ? { target: { kind: 'Column', column: 'id', sqlType: view.columns.get('id')! }, direction: 'ASC' }
    : null;
  let ordering: Ordering;
  if (orderNode?.kind === Kind.VARIABLE) {
    ordering = { kind: 'Dynamic', slot: dynamicSlot(ctx, 'orderBy', orderNode.name.value, scope), tieBreak };
  } else {
    const terms = orderNode ? planOrderBy(ctx, scope, orderNode) : [];
    // Not needed after a column proven unique and never NULL (a primary key, a unique index's column
    // through the view: metadata/viewFacts.ts): the order is total, and an index on that column
    // alone can serve it (an added `id` term turns an index-ordered scan into a sort).
    const total = terms.some((t) => t.target.kind === 'Column' && (t.target.column === 'id' || view.keyColumns.has(t.target.column)));
    if (tieBreak && !total) terms.push(tieBreak);
    ordering = { kind: 'Static', terms };
  }
  const filters = [
    ...(whereNode ? [planWhereValue(ctx, scope, whereNode)] : []),
    ...defs.filter((d) => !LIST_CONTROL_ARGUMENTS.has(d.name)).map((d) => planArgumentFilter(ctx, scope, d, arg(d.name))),
  ].filter((f): f is Filter => f !== null);
  return {
    filter: filters.length === 0 ? null : filters.length === 1 ? filters[0]! : { kind: 'And', items: filters },
    ordering,
    limit: planLimit(ctx, arg('limit')),
    offset: planPageParam(ctx, arg('offset')),
  };
}

/** An argument's value in the operation, or its SDL default (as a literal) when the operation omits it. */
export function argumentValue(args: readonly ArgumentNode[], defs: readonly GraphQLArgument[], name: string): ValueNode | undefined {
  const given = args.find((a) => a.name.value === name)?.value;
  if (given) return given;
  const def = defs.find((d) => d.name === name);
  if (!def || def.defaultValue === undefined) return undefined;
  return astFromValue(def.defaultValue, def.type) ?? undefined;
}

/**
 * A field argument that filters rows (FraiseQL's `def users(org_id: int)`): equality on the column
 * (or data key) named like it, or `@filter(column:, op:)`. Null or an omitted variable: no filter.
 */
function planArgumentFilter(ctx: PlanContext, scope: Scope, def: GraphQLArgument, node: ValueNode | undefined): Filter | null {
  if (!node || node.kind === Kind.NULL) return null;
  const spec = filterSpecOf(ctx.schema, def);
  const named = getNamedType(def.type);
  const view = scope.view!;
  const sqlType = sqlTypeOfScalar(named);
  const target = argumentTarget(view, spec.column, sqlType);
  const config = textSearchConfigOf(ctx.schema, def);
  // A full-text operator on a tsvector, or on a text the argument's @textSearch reads with to_tsvector.
  const textSearch = target.sqlType === 'tsvector' || config !== null ? filterOperator('TSVector', spec.op) : undefined;
  const operator = textSearch ?? filterOperator(filterFieldType(named.name, isEnumType(named)) ?? 'String', spec.op) ?? filterOperator('String', spec.op);
  const leaf = operator ? planOperator(ctx, target, operator, node, def.type, config) : null;
  if (!leaf) return null;
  if (node.kind === Kind.VARIABLE && ctx.variables.get(node.name.value)?.type.kind !== Kind.NON_NULL_TYPE) {
    return { kind: 'Optional', variable: node.name.value, filter: leaf };
  }
  return leaf;
}

/** The value a filter argument compares: the view's column of that name, else that key of data. */
export function argumentTarget(view: BoundView, column: string, sqlType: string): ScalarTarget {
  const columnType = view.columns.get(column);
  if (columnType !== undefined) return { kind: 'Column', column, sqlType: columnType };
  return { kind: 'JsonPath', root: DATA_ROOT, path: [column], sqlType };
}

function dynamicSlot(ctx: PlanContext, kind: DynamicSlot['kind'], variable: string, scope: Scope): DynamicSlot {
  return { kind, variable, type: scope.type, view: scope.view, root: scope.root, path: scope.path };
}

/** With a maximum page size, a list without a limit gets the maximum, and larger limits are refused. */
function planLimit(ctx: PlanContext, node: ValueNode | undefined): Param | null {
  const max = ctx.maxPageSize;
  const param = planPageParam(ctx, node);
  if (max === undefined) return param;
  if (param === null) return { source: { kind: 'Const', value: max }, sqlType: 'integer', encoding: 'plain' };
  if (param.source.kind === 'Const' && (param.source.value as number) > max) {
    ctx.diagnostics.push(diagnostic('FRAISE_PAGE_TOO_LARGE', `limit ${String(param.source.value)} is larger than the maximum page size, ${max}.`, node));
  }
  return param.source.kind === 'Variable' ? { ...param, max } : param;
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
    // The whole filter comes from the request: a generated function builds its SQL per shape.
    return { kind: 'Dynamic', slot: dynamicSlot(ctx, 'where', node.name.value, scope) };
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
      // OR of nothing is FALSE (no alternative holds); AND of nothing is TRUE.
      if (parts.length > 0 || name === 'OR') items.push({ kind: name === 'AND' ? 'And' : 'Or', items: parts });
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
  const named = getNamedType(field.type);
  const source = fieldSource(ctx.schema, scope.view, field);
  if (isObjectType(named)) {
    const relation = relationOf(ctx.schema, field);
    if (!relation) {
      const inner: Scope = { type: named, view: null, ...jsonLocation(source, scope.root, scope.path) };
      if (value.kind === Kind.VARIABLE) return { kind: 'Dynamic', slot: dynamicSlot(ctx, 'where', value.name.value, inner) };
      return value.kind === Kind.OBJECT ? planWhereObject(ctx, inner, value) : null;
    }
    const target = ctx.catalog.get(named.name);
    if (!target || !scope.view) {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', `Filtering through relation "${fieldName}" inside an embedded object is not supported.`, value),
      );
      return null;
    }
    const innerScope: Scope = { type: named, view: target, root: DATA_ROOT, path: [] };
    const inner = planWhereValue(ctx, innerScope, value);
    const join: Join = joinOf(relation);
    return { kind: 'Exists', view: target, join, filter: inner ?? { kind: 'And', items: [] } };
  }
  const list = isListOutput(field.type);
  const target: ScalarTarget = list
    ? { kind: 'JsonPath', ...jsonLocation(source, scope.root, scope.path), sqlType: 'jsonb' }
    : filterTarget(source, scope.view, scope.root, scope.path, sqlTypeOfScalar(named));
  if (value.kind === Kind.VARIABLE) {
    // A whole `{ eq: ..., in: ... }` from the request.
    return {
      kind: 'Dynamic',
      slot: { kind: 'field', variable: value.name.value, type: scope.type, view: scope.view, root: scope.root, path: scope.path, field: fieldName },
    };
  }
  if (value.kind !== Kind.OBJECT) return null;
  const items: Filter[] = [];
  const fieldType = filterFieldType(named.name, isEnumType(named)) ?? 'enum';
  for (const opField of value.fields) {
    const op = opField.name.value;
    const operator = filterOperator(fieldType, op, list);
    if (!operator) continue;
    const config = named.name === TSVECTOR_SCALAR ? textSearchConfigOf(ctx.schema, field) : null;
    const leaf = planOperator(ctx, target, operator, opField.value, filterOperandType(ctx, named.name, op, list), config);
    if (!leaf) continue;
    const source = opField.value.kind === Kind.VARIABLE ? opField.value.name.value : null;
    const optional = source !== null && isOptionalVariable(ctx, source);
    items.push(optional ? { kind: 'Optional', variable: source, filter: leaf } : leaf);
  }
  if (items.length === 0) return null;
  return items.length === 1 ? items[0]! : { kind: 'And', items };
}

/** One operator of a literal filter: its value becomes a parameter bound as the table says. */
function planOperator(
  ctx: PlanContext,
  target: ScalarTarget,
  operator: FilterOperator,
  node: ValueNode,
  opType: GraphQLInputType | undefined,
  /** The text search configuration of the field or argument (@textSearch), for full-text operators. */
  searchConfig: string | null = null,
): Filter | null {
  if (operator.regex) checkRegexLiteral(ctx, node);
  const bindType = operator.bindAs(target.sqlType);
  const operand = planOperand(ctx, node, operator, bindType, operandEncoding(operator, bindType), opType);
  if (!operand) return null;
  const param = operator.regex ? { ...operand, regex: true } : operand;
  return { kind: 'Operator', operator, target, param, ...(searchConfig === null ? {} : { searchConfig }) };
}

function checkRegexLiteral(ctx: PlanContext, node: ValueNode): void {
  if (node.kind === Kind.STRING && node.value.length > MAX_REGEX_LENGTH) {
    ctx.diagnostics.push(
      diagnostic('FRAISE_REGEX_TOO_LONG', `A regular expression may have at most ${MAX_REGEX_LENGTH} characters.`, node),
    );
  }
}

function filterOperandType(ctx: PlanContext, typeName: string, op: string, list: boolean): GraphQLInputType | undefined {
  const filter = ctx.schema.getType(filterInputName(typeName, list));
  if (!filter || !isInputObjectType(filter)) return undefined;
  return filter.getFields()[op]?.type;
}

function planOperand(
  ctx: PlanContext,
  node: ValueNode,
  operator: FilterOperator,
  paramType: string,
  encoding: ParamEncoding,
  type: GraphQLInputType | undefined,
): Param | null {
  if (node.kind === Kind.VARIABLE) {
    return { source: { kind: 'Variable', name: node.name.value }, sqlType: paramType, encoding };
  }
  if (node.kind === Kind.NULL) {
    if (operator.nullValue === 'refused') {
      ctx.diagnostics.push(
        diagnostic('FRAISE_NULL_OPERAND', `Operator "${operator.name}" cannot compare with null.`, node,
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
  if (containsNul(value)) {
    ctx.diagnostics.push(diagnostic('FRAISE_NUL_CHARACTER', 'A value must not contain the NUL character (U+0000): PostgreSQL text cannot hold it.', node));
    return null;
  }
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
        diagnostic('FRAISE_UNSUPPORTED', 'Items of an orderBy list must be written as literals.', entry,
          'Write orderBy: [{ createdAt: DESC }], or pass the whole list as one variable: orderBy: $order.'),
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
    const source = fieldSource(ctx.schema, scope.view, def);
    if (field.value.kind === Kind.OBJECT && isObjectType(named)) {
      const relation = relationOf(ctx.schema, def);
      if (!relation) {
        terms.push(...planOrderObject(ctx, { type: named, view: null, ...jsonLocation(source, scope.root, scope.path) }, field.value));
        continue;
      }
      const target = ctx.catalog.get(named.name);
      if (!target || !scope.view) {
        ctx.diagnostics.push(diagnostic('FRAISE_UNSUPPORTED', `Ordering through relation "${def.name}" inside an embedded object is not supported.`, field.value));
        continue;
      }
      const join: Join = joinOf(relation);
      for (const inner of planOrderObject(ctx, { type: named, view: target, root: DATA_ROOT, path: [] }, field.value)) {
        if (inner.target.kind === 'Related') {
          ctx.diagnostics.push(diagnostic('FRAISE_UNSUPPORTED', 'Ordering through two relations is not supported.', field.value));
          continue;
        }
        terms.push({ target: { kind: 'Related', view: target, join, target: inner.target }, direction: inner.direction });
      }
    } else if (field.value.kind === Kind.ENUM && (isScalarType(named) || isEnumType(named))) {
      const direction = field.value.value as OrderDirection;
      if (ORDER_DIRECTIONS.includes(direction)) {
        terms.push({ target: filterTarget(source, scope.view, scope.root, scope.path, sqlTypeOfScalar(named)), direction });
      }
    } else if (field.value.kind !== Kind.NULL) {
      ctx.diagnostics.push(
        diagnostic('FRAISE_UNSUPPORTED', 'orderBy directions inside a literal orderBy must be literals (ASC, DESC, ...).', field.value,
          'Pass the whole list as one variable instead: orderBy: $order.'),
      );
    }
  }
  return terms;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([k, v]) => containsNul(k) || containsNul(v));
  return false;
}
