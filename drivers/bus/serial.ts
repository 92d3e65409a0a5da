/** A byte stream to a UART (or anything that behaves like one). */
export interface SerialLink {
  readonly name: string;
  write(data: Uint8Array): Promise<void>;
  /** Calls `listener` with each chunk received; returns an unsubscribe function. */
  onData(listener: (data: Uint8Array) => void): () => void;
  close(): Promise<void>;
}
