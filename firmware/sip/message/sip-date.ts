/**
 * Date = "Date" HCOLON SIP-date; SIP-date = rfc1123-date (RFC 3261 §20.17):
 *   wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"
 * "SIP restricts the time zone in SIP-date to GMT" — RFC 4475 §3.1.2.12
 * (baddate) uses "EST" and is refused. A phone may set its clock from the
 * Date of a REGISTER response, so a bad one must not be misread.
 */
import { SipSyntaxError } from './errors.js';

const WKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC1123 = /^(\w{3}), (\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

export function parseSipDate(value: string): Date {
  const m = RFC1123.exec(value.trim());
  if (m === null) throw new SipSyntaxError('Date: not an RFC 1123 date in GMT');
  const [, wkday = '', day = '', mon = '', year = '', hh = '', mm = '', ss = ''] = m;
  const month = MONTHS.indexOf(mon);
  if (!WKDAYS.includes(wkday) || month < 0) throw new SipSyntaxError('Date: bad day or month name');
  const t = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss));
  const d = new Date(t);
  if (d.getUTCDate() !== Number(day) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) {
    throw new SipSyntaxError('Date: out of range');
  }
  return d;
}

/** rfc1123-date for a Date header we generate. */
export function formatSipDate(date: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${WKDAYS[date.getUTCDay()]}, ${p2(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${p2(date.getUTCHours())}:${p2(date.getUTCMinutes())}:${p2(date.getUTCSeconds())} GMT`
  );
}
