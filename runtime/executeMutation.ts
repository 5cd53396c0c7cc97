// runtime.execute of a mutation: on one session (a pooled client with the operation's timeouts),
// BEGIN, the request context (set_config, as for queries), then each mutation field's named
// prepared statement in order, then COMMIT. If any fails, ROLLBACK: none of them is kept.
// Serialization failures and deadlocks run the whole transaction again, a bounded number of times;
// a statement whose cached plan went stale is deallocated and the transaction run once more on the
// same connection. A connection that breaks is never retried: the commit may have happened.
import type { CustomTypesConfig, PoolClient } from 'pg';
import type { CancelSignal } from './cancelSignal.js';
import { SET_CONTEXT_SQL, type ContextSettings } from './context.js';
import { isRetryable, mutationError } from './mutationErrors.js';
import { ConnectionFailure, databaseError, isStalePlan } from './responseErrors.js';
import { isServerError } from './serverError.js';
import { deallocate, openSession, sentStatement, type Session } from './session.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import type { AnyCompiledOperation, ExecutionResult, MutationStep } from './types.js';

/** Attempts of one mutation when it keeps failing with 40001 or 40P01. */
export const MAX_MUTATION_ATTEMPTS = 3;

const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

class StepFailure extends Error {
  constructor(
    readonly key: string | undefined,
    readonly statement: string | undefined,
    override readonly cause: unknown,
  ) {
    super('mutation step failed');
  }
}

/**
 * Runs a mutation whose variables were already coerced into steps (execute, stream and the HTTP
 * handler all come here when `prepare` returned steps).
 */
export async function runMutation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  steps: readonly MutationStep[],
  context: ContextSettings | null,
  signal?: CancelSignal,
): Promise<ExecutionResult<unknown>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { data: await runOnce(settings, op, steps, context, signal) };
    } catch (error) {
      const failure = error instanceof StepFailure ? error : new StepFailure(undefined, undefined, error);
      if (isRetryable(failure.cause) && attempt < MAX_MUTATION_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
        continue;
      }
      settings.onError?.(failure.cause, op);
      // No connection could be had: nothing ran, so no `data` (as for queries).
      if (failure.cause instanceof ConnectionFailure) return { errors: [databaseError(failure.cause, settings.debug)] };
      return { data: null, errors: [mutationError(failure.cause, failure.key, settings.debug)] };
    }
  }
}

async function runOnce(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  steps: readonly MutationStep[],
  context: ContextSettings | null,
  signal: CancelSignal | undefined,
): Promise<Record<string, unknown>> {
  const session = await openSession(settings, op, context, signal);
  let broken: Error | undefined;
  const markBroken = (error: Error): void => {
    broken ??= error;
  };
  session.onLost(markBroken);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await transaction(settings, session, steps, session.transactionSettings, markBroken);
      } catch (error) {
        if (!(error instanceof StepFailure) || error.statement === undefined) throw error;
        if (attempt > 0 || broken !== undefined || !settings.namedStatements || !isStalePlan(error.cause)) throw error;
        // Rolled back: nothing was kept. Drop the stale plan and run the transaction again.
        await deallocate(session.client, error.statement);
      }
    }
  } catch (error) {
    // A failure that is not an ErrorResponse leaves the connection in an unknown state.
    const cause = error instanceof StepFailure ? error.cause : error;
    if (!isServerError(cause)) markBroken(cause instanceof Error ? cause : new Error(String(cause)));
    throw error;
  } finally {
    session.release(broken);
  }
}

async function transaction(
  settings: RuntimeSettings,
  session: Session,
  steps: readonly MutationStep[],
  context: ContextSettings | null,
  markBroken: (error: Error) => void,
): Promise<Record<string, unknown>> {
  const { client } = session;
  let began = false;
  try {
    await client.query('BEGIN');
    began = true;
    if (context) await client.query(SET_CONTEXT_SQL, [context.names, context.values]);
    const data: Record<string, unknown> = {};
    for (const step of steps) data[step.key] = JSON.parse(await runStep(settings, client, step));
    await client.query('COMMIT');
    began = false;
    return data;
  } catch (error) {
    if (began) await client.query('ROLLBACK').catch((e: Error) => markBroken(e));
    throw error;
  }
}

async function runStep(settings: RuntimeSettings, client: PoolClient, step: MutationStep): Promise<string> {
  if ('json' in step) return step.json;
  try {
    if (settings.namedStatements) await useStatement(client, step.statement.name, settings.maxPreparedStatements);
    const result = await client.query<(string | null)[]>({
      // Unnamed (namedStatements: false): parsed in the same round trip, nothing kept.
      ...(settings.namedStatements ? { name: step.statement.name } : {}),
      text: step.statement.text,
      values: [...step.values],
      rowMode: 'array',
      types: rawText,
    });
    return result.rows[0]?.[0] ?? 'null';
  } catch (error) {
    throw new StepFailure(step.key, step.statement.name, error);
  }
}
