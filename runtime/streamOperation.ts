// runtime.stream: the response is written as it is read, rows copied as JSON text without parsing.
// A list is read `batchSize` rows at a time and the next batch is fetched only once the writable
// has drained. Failures before the first byte become a GraphQL error response; after it the
// writable is destroyed, since the JSON cannot be completed.
import type { Writable } from 'node:stream';
import { FraiseError } from './errors.js';
import { errorsBody, framesFor, joinRows, rowText, type Frames } from './frames.js';
import { PortalCursor } from './portalCursor.js';
import { ResponseSink } from './responseSink.js';
import { databaseError, ResponseFailure, rowCountError } from './responseErrors.js';
import type { RuntimeSettings } from './settings.js';
import { useStatement } from './statementBound.js';
import type { AnyCompiledOperation, ResultShape } from './types.js';

/** Single-row shapes fetch two rows: enough to tell "one" from "several" without reading on. */
const SINGLE_ROW_OPTIONS = { batchSize: 2, singleBatch: true } as const;

export async function streamOperation(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  writable: Writable,
): Promise<void> {
  const prepared = op.prepare(variables);
  if (!prepared.ok) return writeWhole(writable, errorsBody(prepared.errors, false));
  const { shape } = op;
  const cursor = new PortalCursor(
    prepared.statement,
    prepared.values,
    shape.kind === 'list' ? { batchSize: settings.batchSize } : SINGLE_ROW_OPTIONS,
  );
  const sink = new ResponseSink(writable, () => cursor.stop());
  try {
    if (sink.gone) return;
    const last = await withCursor(settings, cursor, () =>
      shape.kind === 'list' ? pumpList(cursor, sink, framesFor(shape)) : readSingle(cursor, shape),
    );
    if (last !== undefined) await sink.end(last);
  } catch (error) {
    if (!(error instanceof ResponseFailure)) settings.onError?.(error, op);
    if (!sink.started && !(error instanceof FraiseError)) {
      const errors = error instanceof ResponseFailure ? error.errors : [databaseError(error, settings.debug)];
      return await sink.end(errorsBody(errors, true));
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

async function writeWhole(writable: Writable, body: string): Promise<void> {
  const sink = new ResponseSink(writable);
  try {
    await sink.end(body);
  } finally {
    sink.dispose();
  }
}

/** Runs `body` with the cursor submitted on a pooled client, and always gives the client back. */
async function withCursor<T>(settings: RuntimeSettings, cursor: PortalCursor, body: () => Promise<T>): Promise<T> {
  const client = await settings.pool.connect();
  try {
    await useStatement(client, cursor.name, settings.maxPreparedStatements);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  // A held client emits 'error' when its backend goes away; unlistened, that crashes the process.
  const onError = (error: Error): void => cursor.lost(error);
  client.on('error', onError);
  try {
    client.query(cursor);
    return await body();
  } finally {
    cursor.stop();
    const outcome = await cursor.outcome;
    client.off('error', onError);
    // Releasing with an error makes the pool destroy the client instead of reusing it.
    client.release(outcome.reusable ? undefined : outcome.error);
  }
}

/** Writes all but the last chunk; returns the last (or undefined when the writable went away). */
async function pumpList(cursor: PortalCursor, sink: ResponseSink, frames: Frames): Promise<string | undefined> {
  let chunk = frames.open;
  let separator = '';
  for (;;) {
    const batch = await cursor.read();
    if (batch.rows.length > 0) {
      chunk += separator + joinRows(batch.rows);
      separator = ',';
    }
    if (!batch.more) return chunk + frames.close;
    if (!(await sink.write(chunk))) return undefined;
    chunk = '';
  }
}

async function readSingle(cursor: PortalCursor, shape: ResultShape): Promise<string> {
  const batch = await cursor.read();
  const error = rowCountError(shape, batch.rows.length, batch.more);
  if (error !== null) throw new ResponseFailure([error]);
  const frames = framesFor(shape);
  return frames.open + rowText(batch.rows[0] ?? null) + frames.close;
}
