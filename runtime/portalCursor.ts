// A pg "Submittable" that reads a named prepared statement through a portal, `batchSize` rows per
// Execute, and sends the next Execute only when asked: the caller decides the pace (backpressure),
// so a large result never sits whole in memory. Unlike pg-cursor it Parses only when this
// connection has not parsed the statement yet, so PostgreSQL plans it once per connection.
//
// Protocol, per the extended query flow:
//   [Parse name] Bind '' name values, Execute '' batchSize, Flush   -> rows, PortalSuspended
//   Execute '' batchSize, Flush                                     -> rows, PortalSuspended | CommandComplete
//   Close portal '', Sync                                           -> CloseComplete, ReadyForQuery
// With `singleBatch` (a result of at most one row) the first Execute is followed by Sync instead of
// Flush: one round trip, and the Sync disposes of the portal.
// With a `preamble` (the request context's set_config statement), its unnamed Parse, Bind and
// Execute go into the same first packet, before the statement's Bind: everything up to the Sync
// is one implicit transaction, so the settings hold for the statement and cost no round trip.
// (The statement's own Parse goes first: pg's Client marks the cursor's statement as parsed on
// any ParseComplete, which is then only true once that Parse succeeded.)
// After an ErrorResponse the backend skips everything up to the next Sync, so an error is
// answered with a Sync (unless one is already sent) and the client is usable again once its
// ReadyForQuery arrives.
import type { Connection } from 'pg';
import { FraiseError } from './errors.js';
import { noteParseSent, preparedText, prepareValue, wireOf, type BindValue, type WireConnection } from './pgInternals.js';
import type { RowWriter } from './rowWriter.js';
import { isServerError } from './serverError.js';
import type { CompiledStatement } from './types.js';

export interface RowBatch {
  /** Each row's first column (JSON text, or null for SQL NULL), or what `writeRow` wrote of its columns. */
  readonly rows: readonly (string | null)[];
  /** True when the portal was suspended: there may be more rows (`read()` fetches them). */
  readonly more: boolean;
}

export interface CursorOptions {
  /** Rows per Execute. */
  readonly batchSize: number;
  /** Fetch one batch only and end the exchange with it (saves the Close round trip). */
  readonly singleBatch?: boolean;
  /** A statement run first in the same transaction, its rows ignored (see the file comment). */
  readonly preamble?: { readonly text: string; readonly values: readonly unknown[] };
  /** Writes each row's JSON from all its columns (ResultShape `fields`), instead of taking the first. */
  readonly writeRow?: RowWriter;
}

/** How the connection was left: reusable, or to be destroyed (pass `error` to `release`). */
export type CursorOutcome = { readonly reusable: true } | { readonly reusable: false; readonly error: Error };

type State = 'pending' | 'fetching' | 'suspended' | 'closing' | 'failed' | 'finished';

/** A read() waiting for its batch. */
interface BatchWaiter {
  resolve(batch: RowBatch): void;
  reject(error: unknown): void;
}

const PORTAL = ''; // the unnamed portal: we hold the connection, and Sync disposes of it anyway

export class PortalCursor {
  // pg's Client reads these two on ParseComplete and on errors (see the file comment).
  readonly name: string;
  readonly text: string;
  /** Set by pg's Client when given a callback or a read timeout; called once when settled. */
  callback: ((error: Error | null) => void) | undefined;

  readonly #values: readonly BindValue[];
  readonly #batchSize: number;
  readonly #singleBatch: boolean;
  readonly #writeRow: RowWriter | undefined;
  readonly #preamble: { readonly text: string; readonly values: readonly BindValue[] } | undefined;
  /** CommandCompletes still expected from the preamble, before the statement's rows. */
  #preamblePending: number;
  #state: State = 'pending';
  #connection: WireConnection | undefined;
  #rows: (string | null)[] = [];
  // Promises are made only when someone waits (bench:http: two deferreds with their guards per
  // request were a visible share of a small request's Node CPU): a batch that arrived before its
  // read() waits here, and a read() before its batch waits in #waiter.
  #delivered: RowBatch | undefined;
  #waiter: BatchWaiter | undefined;
  #error: Error | undefined;
  #stopRequested = false;
  #wroteToWire = false;
  #syncSent = false;
  #outcome: CursorOutcome | undefined;
  #onOutcome: ((outcome: CursorOutcome) => void) | undefined;
  #settled = false;

