// createHandler: persisted GraphQL operations over HTTP, as a Node (req, res) handler that works
// with node:http, as Express middleware and inside Fastify. Responses stream from PostgreSQL to the
// socket with backpressure; nothing but the handler's own small error bodies is built in memory.
import type { ServerResponse } from 'node:http';
import { CancelSource, type CancelSignal } from '../cancelSignal.js';
import { contextSettings, type RequestContext } from '../context.js';
import { settingsOf, type RuntimeOptions } from '../createRuntime.js';
import { FraiseError } from '../errors.js';
import { runMutation } from '../executeMutation.js';
import { errorsBody } from '../frames.js';
import { prepareOperation } from '../prepare.js';
import type { RuntimeSettings } from '../settings.js';
import { streamPrepared, writeResponse } from '../streamOperation.js';
import type { AnyCompiledOperation, GraphQLResponseError } from '../types.js';
import { applyVerdict, cutResponse, refusedData, refusedRootKeys, withGrants } from './auth/authorize.js';
import { ANONYMOUS, type Caller } from './auth/authenticate.js';
import { authOf, CollectingWritable, Gate, mergeContexts, type AuditState, type GateOptions } from './auth/gate.js';
import { DocumentRegistry, type CompileDocument } from './documents.js';
import { RequestFailure } from './httpErrors.js';
import type { PersistedDocument } from './manifests.js';
import { GRAPHQL_RESPONSE, JSON_TYPE, negotiate, type ResponseMediaType } from './mediaTypes.js';
import { readParams, type HandlerRequest } from './requestParams.js';

/** Reported once per request, when its response is complete (or the client left). */
export interface OperationEvent {
  /** The operation run, when the request got as far as naming a known one. */
  readonly operationName: string | undefined;
  readonly operationId: string | undefined;
  readonly method: string;
  readonly status: number;
  /** From the request's arrival to its response's end, in milliseconds. */
  readonly durationMs: number;
  /** Rows written to the response (the elements of a list, or the one row). */
  readonly rows: number;
  /** The GraphQL errors the response carried, if any. */
  readonly errors: readonly GraphQLResponseError[];
  /** False when the client left before the response was complete, or it broke off. */
  readonly complete: boolean;
}

/** What onError is told with each failure. */
export interface ErrorContext {
  readonly operationName: string | undefined;
  readonly operationId: string | undefined;
}

export interface HandlerOptions extends Omit<RuntimeOptions, 'onError'>, GateOptions {
  /** The compiled operations by id (the generated `operations`), or a list of them. */
  readonly operations: Readonly<Record<string, AnyCompiledOperation>> | readonly AnyCompiledOperation[];
  /** Persisted-document manifests (loadPersistedDocuments) whose ids clients send. */
  readonly manifests?: readonly (readonly PersistedDocument[])[];
  /** Unknown document ids get PERSISTED_QUERY_NOT_IN_LIST instead of PERSISTED_QUERY_NOT_FOUND. */
  readonly safelist?: boolean;
  /**
   * Opt-in, for development and APQ registration: compiles documents the server does not know
   * (e.g. with `createDocumentCompiler` from `fraise/compiler`) and caches them. Off by default.
   */
  readonly compile?: CompileDocument;
  /** Documents kept from run-time compilation (least recently used go first). Default 1000. */
  readonly compileCacheSize?: number;
  /** Largest request body in bytes (413 beyond). Default 102400. */
  readonly maxBodyBytes?: number;
  /** Most variables one request may send. Default 100. */
  readonly maxVariables?: number;
  /** Called once per request with its outcome: plug in logs, metrics or traces here. */
  readonly onOperation?: (event: OperationEvent) => void;
  /** Sees every failure: database errors (responses only carry their code) and internal errors. */
  readonly onError?: (error: unknown, context: ErrorContext) => void;
  /**
   * The request context of each request (tenant, user, roles...), e.g. from the session or token
   * the application's middleware verified: each key is set as `app.<key>` in the transaction of
   * the operation's statements, as with `runtime.execute(op, variables, { context })`. Called once
   * the request named a known operation with valid variables. A throw answers 500 (and reaches
   * onError); refuse unauthenticated requests in middleware before this handler instead.
   */
  readonly context?: (req: HandlerRequest) => RequestContext | undefined | Promise<RequestContext | undefined>;
}

