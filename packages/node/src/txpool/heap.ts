/** `before(a, b)` is true when `a` must come out of the heap ahead of `b`. */
export type Before<T> = (a: T, b: T) => boolean;

/** A binary heap over a plain array; `onMove` lets an indexed heap track positions. */
export class BinaryHeap<T> {
  protected readonly items: T[];

  constructor(
    protected readonly before: Before<T>,
    heapOrdered: readonly T[] = [],
  ) {
    this.items = heapOrdered.slice();
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.place(item, this.items.length - 1);
    this.siftUp(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.removeAt(0);
    return top;
  }

  /** The items in heap order: a valid starting array for another heap with the same `before`. */
  snapshot(): readonly T[] {
    return this.items;
  }

  protected place(_item: T, _index: number): void {}

  protected forget(_item: T): void {}

  protected removeAt(index: number): void {
    const removed = this.items[index] as T;
    const last = this.items.pop() as T;
    this.forget(removed);
    if (index === this.items.length) return;
    this.items[index] = last;
    this.place(last, index);
    if (index > 0 && this.before(last, this.items[(index - 1) >> 1] as T)) this.siftUp(index);
    else this.siftDown(index);
  }

  private siftUp(start: number): void {
    const items = this.items;
    let index = start;
    const item = items[index] as T;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!this.before(item, parent)) break;
      items[index] = parent;
      this.place(parent, index);
      index = parentIndex;
    }
    items[index] = item;
    this.place(item, index);
  }

  private siftDown(start: number): void {
    const items = this.items;
    const length = items.length;
    let index = start;
    const item = items[index] as T;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.before(items[right] as T, items[left] as T)) child = right;
      const childItem = items[child] as T;
      if (!this.before(childItem, item)) break;
      items[index] = childItem;
      this.place(childItem, index);
      index = child;
    }
    items[index] = item;
    this.place(item, index);
  }
}

/** A binary heap that can also find and delete any item in O(log n). Items must be distinct. */
export class IndexedHeap<T> extends BinaryHeap<T> {
  private readonly positions = new Map<T, number>();

  has(item: T): boolean {
    return this.positions.has(item);
  }

  override push(item: T): void {
    if (this.positions.has(item)) return;
    super.push(item);
  }

  delete(item: T): boolean {
    const index = this.positions.get(item);
    if (index === undefined) return false;
    this.removeAt(index);
    return true;
  }

  protected override place(item: T, index: number): void {
    this.positions.set(item, index);
  }

  protected override forget(item: T): void {
    this.positions.delete(item);
  }
}
