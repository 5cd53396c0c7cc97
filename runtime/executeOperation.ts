// runtime.execute: one named prepared statement through pool.query, rows parsed into `data`.
import pg from 'pg';
import type { CustomTypesConfig, PoolClient } from 'pg';
import { FraiseError } from './errors.js';
import { databaseError, rowCountError } from './responseErrors.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import type { AnyCompiledOperation, ExecutionResult, ResultShape } from './types.js';

// Every column comes back as its text: pg would otherwise JSON.parse json/jsonb columns itself, and
// a json column holding a string would then be parsed twice.
const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

export async function executeOperation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): Promise<ExecutionResult<unknown>> {
  const prepared = op.prepare(variables);
  if (!prepared.ok) return { errors: prepared.errors };
  const { name, text } = prepared.statement;
  let rows: (string | null)[][];
  let client: PoolClient | undefined;
  try {
    client = await settings.pool.connect();
    await useStatement(client, name, settings.maxPreparedStatements);
    // Named: pg parses it once per connection and reuses the plan afterwards.
    const result = await client.query<(string | null)[]>({
      name,
      text,
      values: [...prepared.values],
      rowMode: 'array',
      types: rawText,
    });
    rows = result.rows;
    client.release();
  } catch (error) {
    // After a statement's error the session is intact; anything else may have broken the connection.
    client?.release(isStatementError(error) ? undefined : (error as Error));
    settings.onError?.(error, op);
    return { data: null, errors: [databaseError(error, settings.debug)] };
  }
  return resultOf(op.shape, rows.map((row) => row[0] ?? null));
}

function resultOf(shape: ResultShape, rows: readonly (string | null)[]): ExecutionResult<unknown> {
  const error = rowCountError(shape, rows.length, false);
  if (error !== null) return { data: null, errors: [error] };
  switch (shape.kind) {
    case 'list':
      return { data: { [shape.key]: rows.map(parseRow) } };
    case 'object':
      return { data: { [shape.key]: parseRow(rows[0] ?? null) } };
    case 'data':
      return { data: parseRow(rows[0] ?? null) };
  }
}

function parseRow(row: string | null): unknown {
  if (row === null) return null;
  try {
    return JSON.parse(row);
  } catch (cause) {
    throw new FraiseError('INVALID_ROW', 'A result row did not hold JSON text', { cause });
  }
}

function isStatementError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}
