// What the soak's load generator (bench/soak.ts) and its server process (bench/soakServer.ts)
// share: the soak's own operation, a 10,000-row list of about 730 bytes per row computed by
// PostgreSQL (hand-written, like a generated module's), the pool size and the server's samples.
import { createHash } from 'node:crypto';
import type { AnyCompiledOperation } from '@fraise/runtime';

export const STREAM_ROWS = 10_000;

const bigStatement = {
  name: 'fraise_soak_big_rows',
  text: `SELECT json_build_object('n', n, 'pad', repeat('x', 700))::text FROM generate_series(1, $1::int) AS n`,
};

export const bigRows: AnyCompiledOperation = {
  kind: 'query',
  name: 'SoakBigRows',
  id: createHash('sha256').update('query SoakBigRows($count: Int!) { rows }').digest('hex'),
  body: 'query SoakBigRows($count: Int!) { rows }',
  shape: { kind: 'list', key: 'rows' },
  statements: [bigStatement],
  prepare: (variables) =>
    Number.isInteger(variables?.['count'])
      ? { ok: true, statement: bigStatement, values: [variables!['count']] }
      : { ok: false, errors: [{ message: 'Variable "$count" expected Int!', extensions: { code: 'BAD_USER_INPUT' } }] },
};

export const SOAK_POOL_SIZE = 10;

/** The server's answer to { type: 'sample' }. */
export interface SoakSample {
  readonly type: 'sample';
  /** process.memoryUsage() after two full garbage collections. */
  readonly memory: NodeJS.MemoryUsage;
  /** Named statements pg knows on each pooled connection (the runtime bounds them per connection). */
  readonly statementsPerConnection: readonly number[];
  readonly handlerErrors: number;
  readonly firstHandlerErrors: readonly string[];
}
