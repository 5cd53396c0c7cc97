// What ends a wait for a connection (the request went away, the server shuts down). An AbortSignal
// is one; CancelSource is the runtime's own, for the requests that need one: an AbortController
// per request (an EventTarget with its own maps and events) was a visible share of a small
// request's Node CPU in bench:http, while almost no request ever waits long enough to be aborted.

export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A CancelSignal that is its own controller: `abort()` runs the listeners once, in order. */
export class CancelSource implements CancelSignal {
  #aborted = false;
  /** Usually none, or the one wait in progress. */
  #listeners: (() => void)[] | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  // Listeners run once anyway (an abort happens once), so `once` needs no bookkeeping.
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#aborted) return;
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }
}
