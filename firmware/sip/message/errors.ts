/**
 * The one error the header-value parsers throw. Its message is short, ASCII
 * and never echoes received bytes, so a UAS can put it straight into the
 * reason phrase of a 400 (RFC 3261 §21.4.1) without risking header injection.
 */
export class SipSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipSyntaxError';
  }
}

export function isSipSyntaxError(e: unknown): e is SipSyntaxError {
  return e instanceof SipSyntaxError;
}
