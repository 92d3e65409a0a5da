/**
 * The Replaces header field value (RFC 3891 §6.1):
 *
 *   Replaces        = "Replaces" HCOLON callid *(SEMI replaces-param)
 *   replaces-param  = to-tag / from-tag / early-flag / generic-param
 *   to-tag          = "to-tag" EQUAL token
 *   from-tag        = "from-tag" EQUAL token
 *   early-flag      = "early-only"
 *
 * "A Replaces header field MUST contain exactly one to-tag and exactly one
 * from-tag, as they are required for unique dialog matching." The same text
 * travels escaped as the `Replaces` header of a Refer-To URI (RFC 3891 §5,
 * RFC 5589 §7): formatUri() escapes ';' and '=' as %3B and %3D there.
 */
import { parseCallId } from './call-id.js';
import { Cursor } from './cursor.js';
import { SipSyntaxError } from './errors.js';
import { Parameters, formatHeaderParams, parseHeaderParams } from './params.js';

export interface Replaces {
  readonly callId: string;
  /** The tag of the replaced dialog's UAS side as the sender of Replaces names it: compared with the receiver's local tag (§3). */
  readonly toTag: string;
  /** Compared with the receiver's remote tag (§3). */
  readonly fromTag: string;
  /** Replace only an early dialog: a confirmed one gets 486 (§3, §7.1). */
  readonly earlyOnly: boolean;
}

export function parseReplaces(value: string): Replaces {
  const semi = value.indexOf(';');
  if (semi < 0) throw new SipSyntaxError('Replaces: to-tag and from-tag are required');
  const callId = parseCallId(value.slice(0, semi));
  const cur = new Cursor(value.slice(semi), 'Replaces');
  const params = parseHeaderParams(cur);
  cur.end();
  const tag = (name: string): string => {
    const found = [...params].filter((p) => p.name.toLowerCase() === name);
    const only = found[0];
    if (found.length !== 1 || only === undefined || only.value === null || only.value === '') {
      throw new SipSyntaxError(`Replaces: exactly one ${name} is required`);
    }
    return only.value;
  };
  return { callId, toTag: tag('to-tag'), fromTag: tag('from-tag'), earlyOnly: params.has('early-only') };
}

export function formatReplaces(replaces: Replaces): string {
  const params = new Parameters().set('to-tag', replaces.toTag).set('from-tag', replaces.fromTag);
  if (replaces.earlyOnly) params.set('early-only', null);
  return parseCallId(replaces.callId) + formatHeaderParams(params);
}
