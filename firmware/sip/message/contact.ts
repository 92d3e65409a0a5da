/**
 * Contact (RFC 3261 §20.10):
 *   Contact = ("Contact" / "m" ) HCOLON ( STAR / (contact-param *(COMMA contact-param)))
 * '*' is only meaningful in a REGISTER removing all bindings (§10.2.2).
 * contact-params expires (delta-seconds) and q (qvalue) are checked here.
 */
import { SipSyntaxError } from './errors.js';
import type { NameAddr } from './name-addr.js';
import { parseNameAddrList } from './name-addr.js';
import { parseDeltaSeconds } from './scalar-headers.js';

/** '*' or the list of contacts (empty when the header is absent). */
export type ContactSet = '*' | NameAddr[];

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
export function parseQValue(text: string): number {
  if (!/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(text)) throw new SipSyntaxError('Contact: bad q value');
  return Number(text);
}

function checkContactParams(contacts: readonly NameAddr[]): void {
  for (const c of contacts) {
    const expires = c.params.get('expires');
    if (expires === null) throw new SipSyntaxError('Contact: expires without value');
    if (expires !== undefined) parseDeltaSeconds(expires, 'Contact expires');
    const q = c.params.get('q');
    if (q === null) throw new SipSyntaxError('Contact: q without value');
    if (q !== undefined) parseQValue(q);
  }
}

/** One Contact header line. */
export function parseContactValue(value: string): ContactSet {
  if (value.trim() === '*') return '*';
  const contacts = parseNameAddrList(value, 'Contact');
  if (contacts.length === 0) throw new SipSyntaxError('Contact: empty');
  checkContactParams(contacts);
  return contacts;
}

/** The expires parameter of one contact, if any (§10.2.1.1). */
export function contactExpires(contact: NameAddr): number | undefined {
  const v = contact.params.get('expires');
  return v === undefined || v === null ? undefined : parseDeltaSeconds(v, 'Contact expires');
}

/** The q parameter of one contact, if any (§20.10). */
export function contactQ(contact: NameAddr): number | undefined {
  const v = contact.params.get('q');
  return v === undefined || v === null ? undefined : parseQValue(v);
}
