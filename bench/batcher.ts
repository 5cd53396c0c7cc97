// The few lines of DataLoader a team writes by hand: loads requested in the same tick (and the
// promise jobs it triggers) go to the database as one batch; each key is loaded once per request.
export class Batcher<K, V> {
  private readonly cache = new Map<K, Promise<V>>();
  private queue: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly loadBatch: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, private readonly missing: V) {}

  load(key: K): Promise<V> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const promise = new Promise<V>((resolve, reject) => {
      if (this.queue.length === 0) {
        // As DataLoader does: after the current promise jobs, so that sibling fields join the batch.
        void Promise.resolve().then(() => process.nextTick(() => this.dispatch()));
      }
      this.queue.push({ key, resolve, reject });
    });
    this.cache.set(key, promise);
    return promise;
  }

  private dispatch(): void {
    const queue = this.queue;
    this.queue = [];
    this.loadBatch(queue.map((entry) => entry.key)).then(
      (values) => {
        for (const entry of queue) entry.resolve(values.has(entry.key) ? values.get(entry.key)! : this.missing);
      },
      (error: unknown) => {
        for (const entry of queue) entry.reject(error);
      },
    );
  }
}
