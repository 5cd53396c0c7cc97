
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
import { PortalCursor, type CursorOptions, type RowBatch } from './portalCursor.js';
import { prepareOperation } from './prepare.js';
import { ResponseSink, type SinkOwner } from './responseSink.js';
import { rowWriterOf } from './rowWriter.js';
import { databaseFailure, isStalePlan, ResponseFailure, rowCountError } from './responseErrors.js';
import { deallocate, openSession, sentStatement, type Session } from './session.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import type { AnyCompiledOperation, CoercionResult, GraphQLResponseError } from './types.js';

/** How long a batch in flight may still take after the reader left, before it is cancelled. */
const CANCEL_GRACE_MS = 50;

/** Single-row shapes fetch two rows: enough to tell "one" from "several" without reading on. */
const SINGLE_ROW_OPTIONS: CursorOptions = { batchSize: 2, singleBatch: true };

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
  hooks: StreamHooks = NO_HOOKS,
  context: ContextSettings | null = null,
): Promise<StreamReport> {
  const run = new StreamRun(settings, op, prepared, context, writable, hooks.signal);
  const sink = run.sink;
  try {
    if (sink.gone) return { rows: 0, errors: NO_ERRORS, complete: false };
    const last = await run.run();
    if (last === undefined) return { rows: run.rows, errors: NO_ERRORS, complete: false };
    await sink.end(last);
    return { rows: run.rows, errors: NO_ERRORS, complete: !sink.gone };
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

const NO_HOOKS: StreamHooks = {};
const NO_ERRORS: readonly GraphQLResponseError[] = Object.freeze([]);

/** Writes a whole response and ends the writable. */
export async function writeResponse(writable: Writable, body: string): Promise<void> {
  const sink = new ResponseSink(writable);
  try {
    await sink.end(body);
  } finally {
    sink.dispose();
  }
}

const IGNORE_LOSS = (_error: Error): void => {};
const ALWAYS_WAITING = (): boolean => true;

/**
 * One streamed response: its sessions and cursors, and what happens when its reader leaves. One
 * object holds what closures and result objects held before (bench:http: fewer allocations per
 * request, and a smaller live set for the young generation's collections under load).
 */
class StreamRun implements SinkOwner {
  readonly sink: ResponseSink;
  /** Rows written (rows of a list, or the single row). */
  rows = 0;
  readonly #signal: CancelSignal;
  /** Without a caller's signal: ours, aborted when the reader leaves. */
  readonly #waiting: CancelSource | undefined;
  /** The exchange in progress, and the cancel of its statement when the reader leaves. */
  #session: Session | undefined;
  #cursor: PortalCursor | undefined;
  #cancelTimer: NodeJS.Timeout | undefined;
  #cancelled = false;

  constructor(
    private readonly settings: RuntimeSettings,
    private readonly op: AnyCompiledOperation,
    private readonly prepared: Prepared,
    private readonly context: ContextSettings | null,
    writable: Writable,
    signal: CancelSignal | undefined,
  ) {
    // Ends a wait for a connection when the reader leaves. A caller's signal already fires then
    // (createHandler's on the response's 'close'), so it is used as it is: no second one per request.
    this.#waiting = signal === undefined ? new CancelSource() : undefined;
    this.#signal = signal ?? this.#waiting!;
    this.sink = new ResponseSink(writable, this);
  }

  /** The sink's reader left: no more waiting for a connection, no more reading. */
  readerLeft(): void {
    this.#waiting?.abort();
    const cursor = this.#cursor;
    if (cursor === undefined) return;
    cursor.stop();
    // The reader left while the backend computes rows nobody will read. A batch usually arrives
    // within milliseconds, and then the portal just closes; one that takes longer is cancelled.
    if (cursor.fetching && this.#cancelTimer === undefined) {
      const session = this.#session!;
      this.#cancelTimer = setTimeout(() => {
        if (!cursor.fetching) return;
        this.#cancelled = true;
        cancelRunningStatement(session.pool, session.client);
      }, CANCEL_GRACE_MS);
    }
  }

  /**
   * Runs the operation on a session; returns the last chunk (or undefined when the reader left). A
   * cached plan that went stale (a view's columns changed) is dropped and the statement run once
   * more: it fails on the first Execute, before any byte. A query whose connection broke before any
   * byte was written (a pooled connection whose backend was terminated or restarted while idle)
   * runs once more on a new connection; a mutation does not, as it may have been applied.
   */
  async run(): Promise<string | readonly string[] | undefined> {
    const { settings, op, prepared, sink } = this;
    for (let reconnects = 0; ; reconnects++) {
      const session = await openSession(settings, op, this.context, this.#signal);
      let broken: Error | undefined;
      try {
        for (let attempt = 0; ; attempt++) {
          if (settings.namedStatements) {
            // Settled at once when the connection knows the statement (no turn of the event loop).
            const evicting = useStatement(session.client, prepared.statement.name, settings.maxPreparedStatements);
            if (evicting !== undefined) await evicting;
          }
          const cursor = new PortalCursor(sentStatement(settings, prepared.statement), prepared.values, this.#cursorOptions(session));
          // Runs the cursor to its end and waits until the connection is idle again.
          this.#session = session;
          this.#cursor = cursor;
          this.#cancelled = false;
          session.onLost((error) => cursor.lost(error));
          // Between batches we wait for the reader, not for PostgreSQL.
          if (cursor.batched) session.waitingWhen(() => !cursor.suspended);
          let value: string | readonly string[] | undefined;
          let failure: unknown;
          let failed = false;
          try {
            session.client.query(cursor);
            value = op.shape.kind === 'list' ? await this.#pumpList(cursor, op.shape.key) : this.#single(await cursor.read());
          } catch (error) {
            failed = true;
            failure = error;
          }
          cursor.stop();
          // A single batch has usually settled with its rows: no turn of the event loop then.
          const outcome = cursor.settledOutcome ?? (await cursor.outcome);
          clearTimeout(this.#cancelTimer);
          this.#cancelTimer = undefined;
          this.#cursor = undefined;
          this.#session = undefined;
          session.onLost(IGNORE_LOSS);
          if (cursor.batched) session.waitingWhen(ALWAYS_WAITING);
          if (!outcome.reusable) broken = outcome.error;
          else if (this.#cancelled) {
            // We cancelled because the reader left: that is how this response ends, not a failure.
            if (wasCancelled(cursor.error)) failed = false;
            // The cancel was not reported, so it may still arrive during the next statement: drop the connection.
            else broken = new Error('A cancel request may still be in flight');
            if (!failed) value = undefined;
          }
          if (!failed) return value;
          if (broken !== undefined) {
            if (reconnects === 0 && op.kind === 'query' && !sink.started && !sink.gone) break;
            throw failure;
          }
          if (attempt > 0 || sink.started || !settings.namedStatements || !isStalePlan(failure)) throw failure;
          await deallocate(session.client, prepared.statement.name);
        }
      } finally {
        session.release(broken);
      }
      this.rows = 0;
    }
  }

  #cursorOptions(session: Session): CursorOptions {
    const shape = this.op.shape;
    let options: CursorOptions;
    if (shape.kind !== 'list') options = SINGLE_ROW_OPTIONS;
    else if (shape.fields !== undefined) {
      // At most MAX_AGGREGATED_ROWS rows (a literal limit): all in one Execute, then Sync, one
      // round trip and one write, as when PostgreSQL aggregated them into one row.
      options = { batchSize: 0, singleBatch: true, writeRow: rowWriterOf(shape.fields) };
    } else {
      // A chunked list (rows of `chunk` elements) reads as many elements per batch as any list.
      options = { batchSize: shape.chunk !== undefined ? Math.max(1, Math.ceil(this.settings.batchSize / shape.chunk)) : this.settings.batchSize };
    }
    const preamble = session.transactionSettings;
    if (preamble === null) return options;
    // The context's set_config goes in the same pipeline and implicit transaction (see portalCursor.ts).
    return { ...options, preamble: { text: SET_CONTEXT_SQL, values: [preamble.names, preamble.values] } };
  }


  /**
   * Writes all but the last chunk; returns the last (or undefined when the writable went away).
   * Rows holding a marked null are completed (nonNull.ts) and their errors follow `data`; a null
   * that propagates past its row replaces the whole response while nothing was written, and cuts
   * it off (like a failure mid-stream) once something was.
   */
  async #pumpList(cursor: PortalCursor, key: string): Promise<string | readonly string[] | undefined> {
    const { op, sink } = this;
    const frames = framesOf(op);
    const errors: GraphQLResponseError[] = [];
    const chunked = op.shape.kind === 'list' && op.shape.chunk !== undefined;
    // A chunked list's rows are large: they go out as pieces, never copied into one string.
    let pieces: string[] = [frames.open];
    let separator = '';
    for (;;) {
      const batch = await cursor.read();
      if (batch.rows.length > 0) {
        const read = chunked ? completeListChunks(op, key, batch.rows, this.rows, errors) : completeListRows(op, key, batch.rows, this.rows, errors);
        if (read === 'propagates') {
          if (sink.started) {
            throw new FraiseError('STREAM_ABORTED', `A null in a non-null position of "${key}" propagated past its row after the response began`);
          }
          return JSON.stringify({ data: listNullData(op, key), errors });
        }
        if ('texts' in read) {
          for (const text of read.texts) pieces.push(text);
          this.rows += read.count;
        } else {
          pieces.push(separator + joinRows(read));
          separator = ',';
          this.rows += batch.rows.length;
        }
      }
      if (!batch.more) {
        pieces.push(closeWithErrors(frames, errors));
        return chunked ? pieces : pieces.join('');
      }
      if (!(await sink.write(chunked ? pieces : pieces.join('')))) return undefined;
      pieces = [];
    }
  }

  /** The response of a single-row shape (object or data) from its batch. */
  #single(batch: RowBatch): string {
    const { op } = this;
    const shape = op.shape;
    const error = rowCountError(shape, batch.rows.length, batch.more);
    if (error !== null) throw new ResponseFailure([error]);
    this.rows = batch.rows.length;
    const row = batch.rows[0] ?? null;
    const completed = completeSingleRow(op, shape, row);
    if (completed !== undefined) return JSON.stringify({ data: completed.data, errors: completed.errors });
    const frames = framesOf(op);
    return frames.open + rowText(row) + frames.close;
  }
}
