/** A logic level on a GPIO line, as read or driven (not "pressed" or "on"). */
export type Level = 0 | 1;

export type Edge = 'rising' | 'falling' | 'both';

export interface EdgeEvent {
  /** The level after the edge. */
  readonly level: Level;
  /** Monotonic milliseconds (same origin as the board's Clock.now()). */
  readonly timestampMs: number;
}

/** An input line. The board decides pull-ups; drivers decide what a level means. */
export interface DigitalIn {
  /** A human name for messages: "GPIO17 (header pin 11)". */
  readonly name: string;
  read(): Level;
  /** Calls `listener` on each edge of the given kind; returns an unsubscribe function. */
  watch(edge: Edge, listener: (event: EdgeEvent) => void): () => void;
  close(): void;
}

/** An output line. */
export interface DigitalOut {
  readonly name: string;
  write(level: Level): void;
  /** The level last written. */
  read(): Level;
  /**
   * Stop driving the line (switch it to a high-impedance input). Key-matrix
   * columns are floated when not selected, so two keys in one row cannot short
   * two driven outputs together.
   */
  float(): void;
  close(): void;
}
