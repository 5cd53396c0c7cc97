// The project configuration: what fraise.config.json (or .graphqlrc's extensions.fraise) may say,
// and the resolved form that commands use after command-line flags have overridden the files.

/** How GraphQL field names map to `data` keys and lookup columns: `userId` -> `user_id`, or as written. */
export type Naming = 'camel' | 'preserve';

/** `both`: .ts, .js and .d.ts; `ts`: .ts sources only; `js`: .js + .d.ts only. */
export type OutputKind = 'both' | 'ts' | 'js';

export const NAMINGS: readonly Naming[] = ['camel', 'preserve'];
export const OUTPUT_KINDS: readonly OutputKind[] = ['both', 'ts', 'js'];

export interface ProjectConfig {
  readonly schema: readonly string[];
  readonly operations: readonly string[];
  /** Output folder (absolute). */
  readonly out?: string;
  /** Metadata snapshot file (absolute). */
  readonly metadata?: string;
  readonly databaseUrl?: string;
  readonly naming: Naming;
  /** TypeScript type of each custom scalar's values, e.g. { "BigInt": "string" }. */
  readonly scalars: Readonly<Record<string, string>>;
  /** Largest `limit` a list may ask for, passed to the compiler (undefined: no maximum). */
  readonly maxPageSize?: number;
  readonly output: OutputKind;
  /** Whether operations may ask for __schema / __type (false: FRAISE_INTROSPECTION_DISABLED). */
  readonly introspection: boolean;
  /** Warning codes not to report (e.g. FRAISE_UNBOUNDED_LIST). */
  readonly ignoreWarnings: readonly string[];
  /** The configuration files read (absolute), for watch mode. */
  readonly configFiles: readonly string[];
}
