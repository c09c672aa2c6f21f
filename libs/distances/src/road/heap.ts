/**
 * An indexed binary min-heap over node ids 0..n-1 with decrease-key, on
 * typed arrays. `clear` costs the number of entries touched, not n, so many
 * small searches on one big graph stay cheap.
 */
export class NodeHeap {
  private readonly heap: Int32Array;
  private readonly keys: Float64Array;
  /** Position of a node in the heap, -1 when absent. */
  private readonly position: Int32Array;
  private size = 0;

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Smallest key, Infinity when empty. */
  get minKey(): number {
    return this.size > 0 ? this.keys[this.heap[0]] : Infinity;
  }

  contains(node: number): boolean {
    return this.position[node] >= 0;
  }

  /** Inserts the node, or lowers its key when it is already present with a larger one. */
  push(node: number, key: number): void {
    const at = this.position[node];
    if (at >= 0) {
      if (key < this.keys[node]) {
        this.keys[node] = key;
        this.up(at);
      }
      return;
    }
    this.keys[node] = key;
    this.heap[this.size] = node;
    this.position[node] = this.size;
    this.up(this.size++);
  }

  /** Sets the node's key, up or down, inserting it when absent. */
  update(node: number, key: number): void {
    const at = this.position[node];
    if (at < 0) {
      this.push(node, key);
      return;
    }
    const old = this.keys[node];
    this.keys[node] = key;
    if (key < old) this.up(at);
    else if (key > old) this.down(at);
  }

  /** Removes and returns the node with the smallest key. */
  pop(): number {
    const top = this.heap[0];
    this.position[top] = -1;
    this.size--;
    if (this.size > 0) {
      const last = this.heap[this.size];
      this.heap[0] = last;
      this.position[last] = 0;
      this.down(0);
    }
    return top;
  }

  clear(): void {
    for (let k = 0; k < this.size; k++) this.position[this.heap[k]] = -1;
    this.size = 0;
  }

  private up(at: number): void {
    const node = this.heap[at];
    const key = this.keys[node];
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = this.heap[parentAt];
      if (this.keys[parent] <= key) break;
      this.heap[at] = parent;
      this.position[parent] = at;
      at = parentAt;
    }
    this.heap[at] = node;
    this.position[node] = at;
  }

  private down(at: number): void {
    const node = this.heap[at];
    const key = this.keys[node];
    const half = this.size >> 1;
    while (at < half) {
      let childAt = 2 * at + 1;
      let child = this.heap[childAt];
      const rightAt = childAt + 1;
      if (rightAt < this.size && this.keys[this.heap[rightAt]] < this.keys[child]) {
        childAt = rightAt;
        child = this.heap[rightAt];
      }
      if (this.keys[child] >= key) break;
      this.heap[at] = child;
      this.position[child] = at;
      at = childAt;
    }
    this.heap[at] = node;
    this.position[node] = at;
  }
}
