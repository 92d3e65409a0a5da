import type { TransportLogger } from './logger.js';

/**
 * A listener list whose emit() survives a throwing listener: one bad
 * subscriber above the transport must not stop delivery to the others or
 * crash the socket's event handler.
 */
export class Listeners<T> {
  readonly #list = new Set<(value: T) => void>();
  readonly #logger: TransportLogger;
  readonly #what: string;

  constructor(logger: TransportLogger, what: string) {
    this.#logger = logger;
    this.#what = what;
  }

  add(listener: (value: T) => void): () => void {
    // Wrapped so the same function can subscribe twice and unsubscribe each independently.
    const entry = (value: T): void => listener(value);
    this.#list.add(entry);
    return () => {
      this.#list.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#list]) {
      try {
        listener(value);
      } catch (e) {
        this.#logger.warn(`${this.#what} listener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  clear(): void {
    this.#list.clear();
  }
}
