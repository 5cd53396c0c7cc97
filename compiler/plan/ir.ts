// The typed plan of what an operation needs from the database: kind-tagged, immutable nodes that
// the SQL emitter walks with one handler per kind.
import type { BoundView } from '../metadata/checkSchema.js';
import type { OrderDirection } from '../schema/prelude.js';

/** Where a bind value comes from: a literal of the operation, or a variable. */
export type ValueSource =
  | { readonly kind: 'Const'; readonly value: unknown }
  | { readonly kind: 'Variable'; readonly name: string };

/** How the runtime must shape a value before binding it. */
export type ParamEncoding = 'plain' | 'json' | 'nonNegativeInt';

export interface Param {
  readonly source: ValueSource;
  /** PostgreSQL type the parameter is cast to in the SQL text. */
  readonly sqlType: string;
  readonly encoding: ParamEncoding;
}

/** A scalar value of the current row: a plain column, or a path inside `data` cast to a type. */
export type ScalarTarget =
  | { readonly kind: 'Column'; readonly column: string; readonly sqlType: string }
  | { readonly kind: 'JsonPath'; readonly path: readonly string[]; readonly sqlType: string };

export type CompareOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike';

/** Correlates a subquery's rows (inner) with the enclosing row (outer). */
export interface Join {
  readonly innerColumn: string;
  readonly outerColumn: string;
}

export type Filter =
  | { readonly kind: 'And'; readonly items: readonly Filter[] }
  | { readonly kind: 'Or'; readonly items: readonly Filter[] }
  | { readonly kind: 'Not'; readonly item: Filter }
  | { readonly kind: 'Compare'; readonly target: ScalarTarget; readonly op: CompareOp; readonly param: Param }
  | { readonly kind: 'InList'; readonly target: ScalarTarget; readonly negated: boolean; readonly param: Param }
  | { readonly kind: 'IsNull'; readonly target: ScalarTarget; readonly param: Param }
  | { readonly kind: 'Exists'; readonly view: BoundView; readonly join: Join; readonly filter: Filter }
  /** A filter whose operand is a nullable variable: when the variable is omitted it reads TRUE. */
  | { readonly kind: 'Optional'; readonly variable: string; readonly filter: Filter };

export type FilterKind = Filter['kind'];

export interface OrderTerm {
  readonly target: ScalarTarget;
  readonly direction: OrderDirection;
}

export interface ListQuery {
  readonly filter: Filter | null;
  readonly orderBy: readonly OrderTerm[];
  readonly limit: Param | null;
  readonly offset: Param | null;
}

export interface ObjectSelection {
  readonly fields: readonly FieldPlan[];
}

export type FieldPlan =
  | { readonly kind: 'Typename'; readonly key: string; readonly typeName: string }
  | { readonly kind: 'Value'; readonly key: string; readonly path: readonly string[] }
  | { readonly kind: 'EmbeddedObject'; readonly key: string; readonly path: readonly string[]; readonly selection: ObjectSelection }
  | { readonly kind: 'EmbeddedList'; readonly key: string; readonly path: readonly string[]; readonly selection: ObjectSelection }
  | { readonly kind: 'RelationObject'; readonly key: string; readonly view: BoundView; readonly join: Join; readonly selection: ObjectSelection }
  | {
      readonly kind: 'RelationList';
      readonly key: string;
      readonly view: BoundView;
      readonly join: Join;
      readonly query: ListQuery;
      readonly selection: ObjectSelection;
    };

export type FieldPlanKind = FieldPlan['kind'];

export type RootField =
  | { readonly kind: 'RootList'; readonly key: string; readonly view: BoundView; readonly query: ListQuery; readonly selection: ObjectSelection }
  | {
      readonly kind: 'RootLookup';
      readonly key: string;
      readonly view: BoundView;
      readonly keys: readonly { readonly column: string; readonly param: Param }[];
      readonly selection: ObjectSelection;
    }
  | { readonly kind: 'RootTypename'; readonly key: string };

export interface OperationPlan {
  readonly name: string;
  readonly fields: readonly RootField[];
}
