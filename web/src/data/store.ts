/** Minimal observable value: the data layer owns state, components subscribe through StoreController. */
export class Store<T> {
  private listeners = new Set<(value: T) => void>();
  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    this.current = value;
    for (const fn of [...this.listeners]) fn(value);
  }

  update(patch: Partial<T>): void {
    this.set({ ...this.current, ...patch });
  }

  subscribe(fn: (value: T) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
