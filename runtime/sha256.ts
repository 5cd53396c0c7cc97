// A document's id is the sha256 (hex) of its text: the compiler writes it into each module and
// persisted-queries.json, the handler computes it for a query sent as text. One function, so the
// two always agree; the compiler also derives statement names and cache keys from it.
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
