/**
 * Header field names: case-insensitive (RFC 3261 §7.3.1), with single-letter
 * compact forms (§7.3.3) from the IANA "Header Fields" registry, which the
 * RFC says "MUST" be accepted wherever the long form is.
 */

/** IANA sip-parameters-2: every registered compact form and its long name. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'Accept-Contact', // RFC 3841
  b: 'Referred-By', // RFC 3892
  c: 'Content-Type',
  d: 'Request-Disposition', // RFC 3841
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact', // RFC 3841
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info', // RFC 4474 (obsoleted by RFC 8224, form still registered)
  o: 'Event', // RFC 6665
  r: 'Refer-To', // RFC 3515
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events', // RFC 6665
  v: 'Via',
  x: 'Session-Expires', // RFC 4028
  y: 'Identity', // RFC 8224
};

/** Canonical spelling of the header fields the phone knows, by lower-cased name. */
const CANONICAL = new Map<string, string>(
  [
    'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
    'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
    'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Diversion',
    'Error-Info', 'Event', 'Expires', 'Flow-Timer', 'From', 'History-Info', 'Identity', 'Identity-Info',
    'In-Reply-To', 'Info-Package', 'Join', 'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE',
    'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Priority', 'Privacy',
    'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
    'Recv-Info', 'Refer-Sub', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To',
    'Request-Disposition', 'Require', 'Retry-After', 'Route', 'RSeq', 'Security-Client', 'Security-Server',
    'Security-Verify', 'Server', 'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject',
    'Subscription-State', 'Supported', 'Target-Dialog', 'Timestamp', 'To', 'Unsupported', 'User-Agent',
    'Via', 'Warning', 'WWW-Authenticate',
  ].map((n) => [n.toLowerCase(), n]),
);

/**
 * Header fields whose grammar is a comma-separated list, so that several
 * values may share one line and several lines combine into one list
 * (§7.3.1). Everything else — WWW-Authenticate, Authorization, Date,
 * Retry-After, Subject, User-Agent, unknown headers — is never split on commas.
 */
const LIST_HEADERS = new Set(
  [
    'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
    'Call-Info', 'Contact', 'Content-Encoding', 'Content-Language', 'Diversion', 'Error-Info', 'History-Info',
    'In-Reply-To', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Proxy-Require', 'Reason',
    'Record-Route', 'Recv-Info', 'Reject-Contact', 'Request-Disposition', 'Require', 'Route',
    'Security-Client', 'Security-Server', 'Security-Verify', 'Service-Route', 'Supported', 'Unsupported',
    'Via', 'Warning',
  ].map((n) => n.toLowerCase()),
);

const LONG_TO_COMPACT = new Map(Object.entries(COMPACT_FORMS).map(([c, long]) => [long.toLowerCase(), c]));

/** The lookup key of a header name: lower-cased long form ("v" and "VIA" → "via"). */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  const long = COMPACT_FORMS[lower];
  return long === undefined ? lower : long.toLowerCase();
}

/** Canonical long form for known headers ("v" → "Via", "cseq" → "CSeq"); unknown names as given. */
export function canonicalHeaderName(name: string): string {
  return CANONICAL.get(headerKey(name)) ?? name;
}

/** The compact form if the header has one (for squeezing a UDP request under the MTU, §18.1.1). */
export function compactHeaderName(name: string): string | undefined {
  return LONG_TO_COMPACT.get(headerKey(name));
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(headerKey(name));
}

/**
 * Splits a list header value at top-level commas: not inside a
 * quoted-string (with its backslash escapes), not inside <...>. Elements are
 * trimmed; an empty line yields no element, inner empty elements are kept so
 * a strict parser can refuse them.
 */
export function splitListValue(value: string): string[] {
  if (value.trim().length === 0) return [];
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === ',' && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}
