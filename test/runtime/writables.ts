// Writables for the streaming tests: one that keeps what it gets, one that holds its callbacks
// until told (a client that stops reading), and helpers to count the rows that reached them.
import { Writable } from 'node:stream';

/** Keeps every chunk, as text; calls back at once. */
export class Collector extends Writable {
  readonly chunks: string[] = [];

  constructor(options: { highWaterMark?: number } = {}) {
    super({ decodeStrings: false, ...options });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    this.onChunk(callback);
  }

  /** Calls back at once unless a subclass delays it. */
  protected onChunk(callback: (error?: Error | null) => void): void {
    callback();
  }

  get text(): string {
    return this.chunks.join('');
  }

  /** Rows of numbersOp received so far. */
  get rowCount(): number {
    return countRows(this.text);
  }
}

/** A slow reader: every callback waits for a later turn of the event loop. */
export class SlowCollector extends Collector {
  constructor() {
    super({ highWaterMark: 1024 });
  }

  protected override onChunk(callback: (error?: Error | null) => void): void {
    setTimeout(callback, 0);
  }
}

/** Holds its callbacks while paused: nothing drains until `resume()`. */
export class PausedCollector extends Collector {
  #held: (() => void)[] = [];
  #paused = true;
  #firstChunk: () => void = () => {};
  /** Resolves once the first chunk arrived. */
  readonly firstChunk = new Promise<void>((resolve) => {
    this.#firstChunk = resolve;
  });

  constructor() {
    super({ highWaterMark: 1024 });
  }

  protected override onChunk(callback: (error?: Error | null) => void): void {
    this.#firstChunk();
    if (this.#paused) this.#held.push(() => callback());
    else callback();
  }

  resume(): void {
    this.#paused = false;
    for (const release of this.#held.splice(0)) release();
  }
}

export function countRows(text: string): number {
  return text.split('{"n" : ').length - 1;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Keeps every chunk as bytes and decodes them once at the end, so a multi-byte character split
 * across two writes comes out whole (the fixtures' unicode rows).
 */
export function collect(): { writable: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { writable, text: () => Buffer.concat(chunks).toString('utf8') };
}
