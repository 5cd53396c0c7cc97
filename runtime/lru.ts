// The one least-recently-used cache of the runtime (a Map keeps insertion order: the first key is
// the least recently used once every hit re-inserts its key). Statement shapes, documents compiled
// at run time, verified tokens and each connection's prepared statements are bounded with it.
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();
  #max: number;

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
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Makes `key` the most recently used; false when it is not cached. Allocates nothing. */
  touch(key: K): boolean {
    const value = this.#entries.get(key);
    if (!this.#entries.delete(key)) return false;
    this.#entries.set(key, value as V);
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
    this.#entries.delete(key);
    this.#entries.set(key, value);
    const evicted: [K, V][] = [];
    while (this.#entries.size > this.#max) {
      const [oldestKey, oldestValue] = this.#entries.entries().next().value!;
      this.#entries.delete(oldestKey);
      evicted.push([oldestKey, oldestValue]);
    }
    return evicted;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }
}

function checkedMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`An LRU cache holds at least one entry (got ${max}).`);
  return max;
}