export interface CloseOptions {
  /**
   * How long in-flight requests (streams included) may still take, in milliseconds (default
   * 10000). Past it, those still waiting for a connection are answered 503 and the others are
   * cancelled: their queries stop in PostgreSQL and their responses are cut off.
   */
  readonly deadlineMs?: number;
}

/** What handler.close saw. */
export interface CloseReport {
  /** Requests in flight when close was called, or arriving after, that completed. */
  readonly completed: number;
  /** Requests still running at the deadline, which were cancelled. */
  readonly cancelled: number;
}

export interface GraphQLHandler {
  (req: HandlerRequest, res: ServerResponse): Promise<void>;
  /**
   * Graceful shutdown: lets in-flight requests finish up to the deadline, then cancels the rest;
   * resolves once none is left. Requests arriving meanwhile are still served, with
   * `Connection: close`. Stop accepting connections first (server.close()); ending the pool after
   * is the caller's job (the handler does not own it).
   */
  close(options?: CloseOptions): Promise<CloseReport>;
  /** Requests being handled now. */
  readonly inFlight: number;
}

/** Retry-After (seconds) of a 503 answered because no connection could be had. */
const RETRY_AFTER_SECONDS = '1';
const DEFAULT_CLOSE_DEADLINE_MS = 10_000;
/** After the deadline: how long requests answered 503 get to write it before they are cut off. */
const CANCEL_GRACE_MS = 200;

/** The Content-Type of each response media type. */
const CONTENT_TYPES: Readonly<Record<ResponseMediaType, string>> = {
  [GRAPHQL_RESPONSE]: `${GRAPHQL_RESPONSE}; charset=utf-8`,
  [JSON_TYPE]: `${JSON_TYPE}; charset=utf-8`,
};

const DEFAULTS = { maxBodyBytes: 102_400, maxVariables: 100, compileCacheSize: 1000 };

