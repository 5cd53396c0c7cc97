// What the compiler knows about the database: plain JSON, so that it can be snapshotted to a file
// (`fraise-compile introspect`). The live path and the snapshot path produce the same object, so
// compiling against either gives byte-identical output. Every list is sorted (code-point order).
export interface ColumnInfo {
  readonly name: string;
  /** PostgreSQL's `format_type` of the column, e.g. `uuid`, `timestamp with time zone`. */
  readonly type: string;
  /**
   * A validated NOT NULL constraint holds (attnotnull, and not PostgreSQL 18's NOT VALID kind):
   * the column never reads NULL. Only written when true; absent in snapshots from older versions.
   */
  readonly notNull?: true;
}

export type RelationKind = 'view' | 'table' | 'materialized view' | 'foreign table' | 'partitioned table';

export interface RelationInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  /** In column order (attnum), as `SELECT *` returns them. */
  readonly columns: readonly ColumnInfo[];
  /** A view's SELECT (pg_get_viewdef): proves which columns hold which `data` keys (viewColumns.ts). */
  readonly definition?: string;
  /**
   * What a view's definition calls, read from its stored rule (readMetadata.ts): each function,
   * operator and aggregate once by schema and name, with the most volatile of the overloads it
   * calls. Proves which `data` keys can be computed from the view's columns (viewDerived.ts).
   * Absent in snapshots from older versions: then no key is computed.
   */
  readonly calls?: readonly ViewCall[];
}

export type Volatility = 'immutable' | 'stable' | 'volatile';

export interface ViewCall {
  /** A function returning one value, one returning a set (`unnest`), an operator, an aggregate or window function. */
  readonly kind: 'function' | 'set function' | 'operator' | 'aggregate';
  readonly schema: string;
  /** The function's name, or the operator's symbol (`>=`). */
  readonly name: string;
  /** `pg_proc.provolatile` of the function (of an operator's function), the most volatile overload called. */
  readonly volatility: Volatility;
}

export type ArgumentMode = 'in' | 'out' | 'inout' | 'variadic' | 'table';

export interface FunctionArgument {
  /** Empty when the argument has no name. */
  readonly name: string;
  /** `format_type` of the argument, e.g. `uuid`, `jsonb`, `text[]`. */
  readonly type: string;
  readonly mode: ArgumentMode;
  /** `pg_type.typcategory` of the type: E for enums, A for arrays, S for strings, ... */
  readonly category: string;
  /** The argument has a DEFAULT (it may be left out of a call). */
  readonly hasDefault: boolean;
}

export type FunctionKind = 'function' | 'procedure' | 'aggregate' | 'window';

export interface FunctionField {
  readonly name: string;
  readonly type: string;
}

export interface FunctionInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: FunctionKind;
  readonly arguments: readonly FunctionArgument[];
  /** `pg_get_function_result`, e.g. `jsonb`, `SETOF v_post`, `TABLE(id uuid)`. */
  readonly returns: string;
  /** `format_type` of the return type alone, e.g. `jsonb`, `v_post`, `mutation_response`. */
  readonly returnType: string;
  readonly returnsSet: boolean;
  /** Attributes of a composite return type, in order (empty otherwise). */
  readonly returnFields: readonly FunctionField[];
}

export interface EnumInfo {
  readonly schema: string;
  readonly name: string;
  /** In the enum's sort order. */
  readonly values: readonly string[];
}

export interface IndexInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  /** Access method: btree, gin, gist, hash, ... */
  readonly method: string;
  /**
   * The index enforces uniqueness at every moment: a valid unique index (a primary key or unique
   * constraint included) that is not deferrable. A deferrable or unfinished one reads false.
   */
  readonly unique: boolean;
  /** Key columns or expressions, as `pg_get_indexdef` prints them: `created_at`, `((data ->> 'title'::text))`. */
  readonly keys: readonly string[];
  /** WHERE clause of a partial index, or null. */
  readonly predicate: string | null;
}

export const METADATA_FORMAT = 'fraise-metadata';
export const METADATA_VERSION = 1;

export interface DatabaseMetadata {
  readonly format: typeof METADATA_FORMAT;
  readonly version: typeof METADATA_VERSION;
  /** Schemas that unqualified names resolve in, in order (`current_schemas(false)`). */
  readonly searchPath: readonly string[];
  /** Every table and view of the non-system schemas, by schema then name. */
  readonly relations: readonly RelationInfo[];
  readonly functions: readonly FunctionInfo[];
  readonly enums: readonly EnumInfo[];
  readonly indexes: readonly IndexInfo[];
}
