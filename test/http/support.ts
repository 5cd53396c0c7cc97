// The handler on a loopback node:http server, and fetch helpers that return status, headers and body.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { CompiledOperation, CompiledStatement, ResultShape } from '../../runtime/index.js';

export interface Listening {
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  readonly server: http.Server;
  close(): Promise<void>;
}

export async function listen(listener: RequestListener, options: http.ServerOptions = {}): Promise<Listening> {
  const server = http.createServer(options, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** POSTs `body` as JSON, accepting graphql-response+json unless `accept` says otherwise. */
export function post(url: string, body: unknown, accept = GRAPHQL_RESPONSE, headers: Record<string, string> = {}): Promise<Reply> {
  return request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GETs with the parameters in the query string (objects JSON-encoded). */
export function get(url: string, params: Record<string, unknown>, accept = GRAPHQL_RESPONSE): Promise<Reply> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return request(`${url}?${search}`, { headers: { accept } });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A hand-written compiled operation without variables, its id the sha256 of its body. */
export function constantOperation(
  kind: 'query' | 'mutation',
  name: string,
  body: string,
  shape: ResultShape,
  statement: CompiledStatement,
): CompiledOperation {
  return {
    kind,
    name,
    id: sha256(body),
    body,
    shape,
    statements: [statement],
    prepare: () => ({ ok: true, statement, values: [] }),
  };
}

/** The error list of a refused request. */
export function errorsOf(code: string, message: string): { errors: { message: string; extensions: { code: string } }[] } {
  return { errors: [{ message, extensions: { code } }] };
}