  constructor(statement: CompiledStatement, values: readonly unknown[], options: CursorOptions) {
    this.name = statement.name;
    this.text = statement.text;
    // Serialised up front: a value pg cannot serialise throws here, before anything is sent, rather
    // than halfway through a corked pipeline.
    this.#values = values.map((value) => prepareValue(value));
    this.#batchSize = options.batchSize;
    this.#singleBatch = options.singleBatch ?? false;
    this.#writeRow = options.writeRow;
    this.#preamble = options.preamble && {
      text: options.preamble.text,
      values: options.preamble.values.map((value) => prepareValue(value)),
    };
    this.#preamblePending = this.#preamble ? 1 : 0;
  }

  /** Settles once the connection is idle again (or known broken); never rejects. */
  get outcome(): Promise<CursorOutcome> {
    if (this.#outcome !== undefined) return Promise.resolve(this.#outcome);
    return new Promise((resolve) => {
      const previous = this.#onOutcome;
      this.#onOutcome = previous === undefined ? resolve : (outcome) => (previous(outcome), resolve(outcome));
    });
  }

  /**
   * The outcome once settled, else undefined. A single-row exchange has usually settled when its
   * row is read (ReadyForQuery comes in the same packet), so the caller need not wait a turn.
   */
  get settledOutcome(): CursorOutcome | undefined {
    return this.#outcome;
  }

  /** True while an Execute is in flight: the backend may be busy computing rows. */
  get fetching(): boolean {
    return this.#state === 'fetching';
  }

  /** False for a single batch: it is never suspended, so nothing waits for our reader. */
  get batched(): boolean {
    return !this.#singleBatch;
  }

  /** True while the portal waits for `read()` (we wait for our reader, not for the server). */
  get suspended(): boolean {
    return this.#state === 'suspended';
  }

  /** The error the exchange failed with, if it did. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** The next batch; the first is requested on submit, later ones when this is called. One read at a time. */
  read(): Promise<RowBatch> {
    const delivered = this.#delivered;
    if (delivered !== undefined) {
      this.#delivered = undefined;
      return Promise.resolve(delivered);
    }
    if (this.#state === 'suspended') {
      this.#state = 'fetching';
      this.#executeBatch(this.#wire());
    } else if (this.#state !== 'pending' && this.#state !== 'fetching') {
      return Promise.reject(this.#error ?? new FraiseError('CURSOR_CLOSED', 'The cursor has no more rows to read'));
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Stops reading: closes the portal now if it is suspended, else once the batch in flight ends. */
  stop(): void {
    this.#stopRequested = true;
    if (this.#state === 'suspended') this.#closePortal(this.#wire());
  }

  /** The client reported a connection failure (its 'error' event): nothing more will arrive. */
  lost(error: Error): void {
    this.#fail(error);
    this.#settle({ reusable: false, error });
  }

  // ---- called by pg's Client ----

  submit(connection: Connection): Error | null {
    const wire = wireOf(connection);
    this.#connection = wire;
    // Returning an error makes the Client hand it to handleError without touching the wire.
    if (this.#stopRequested) {
      // Stopped before it started (the reader left while we waited for a connection): no rows.
      this.#deliverBatch({ rows: [], more: false });
      return new FraiseError('CURSOR_CLOSED', 'The cursor was stopped before it started');
    }
    const previous = preparedText(connection, this.name);
    if (previous !== undefined && previous !== this.text) {
      return new FraiseError('STATEMENT_CONFLICT', `Statement "${this.name}" was prepared with a different text`);
    }
    this.#wroteToWire = true;
    this.#state = 'fetching';
    // Corked so that the messages leave in one packet.
    wire.stream.cork?.();
    try {
      // An unnamed statement (name '', namedStatements: false) is parsed every time, after the
      // preamble, which uses the unnamed statement too.
      const unnamed = this.name === '';
      if (previous === undefined && !unnamed) {
        wire.parse({ name: this.name, text: this.text });
        noteParseSent(connection, this.name, this.text);
      }
      if (this.#preamble) {
        wire.parse({ name: '', text: this.#preamble.text });
        wire.bind({ portal: PORTAL, statement: '', values: this.#preamble.values });
        wire.execute({ portal: PORTAL, rows: 0 });
      }
      if (unnamed) wire.parse({ name: '', text: this.text });
      wire.bind({ portal: PORTAL, statement: this.name, values: this.#values });
      this.#executeBatch(wire);
    } finally {
      wire.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(): void {
    // No Describe is sent: rows are read positionally, in text format.
  }

  handleDataRow(message: { readonly fields: readonly unknown[] }): void {
    if (this.#state !== 'fetching' || this.#preamblePending > 0) return;
    // pg hands text-format fields as strings, SQL NULL as null (no RowDescription, no parsers).
    if (this.#writeRow !== undefined) return void this.#rows.push(this.#writeRow(message.fields));
    const field = message.fields[0];
    this.#rows.push(typeof field === 'string' ? field : null);
  }

  handlePortalSuspended(): void {
    this.#deliver(true);
  }

  handleCommandComplete(): void {
    if (this.#preamblePending > 0) {
      this.#preamblePending--;
      return;
    }
    this.#deliver(false);
  }

  handleEmptyQuery(): void {
    this.#deliver(false);
  }

  handleReadyForQuery(): void {
    if (this.#state !== 'failed') this.#state = 'finished';
    this.#settle({ reusable: true });
  }

  handleError(error: Error): void {
    if (this.#settled) return; // e.g. pg's read timeout firing after we finished
    this.#fail(error);
    if (!this.#wroteToWire) {
      this.#settle({ reusable: true });
    } else if (isStatementError(error)) {
      // The Client dropped us as its active query, so it will not pass the ReadyForQuery on.
      const wire = this.#wire();
      wire.once('readyForQuery', () => this.#settle({ reusable: true }));
      if (!this.#syncSent) {
        this.#syncSent = true;
        wire.sync();
      }
    } else {
      // A socket error, a terminated backend or a read timeout: the connection state is unknown.
      this.#settle({ reusable: false, error });
    }
  }

  // ---- internals ----

  #executeBatch(wire: WireConnection): void {
    wire.execute({ portal: PORTAL, rows: this.#batchSize });
    if (this.#singleBatch) {
      this.#syncSent = true;
      wire.sync();
    } else {
      // Without Sync the backend keeps the portal open; Flush makes it send the rows now.
      wire.flush();
    }
  }

  #deliver(suspended: boolean): void {
    if (this.#state !== 'fetching') return;
    const rows = this.#rows;
    this.#rows = [];
    if (this.#syncSent) this.#state = 'closing'; // single batch: its Sync is on the way already
    else if (suspended && !this.#stopRequested) this.#state = 'suspended';
    else this.#closePortal(this.#wire());
    this.#deliverBatch({ rows, more: suspended });
  }

  #deliverBatch(batch: RowBatch): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter !== undefined) waiter.resolve(batch);
    else this.#delivered = batch;
  }

  #closePortal(wire: WireConnection): void {
    this.#state = 'closing';
    this.#syncSent = true;
    wire.stream.cork?.();
    try {
      wire.close({ type: 'P', name: PORTAL });
      wire.sync();
    } finally {
      wire.stream.uncork?.();
    }
  }

  #fail(error: Error): void {
    this.#error ??= error;
    this.#state = 'failed';
    this.#rows = [];
    // A batch that arrived but was not read yet is dropped: the reader learns of the failure instead.
    this.#delivered = undefined;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }

  #settle(outcome: CursorOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#outcome = outcome;
    const onOutcome = this.#onOutcome;
    this.#onOutcome = undefined;
    onOutcome?.(outcome);
    this.callback?.(outcome.reusable ? this.#error ?? null : outcome.error);
  }

  #wire(): WireConnection {
    if (this.#connection === undefined) throw new FraiseError('CURSOR_CLOSED', 'The cursor was never submitted');
    return this.#connection;
  }
}

/** An ErrorResponse for our statement, after which the session is intact (not FATAL or PANIC). */
function isStatementError(error: Error): boolean {
  return isServerError(error) && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}
