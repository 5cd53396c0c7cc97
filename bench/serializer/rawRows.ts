// A pg Submittable that hands each DataRow's text fields (pg-protocol's strings, text format) to a
// callback: no Result, no row objects, no type parsers. The three variants of serializerChoice.ts
// all read through it, so that they differ only in their statement and in who writes the JSON.
// It drives the same pg internals as runtime/portalCursor.ts (pgInternals.ts): Parse once per
// connection for a named statement, then Bind/Execute(all rows)/Sync in one packet.
import type { Connection, PoolClient } from 'pg';
import { noteParseSent, preparedText, wireOf } from '../../runtime/pgInternals.js';

export type OnRow = (fields: readonly (string | null)[]) => void;

export class RawRows {
  readonly #done: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;
  #error: Error | undefined;

  constructor(
    readonly name: string,
    readonly text: string,
    private readonly values: readonly string[],
    private readonly onRow: OnRow,
  ) {
    this.#done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Runs on `client`; resolves once the connection is ready again. */
  run(client: PoolClient): Promise<void> {
    (client as unknown as { query(submittable: RawRows): unknown }).query(this);
    return this.#done;
  }

  submit(connection: Connection): null {
    const wire = wireOf(connection);
    wire.stream.cork?.();
    try {
      if (preparedText(connection, this.name) === undefined) {
        wire.parse({ name: this.name, text: this.text });
        noteParseSent(connection, this.name, this.text);
      }
      wire.bind({ portal: '', statement: this.name, values: this.values });
      wire.execute({ portal: '', rows: 0 });
      wire.sync();
    } finally {
      wire.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(): void {}
  handleDataRow(message: { readonly fields: readonly (string | null)[] }): void {
    this.onRow(message.fields);
  }
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleError(error: Error): void {
    this.#error = error;
  }
  handleReadyForQuery(): void {
    if (this.#error === undefined) this.#resolve();
    else this.#reject(this.#error);
  }
}
