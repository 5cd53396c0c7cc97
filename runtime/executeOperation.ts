// runtime.execute: one named prepared statement on a pooled client, rows parsed into `data`.
import pg, { type CustomTypesConfig } from 'pg';
import { FraiseError } from './errors.js';
import { databaseFailure, isStalePlan, rowCountError } from './responseErrors.js';
import { deallocate, openSession } from './session.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import type { AnyCompiledOperation, CompiledStatement, ExecutionResult, ResultShape } from './types.js';

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
  let rows: (string | null)[][];
  try {
    rows = await queryRows(settings, op, prepared.statement, prepared.values);
  } catch (error) {
    settings.onError?.(error, op);
    const failure = databaseFailure(error, settings.debug);
    return failure.executed ? { data: null, errors: failure.errors } : { errors: failure.errors };
  }
  return resultOf(op.shape, rows.map((row) => row[0] ?? null));
}

/** Runs the statement on a session; a stale cached plan is dropped and the statement run once more. */
async function queryRows(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  statement: CompiledStatement,
  values: readonly unknown[],
): Promise<(string | null)[][]> {
  const session = await openSession(settings, op);
  let broken: Error | undefined;
  session.onLost((error) => {
    broken = error;
  });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await useStatement(session.client, statement.name, settings.maxPreparedStatements);
        // Named: pg parses it once per connection and reuses the plan afterwards.
        const result = await session.client.query<(string | null)[]>({
          name: statement.name,
          text: statement.text,
          values: [...values],
          rowMode: 'array',
          types: rawText,
        });
        return result.rows;
      } catch (error) {
        if (attempt > 0 || !isStalePlan(error)) throw error;
        await deallocate(session.client, statement.name);
      }
    }
  } catch (error) {
    // A failure that is not an ErrorResponse leaves the connection in an unknown state.
    if (!(error instanceof pg.DatabaseError)) broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    session.release(broken);
  }
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
