// A connection that stops answering without being closed (the network dropped it, the server's
// host vanished, a proxy or pooler in between stalled: a half-open link) would hold its request
// forever: no reset ever comes, the server's statement_timeout cannot fire for a statement that
// never arrived, and TCP keepalive either waits for an idle link or is answered by a peer kernel
// that still runs. So, while a session is held and the runtime waits for PostgreSQL:
// - with a statement timeout: the socket may stay silent at most that long plus LINK_GRACE_MS;
//   then it is destroyed;
// - without one: after `linkCheckMs` of silence (default 10 s) the link is checked on a new
//   connection (linkProbe.ts); a lost one is destroyed, a live one (a long query) is checked again
//   after another silence. A dead link is found within about 2 x linkCheckMs.
// A destroyed socket gives the request DATABASE_UNAVAILABLE (or a retry, before its first byte) and
// the pool drops the connection. Silence while we wait for the HTTP client (a slow reader between
// two batches) does not count. One 'timeout' listener per connection, set on its first use; per
// operation only a few fields change.
import type { Socket } from 'node:net';
import type { PoolClient } from 'pg';
import type { LinkProber } from './linkProbe.js';
import { backendPid, socketOf } from './pgInternals.js';

/** How long past statement_timeout PostgreSQL may stay silent (its cancel and reply travelling). */
export const LINK_GRACE_MS = 1000;

export interface LinkWatchdog {
  /** `waiting` says whether we are waiting for PostgreSQL now (default: always, while held). */
  waitingWhen(waiting: () => boolean): void;
  stop(): void;
}

const IDLE: LinkWatchdog = { waitingWhen: () => {}, stop: () => {} };
const ALWAYS = (): boolean => true;

/** The watchdog state of one connection, kept for its life. */
class Link implements LinkWatchdog {
  held = false;
  waiting: () => boolean = ALWAYS;
  /** Silence that destroys the socket at once (statement timeout + grace); undefined: probe instead. */
  deadlineMs: number | undefined;
  prober: LinkProber | undefined;
  /** Counts holds: a probe's verdict only applies to the hold it was asked for. */
  generation = 0;
  checking = false;

  constructor(
    private readonly socket: Socket,
    private readonly client: PoolClient,
  ) {
    socket.on('timeout', () => this.#onSilence());
  }

  hold(deadlineMs: number | undefined, prober: LinkProber | undefined): void {
    this.held = true;
    this.waiting = ALWAYS;
    this.generation++;
    this.deadlineMs = deadlineMs;
    this.prober = prober;
    // A deadline replaces the silence timer for this hold; without one the connection's timer
    // (linkCheckMs, set once) keeps running.
    if (deadlineMs !== undefined) this.socket.setTimeout(deadlineMs);
    else if (prober !== undefined && this.socket.timeout !== prober.silenceMs) this.socket.setTimeout(prober.silenceMs);
  }

  waitingWhen(waiting: () => boolean): void {
    this.waiting = waiting;
  }

  stop(): void {
    this.held = false;
    this.waiting = ALWAYS;
    if (this.deadlineMs !== undefined) this.socket.setTimeout(this.prober?.silenceMs ?? 0);
  }

  #onSilence(): void {
    const { socket } = this;
    // Idle in the pool (keepalive's business), or waiting for the HTTP client: nothing to check.
    // The timer starts again with the next byte either way.
    if (!this.held || !this.waiting() || socket.destroyed) return;
    if (this.deadlineMs !== undefined) {
      socket.destroy(new Error(`PostgreSQL sent nothing for ${this.deadlineMs} ms: the connection is taken as lost`));
      return;
    }
    const prober = this.prober;
    if (prober === undefined || this.checking) return;
    this.checking = true;
    const generation = this.generation;
    const bytes = socket.bytesRead + socket.bytesWritten;
    void prober.check(backendPid(this.client)).then((verdict) => {
      this.checking = false;
      if (socket.destroyed || generation !== this.generation) return;
      // Bytes moved while the probe ran: the link works after all (and the timer restarted).
      if (socket.bytesRead + socket.bytesWritten !== bytes) return;
      if (verdict.lost && this.held && this.waiting()) socket.destroy(new Error(verdict.reason));
      // Alive: the timer fired once and waits for a byte to start again; start it now, so that a
      // long query is checked again after another silence.
      else if (this.deadlineMs === undefined) socket.setTimeout(prober.silenceMs);
    });
  }
}

const links = new WeakMap<Socket, Link>();

/**
 * Watches `client` for the length of one hold: with `statementTimeoutMs` (non-zero) a silence of
 * that plus LINK_GRACE_MS destroys its socket; without, `prober` (linkCheckMs; undefined: off)
 * checks the link after a silence.
 */
export function watchLink(client: PoolClient, statementTimeoutMs: number | undefined, prober: LinkProber | undefined): LinkWatchdog {
  const deadlineMs = statementTimeoutMs === undefined || statementTimeoutMs === 0 ? undefined : statementTimeoutMs + LINK_GRACE_MS;
  if (deadlineMs === undefined && prober === undefined) return IDLE;
  const socket = socketOf(client);
  if (socket === undefined) return IDLE; // a custom stream that cannot time out
  let link = links.get(socket);
  if (link === undefined) links.set(socket, (link = new Link(socket, client)));
  link.hold(deadlineMs, prober);
  return link;
}
