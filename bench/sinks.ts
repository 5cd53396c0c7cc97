// Writables that throw the bytes away, counting them.
import { Writable } from 'node:stream';

export interface CountingSink extends Writable {
  readonly bytes: () => number;
}

function countingSink(write: (done: () => void) => void, highWaterMark?: number): CountingSink {
  let bytes = 0;
  const sink = new Writable({
    ...(highWaterMark === undefined ? {} : { highWaterMark }),
    write(chunk: Buffer | string, _encoding, callback) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      write(() => callback());
    },
  });
  return Object.assign(sink, { bytes: () => bytes });
}

/** Accepts every write at once: measures the producer alone. */
export function discardingSink(): CountingSink {
  return countingSink((done) => done());
}

/** A slow-ish consumer: 64 KB buffer, each write acknowledged on a later turn of the event loop. */
export function slowSink(): CountingSink {
  return countingSink((done) => setImmediate(done), 64 * 1024);
}

/** Writes `text` as the whole response and waits until the sink finished. */
export function writeWhole(sink: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sink.once('error', reject);
    sink.end(text, () => resolve());
  });
}
