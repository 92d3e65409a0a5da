/**
 * The message model (RFC 3261 §7): a request or a response, its header
 * fields (see headers.ts) and its body as bytes. Header values stay raw text
 * in `headers`; typed views of them come from accessors.ts, so the model can
 * never disagree with what will be written on the wire.
 */
import type { Headers } from './headers.js';
import type { Uri } from './uri.js';

/** The only version this stack speaks (§7.1); others get 505 (§21.5.6 "505 Version Not Supported"). */
export const SIP_VERSION = 'SIP/2.0';

export interface SipRequest {
  readonly kind: 'request';
  /** Case-sensitive token ("INVITE", or any extension method). */
  method: string;
  /** The Request-URI, parsed; may be a non-SIP scheme (answer 416, §8.2.2.1). */
  uri: Uri;
  /** "SIP/2.0" */
  version: string;
  headers: Headers;
  body: Uint8Array;
}

export interface SipResponse {
  readonly kind: 'response';
  /** 100-699 */
  status: number;
  /** May be empty (RFC 4475 §3.1.1.13 noreason) and may be any UTF-8 text. */
  reason: string;
  version: string;
  headers: Headers;
  body: Uint8Array;
}

export type SipMessage = SipRequest | SipResponse;

export function isRequest(message: SipMessage): message is SipRequest {
  return message.kind === 'request';
}

export function isResponse(message: SipMessage): message is SipResponse {
  return message.kind === 'response';
}