export function createHandler(options: HandlerOptions): GraphQLHandler {
  if (options.context !== undefined && typeof options.context !== 'function') {
    throw new FraiseError('INVALID_OPTIONS', 'createHandler: `context` must be a function of the request');
  }
  const limits = {
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes ?? DEFAULTS.maxBodyBytes),
    maxVariables: positiveInteger('maxVariables', options.maxVariables ?? DEFAULTS.maxVariables, 0),
  };
  if (options.safelist === true && options.compile !== undefined) {
    throw new FraiseError('INVALID_OPTIONS', 'createHandler: `safelist` and `compile` exclude each other');
  }
  const { onError, onOperation } = options;
  const settings: RuntimeSettings = settingsOf(
    {
      ...options,
      onError: (error, op) => onError?.(error, { operationName: op.name, operationId: op.id }),
    },
    'createHandler',
  );
  // auth, rateLimit, onAudit, csrfPrevention: see auth/gate.ts and docs/auth.md.
  const gate = new Gate(options, Object.values(options.operations), (error) =>
    onError?.(error, { operationName: undefined, operationId: undefined }),
  );
  gate.start(options.pool);
  const registry = new DocumentRegistry({
    operations: options.operations,
    manifests: options.manifests ?? [],
    safelist: options.safelist ?? false,
    compile: options.compile,
    compileCacheSize: positiveInteger('compileCacheSize', options.compileCacheSize ?? DEFAULTS.compileCacheSize),
  });

  const active = new Set<Exchange>();
  let closing: { completed: number } | undefined;
  let onIdle: (() => void) | undefined;

  const handle = async (req: HandlerRequest, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const exchange = new Exchange(req.method ?? 'GET', res);
    active.add(exchange);
    // The exchange carries the request's audit state too (see AuditState): one object per request.
    const audit: AuditState = exchange;
    try {
      if (closing !== undefined && !res.headersSent) res.setHeader('connection', 'close');
      await serve(exchange, req, res, settings, registry, limits, options.context, gate, audit);
    } catch (error) {
      if (error instanceof RequestFailure) {
        if (error.kind === 'server') onError?.(error.cause ?? error, exchange.context());
        await exchange.refuse(error);
      } else {
        exchange.complete = false;
        // A response that began can only be cut off; the runtime already destroyed it.
        if (!(error instanceof FraiseError && error.code === 'STREAM_ABORTED')) onError?.(error, exchange.context());
        if (!res.headersSent) {
          await exchange.refuse(new RequestFailure('server', 500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
        } else if (!res.destroyed) res.destroy();
      }
    }
    gate.report(audit, exchange.operation, performance.now() - started);
    if (onOperation !== undefined) {
      try {
        onOperation(exchange.event(performance.now() - started));
      } catch (error) {
        onError?.(error, exchange.context());
      }
    }
    active.delete(exchange);
    exchange.settled();
    if (closing !== undefined && exchange.complete) closing.completed++;
    if (active.size === 0) onIdle?.();
  };

  const idle = (): Promise<void> =>
    active.size === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const previous = onIdle;
          onIdle = () => {
            previous?.();
            resolve();
          };
        });

  const close = async (closeOptions: CloseOptions = {}): Promise<CloseReport> => {
    const deadlineMs = closeOptions.deadlineMs ?? DEFAULT_CLOSE_DEADLINE_MS;
    if (!Number.isSafeInteger(deadlineMs) || deadlineMs < 0) {
      throw new FraiseError('INVALID_OPTIONS', `handler.close: deadlineMs must be a whole number of milliseconds, got ${deadlineMs}`);
    }
    const report = (closing ??= { completed: 0 });
    gate.stop(); // the rolesQuery refresh (auth/gate.ts)
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      idle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (!expired) return { completed: report.completed, cancelled: 0 };
    const completed = report.completed;
    const remaining = [...active];
    // Waits for a connection end at once (503); a running query or stream is cut off just after.
    for (const exchange of remaining) exchange.abort();
    await Promise.race([idle(), new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS))]);
    for (const exchange of active) if (!exchange.res.destroyed) exchange.res.destroy();
    await idle();
    return { completed, cancelled: remaining.length };
  };

  return Object.defineProperties(handle, {
    close: { value: close },
    inFlight: { get: () => active.size },
  }) as GraphQLHandler;
}

