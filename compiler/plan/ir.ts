// The typed plan of what an operation needs from the database: kind-tagged, immutable nodes that
// the SQL emitter walks with one handler per kind.
import type { BoundView } from '../metadata/checkSchema.js';
import type { GraphQLObjectType } from 'graphql';
import type { OrderDirection } from '../schema/prelude.js';
import type { FilterOperator, OperandEncoding } from '@fraise/runtime';

/**
 * A part of a statement that comes whole from a variable (`where: $where`, `orderBy: $order`, or
 * `title: $titleFilter`): a generated function validates the value and builds its SQL per shape.
 * `view` is set when the scope is a view row, null inside an object embedded in `data` at `path`.
 */
export interface DynamicSlot {
  readonly kind: 'where' | 'orderBy' | 'field';
  readonly variable: string;
  readonly type: GraphQLObjectType;
  readonly view: BoundView | null;
  /** The JSON value `path` starts from (the row's `data`, or a jsonb column). */
  readonly root: JsonRoot;
  readonly path: readonly string[];
  /** For `field`: the field whose filter input the variable holds. */
  readonly field?: string;
}

/** Where a bind value comes from: a literal of the operation, or a variable. */
export type ValueSource =
  | { readonly kind: 'Const'; readonly value: unknown }
  | { readonly kind: 'Variable'; readonly name: string }
  /** Computed in `prepare` from a connection's first/last: page size, rows to fetch, backward. */
  | { readonly kind: 'Connection'; readonly index: number; readonly part: 'size' | 'fetch' | 'back' }
  /**
   * A value computed at build time for each combination of some variables' values (introspection):
   * `table` maps the JSON array of the variables' values to the value. A variable with `names` holds
   * a type name: one the table does not know reads as null.
   */
  | {
      readonly kind: 'Table';
      readonly variables: readonly { readonly name: string; readonly names?: true }[];
      readonly table: Readonly<Record<string, string>>;
    }
  /** One key value of a decoded `after` / `before` cursor. */
  | { readonly kind: 'Cursor'; readonly index: number; readonly which: 'after' | 'before'; readonly at: number };

/**
 * How the runtime must shape a value before binding it: as it is, as JSON text, checked to be a
 * non-negative Int, or as a LIKE pattern matching the value literally (wildcards escaped) inside,
 * at the start or at the end of the text.
 */
export type ParamEncoding = OperandEncoding | 'nonNegativeInt';

export interface Param {
  readonly source: ValueSource;
  /** PostgreSQL type the parameter is cast to in the SQL text. */
  readonly sqlType: string;
  readonly encoding: ParamEncoding;
  /** The value is a regular expression (its length is bounded). */
  readonly regex?: boolean;
  /** A `limit` under a configured maximum page size: larger values are refused, null reads as it. */
  readonly max?: number;
}

/**
 * The JSON value a path starts from: a column of the view row read as jsonb. `data` in the FraiseQL
 * v1 style; a jsonb/json column holding an embedded object (`plan`), or an array column (`features
 * text[]`) in the column style. `as` says how the column becomes jsonb.
 */
export interface JsonRoot {
  readonly column: string;
  readonly as: 'jsonb' | 'json' | 'array';
}

export const DATA_ROOT: JsonRoot = Object.freeze({ column: 'data', as: 'jsonb' });

/**
 * Where a field's value comes from: a column of the view row (column views, `@column`), or a key of
 * the JSON object in scope (a view's `data`, or an object embedded in it or in a jsonb column).
 * Planning decides it once per field (fieldSource.ts); projection, filters and orderings read it.
 * `neverNull`: the catalogue and the view's definition prove that it never reads SQL NULL (a key:
 * nor JSON null), so a non-null field reading it needs no null mark (metadata/viewFacts.ts).
 * `compare`: the column filters and orderings compare instead (`@column(compare:)`).
 */
