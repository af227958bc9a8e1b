/**
 * Gathers the items concurrent jobs hand in during one turn of the event loop and writes them
 * per key (tenant) in one go: a worker running N jobs at once then makes one database round trip
 * where it made N. Each caller's promise settles with its batch, so a job completes only once its
 * row is written. A failed batch is written again item by item, so only the jobs whose own item
 * fails are failed (and retried by BullMQ).
 */
export class KeyedBatcher<T> {
  private readonly pending = new Map<string, { item: T; resolve: () => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  constructor(
    private readonly write: (key: string, items: T[]) => Promise<void>,
    private readonly maxBatch = 100,
  ) {}

  add(key: string, item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(key) ?? [];
      list.push({ item, resolve, reject });
      this.pending.set(key, list);
      if (list.length >= this.maxBatch) this.flushKey(key);
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
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
    this.write(
      key,
      list.map((p) => p.item),
    ).then(
      () => list.forEach((p) => p.resolve()),
      (e: unknown) => {
        if (list.length === 1) return list[0].reject(e);
        // One bad item must not fail its neighbours' jobs again and again: write each alone.
        for (const p of list) this.write(key, [p.item]).then(p.resolve, p.reject);
      },
    );
  }
}
