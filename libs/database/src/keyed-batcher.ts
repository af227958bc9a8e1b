/**
 * Gathers the items concurrent jobs hand in during one turn of the event loop and writes (or
 * reads) them per key (tenant) in one go: a worker running N jobs at once then makes one database
 * round trip where it made N. Each caller's promise settles with its own result once its batch is
 * done. A failed batch is tried again item by item, so only the jobs whose own item fails are
 * failed (and retried by BullMQ).
 */
export class KeyedBatcher<T, R = void> {
  private readonly pending = new Map<string, { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  /**
   * `run` answers one result per item, in order (or nothing, for writes). `windowMs` > 0 gathers
   * items for that long instead of one event-loop turn: for writes nobody waits on, fewer and
   * larger transactions (each COMMIT is a WAL flush).
   */
  constructor(
    private readonly run: (key: string, items: T[]) => Promise<R[]> | Promise<void>,
    private readonly maxBatch = 100,
    private readonly windowMs = 0,
  ) {}

  add(key: string, item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(key) ?? [];
      list.push({ item, resolve, reject });
      this.pending.set(key, list);
      if (list.length >= this.maxBatch) this.flushKey(key);
      else if (!this.scheduled) {
        this.scheduled = true;
        if (this.windowMs > 0) setTimeout(() => this.flush(), this.windowMs);
        else setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    for (const key of [...this.pending.keys()]) this.flushKey(key);
  }

  private flushKey(key: string): void {
    const list = this.pending.get(key);
    if (!list?.length) return;
    this.pending.delete(key);
    this.run(
      key,
      list.map((p) => p.item),
    ).then(
      (results) => list.forEach((p, i) => p.resolve((results ? results[i] : undefined) as R)),
      (e: unknown) => {
        if (list.length === 1) return list[0].reject(e);
        // One bad item must not fail its neighbours' jobs again and again: one by one.
        for (const p of list) this.run(key, [p.item]).then((r) => p.resolve((r ? r[0] : undefined) as R), p.reject);
      },
    );
  }
}
