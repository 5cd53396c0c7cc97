// What the compiler knows about the database: plain JSON, so that it can be snapshotted to a file.
import type { FunctionInfo } from './functionMetadata.js';

export type { FunctionArgument, FunctionInfo } from './functionMetadata.js';
export interface ColumnInfo {
  readonly name: string;
  /** PostgreSQL's `format_type` of the column, e.g. `uuid`, `timestamp with time zone`. */
  readonly type: string;
}

export interface RelationInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'view' | 'table' | 'materialized view' | 'foreign table' | 'partitioned table';
  readonly columns: readonly ColumnInfo[];
}

export interface DatabaseMetadata {
  /** Keyed by the name as written in `@view(name:)`; null when the database has no such relation. */
  readonly relations: Readonly<Record<string, RelationInfo | null>>;
  /** Every view and table visible on the search path, for "did you mean" hints. */
  readonly visibleRelations: readonly string[];
  /**
   * Keyed by the name as written in `@function(name:)`: every function of that name (several when
   * overloaded; none when it does not exist). Absent in snapshots made before mutations.
   */
  readonly functions?: Readonly<Record<string, readonly FunctionInfo[]>>;
}
