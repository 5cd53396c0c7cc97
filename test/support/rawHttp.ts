// One POST on its own connection (no keep-alive), reporting exactly how the exchange ended: the
// tests of shutdown and network faults tell a complete answer from a reset or a cut-off body.
import http from 'node:http';

export interface RawReply {
  /** 'complete': the whole body arrived; 'reset': the connection failed after it was accepted or mid-body; 'refused': never connected. */
  readonly outcome: 'complete' | 'reset' | 'refused';
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed (undefined when not JSON). */
  readonly json: unknown;
  /** The socket error's code, when the exchange failed. */
  readonly errorCode: string | undefined;
  readonly ms: number;
}

export function rawPost(url: string, body: unknown, options: { readonly signal?: AbortSignal; readonly accept?: string } = {}): Promise<RawReply> {
  const started = performance.now();
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve) => {
    let status = 0;
    let headers: http.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let connected = false;
    let done = false;
    const finish = (outcome: RawReply['outcome'], errorCode?: string): void => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ outcome, status, headers, body: text, json, errorCode, ms: performance.now() - started });
    };
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        accept: options.accept ?? 'application/graphql-response+json',
        'content-length': Buffer.byteLength(payload),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish('complete'));
      res.on('aborted', () => finish('reset', 'ABORTED'));
      res.on('error', (error: NodeJS.ErrnoException) => finish('reset', error.code ?? error.name));
      res.on('close', () => finish(res.complete ? 'complete' : 'reset', 'CLOSED'));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(connected ? 'reset' : 'refused', error.code ?? error.name));
    req.end(payload);
  });
}
