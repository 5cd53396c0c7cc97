// The GraphQL-over-HTTP request parameters, from the URL query (GET) or a JSON body (POST). Only
// the shape is checked here; which document and operation they name is decided in documents.ts.
import type { IncomingMessage } from 'node:http';
import { badRequest, RequestFailure } from './httpErrors.js';
import { isJsonContentType } from './mediaTypes.js';

export interface RequestParams {
  readonly query: string | undefined;
  readonly operationName: string | undefined;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  /** documentId, doc_id or id (the spellings clients use for a persisted document), as sent. */
  readonly documentId: string | undefined;
}

/** A request whose body a framework already read (Express's body parsers set `req.body`). */
export type HandlerRequest = IncomingMessage & { body?: unknown };

export interface ParamLimits {
  readonly maxBodyBytes: number;
  readonly maxVariables: number;
}

/**
 * The request's parameters; throws RequestFailures. A promise only while a POST body is still to
 * be read (a GET, or a body a framework already parsed, costs no turn of the event loop).
 */
export function readParams(req: HandlerRequest, limits: ParamLimits): RequestParams | Promise<RequestParams> {
  if (req.method === 'GET') return paramsOfQueryString(new URL(req.url ?? '/', 'http://localhost').searchParams, limits);
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new RequestFailure('http', 415, 'UNSUPPORTED_MEDIA_TYPE', 'POST requests must be application/json (UTF-8)', {
      headers: { accept: 'application/json' },
    });
  }
  const preparsed = req.body;
  if (preparsed !== undefined && req.readableEnded) {
    return paramsOfBody(typeof preparsed === 'string' || Buffer.isBuffer(preparsed) ? parseJson(preparsed.toString()) : preparsed, limits);
  }
  return readBody(req, limits);
}

function paramsOfBody(body: unknown, limits: ParamLimits): RequestParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(Array.isArray(body) ? 'Batched requests are not supported' : 'The request body must be a JSON object');
  }
  return paramsOf(body as Record<string, unknown>, limits);
}

function paramsOfQueryString(search: URLSearchParams, limits: ParamLimits): RequestParams {
  const raw: Record<string, unknown> = {};
  for (const key of ['query', 'operationName', 'documentId', 'doc_id', 'id']) {
    const value = search.get(key);
    if (value !== null) raw[key] = value;
  }
  for (const key of ['variables', 'extensions']) {
    const value = search.get(key);
    if (value === null || value === '') continue;
    try {
      raw[key] = JSON.parse(value);
    } catch {
      throw badRequest(`The "${key}" parameter is not valid JSON`);
    }
  }
  return paramsOf(raw, limits);
}

function paramsOf(raw: Record<string, unknown>, limits: ParamLimits): RequestParams {
  const query = optionalString(raw, 'query');
  const operationName = optionalString(raw, 'operationName');
  const variables = optionalObject(raw, 'variables');
  const extensions = optionalObject(raw, 'extensions');
  const documentId = optionalString(raw, 'documentId');
  const docId = optionalString(raw, 'doc_id');
  const id = optionalString(raw, 'id');
  const named = documentId ?? docId ?? id;
  if ((docId !== undefined && docId !== named) || (id !== undefined && id !== named)) {
    throw badRequest('documentId, doc_id and id name different documents');
  }
  if (variables !== undefined) {
    const count = Object.keys(variables).length;
    if (count > limits.maxVariables) {
      throw badRequest(`Too many variables: ${count}, at most ${limits.maxVariables}`, 'TOO_MANY_VARIABLES');
    }
  }
  return { query, operationName, variables, extensions, documentId: named };
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`The "${key}" parameter must be a string`);
  return value;
}

function optionalObject(raw: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`The "${key}" parameter must be a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * The parameters of the body, read with a size limit. The listeners stay on the request once it
 * ended (it goes away with them): nothing to remove on every request.
 */
function readBody(req: HandlerRequest, limits: ParamLimits): Promise<RequestParams> {
  const maxBytes = limits.maxBodyBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  return new Promise<RequestParams>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer | string): void => {
      if (settled) return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        // Stop reading at the limit: a large body is not buffered whole.
        settled = true;
        req.off('data', onData);
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        resolve(paramsOfBody(parseJson(text), limits));
      } catch (error) {
        reject(error);
      }
    };
    // The client went away mid-body: nobody reads the answer, and it is no server failure.
    const onCutOff = (): void => {
      if (settled) return;
      settled = true;
      reject(badRequest('The request body was cut off'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onCutOff).on('close', onCutOff);
  });
}

function tooLarge(maxBytes: number): RequestFailure {
  return new RequestFailure('http', 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`, {
    headers: { connection: 'close' },
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}