async function serve(
  exchange: Exchange,
  req: HandlerRequest,
  res: ServerResponse,
  settings: RuntimeSettings,
  registry: DocumentRegistry,
  limits: { maxBodyBytes: number; maxVariables: number },
  contextOf: HandlerOptions['context'],
  gate: Gate,
  audit: AuditState,
): Promise<void> {
  const admitted = gate.admit(req, res, audit);
  const caller = admitted instanceof Promise ? await admitted : admitted;
  if (exchange.method !== 'GET' && exchange.method !== 'POST') {
    throw new RequestFailure('http', 405, 'METHOD_NOT_ALLOWED', `Method ${exchange.method} is not allowed`, {
      headers: { allow: 'GET, POST' },
    });
  }
  const mediaType = negotiate(req.headers.accept);
  if (mediaType === undefined) {
    throw new RequestFailure('http', 406, 'NOT_ACCEPTABLE', `Accept ${GRAPHQL_RESPONSE} or ${JSON_TYPE}`);
  }
  exchange.mediaType = mediaType;
  const read = readParams(req, limits);
  const params = read instanceof Promise ? await read : read;
  const resolved = registry.resolve(params);
  const op = resolved instanceof Promise ? await resolved : resolved;
  exchange.operation = op;
  if (op.kind === 'mutation' && exchange.method === 'GET') {
    throw new RequestFailure('http', 405, 'METHOD_NOT_ALLOWED', 'Mutations are only accepted over POST', {
      headers: { allow: 'POST' },
    });
  }
  const prepared = prepareOperation(op, params.variables);
  if (!prepared.ok) {
    throw new RequestFailure('graphql', 400, 'BAD_USER_INPUT', prepared.errors[0]?.message ?? 'Invalid variables', {
      errors: prepared.errors,
    });
  }
  audit.variables = gate.auditVariables(op, params.variables);
  if (op.kind === 'mutation') audit.kind = 'mutation';
  const auth = authOf(op);
  const verdict = gate.verdict(op, caller);
  if (auth !== undefined && verdict !== null && verdict.nothingToRun) {
    // Every root field is refused: no SQL runs; each is null with its error (HTTP 200).
    const { data, errors } = refusedData(auth, verdict);
    audit.kind = 'refused';
    audit.outcome = errors.every((e) => e.extensions?.['code'] === 'UNAUTHENTICATED') ? 'unauthenticated' : 'forbidden';
    exchange.errors = errors;
    res.statusCode = 200;
    res.setHeader('content-type', CONTENT_TYPES[mediaType]);
    await writeResponse(res, JSON.stringify({ data, errors }));
    return;
  }
  const appContext = contextOf === undefined ? undefined : await contextOf(req);
  const merged = mergeContexts(appContext, caller.context);
  // With guarded fields, the grants go with the context: the SQL reads a guarded field only when granted.
  const context = withGrants(merged === undefined ? null : contextSettings(merged), verdict);
  res.statusCode = 200;
  res.setHeader('content-type', CONTENT_TYPES[mediaType]);
  const cut = auth !== undefined && verdict !== null && !verdict.allowed ? { auth, verdict } : null;
  if ('steps' in prepared) {
    // A mutation's response is small and only complete once committed: written whole.
    const refused = cut === null ? new Map<string, unknown>() : refusedRootKeys(cut.auth, cut.verdict);
    const steps = refused.size === 0 ? prepared.steps : prepared.steps.filter((step) => !refused.has(step.key));
    let result = await runMutation(settings, op, steps, context, exchange);
    if (cut !== null && 'data' in result && result.data !== null && typeof result.data === 'object') {
      // Refused root fields never ran; they and any refused field below the others are cut here.
      const ran = result.data as Record<string, unknown>;
      const data: Record<string, unknown> = {};
      for (const step of prepared.steps) data[step.key] = refused.has(step.key) ? {} : ran[step.key];
      const applied = applyVerdict(cut.auth, cut.verdict, data);
      result = { data: applied.data, errors: [...applied.errors, ...(result.errors ?? [])] };
    }
    const errors = result.errors ?? [];
    audit.outcome = refused.size > 0 ? 'forbidden' : errors.length > 0 ? 'error' : 'ok';
    // No connection: the mutation never ran, so no `data` and a 503 the client can retry on.
    if (!('data' in result)) unavailable(res);
    exchange.errors = errors;
    if (res.destroyed || res.writableEnded) {
      exchange.complete = false;
      return;
    }
    await writeResponse(res, JSON.stringify(result));
    exchange.rows = errors.length === 0 ? 1 : 0;
    exchange.complete = !res.destroyed;
    return;
  }
  if (cut !== null) {
    // Some guarded field is refused: the response is read whole, cut, then written.
    const collected = new CollectingWritable();
    const report = await streamPrepared(settings, op, prepared, collected, { beforeErrorResponse: (_e, executed) => {
      if (!executed) res.statusCode = 503;
    } }, context);
    const cutOut = cutResponse(collected.text(), cut.auth, cut.verdict);
    const text = cutOut.text;
    exchange.errors = cutOut.errors ?? report.errors;
    exchange.rows = report.rows;
    await writeResponse(res, text);
    exchange.complete = !res.destroyed;
    return;
  }
  // The exchange is the stream's hooks: its signal, and a 503 when no connection could be had.
  const report = await streamPrepared(settings, op, prepared, res, exchange, context);
  exchange.rows = report.rows;
  exchange.errors = report.errors;
  exchange.complete = report.complete;
}

