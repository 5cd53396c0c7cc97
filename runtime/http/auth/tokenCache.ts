// Verified tokens, kept until their `exp` so a client sending the same token again costs a Map
// lookup instead of a signature check. Bounded: the least recently used token goes first.
import type { VerifiedToken } from './jwt.js';

/** A token without `exp` is trusted again without a check for at most this long. */
const NO_EXP_TTL_MS = 60_000;

interface Entry {
  readonly token: VerifiedToken;
  /** Epoch milliseconds after which the entry is not used. */
  readonly until: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity: number,
    /** exp slack, as the verifier's clock tolerance. */
    private readonly toleranceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(raw: string): VerifiedToken | undefined {
    const entry = this.entries.get(raw);
    if (entry === undefined) return undefined;
    this.entries.delete(raw);
    if (entry.until <= this.now()) return undefined;
    // Re-inserted: a Map iterates in insertion order, so its first key is the least recently used.
    this.entries.set(raw, entry);
    return entry.token;
  }

  set(raw: string, token: VerifiedToken): void {
    if (this.capacity === 0) return;
    const now = this.now();
    const until = token.exp !== undefined ? token.exp * 1000 + this.toleranceMs : now + NO_EXP_TTL_MS;
    if (until <= now) return;
    this.entries.delete(raw);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(raw, { token, until });
  }

  get size(): number {
    return this.entries.size;
  }
}
