/**
 * A listener list for one kind of event. A listener that throws does not
 * stop the others: the SIP stack calls these from network callbacks, where
 * an exception would otherwise escape into the transport.
 */
export class TypedEmitter<T> {
  readonly #listeners = new Set<(event: T) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => undefined) {
    this.#onError = onError;
  }

  /** Returns an unsubscribe; the same function may subscribe twice and unsubscribe each independently. */
  on(listener: (event: T) => void): () => void {
    const entry = (event: T): void => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (e) {
        this.#onError(e);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}
