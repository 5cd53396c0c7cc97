// Hand-written compiled operations for the HTTP tests (the fixture has no large or slow ones).
import type { CompiledOperation, CompiledStatement, ResultShape } from '../../runtime/index.js';
import { sha256 } from './support.js';

/** An operation with one `Int!` variable, `name` in the messages as graphql-js words them. */
function intOperation(name: string, variable: string, shape: ResultShape, statement: CompiledStatement): CompiledOperation {
  const body = `query ${name}($${variable}: Int!) { ... }`;
  return {
    kind: 'query',
    name,
    id: sha256(body),
    body,
    shape,
    statements: [statement],
    prepare: (variables) => {
      const value = variables?.[variable];
      return Number.isInteger(value)
        ? { ok: true, statement, values: [value] }
        : { ok: false, errors: [{ message: `Variable "$${variable}" expected Int!`, extensions: { code: 'BAD_USER_INPUT' } }] };
    },
  };
}

export const PAD = 700;

/** `rows(count)`: rows {"n": n, "pad": "xxx…"} of about 730 bytes each. */
export const bigRowsOp = intOperation('BigRows', 'count', { kind: 'list', key: 'rows' }, {
  name: 'fraise_test_big_rows',
  text: `SELECT json_build_object('n', n, 'pad', repeat('x', ${PAD}))::text FROM generate_series(1, $1::int) AS n`,
});

/** Rows that take `$1` seconds each to compute: the first batch keeps the backend busy. */
export const sleepyOp = intOperation('Sleepy', 'seconds', { kind: 'list', key: 'rows' }, {
  name: 'fraise_test_sleepy',
  text: `SELECT json_build_object('n', n)::text FROM generate_series(1, 3) AS n, LATERAL (SELECT pg_sleep($1::int)) AS s`,
});