/** A 503 for an operation that could not get a connection: nothing ran, the client may retry. */
function unavailable(res: ServerResponse): void {
  res.statusCode = 503;
  res.setHeader('retry-after', RETRY_AFTER_SECONDS);
}

/** The exchange of each response whose handler is running (see onResponseClose). */
const EXCHANGE = Symbol('fraise.exchange');

interface TrackedResponse extends ServerResponse {
  [EXCHANGE]?: Exchange | undefined;
}

/**
 * A response emits 'close' once it finished, or when its client went away before that: only the
 * latter aborts. One function for every response, and the listener stays (the response goes with
 * its request): no closure, and no listener removed, per request.
 */
function onResponseClose(this: TrackedResponse): void {
  const exchange = this[EXCHANGE];
  if (exchange !== undefined && !this.writableFinished) exchange.abort();
}

/**
 * One request's state, for its response and its OperationEvent. It is the request's CancelSignal:
 * aborted when the client leaves or the handler cancels the request (close's deadline).
 */
class Exchange extends CancelSource implements AuditState {
  // AuditState (auth/gate.ts): what the request's audit event is made of.
  kind: AuditState['kind'] = undefined;
  outcome: AuditState['outcome'] = undefined;
  caller: Caller = ANONYMOUS;
  variables: AuditState['variables'] = undefined;
  mediaType: ResponseMediaType = JSON_TYPE;
  operation: AnyCompiledOperation | undefined;
  rows = 0;
  errors: readonly GraphQLResponseError[] = [];
  complete = true;

  constructor(
    readonly method: string,
    readonly res: TrackedResponse,
  ) {
    super();
    if (!(EXCHANGE in res)) res.on('close', onResponseClose);
    res[EXCHANGE] = this;
  }

  settled(): void {
    this.res[EXCHANGE] = undefined;
  }

  /** StreamHooks: the exchange is its own signal. */
  get signal(): CancelSignal {
    return this;
  }

  /** StreamHooks: no connection means the operation never ran, so no `data` and a 503 the client can retry on. */
  beforeErrorResponse(_errors: readonly GraphQLResponseError[], executed: boolean): void {
    if (!executed) unavailable(this.res);
  }

  context(): ErrorContext {
    return { operationName: this.operation?.name, operationId: this.operation?.id };
  }

  /** Answers with the failure's errors and status (200 for GraphQL request errors in application/json). */
  async refuse(failure: RequestFailure): Promise<void> {
    this.errors = failure.errors;
    const { res } = this;
    if (res.headersSent || res.destroyed) return;
    const status = failure.kind === 'graphql' && this.mediaType === JSON_TYPE ? 200 : failure.status;
    const body = errorsBody(failure.errors, false);
    res.writeHead(status, {
      ...failure.headers,
      'content-type': CONTENT_TYPES[this.mediaType],
      'content-length': Buffer.byteLength(body),
    });
    await new Promise<void>((resolve) => res.end(body, resolve));
  }

  event(durationMs: number): OperationEvent {
    return {
      operationName: this.operation?.name,
      operationId: this.operation?.id,
      method: this.method,
      status: this.res.statusCode,
      durationMs,
      rows: this.rows,
      errors: this.errors,
      complete: this.complete,
    };
  }
}

function positiveInteger(name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new FraiseError('INVALID_OPTIONS', `createHandler: ${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}
