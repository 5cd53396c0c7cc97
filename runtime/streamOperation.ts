
// runtime.stream: the response is written as it is read, rows copied as JSON text without parsing.
// A list is read `batchSize` rows at a time and the next batch is fetched only once the writable
// has drained. Failures before the first byte become a GraphQL error response; after it the
// writable is destroyed, since the JSON cannot be completed. When the writable goes away while the
// backend is computing a batch, the statement is cancelled in PostgreSQL. A request context's
// set_config runs before the statement in the same pipeline and implicit transaction.
import type { Writable } from 'node:stream';
import { AcquireRefused } from './acquire.js';
import { cancelRunningStatement, wasCancelled } from './cancel.js';
import { SET_CONTEXT_SQL, type ContextSettings } from './context.js';
import { FraiseError } from './errors.js';
import { runMutation } from './executeMutation.js';
import { CancelSource, type CancelSignal } from './cancelSignal.js';
import { closeWithErrors, errorsBody, framesOf, joinRows, rowText } from './frames.js';
import { completeListChunks, completeListRows, completeSingleRow, listNullData } from './nonNull.js';
import { PortalCursor } from './portalCursor.js';
import { prepareOperation } from './prepare.js';
import { ResponseSink } from './responseSink.js';
import { databaseFailure, isStalePlan, ResponseFailure, rowCountError } from './responseErrors.js';
import { deallocate, openSession, sentStatement, type Session } from './session.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import type { AnyCompiledOperation, CoercionResult, GraphQLResponseError } from './types.js';

/** How long a batch in flight may still take after the reader left, before it is cancelled. */
const CANCEL_GRACE_MS = 50;

/**
 * Rows per round trip of a list: `batchSize` elements, so a chunked list (rows of `chunk`
 * elements) holds as much in memory per batch as a list with a row per element.
 */
function listBatchSize(batchSize: number, chunk: number | undefined): number {
  return chunk === undefined ? batchSize : Math.max(1, Math.ceil(batchSize / chunk));
}

/** Single-row shapes fetch two rows: enough to tell "one" from "several" without reading on. */
const SINGLE_ROW_OPTIONS = { batchSize: 2, singleBatch: true } as const;

/** A query's coerced variables: its statement and bind values (a mutation prepares steps instead). */
export type Prepared = Extract<CoercionResult, { ok: true; statement: unknown }>;

export interface StreamHooks {
  /**
   * Runs just before an error response is written in place of the result (nothing was written
   * yet, so e.g. an HTTP status can still be set). `executed` is false when no `data` is written.
   */
  readonly beforeErrorResponse?: (errors: readonly GraphQLResponseError[], executed: boolean) => void;
  /**
   * Aborts a wait for a connection (e.g. the server shuts down). Without it the writable closing
   * does; with it, it alone does, so it must also fire when the writable's reader leaves
   * (createHandler's fires on the response's 'close').
   */
  readonly signal?: CancelSignal;
}

/** What happened to one streamed response. */
export interface StreamReport {
  /** Rows written (rows of a list, or the single row). */
  readonly rows: number;
  /** GraphQL errors written in place of a result. */
  readonly errors: readonly GraphQLResponseError[];
  /** False when the writable went away before the response was complete. */
  readonly complete: boolean;
}

export async function streamOperation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  writable: Writable,
  context: ContextSettings | null = null,
): Promise<void> {
  const prepared = prepareOperation(op, variables);
  if (!prepared.ok) return writeResponse(writable, errorsBody(prepared.errors, false));
  if ('steps' in prepared) {
    // A mutation's response is small and only complete once committed: written whole.
    return writeResponse(writable, JSON.stringify(await runMutation(settings, op, prepared.steps, context)));
  }
  await streamPrepared(settings, op, prepared, writable, {}, context);
}

