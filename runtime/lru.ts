// The one least-recently-used cache of the runtime (a Map keeps insertion order: the first key is
// the least recently used once every hit re-inserts its key). Statement shapes, documents compiled
// at run time, verified tokens and each connection's prepared statements are bounded with it.
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();
  #max: number;
  /**
   * The most recently used key, when known: touching it again changes nothing, and a connection
   * that serves the same statement request after request (each connection's prepared statements,
   * statementBound.ts) then skips the Map's delete and insert.
   */
  #newest: K | undefined;
  #hasNewest = false;

  constructor(max: number) {
    this.#max = checkedMax(max);
  }

  /** Most entries kept; a new bound applies from the next `set`. */
  get max(): number {
    return this.#max;
  }

  set max(max: number) {
    this.#max = checkedMax(max);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key)!;
    this.#bump(key, value);
    return value;
  }

  /** Makes `key` the most recently used; false when it is not cached. Allocates nothing. */
  touch(key: K): boolean {
    if (this.#hasNewest && this.#newest === key) return true;
    if (!this.#entries.has(key)) return false;
    this.#bump(key, this.#entries.get(key)!);
    return true;
  }

  /** The value of `key`, leaving the order as it is. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Sets `key` as the most recently used; returns the entries evicted to stay within `max`. */
  set(key: K, value: V): [K, V][] {
    this.#bump(key, value);
    const evicted: [K, V][] = [];
    while (this.#entries.size > this.#max) {
      const [oldestKey, oldestValue] = this.#entries.entries().next().value!;
      this.#entries.delete(oldestKey);
      evicted.push([oldestKey, oldestValue]);
    }
    return evicted;
  }

  delete(key: K): boolean {
    if (this.#hasNewest && this.#newest === key) this.#forgetNewest();
    return this.#entries.delete(key);
  }

  /** Re-inserts `key` last (a Map keeps insertion order), unless it is last already. */
  #bump(key: K, value: V): void {
    if (!(this.#hasNewest && this.#newest === key)) this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#newest = key;
    this.#hasNewest = true;
  }

  #forgetNewest(): void {
    this.#newest = undefined;
    this.#hasNewest = false;
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }
}

function checkedMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`An LRU cache holds at least one entry (got ${max}).`);
  return max;
}