export type FieldSource =
  | {
      readonly kind: 'Column';
      readonly column: string;
      readonly sqlType: string;
      readonly neverNull?: true;
      readonly compare?: { readonly column: string; readonly sqlType: string };
    }
  | { readonly kind: 'Key'; readonly key: string; readonly neverNull?: true };

/** A scalar value of the current row: a plain column, or a path inside a JSON root cast to a type. */
export type ScalarTarget =
  | { readonly kind: 'Column'; readonly column: string; readonly sqlType: string }
  | { readonly kind: 'JsonPath'; readonly root: JsonRoot; readonly path: readonly string[]; readonly sqlType: string };

/** Correlates a subquery's rows (inner) with the enclosing row (outer). */
export interface Join {
  readonly innerColumn: string;
  readonly outerColumn: string;
}

export type Filter =
  | { readonly kind: 'And'; readonly items: readonly Filter[] }
  | { readonly kind: 'Or'; readonly items: readonly Filter[] }
  | { readonly kind: 'Not'; readonly item: Filter }
  /** `target operator value`: one entry of the operator table (runtime/filters/operators.ts) gives its SQL. */
  | {
      readonly kind: 'Operator';
      readonly operator: FilterOperator;
      readonly target: ScalarTarget;
      readonly param: Param;
      /** The text search configuration of the field or argument (@textSearch), for full-text operators. */
      readonly searchConfig?: string;
    }
  /** Rows strictly after (or before) a connection cursor in the connection's order. */
  | { readonly kind: 'Keyset'; readonly terms: readonly KeyTerm[]; readonly index: number; readonly which: 'after' | 'before' }
  /** A whole `where: $variable`: SQL built at run time by a generated function (see dynamicWhere). */
  | { readonly kind: 'Dynamic'; readonly slot: DynamicSlot }
  | { readonly kind: 'Exists'; readonly view: BoundView; readonly join: Join; readonly filter: Filter }
  /** A filter whose operand is a nullable variable: when the variable is omitted it reads TRUE. */
  | { readonly kind: 'Optional'; readonly variable: string; readonly filter: Filter };

export type FilterKind = Filter['kind'];

/** An order term of a connection: a scalar of the row (cursors hold its value). */
export interface KeyTerm {
  readonly target: ScalarTarget;
  readonly direction: OrderDirection;
}

/** The paging arguments of one connection, decoded in `prepare` (see connectionCode.ts). */
export interface ConnectionArgs {
  /** Numbers the connections of a statement: `prepare` names the decoded values conn<index>. */
  readonly index: number;
  readonly first: ValueSource | null;
  readonly last: ValueSource | null;
  readonly after: ValueSource | null;
  readonly before: ValueSource | null;
  /** The SQL types of the key (the order terms then id), to check decoded cursors. */
  readonly keyTypes: readonly string[];
  /** The configured maximum page size: the page size when neither first nor last is given. */
  readonly maxPageSize: number | null;
}

export interface ConnectionQuery {
  readonly filter: Filter | null;
  /** The order, ending with the view's id (the cursor holds these values). */
  readonly terms: readonly KeyTerm[];
  readonly args: ConnectionArgs;
  /** The keyset filters of `after` / `before` (Optional when their variable may be omitted). */
  readonly keyset: readonly Filter[];
}

export type EdgeEntry =
  | { readonly kind: 'Typename'; readonly key: string; readonly typeName: string }
  | { readonly kind: 'Cursor'; readonly key: string }
  | { readonly kind: 'Node'; readonly key: string; readonly selection: ObjectSelection };

export type ConnectionEntry =
  | { readonly kind: 'Typename'; readonly key: string; readonly typeName: string }
  | { readonly kind: 'TotalCount'; readonly key: string }
  | { readonly kind: 'Edges'; readonly key: string; readonly typeName: string; readonly fields: readonly EdgeEntry[] }
  | { readonly kind: 'PageInfo'; readonly key: string; readonly fields: readonly { readonly key: string; readonly field: string }[] };