/** Streams an operation whose variables were already coerced. */
export async function streamPrepared(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  prepared: Prepared,
  writable: Writable,
  hooks: StreamHooks = {},
  context: ContextSettings | null = null,
): Promise<StreamReport> {
  let abort = (): void => {};
  // Ends a wait for a connection when the reader leaves. A caller's signal already fires then
  // (createHandler's on the response's 'close'), so it is used as it is: no second controller and
  // listener per request.
  const waiting = hooks.signal === undefined ? new CancelSource() : undefined;
  const sink = new ResponseSink(writable, () => {
    waiting?.abort();
    abort();
  });
  const counter = { rows: 0 };
  try {
    if (sink.gone) return { rows: 0, errors: [], complete: false };
    const last = await withRetry(settings, op, prepared, context, sink, counter, hooks.signal ?? waiting!, (stop) => {
      abort = stop;
    });
    if (last === undefined) return { rows: counter.rows, errors: [], complete: false };
    await sink.end(last);
    return { rows: counter.rows, errors: [], complete: !sink.gone };
  } catch (error) {
    // A reader that left while waiting for a connection is not a failure worth reporting.
    if (!(error instanceof ResponseFailure) && !(error instanceof AcquireRefused && sink.gone)) settings.onError?.(error, op);
    if (!sink.started && !(error instanceof FraiseError)) {
      const { errors, executed } =
        error instanceof ResponseFailure ? { errors: error.errors, executed: true } : databaseFailure(error, settings.debug);
      if (sink.gone) return { rows: 0, errors, complete: false };
      hooks.beforeErrorResponse?.(errors, executed);
      await sink.end(errorsBody(errors, executed));
      return { rows: 0, errors, complete: true };
    }
    const failure =
      error instanceof FraiseError
        ? error
        : new FraiseError('STREAM_ABORTED', 'The response broke off: the query failed mid-stream', { cause: error });
    if (sink.started) sink.fail(failure);
    throw failure;
  } finally {
    sink.dispose();
  }
}

/** Writes a whole response and ends the writable. */
export async function writeResponse(writable: Writable, body: string): Promise<void> {
  const sink = new ResponseSink(writable);
  try {
    await sink.end(body);
  } finally {
    sink.dispose();
  }
}

/**
 * Runs the operation on a session. A cached plan that went stale (a view's columns changed) is
 * dropped and the statement run once more: it fails on the first Execute, before any byte. A query
 * whose connection broke before any byte was written (a pooled connection whose backend was
 * terminated or restarted while idle) runs once more on a new connection; a mutation does not, as
 * it may have been applied.
 */
async function withRetry(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  prepared: Prepared,
  context: ContextSettings | null,
  sink: ResponseSink,
  counter: { rows: number },
  signal: CancelSignal,
  setAbort: (abort: () => void) => void,
): Promise<string | undefined> {
  for (let reconnects = 0; ; reconnects++) {
    const session = await openSession(settings, op, context, signal);
    const preamble = session.transactionSettings;
    let broken: Error | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        if (settings.namedStatements) {
          // Settled at once when the connection knows the statement (no turn of the event loop).
          const evicting = useStatement(session.client, prepared.statement.name, settings.maxPreparedStatements);
          if (evicting !== undefined) await evicting;
        }
        const cursor = new PortalCursor(sentStatement(settings, prepared.statement), prepared.values, {
          ...(op.shape.kind === 'list' ? { batchSize: listBatchSize(settings.batchSize, op.shape.chunk) } : SINGLE_ROW_OPTIONS),
          // The context's set_config goes in the same pipeline and implicit transaction (see portalCursor.ts).
          ...(preamble !== null ? { preamble: { text: SET_CONTEXT_SQL, values: [preamble.names, preamble.values] } } : {}),
        });
        const run = await withCursor(settings, session, cursor, setAbort, () =>
          op.shape.kind === 'list' ? pumpList(cursor, sink, op, op.shape.key, counter) : readSingle(cursor, op, counter),
        );
        broken = run.broken;
        if (run.result.ok) return run.result.value;
        if (broken !== undefined) {
          if (reconnects === 0 && op.kind === 'query' && !sink.started && !sink.gone) break;
          throw run.result.error;
        }
        if (attempt > 0 || sink.started || !settings.namedStatements || !isStalePlan(run.result.error)) throw run.result.error;
        await deallocate(session.client, prepared.statement.name);
      }
    } finally {
      session.release(broken);
    }
    counter.rows = 0;
  }
}

const NOTHING_TO_ABORT = (): void => {};
const IGNORE_LOSS = (_error: Error): void => {};
const ALWAYS_WAITING = (): boolean => true;

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Runs `body` with the cursor submitted and waits until the connection is idle again. `broken` is
 * set when the connection must not be reused (pass it to release).
 */
