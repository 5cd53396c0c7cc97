// Verified tokens, kept until their `exp` so a client sending the same token again costs a Map
// lookup instead of a signature check. Bounded: the least recently used token goes first.
import { Lru } from '../../lru.js';
import type { VerifiedToken } from './jwt.js';

/** A token without `exp` is trusted again without a check for at most this long. */
const NO_EXP_TTL_MS = 60_000;

interface Entry {
  readonly token: VerifiedToken;
  /** Epoch milliseconds after which the entry is not used. */
  readonly until: number;
}

export class TokenCache {
  /** Absent when the capacity is 0: nothing is kept. */
  private readonly entries: Lru<string, Entry> | undefined;

  constructor(
    capacity: number,
    /** exp slack, as the verifier's clock tolerance. */
    private readonly toleranceMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = capacity > 0 ? new Lru(capacity) : undefined;
  }

  get(raw: string): VerifiedToken | undefined {
    const entry = this.entries?.get(raw);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.token;
    this.entries!.delete(raw);
    return undefined;
  }

  set(raw: string, token: VerifiedToken): void {
    if (this.entries === undefined) return;
    const now = this.now();
    const until = token.exp !== undefined ? token.exp * 1000 + this.toleranceMs : now + NO_EXP_TTL_MS;
    if (until <= now) return;
    this.entries.set(raw, { token, until });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
