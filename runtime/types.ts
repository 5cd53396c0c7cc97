// The contract between generated modules and the runtime. Generated code only imports these
// types, so a module compiled by one version of the compiler stays readable by a person.

/** A GraphQL error as it appears in a response (graphql-js's formatted shape). */
export interface GraphQLResponseError {
  readonly message: string;
  readonly locations?: ReadonlyArray<{ readonly line: number; readonly column: number }>;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * One prepared statement: the name is derived from a hash of the text, so it is stable. It must be
 * at most 63 bytes: PostgreSQL truncates longer names, and two statements could then collide.
 */
export interface CompiledStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * How the rows of the statement become `data`:
 * - `list`: one row per element of the single root list field `key` (streamed in batches), or
 *   per `chunk` elements;
 * - `object`: zero or one row, the single root object field `key` (zero rows -> null);
 * - `data`: exactly one row holding the whole `data` object (several root fields).
 */
export type ResultShape =
  | {
      readonly kind: 'list';
      readonly key: string;
      /**
       * Rows hold up to this many consecutive elements each, as `<count>,<element>,<element>...`
       * (see runtime/nonNull.ts completeListChunks): one DataRow per chunk instead of per element.
       */
      readonly chunk?: number;
      /**
       * Rows hold the element's columns, one per field that reads one, in selection order (text
       * format); the runtime writes each element's JSON from them (rowWriter.ts) instead of
       * PostgreSQL building it. Set by the compiler for bounded lists of plain scalar columns.
       */
      readonly fields?: readonly RowField[];
    }
  | { readonly kind: 'object'; readonly key: string }
  | { readonly kind: 'data' };

/**
 * One field of an element written from its row's columns (ResultShape `fields`): a column whose
 * text output becomes JSON as `kind` says (`string`: quoted; `number`: as it is, from int2/int4;
 * `boolean`: `t`/`f`), or a constant's JSON text (`__typename`), which reads no column.
 * `nonNull`: a non-null position that can read NULL; the writer writes NULL_MARK there, as the
 * SQL would, so the row is completed by runtime/nonNull.ts exactly as today.
 */
export type RowField =
  | { readonly key: string; readonly kind: 'string' | 'number' | 'boolean'; readonly nonNull?: true }
  | { readonly key: string; readonly kind: 'constant'; readonly json: string };

/**
 * One mutation field: its statement and bind values (one row of JSON text: the field's value), or
 * a constant (`__typename`) as JSON text.
 */
export type MutationStep =
  | { readonly key: string; readonly statement: CompiledStatement; readonly values: readonly unknown[] }
  | { readonly key: string; readonly json: string };

/**
 * What the generated variable coercion returns: bind values and the statement to run (queries),
 * the steps to run in order in one transaction (mutations), or errors.
 */
export type CoercionResult =
  | { readonly ok: true; readonly statement: CompiledStatement; readonly values: readonly unknown[] }
  | { readonly ok: true; readonly steps: readonly MutationStep[] }
  | { readonly ok: false; readonly errors: readonly GraphQLResponseError[] };

/**
 * A compiled operation. `TVariables` and `TData` are carried for type inference only
 * (`__types` never exists at run time).
 */
export interface CompiledOperation<TVariables = Record<string, unknown>, TData = unknown> {
  readonly kind: 'query' | 'mutation';
  readonly name: string;
  /** sha256 of the operation's document body, as in the persisted-query manifest. */
  readonly id: string;
  /**
   * sha256 of other spellings of the same document that clients send as text: the operation as
   * written in its source file (e.g. `{ __typename }`), when that differs from `body`.
   */
  readonly aliases?: readonly string[];
  readonly body: string;
  readonly shape: ResultShape;
  /** Every statement this operation may run (one per @include/@skip/optional-filter variant). */
  readonly statements: readonly CompiledStatement[];
  /** Validates and coerces variables, picks the statement, and lays out the bind values. */
  readonly prepare: (variables: Readonly<Record<string, unknown>> | null | undefined) => CoercionResult;
  /**
   * The non-null rules of the response (queries): the fields whose null would be an error or
   * propagate. Absent: nothing in the response can break them.
   */
  readonly nulls?: NullShape;
  /** The SQL writes NULL_MARK where a non-null field is null: rows holding it are completed by nonNull.ts. */
  readonly marksNulls?: boolean;
  /** What its fields require (@authenticated / @requiresScopes); absent when nothing. */
  readonly auth?: OperationAuth;
  /** Variables left out of audit events (@sensitive). */
  readonly sensitiveVariables?: readonly string[];
  readonly __types?: { readonly variables: TVariables; readonly data: TData };
}

/**
 * One field of a response, for the non-null rules. `type` spells the field type's wrappers outermost
 * first: `!` non-null, `L` list (`[Post!]!` is "!L!", `String` is ""). Fields that are nullable leaves
 * are left out of their object's shape.
 */
export interface NullField {
  readonly type: string;
  /** `Parent.field`, as graphql-js names it in "Cannot return null for non-nullable field Parent.field." */
  readonly field: string;
  /** The field's nodes in `body` (every node merged under its response key). */
  readonly locations: ReadonlyArray<{ readonly line: number; readonly column: number }>;
  /** For an object (or list of objects): its fields, by response key. */
  readonly fields?: NullShape;
}

/** The fields of an object, by response key (see NullField). */
export type NullShape = { readonly [key: string]: NullField };

/**
 * Any compiled operation, whatever its variables and data types. `TVariables` only appears in the
 * covariant `__types`, so `unknown` accepts variables declared as interfaces (which, unlike type
 * literals, are not assignable to `Record<string, unknown>`).
 */
export type AnyCompiledOperation = CompiledOperation<unknown, unknown>;

export type VariablesOf<TOp> = TOp extends CompiledOperation<infer V, unknown> ? V : never;
export type DataOf<TOp> = TOp extends CompiledOperation<infer _V, infer D> ? D : never;

/** The result of `runtime.execute`, shaped like a GraphQL response. */
export interface ExecutionResult<TData> {
  readonly data?: TData | null;
  readonly errors?: readonly GraphQLResponseError[];
}

// What CompiledOperation.auth holds; runtime/http/auth/authorize.ts judges a caller against it.
/** What one field (or type) requires, as the compiler records it (see CompiledOperation.auth). */
export interface Requirement {
  readonly authenticated: boolean;
  /** Every entry must hold: an entry is a @requiresScopes argument (outer any-of, inner all-of). */
  readonly scopes: readonly (readonly (readonly string[])[])[];
}

/** A field on the way to a guarded field, or a guarded field itself (root fields are all listed). */
export interface AuthField {
  /** The response key (alias or name). */
  readonly key: string;
  /** Index in OperationAuth.requirements, when the field itself is guarded. */
  readonly requirement?: number;
  readonly nonNull: boolean;
  /** Set when the field is a list (of objects, when `fields` is set). */
  readonly list?: { readonly nonNullItems: boolean };
  /** Fields below with requirements. */
  readonly fields?: readonly AuthField[];
}

export interface OperationAuth {
  /** The distinct requirements of the operation's fields. */
  readonly requirements: readonly Requirement[];
  /** The root fields, each with the guarded fields below it. */
  readonly fields: readonly AuthField[];
}
