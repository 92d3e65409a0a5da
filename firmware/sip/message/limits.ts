/**
 * Hard limits on what the parser and the stream framer accept. RFC 3261 sets
 * none, but an embedded phone must bound memory: anything over them is
 * refused with a clear reason (RFC 3261 §21.5.7 "513 Message Too Large" for
 * size) instead of being buffered.
 */
export interface MessageLimits {
  /** Whole message, start line + headers + body, in bytes. */
  readonly maxMessageBytes: number;
  /** Header fields (logical lines after unfolding), not counting the start line. */
  readonly maxHeaders: number;
  /** One logical header line (or the start line) in bytes, folding included. */
  readonly maxLineBytes: number;
}

export const DEFAULT_LIMITS: MessageLimits = {
  maxMessageBytes: 64 * 1024,
  maxHeaders: 256,
  maxLineBytes: 8 * 1024,
};
