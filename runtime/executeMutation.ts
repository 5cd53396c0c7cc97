// runtime.execute of a mutation: on one pooled client, BEGIN, the request context (set_config, as
// for queries), then each mutation field's named prepared statement in order, then COMMIT. If any
// fails, ROLLBACK: none of them is kept. Serialization failures and deadlocks run the whole
// transaction again, a bounded number of times.
import type { CustomTypesConfig, PoolClient } from 'pg';
import { SET_CONTEXT_SQL, type ContextSettings } from './context.js';
import { FraiseError } from './errors.js';
import { isRetryable, mutationError } from './mutationErrors.js';
import type { RuntimeSettings } from './settings.js';
import type { AnyCompiledOperation, ExecutionResult, MutationStep } from './types.js';

/** Attempts of one mutation when it keeps failing with 40001 or 40P01. */
export const MAX_MUTATION_ATTEMPTS = 3;

const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

class StepFailure extends Error {
  constructor(
    readonly key: string | undefined,
    override readonly cause: unknown,
  ) {
    super('mutation step failed');
  }
}

export async function executeMutation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  context: ContextSettings | null,
): Promise<ExecutionResult<unknown>> {
  const prepared = op.prepare(variables);
  if (!prepared.ok) return { errors: prepared.errors };
  if (!('steps' in prepared)) throw new FraiseError('INVALID_OPERATION', `Mutation "${op.name}" did not prepare mutation steps`);
  for (let attempt = 1; ; attempt++) {
    try {
      return { data: await runOnce(settings, prepared.steps, context) };
    } catch (error) {
      const failure = error instanceof StepFailure ? error : new StepFailure(undefined, error);
      if (isRetryable(failure.cause) && attempt < MAX_MUTATION_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
        continue;
      }
      settings.onError?.(failure.cause, op);
      return { data: null, errors: [mutationError(failure.cause, failure.key, settings.debug)] };
    }
  }
}

async function runOnce(
  settings: RuntimeSettings,
  steps: readonly MutationStep[],
  context: ContextSettings | null,
): Promise<Record<string, unknown>> {
  const client = await settings.pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => void (broken = error);
  client.on('error', onError);
  let began = false;
  try {
    await client.query('BEGIN');
    began = true;
    if (context) await client.query(SET_CONTEXT_SQL, [context.names, context.values]);
    const data: Record<string, unknown> = {};
    for (const step of steps) data[step.key] = JSON.parse(await runStep(client, step));
    await client.query('COMMIT');
    began = false;
    return data;
  } catch (error) {
    if (began) await rollback(client).catch((e: Error) => void (broken ??= e));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

async function runStep(client: PoolClient, step: MutationStep): Promise<string> {
  if ('json' in step) return step.json;
  try {
    const result = await client.query<(string | null)[]>({
      name: step.statement.name,
      text: step.statement.text,
      values: [...step.values],
      rowMode: 'array',
      types: rawText,
    });
    return result.rows[0]?.[0] ?? 'null';
  } catch (error) {
    throw new StepFailure(step.key, error);
  }
}

async function rollback(client: PoolClient): Promise<void> {
  await client.query('ROLLBACK');
}
