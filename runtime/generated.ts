// What generated modules import from the runtime: typed, tested helpers, so a module holds only
// what is specific to its operation (its SQL, its variable plan, its types). Re-exported by
// fraise/runtime; the compiler checks every name it emits against this module's exports
// (compiler/emit/runtimeImports.ts).
export {
  INVALID,
  badInput,
  coerceAny,
  coerceBoolean,
  coerceDate,
  coerceDateTime,
  coerceFloat,
  coerceID,
  coerceInt,
  coerceJSON,
  coerceList,
  coerceNothing,
  coerceString,
  coerceUUID,
  enumCoercer,
  hasNulText,
  isUuid,
  listOf,
  show,
} from './coerce.js';
export type { Coercer } from './coerce.js';
export { likeContains, likeEndsWith, likeStartsWith } from './filters/likePattern.js';
export { newBuilder } from './filters/builder.js';
export type { FilterBuilder } from './filters/builder.js';
export { filterField, filterInput } from './filters/fieldFilter.js';
export type { FilterInput } from './filters/fieldFilter.js';
export { columnOf, columnScope, columnTarget, jsonColumnOf, keyOf, pathTarget, rootTarget, searchIn } from './filters/targets.js';
export type { FilterScope } from './filters/targets.js';
export { embeddedScope, filterWhere, relationInEmbedded, rowScope, whereInput, whereRelated } from './filters/where.js';
export type { FilterRelation, WhereField, WhereInput } from './filters/where.js';
export { orderInput, orderList, orderObject, orderRelated, orderTerm } from './filters/ordering.js';
export type { OrderField, OrderInput, OrderTerms } from './filters/ordering.js';
export { paging } from './paging.js';
export type { Paging } from './paging.js';
export { checkVariables } from './variables.js';
export type { CheckedVariables, VariablePlan } from './variables.js';
export { expandPieces, shapeCache } from './statementShapes.js';
export type { SqlPiece, StatementShape, StatementTemplate } from './statementShapes.js';

// Shared with the compiler (package fraise imports them from @fraise/runtime): the operator table,
// the SQL of filter targets and directions, the scalar checks, and statement expansion, so both
// sides of a module read one definition.
export {
  FILTER_SCALARS,
  LIST_FILTER_OPERATORS,
  MAX_REGEX_LENGTH,
  SCALAR_FILTER_OPERATORS,
  filterFieldType,
  filterOperator,
  filterOperators,
  operandEncoding,
  operandTypeName,
} from './filters/operators.js';
export type { FilterFieldType, FilterOperator, FilterTarget, OperandEncoding, OperandSql, OperandType } from './filters/operators.js';
export { jsonColumn } from './filters/targets.js';
export type { JsonColumnKind } from './filters/targets.js';
export { ORDER_SQL } from './filters/ordering.js';
export { SCALAR_COERCERS } from './coerce.js';
