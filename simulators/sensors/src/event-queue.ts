/** A binary min-heap of timed events; ties keep insertion order, so runs are reproducible. */
export class EventQueue<T> {
  private readonly heap: Array<{ atMs: number; order: number; item: T }> = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, item: T): void {
    const entry = { atMs, order: this.counter++, item };
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(entry, heap[parent] as typeof entry)) break;
      heap[i] = heap[parent] as typeof entry;
      i = parent;
    }
    heap[i] = entry;
  }

  peekTime(): number | null {
    return this.heap.length > 0 ? (this.heap[0] as { atMs: number }).atMs : null;
  }

  pop(): { atMs: number; item: T } | null {
    const heap = this.heap;
    if (heap.length === 0) return null;
    const top = heap[0] as { atMs: number; order: number; item: T };
    const last = heap.pop() as typeof top;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = last;
        let at = -1;
        if (left < heap.length && this.before(heap[left] as typeof top, smallest)) {
          smallest = heap[left] as typeof top;
          at = left;
        }
        if (right < heap.length && this.before(heap[right] as typeof top, smallest)) {
          smallest = heap[right] as typeof top;
          at = right;
        }
        if (at < 0) break;
        heap[i] = smallest;
        i = at;
      }
      heap[i] = last;
    }
    return { atMs: top.atMs, item: top.item };
  }

  private before(a: { atMs: number; order: number }, b: { atMs: number; order: number }): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
  }
}
