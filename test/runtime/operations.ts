// Hand-made compiled operations for the runtime tests: what the compiler will generate, written
// out by hand over generate_series so that the runtime is tested on its own.
import type {
  CoercionResult,
  CompiledOperation,
  CompiledStatement,
  GraphQLResponseError,
  ResultShape,
} from '../../runtime/index.js';

type Vars = Readonly<Record<string, unknown>> | null | undefined;

function operation<TVariables, TData>(
  name: string,
  shape: ResultShape,
  statement: CompiledStatement,
  prepare: (variables: Vars) => CoercionResult,
): CompiledOperation<TVariables, TData> {
  return { kind: 'query', name, id: `sha256:${name}`, body: `query ${name} { ... }`, shape, statements: [statement], prepare };
}

function variableError(name: string, expected: string): GraphQLResponseError {
  return { message: `Variable "$${name}" expected ${expected}`, extensions: { code: 'BAD_USER_INPUT' } };
}

/** `$name: Int!`, coerced as graphql-js would (no strings, no fractions). */
function intVariable(variables: Vars, name: string): number | GraphQLResponseError {
  const value = variables?.[name];
  return Number.isInteger(value) ? (value as number) : variableError(name, 'a value of type "Int!"');
}

function intOp<TData>(name: string, shape: ResultShape, statement: CompiledStatement, variable: string) {
  return operation<Record<string, number>, TData>(name, shape, statement, (variables) => {
    const value = intVariable(variables, variable);
    return typeof value === 'number'
      ? { ok: true, statement, values: [value] }
      : { ok: false, errors: [value] };
  });
}

export interface NumberRow {
  readonly n: number;
  readonly label: string;
}

/** `numbers(count)`: rows {n, label} for 1..count, as text. */
export const numbersOp = intOp<{ numbers: NumberRow[] }>(
  'Numbers',
  { kind: 'list', key: 'numbers' },
  {
    name: 'fraise_test_numbers',
    text: `SELECT json_build_object('n', n, 'label', 'row ' || n)::text FROM generate_series(1, $1::int) AS n ORDER BY n`,
  },
  'count',
);

/** The JSON text PostgreSQL produces for numbersOp's row `n` (json_build_object spacing). */
export function numberRow(n: number): string {
  return `{"n" : ${n}, "label" : "row ${n}"}`;
}

/** numberRow for from..to, comma-separated as in a streamed list. */
export function numberRows(from: number, to: number): string {
  const rows: string[] = [];
  for (let n = from; n <= to; n++) rows.push(numberRow(n));
  return rows.join(',');
}

/**
 * `numbers` failing with division by zero at row `$1`, after earlier rows were sent. No ORDER BY
 * (generate_series is in order anyway): a sort would compute every row before returning the first.
 */
export const failingNumbersOp = intOp<{ numbers: NumberRow[] }>(
  'FailingNumbers',
  { kind: 'list', key: 'numbers' },
  {
    name: 'fraise_test_failing_numbers',
    text: `SELECT CASE WHEN n = $1::int THEN (1 / (n - $1::int))::text ELSE json_build_object('n', n, 'label', 'row ' || n)::text END
             FROM generate_series(1, 100000) AS n`,
  },
  'failAt',
);

/** `user(id)`: at most one row (ids 1..10), as jsonb. */
export const userOp = intOp<{ user: { id: number; name: string } | null }>(
  'User',
  { kind: 'object', key: 'user' },
  {
    name: 'fraise_test_user',
    text: `SELECT jsonb_build_object('id', n, 'name', 'user ' || n) FROM generate_series(1, 10) AS n WHERE n = $1::int`,
  },
  'id',
);

/** A broken `object` operation whose SQL returns every row up to `$1`. */
export const duplicateUserOp = intOp<{ user: { id: number } | null }>(
  'DuplicateUser',
  { kind: 'object', key: 'user' },
  { name: 'fraise_test_duplicate_user', text: `SELECT json_build_object('id', n)::text FROM generate_series(1, $1::int) AS n` },
  'upTo',
);

/** An operation without variables. */
function constantOp<TData>(name: string, shape: ResultShape, statement: CompiledStatement) {
  return operation<Record<string, never>, TData>(name, shape, statement, () => ({ ok: true, statement, values: [] }));
}

/** Several root fields in one row (`data` shape), with escapes and non-ASCII text. */
export const dashboardOp = constantOp<{ total: number; greeting: string; tags: (string | null)[] }>(
  'Dashboard',
  { kind: 'data' },
  {
    name: 'fraise_test_dashboard',
    text: `SELECT json_build_object('total', 3, 'greeting', E'h\\u00e9llo "w\\u00f6rld" \\\\ \\U0001F600', 'tags', json_build_array('a', NULL))::text`,
  },
);

/** The row dashboardOp's SQL produces. */
export const dashboardRow = '{"total" : 3, "greeting" : "h\u00e9llo \\"w\u00f6rld\\" \\\\ \u{1F600}", "tags" : ["a", null]}';

/** A list whose key needs JSON escaping and whose rows include SQL NULL. */
export const oddKeyOp = constantOp<Record<string, unknown>>(
  'OddKey',
  { kind: 'list', key: 'we"ird\\key' },
  {
    name: 'fraise_test_odd_key',
    text: `SELECT CASE WHEN i = 2 THEN NULL ELSE i::text END FROM generate_series(1, 3) AS g(i) ORDER BY g.i`,
  },
);

/** A `data` operation whose SQL returns no row at all. */
export const emptyDataOp = constantOp<Record<string, unknown>>('EmptyData', { kind: 'data' }, {
  name: 'fraise_test_empty_data',
  text: `SELECT '{}'::text WHERE false`,
});
