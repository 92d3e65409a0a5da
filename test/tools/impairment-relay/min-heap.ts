/**
 * A binary min-heap keyed by a bigint due time, first-in first-out among
 * equal keys (two packets due in the same nanosecond leave in arrival order).
 */
interface Entry<T> {
  readonly key: bigint;
  readonly order: number;
  readonly value: T;
}

export class MinHeap<T> {
  private readonly entries: Entry<T>[] = [];
  private pushed = 0;

  get size(): number {
    return this.entries.length;
  }

  push(key: bigint, value: T): void {
    this.entries.push({ key, order: this.pushed++, value });
    this.siftUp(this.entries.length - 1);
  }

  peekKey(): bigint | undefined {
    return this.entries[0]?.key;
  }

  pop(): T | undefined {
    const top = this.entries[0];
    const last = this.entries.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.entries.length > 0) {
      this.entries[0] = last;
      this.siftDown(0);
    }
    return top.value;
  }

  clear(): void {
    this.entries.length = 0;
  }

  private less(i: number, j: number): boolean {
    const a = this.entries[i];
    const b = this.entries[j];
    if (a === undefined || b === undefined) return false;
    return a.key < b.key || (a.key === b.key && a.order < b.order);
  }

  private swap(i: number, j: number): void {
    const a = this.entries[i];
    const b = this.entries[j];
    if (a === undefined || b === undefined) return;
    this.entries[i] = b;
    this.entries[j] = a;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.entries.length && this.less(left, smallest)) smallest = left;
      if (right < this.entries.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