export interface ConnectionSelection {
  readonly typeName: string;
  readonly entries: readonly ConnectionEntry[];
}

export interface OrderTerm {
  /** A scalar of the row, or of the single row a relation points at (a scalar subquery). */
  readonly target: ScalarTarget | { readonly kind: 'Related'; readonly view: BoundView; readonly join: Join; readonly target: ScalarTarget };
  readonly direction: OrderDirection;
}

/** What a list is ordered by: terms fixed at compile time, or a whole `orderBy: $variable`. */
export type Ordering =
  | { readonly kind: 'Static'; readonly terms: readonly OrderTerm[] }
  | { readonly kind: 'Dynamic'; readonly slot: DynamicSlot; readonly tieBreak: OrderTerm | null };

export interface ListQuery {
  readonly filter: Filter | null;
  readonly ordering: Ordering;
  readonly limit: Param | null;
  readonly offset: Param | null;
}

export interface ObjectSelection {
  readonly fields: readonly FieldPlan[];
  /**
   * Fields only some callers may read (@authenticated / @requiresScopes), by response key: the bit
   * of the field's requirement in the request's grants. The SQL reads such a field only when the
   * bit is set (see GRANTS_SETTING), so refused data never leaves PostgreSQL.
   */
  readonly guards?: ReadonlyMap<string, number>;
}

/**
 * `wrappers` spells the field type's wrappers outermost first (`!` non-null, `L` list; see
 * nullShape.ts): where a non-null position can read SQL NULL, the SQL writes NULL_MARK instead.
 */
export type FieldPlan =
  | { readonly kind: 'Typename'; readonly key: string; readonly typeName: string }
  | { readonly kind: 'Value'; readonly key: string; readonly source: FieldSource; readonly wrappers: string }
  /** An object held in a jsonb key or column, projected key by key (the column's JSON root when a column). */
  | { readonly kind: 'EmbeddedObject'; readonly key: string; readonly source: FieldSource; readonly selection: ObjectSelection; readonly wrappers: string }
  | { readonly kind: 'EmbeddedList'; readonly key: string; readonly source: FieldSource; readonly selection: ObjectSelection; readonly wrappers: string }
  | {
      readonly kind: 'RelationObject';
      readonly key: string;
      readonly view: BoundView;
      readonly join: Join;
      readonly selection: ObjectSelection;
      readonly wrappers: string;
    }
  | {
      readonly kind: 'RelationList';
      readonly key: string;
      readonly view: BoundView;
      readonly join: Join;
      readonly query: ListQuery;
      readonly selection: ObjectSelection;
    }
  | {
      readonly kind: 'RelationConnection';
      readonly key: string;
      readonly view: BoundView;
      readonly join: Join;
      readonly query: ConnectionQuery;
      readonly selection: ConnectionSelection;
    };

export type FieldPlanKind = FieldPlan['kind'];

export type RootField =
  | { readonly kind: 'RootList'; readonly key: string; readonly view: BoundView; readonly query: ListQuery; readonly selection: ObjectSelection }
  | {
      readonly kind: 'RootLookup';
      readonly key: string;
      /** See FieldPlan: a non-null lookup that finds no row is a null in a non-null position. */
      readonly wrappers: string;
      readonly view: BoundView;
      readonly keys: readonly { readonly column: string; readonly param: Param }[];
      readonly selection: ObjectSelection;
    }
  | { readonly kind: 'RootConnection'; readonly key: string; readonly view: BoundView; readonly query: ConnectionQuery; readonly selection: ConnectionSelection }
  | { readonly kind: 'RootTypename'; readonly key: string }
  /** JSON computed at build time (introspection: __schema, __type), bound as a parameter. */
  | { readonly kind: 'RootJson'; readonly key: string; readonly param: Param };

export interface OperationPlan {
  readonly name: string;
  readonly fields: readonly RootField[];
  /** Guarded root fields, as ObjectSelection.guards. */
  readonly guards?: ReadonlyMap<string, number>;
}