async function withCursor(
  settings: RuntimeSettings,
  session: Session,
  cursor: PortalCursor,
  setAbort: (abort: () => void) => void,
  body: () => Promise<string | undefined>,
): Promise<{ readonly result: Settled<string | undefined>; readonly broken: Error | undefined }> {
  let cancelled = false;
  let cancelTimer: NodeJS.Timeout | undefined;
  setAbort(() => {
    cursor.stop();
    // The reader left while the backend computes rows nobody will read. A batch usually arrives
    // within milliseconds, and then the portal just closes; one that takes longer is cancelled.
    if (cursor.fetching && cancelTimer === undefined) {
      cancelTimer = setTimeout(() => {
        if (!cursor.fetching) return;
        cancelled = true;
        cancelRunningStatement(session.pool, session.client);
      }, CANCEL_GRACE_MS);
    }
  });
  session.onLost((error) => cursor.lost(error));
  // Between batches we wait for the reader, not for PostgreSQL.
  if (cursor.batched) session.waitingWhen(() => !cursor.suspended);
  let result: Settled<string | undefined>;
  try {
    session.client.query(cursor);
    result = { ok: true, value: await body() };
  } catch (error) {
    result = { ok: false, error };
  }
  cursor.stop();
  // A single batch has usually settled with its rows: no turn of the event loop then.
  const outcome = cursor.settledOutcome ?? (await cursor.outcome);
  clearTimeout(cancelTimer);
  setAbort(NOTHING_TO_ABORT);
  session.onLost(IGNORE_LOSS);
  if (cursor.batched) session.waitingWhen(ALWAYS_WAITING);
  if (!outcome.reusable) return { result, broken: outcome.error };
  if (!cancelled) return { result, broken: undefined };
  // We cancelled because the reader left: that is how this response ends, not a failure.
  if (wasCancelled(cursor.error)) return { result: { ok: true, value: undefined }, broken: undefined };
  // The cancel was not reported, so it may still arrive during the next statement: drop the connection.
  return { result: result.ok ? { ok: true, value: undefined } : result, broken: new Error('A cancel request may still be in flight') };
}

/**
 * Writes all but the last chunk; returns the last (or undefined when the writable went away). Rows
 * holding a marked null are completed (nonNull.ts) and their errors follow `data`; a null that
 * propagates past its row replaces the whole response while nothing was written, and cuts it off
 * (like a failure mid-stream) once something was.
 */
async function pumpList(
  cursor: PortalCursor,
  sink: ResponseSink,
  op: AnyCompiledOperation,
  key: string,
  counter: { rows: number },
): Promise<string | undefined> {
  const frames = framesOf(op);
  const errors: GraphQLResponseError[] = [];
  const chunked = op.shape.kind === 'list' && op.shape.chunk !== undefined;
  let chunk = frames.open;
  let separator = '';
  for (;;) {
    const batch = await cursor.read();
    if (batch.rows.length > 0) {
      const read = chunked ? completeListChunks(op, key, batch.rows, counter.rows, errors) : completeListRows(op, key, batch.rows, counter.rows, errors);
      if (read === 'propagates') {
        if (sink.started) {
          throw new FraiseError('STREAM_ABORTED', `A null in a non-null position of "${key}" propagated past its row after the response began`);
        }
        return JSON.stringify({ data: listNullData(op, key), errors });
      }
      chunk += separator + ('text' in read ? read.text : joinRows(read));
      separator = ',';
      counter.rows += 'count' in read ? read.count : batch.rows.length;
    }
    if (!batch.more) return chunk + closeWithErrors(frames, errors);
    if (!(await sink.write(chunk))) return undefined;
    chunk = '';
  }
}

async function readSingle(cursor: PortalCursor, op: AnyCompiledOperation, counter: { rows: number }): Promise<string> {
  const shape = op.shape;
  const batch = await cursor.read();
  const error = rowCountError(shape, batch.rows.length, batch.more);
  if (error !== null) throw new ResponseFailure([error]);
  counter.rows = batch.rows.length;
  const row = batch.rows[0] ?? null;
  const completed = completeSingleRow(op, shape, row);
  if (completed !== undefined) return JSON.stringify({ data: completed.data, errors: completed.errors });
  const frames = framesOf(op);
  return frames.open + rowText(row) + frames.close;
}
