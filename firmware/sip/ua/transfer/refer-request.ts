/**
 * The header fields of a REFER the phone sends as transferor (RFC 3515
 * §2.1, RFC 3892, RFC 3891 §5, RFC 5589 §6-§7), written the way the peer
 * phones' issue trackers show they must be:
 *
 *   Refer-To: <sip:carol@example.com?Replaces=abc%40host%3Bto-tag%3D7553%3Bfrom-tag%3D3143>
 *   Referred-By: "Alice" <sip:alice@example.com>
 *
 * - Refer-To is always a name-addr in angle brackets: a URI with headers
 *   (the Replaces) must be (RFC 3261 §20.10), and some PBXs refuse a bare one.
 * - Replaces carries both to-tag and from-tag (RFC 3891 §6.1), escaped as
 *   a URI header (formatUri escapes ';' '=' '@').
 * - Referred-By names us (RFC 3892 §3: "the REFER request [...] SHOULD
 *   contain a Referred-By header field"), so the transfer target sees who
 *   sent the call on.
 */
import { asRequestUri } from '../../dialog/index.js';
import type { Dialog } from '../../dialog/index.js';
import { NameAddr, formatNameAddr, formatReplaces } from '../../message/index.js';
import type { Replaces, Uri } from '../../message/index.js';
import type { Party } from '../invite-request.js';

/**
 * The Refer-To value: `target` (stripped of anything a Request-URI may not
 * hold, §19.1.1) with the Replaces of an attended transfer as URI header.
 */
export function referToValue(target: Uri, replaces?: Replaces): string {
  const clean = asRequestUri(target);
  if (replaces === undefined) return formatNameAddr(new NameAddr({ uri: clean }));
  if (clean.kind !== 'sip') throw new RangeError('a Replaces needs a SIP or SIPS Refer-To URI (only those carry headers)');
  return formatNameAddr(new NameAddr({ uri: { ...clean, headers: [{ name: 'Replaces', value: formatReplaces(replaces) }] } }));
}

export function referredByValue(party: Party): string {
  return formatNameAddr(new NameAddr({ uri: party.uri, displayName: party.displayName }));
}

/**
 * The Replaces that names `dialog` (ours with the transfer target) to the
 * target. RFC 3891 §3: the receiver compares "the to-tag parameter [...] to
 * the local tag, and the from-tag parameter [...] to the remote tag" — the
 * target's local tag is our remote one, whoever placed the call. An RFC 2543
 * peer without a tag is named by "0", which matches a null tag (§6.1).
 */
export function replacesForDialog(dialog: Dialog, options: { readonly earlyOnly?: boolean } = {}): Replaces {
  return {
    callId: dialog.id.callId,
    toTag: dialog.id.remoteTag ?? '0',
    fromTag: dialog.id.localTag,
    earlyOnly: options.earlyOnly ?? false,
  };
}
