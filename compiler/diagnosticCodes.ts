// The catalogue of diagnostic codes: stable names (tools match on them), what each means, and the
// hint shown when the place that reported it had nothing more specific to say. docs/cli.md lists
// the same codes; a test keeps the two, the compiler's sources and the fixtures in step.
/** Absent on a Diagnostic means error: a warning never fails a compile. */
export type Severity = 'error' | 'warning';

export interface CodeInfo {
  readonly severity: Severity;
  readonly meaning: string;
  readonly hint: string;
}

export const DIAGNOSTIC_CODES: Readonly<Record<string, CodeInfo>> = {
  FRAISE_USAGE: { severity: 'error', meaning: 'The command line is wrong: an unknown or missing option, or a bad value.', hint: 'Run fraise-compile --help for the commands and options.' },
  FRAISE_BAD_CONFIG: { severity: 'error', meaning: 'fraise.config.json or .graphqlrc is unreadable, malformed, or has an unknown key or a bad value.', hint: 'See docs/cli.md, Configuration.' },
  FRAISE_BAD_METADATA: { severity: 'error', meaning: 'The --metadata snapshot is missing, not JSON, or not a snapshot of this version.', hint: 'Regenerate it with fraise-compile introspect.' },
  FRAISE_NO_DATABASE: { severity: 'error', meaning: 'Neither a database URL nor a metadata snapshot was given.', hint: 'Give --database-url or --metadata.' },
  FRAISE_DATABASE_UNREACHABLE: { severity: 'error', meaning: 'The database could not be reached or read.', hint: 'Check the URL and that the server is running.' },
  FRAISE_NO_FILES: { severity: 'error', meaning: 'A --schema or --operations pattern matches no file.', hint: 'Check the pattern; relative patterns are resolved from the working directory (or from the configuration file).' },
  FRAISE_SYNTAX: { severity: 'error', meaning: 'A .graphql file does not parse.', hint: 'Fix the GraphQL syntax at the caret.' },
  FRAISE_INVALID_SCHEMA: { severity: 'error', meaning: 'The SDL is not a valid schema.', hint: 'Fix the schema at the caret. Fraise adds the directives, the DateTime/Date/UUID/JSON scalars and the Where/OrderBy inputs itself (docs/schema.md).' },
  FRAISE_NOT_AN_OPERATION: { severity: 'error', meaning: 'An operation document holds a type definition.', hint: 'Move type definitions to the schema files.' },
  FRAISE_INVALID_OPERATION: { severity: 'error', meaning: 'An operation breaks a GraphQL validation rule (unknown field, wrong argument, unused variable, ...).', hint: 'The full schema served is written to schema.graphql in the output folder.' },
  FRAISE_ANONYMOUS_OPERATION: { severity: 'error', meaning: 'An anonymous operation (which takes its file\'s name) shares its file with other operations, or its file\'s name is another operation\'s.', hint: 'Name it: `query MyName { ... }`.' },
  FRAISE_UNSUPPORTED: { severity: 'error', meaning: 'A construct Fraise does not compile (yet): subscriptions, relations inside embedded objects, ...', hint: 'See docs/schema.md for what compiles.' },
  FRAISE_INTROSPECTION_DISABLED: { severity: 'error', meaning: 'An operation asks for __schema or __type, and the build turned introspection off (introspection: false, --no-introspection).', hint: 'Leave the operation out of this build, or turn introspection on.' },
  FRAISE_UNKNOWN_VIEW: { severity: 'error', meaning: 'A @view names a relation the database does not have.', hint: 'Create the view, or fix the name in @view(name:).' },
  FRAISE_BAD_VIEW: { severity: 'error', meaning: 'A root field has @view(name:) but its type has no @view of its own.', hint: 'Add @view to the type; the root field\'s @view then overrides it.' },
  FRAISE_UNKNOWN_COLUMN: { severity: 'error', meaning: 'A field, @column, relation key, lookup or filter argument names a column the view does not have (a view without `data` needs a column per field).', hint: 'Fix the column name (@column(name:)), or add the column to the view.' },
  FRAISE_BAD_RELATION: { severity: 'error', meaning: 'A @relation is malformed or joins types without @view.', hint: 'See docs/schema.md, Relations.' },
  FRAISE_UNSUPPORTED_ARGUMENTS: { severity: 'error', meaning: 'A field has arguments Fraise does not compile.', hint: 'Lists take where, orderBy, limit and offset; lookups take column arguments.' },
  FRAISE_UNBACKED_ROOT: { severity: 'error', meaning: 'A Query field returns a type without @view.', hint: 'Add @view(name: "...") to the type.' },
  FRAISE_BAD_PAGE_ARGUMENT: { severity: 'error', meaning: 'limit or offset is not a non-negative integer.', hint: 'Write a literal such as limit: 10, or pass an Int variable.' },
  FRAISE_PAGE_TOO_LARGE: { severity: 'error', meaning: 'A literal limit is above maxPageSize.', hint: 'Ask for fewer rows and page with offset, or raise maxPageSize.' },
  FRAISE_BAD_OPTION: { severity: 'error', meaning: 'compileProject was called with an invalid option (the programmatic API; the CLI reports FRAISE_USAGE).', hint: 'See CompileOptions in fraise/compiler.' },
  FRAISE_REGEX_TOO_LONG: { severity: 'error', meaning: 'A literal regular expression (matches, imatches, not_matches) is longer than 1,000 characters.', hint: 'Shorten the pattern; long patterns are slow to compile and match.' },
  FRAISE_NUL_CHARACTER: { severity: 'error', meaning: 'A literal string contains U+0000, which PostgreSQL text cannot hold.', hint: 'Remove the \\u0000 escape from the value.' },
  FRAISE_NULL_OPERAND: { severity: 'error', meaning: 'A filter operator other than isnull compares with a literal null.', hint: 'Use { isnull: true }.' },
  FRAISE_TOO_MANY_VARIANTS: { severity: 'error', meaning: 'Too many @include/@skip or optional filter variables in one operation.', hint: 'Use literals for some conditions, or split the operation.' },
  FRAISE_DOCUMENT_LIMIT: { severity: 'error', meaning: 'A document compiled at run time exceeds a limit: depth, aliases, root fields or estimated rows (createDocumentCompiler limits).', hint: 'Make the operation smaller, or persist it at build time (fraise-compile --report prints its figures).' },
  FRAISE_NO_FUNCTION: { severity: 'error', meaning: 'A Mutation field has no @function(name:).', hint: 'Name the PostgreSQL function that serves it: @function(name: "fn_...").' },
  FRAISE_UNKNOWN_FUNCTION: { severity: 'error', meaning: 'A @function names a function the database does not have (unqualified names are looked up along the search path).', hint: 'Create the function, or fix the name in @function(name:).' },
  FRAISE_AMBIGUOUS_FUNCTION: { severity: 'error', meaning: 'A @function names an overloaded function.', hint: 'Give the function a unique name.' },
  FRAISE_FUNCTION_MISMATCH: { severity: 'error', meaning: 'A mutation\'s function does not fit its field: an argument without a parameter, a parameter without argument or default, a type that does not fit, a set or an unusable return type.', hint: 'See docs/mutations.md, Arguments and Results.' },
  FRAISE_BAD_MUTATION_RESULT: { severity: 'error', meaning: 'A mutation_response result maps to a GraphQL type that is not an object type or a *Success | *Error union, or a member reads a key the composite does not have.', hint: 'See docs/mutations.md, Results.' },
  FRAISE_NO_OUTPUT: { severity: 'error', meaning: 'check found no compiled output to check.', hint: 'Compile first, and give check the same --out.' },
  FRAISE_DRIFT: { severity: 'error', meaning: 'check: a compiled statement no longer prepares on the database.', hint: 'Migrate the database, or update the schema and recompile.' },
  FRAISE_UNBOUNDED_LIST: { severity: 'warning', meaning: 'A root list has no limit argument.', hint: 'Pass limit to bound the response.' },
  FRAISE_DATA_BUILT: { severity: 'warning', meaning: 'Advice, reported with --advise only: the objects of a list read data keys that no column of the view holds or computes, so PostgreSQL builds each row\'s whole data.', hint: 'Expose those keys as columns of the view, selected as the same expressions as in data.' },
  FRAISE_UNINDEXED_JSON_FILTER: { severity: 'warning', meaning: 'A filter reads a JSON path of data that no index serves.', hint: 'Filter on a plain column of the view, or add an expression index on a table.' },
};

export function defaultHint(code: string): string | undefined {
  return DIAGNOSTIC_CODES[code]?.hint;
}
