// Writes one response into a Node Writable: waits for 'drain' when `write()` says so, and notices
// when the other side goes away (the writable closes or errors before the response is complete).
import type { Writable } from 'node:stream';

/** Told once when the writable closes or errors before `end`. */
export interface SinkOwner {
  readerLeft(): void;
}

export class ResponseSink {
  readonly #writable: Writable;
  readonly #owner: SinkOwner | undefined;
  #gone: boolean;
  #ended = false;
  #started = false;
  #failed = false;
  /** Resolves end()'s promise: on 'finish', or when the writable closes or errors first. */
  #done: (() => void) | undefined;

  /** `owner.readerLeft` runs once if the writable closes or errors before `end`. */
  constructor(writable: Writable, owner?: SinkOwner) {
    this.#writable = writable;
    this.#owner = owner;
    this.#gone = writable.destroyed || writable.writableEnded;
    // Also keeps an 'error' on the writable from crashing the process while we stream into it.
    writable.on('close', this.#markGone);
    writable.on('error', this.#markGone);
  }

  /** True once the writable can no longer take the response. */
  get gone(): boolean {
    return this.#gone;
  }

  /** True once a byte was handed to the writable: errors can no longer become a response. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Writes `chunk` (pieces are written one after the other in one corked batch: large pieces are
   * not copied into one string first); resolves true when more may be written, false when the
   * writable went away.
   */
  write(chunk: string | readonly string[]): Promise<boolean> {
    if (this.#gone) return Promise.resolve(false);
    this.#started = true;
    if (this.#put(chunk)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (drained: boolean) => () => {
        this.#writable.off('drain', onDrain).off('close', onClose).off('error', onClose);
        resolve(drained);
      };
      const onDrain = settle(true);
      const onClose = settle(false);
      this.#writable.on('drain', onDrain).on('close', onClose).on('error', onClose);
    });
  }

  /**
   * Writes the last chunk and ends the writable; resolves once it finished (or went away). Our own
   * 'finish' listener next to the 'close' and 'error' ones we hold anyway: stream.finished adds and
   * removes half a dozen listeners, on every response.
   */
  end(chunk: string | readonly string[]): Promise<void> {
    if (this.#gone) return Promise.resolve();
    this.#started = true;
    this.#ended = true;
    const writable = this.#writable;
    if (typeof chunk === 'string') writable.end(chunk);
    else {
      // end() uncorks: the pieces and the last one leave together.
      writable.cork();
      for (let i = 0; i < chunk.length - 1; i++) writable.write(chunk[i]);
      writable.end(chunk.length > 0 ? chunk[chunk.length - 1] : undefined);
    }
    if (writable.writableFinished || writable.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#done = resolve;
      writable.once('finish', this.#finished);
    });
  }

  /** Writes a chunk or its pieces; false when the writable asks to wait for 'drain'. */
  #put(chunk: string | readonly string[]): boolean {
    const writable = this.#writable;
    if (typeof chunk === 'string') return writable.write(chunk);
    writable.cork();
    let more = true;
    for (const piece of chunk) more = writable.write(piece);
    writable.uncork();
    return more;
  }

  /** Destroys the writable with `error`: a response that began cannot be completed. */
  fail(error: Error): void {
    this.#gone = true;
    this.#failed = true;
    this.#writable.destroy(error);
  }

  /** Removes our listeners; after `fail` the 'error' one stays, see below. */
  dispose(): void {
    if (this.#done !== undefined) this.#writable.off('finish', this.#finished);
    this.#writable.off('close', this.#markGone);
    // `destroy(error)` emits 'error' on a later tick: without a listener an unlistened writable
    // would crash the process. The caller learns of the failure from the rejected promise.
    if (!this.#failed) this.#writable.off('error', this.#markGone);
  }

  readonly #finished = (): void => {
    const done = this.#done;
    this.#done = undefined;
    done?.();
  };

  readonly #markGone = (): void => {
    this.#finished();
    if (this.#gone || this.#ended) return;
    this.#gone = true;
    this.#owner?.readerLeft();
  };
}
