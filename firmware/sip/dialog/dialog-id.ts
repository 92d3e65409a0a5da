/**
 * Dialog identifiers (RFC 3261 §12): "A dialog is identified at each UA with
 * a dialog ID, which consists of a Call-ID value, a local tag and a remote
 * tag." Which header holds which tag depends on the side:
 *
 * "For a UAC, the Call-ID value of the dialog ID is set to the Call-ID of
 * the message, the remote tag is set to the tag in the To field of the
 * message, and the local tag is set to the tag in the From field of the
 * message (these rules apply to both requests and responses). As might be
 * expected for a UAS, the Call-ID value of the dialog ID is set to the
 * Call-ID of the message, the remote tag is set to the tag in the From field
 * of the message, and the local tag is set to the tag in the To field of the
 * message."
 *
 * The remote tag may be missing: "A UAS MUST be prepared to receive a
 * request without a tag in the From field, in which case the tag is
 * considered to have a value of null" (§12.1.1, for RFC 2543 peers).
 */
import { getCallId, getFrom, getTo } from '../message/index.js';
import type { HasHeaders } from '../message/index.js';

export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  /** undefined: the peer is an RFC 2543 UA that sent no From tag (a null tag, §12.1.1). */
  readonly remoteTag: string | undefined;
}

/** One string per dialog ID, for maps. Call-ID and tags compare exactly (§8.1.1.4, §19.3). */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\n${id.localTag}\n${id.remoteTag ?? ''}`;
}

function tagsOf(m: HasHeaders): { callId: string; fromTag: string | undefined; toTag: string | undefined } | undefined {
  try {
    const callId = getCallId(m);
    const from = getFrom(m);
    const to = getTo(m);
    if (callId === undefined || from === undefined || to === undefined) return undefined;
    return { callId, fromTag: from.tag, toTag: to.tag };
  } catch {
    // A header the accessors refuse names no dialog.
    return undefined;
  }
}

/**
 * The dialog ID a received request names, seen as its UAS (local = To tag,
 * remote = From tag); undefined when the request has no To tag, i.e. is
 * outside any dialog (§12.2.2), or its headers cannot be read.
 */
export function requestDialogId(request: HasHeaders): DialogId | undefined {
  const t = tagsOf(request);
  if (t?.toTag === undefined) return undefined;
  return { callId: t.callId, localTag: t.toTag, remoteTag: t.fromTag };
}

/**
 * The dialog ID a response to one of our requests names, seen as its UAC
 * (local = From tag, remote = To tag); undefined without both tags.
 */
export function responseDialogId(response: HasHeaders): DialogId | undefined {
  const t = tagsOf(response);
  if (t?.toTag === undefined || t.fromTag === undefined) return undefined;
  return { callId: t.callId, localTag: t.fromTag, remoteTag: t.toTag };
}
