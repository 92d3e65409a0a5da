/**
 * The body of a message as the session layers pass it around: bytes and
 * their Content-Type (RFC 3261 §7.4, §20.15). A message without a body, or
 * with one but no Content-Type, carries no session description.
 */
import { formatMediaType, getContentType } from '../message/index.js';
import type { HasHeaders, MediaType, MessageBody } from '../message/index.js';

export function bodyOf(message: HasHeaders & { readonly body: Uint8Array }): MessageBody | undefined {
  if (message.body.length === 0) return undefined;
  let type: MediaType | undefined;
  try {
    type = getContentType(message);
  } catch {
    return undefined;
  }
  return type === undefined ? undefined : { contentType: formatMediaType(type), bytes: message.body };
}
