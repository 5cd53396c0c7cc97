// runtime.execute: one named prepared statement through pool.query, rows parsed into `data`. With
// a request context, the statement and the context's set_config go in one pipeline (one round
// trip, one implicit transaction) through a portal cursor that reads every row at once.
import type { CustomTypesConfig } from 'pg';
import { SET_CONTEXT_SQL, type ContextSettings } from './context.js';
import { FraiseError } from './errors.js';
import { PortalCursor } from './portalCursor.js';
import { withCursor } from './withCursor.js';
import { databaseError, rowCountError } from './responseErrors.js';
import type { RuntimeSettings } from './settings.js';
import type { AnyCompiledOperation, ExecutionResult, ResultShape } from './types.js';

// Every column comes back as its text: pg would otherwise JSON.parse json/jsonb columns itself, and
// a json column holding a string would then be parsed twice.
const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

export async function executeOperation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  context: ContextSettings | null = null,
): Promise<ExecutionResult<unknown>> {
  const prepared = op.prepare(variables);
  if (!prepared.ok) return { errors: prepared.errors };
  if (!('statement' in prepared)) throw new FraiseError('INVALID_OPERATION', `Operation "${op.name}" did not prepare a statement`);
  if (context !== null) {
    // Execute's row count 0 means every row; the Sync follows at once.
    const cursor = new PortalCursor(prepared.statement, prepared.values, {
      batchSize: 0,
      singleBatch: true,
      preamble: { text: SET_CONTEXT_SQL, values: [context.names, context.values] },
    });
    let batch: readonly (string | null)[];
    try {
      batch = await withCursor(settings.pool, cursor, async () => (await cursor.read()).rows);
    } catch (error) {
      settings.onError?.(error, op);
      return { data: null, errors: [databaseError(error, settings.debug)] };
    }
    return resultOf(op.shape, batch);
  }
  const { name, text } = prepared.statement;
  let rows: (string | null)[][];
  try {
    // Named: pg parses it once per connection and reuses the plan afterwards.
    const result = await settings.pool.query<(string | null)[]>({
      name,
      text,
      values: [...prepared.values],
      rowMode: 'array',
      types: rawText,
    });
    rows = result.rows;
  } catch (error) {
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
