// runtime.execute: one named prepared statement on a pooled client, rows parsed into `data` (a
// compiled mutation prepares steps instead: executeMutation.ts). With a request context, the statement and the context's set_config go in one pipeline (one round
// trip, one implicit transaction) through a portal cursor that reads every row at once.
import type { CustomTypesConfig } from 'pg';
import { SET_CONTEXT_SQL, type ContextSettings } from './context.js';
import { FraiseError } from './errors.js';
import { runMutation } from './executeMutation.js';
import { PortalCursor } from './portalCursor.js';
import { prepareOperation } from './prepare.js';
import { databaseFailure, isStalePlan, rowCountError } from './responseErrors.js';
import { rowWriterOf, type RowWriter } from './rowWriter.js';
import { isServerError } from './serverError.js';
import { deallocate, openSession, sentStatement, type Session } from './session.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import { completeListChunks, completeListRows, completeSingleRow, listNullData } from './nonNull.js';
import type { AnyCompiledOperation, CompiledStatement, ExecutionResult, GraphQLResponseError } from './types.js';

// Every column comes back as its text: pg would otherwise JSON.parse json/jsonb columns itself, and
// a json column holding a string would then be parsed twice.
const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

export async function executeOperation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  context: ContextSettings | null = null,
): Promise<ExecutionResult<unknown>> {
  const prepared = prepareOperation(op, variables);
  if (!prepared.ok) return { errors: prepared.errors };
  if ('steps' in prepared) return runMutation(settings, op, prepared.steps, context);
  let rows: (string | null)[];
  try {
    rows = await queryRows(settings, op, prepared.statement, prepared.values, context);
  } catch (error) {
    settings.onError?.(error, op);
    const failure = databaseFailure(error, settings.debug);
    return failure.executed ? { data: null, errors: failure.errors } : { errors: failure.errors };
  }
  return resultOf(op, rows);
}

/** Runs the statement on a session; a stale cached plan is dropped and the statement run once more. */
async function queryRows(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  statement: CompiledStatement,
  values: readonly unknown[],
  context: ContextSettings | null,
): Promise<(string | null)[]> {
  const session = await openSession(settings, op, context);
  const sent = sentStatement(settings, statement);
  const preamble = session.transactionSettings;
  // A list whose elements the runtime writes from their columns (ResultShape `fields`).
  const writeRow = op.shape.kind === 'list' && op.shape.fields !== undefined ? rowWriterOf(op.shape.fields) : undefined;
  let broken: Error | undefined;
  const markBroken = (error: Error): void => {
    broken ??= error;
  };
  session.onLost(markBroken);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if (settings.namedStatements) {
          const evicting = useStatement(session.client, statement.name, settings.maxPreparedStatements);
          if (evicting !== undefined) await evicting;
        }
        return preamble === null
          ? await namedQuery(session, sent, values, writeRow)
          : await withContext(session, sent, values, preamble, markBroken, writeRow);
      } catch (error) {
        if (attempt > 0 || broken !== undefined || !settings.namedStatements || !isStalePlan(error)) throw error;
        await deallocate(session.client, statement.name);
      }
    }
  } catch (error) {
    // A failure that is not an ErrorResponse leaves the connection in an unknown state.
    if (!isServerError(error)) markBroken(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    session.release(broken);
  }
}

/**
 * Named: pg parses it once per connection and reuses the plan afterwards. Unnamed (name ''): Parse,
 * Bind, Describe, Execute and Sync in one round trip, nothing kept on the connection.
 */
async function namedQuery(
  session: Session,
  statement: CompiledStatement,
  values: readonly unknown[],
  writeRow: RowWriter | undefined,
): Promise<(string | null)[]> {
  const result = await session.client.query<(string | null)[]>({
    ...(statement.name === '' ? {} : { name: statement.name }),
    text: statement.text,
    values: [...values],
    rowMode: 'array',
    types: rawText,
  });
  return writeRow === undefined ? result.rows.map((row) => row[0] ?? null) : result.rows.map(writeRow);
}

/**
 * The context's set_config and the statement in one pipeline (see portalCursor.ts). Execute's row
 * count 0 means every row; the Sync follows at once. Waits until the connection is idle again.
 */
async function withContext(
  session: Session,
  statement: CompiledStatement,
  values: readonly unknown[],
  context: ContextSettings,
  markBroken: (error: Error) => void,
  writeRow: RowWriter | undefined,
): Promise<(string | null)[]> {
  const cursor = new PortalCursor(statement, values, {
    batchSize: 0,
    singleBatch: true,
    preamble: { text: SET_CONTEXT_SQL, values: [context.names, context.values] },
    ...(writeRow === undefined ? {} : { writeRow }),
  });
  session.onLost((error) => {
    markBroken(error);
    cursor.lost(error);
  });
  try {
    session.client.query(cursor);
    return [...(await cursor.read()).rows];
  } finally {
    cursor.stop();
    const outcome = await cursor.outcome;
    session.onLost(markBroken);
    if (!outcome.reusable) markBroken(outcome.error ?? new Error('The connection was left in an unknown state'));
  }
}

function resultOf(op: AnyCompiledOperation, rows: readonly (string | null)[]): ExecutionResult<unknown> {
  const shape = op.shape;
  const error = rowCountError(shape, rows.length, false);
  if (error !== null) return { data: null, errors: [error] };
  if (shape.kind !== 'list') {
    // Non-null rules: only a row holding a marked null (or a missing non-null lookup) is parsed twice.
    const completed = completeSingleRow(op, shape, rows[0] ?? null);
    if (completed !== undefined) return { data: completed.data, errors: completed.errors };
  }
  switch (shape.kind) {
    case 'list': {
      const errors: GraphQLResponseError[] = [];
      if (shape.chunk !== undefined) {
        const read = completeListChunks(op, shape.key, rows, 0, errors);
        if (read === 'propagates') return { data: listNullData(op, shape.key), errors };
        const data = { [shape.key]: parseRow(`[${read.texts.join('')}]`) };
        return errors.length > 0 ? { data, errors } : { data };
      }
      const completed = completeListRows(op, shape.key, rows, 0, errors);
      if (completed === 'propagates') return { data: listNullData(op, shape.key), errors };
      const data = { [shape.key]: completed.map(parseRow) };
      return errors.length > 0 ? { data, errors } : { data };
    }
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
