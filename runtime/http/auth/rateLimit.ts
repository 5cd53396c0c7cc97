// A token bucket per key: `limit` requests at once, refilled at `limit / windowSeconds` per second.
// Refused requests answer 429 with Retry-After and the RateLimit-* fields of the IETF draft
// (draft-ietf-httpapi-ratelimit-headers): Limit, Remaining and Reset (seconds to a full bucket).
import { FraiseError } from '../../errors.js';
import { RequestFailure } from '../httpErrors.js';
import type { RateLimitOptions } from './options.js';

interface Bucket {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

/** Buckets beyond this many make the limiter drop those that are full again (they hold no state). */
const PRUNE_AT = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens per millisecond. */
  private readonly rate: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    const { limit, windowSeconds } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new FraiseError('INVALID_OPTIONS', `rateLimit.limit must be an integer of at least 1, got ${limit}`);
    if (!(typeof windowSeconds === 'number' && windowSeconds > 0 && Number.isFinite(windowSeconds))) {
      throw new FraiseError('INVALID_OPTIONS', `rateLimit.windowSeconds must be a positive number, got ${windowSeconds}`);
    }
    if (options.key !== undefined && typeof options.key !== 'function') throw new FraiseError('INVALID_OPTIONS', 'rateLimit.key must be a function');
    this.rate = limit / (windowSeconds * 1000);
  }

  /** Takes one token for `key`: the headers to send, and a 429 failure when the bucket is empty. */
  take(key: string): { readonly headers: Record<string, string>; readonly refused: RequestFailure | null } {
    const now = this.now();
    const { limit } = this.options;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= PRUNE_AT) this.prune(now);
      bucket = { tokens: limit, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * this.rate);
      bucket.at = now;
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const headers: Record<string, string> = {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.floor(bucket.tokens)),
      'ratelimit-reset': String(Math.ceil((limit - bucket.tokens) / this.rate / 1000)),
      'ratelimit-policy': `${limit};w=${this.options.windowSeconds}`,
    };
    if (allowed) return { headers, refused: null };
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate / 1000));
    return {
      headers,
      refused: new RequestFailure('http', 429, 'RATE_LIMITED', `Too many requests: retry in ${retryAfter} s`, {
        headers: { ...headers, 'retry-after': String(retryAfter) },
      }),
    };
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.rate >= this.options.limit) this.buckets.delete(key);
    }
  }
}
