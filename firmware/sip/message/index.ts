/**
 * The SIP message layer: model, parser, serializer, builders and validation
 * (RFC 3261 §7, §8.1.1, §8.2, §18.3, §19, §20, §25; RFC 5118 for IPv6;
 * checked against the RFC 4475 torture messages). No SIP library underneath.
 *
 * Receiving
 *   const r = parseMessage(bytes, { transport: 'udp' });        // never throws
 *   if (!r.ok) { if (r.error.canAnswer) send(createResponse(r.error.partial, r.error.status, r.error.reason)); return; }
 *   r.warnings → log.  For a request: const v = validateRequest(r.message);
 *   if (!v.ok) → createResponse(request, 400, v.reason).
 *   On TCP/TLS: const framer = new StreamFramer(); for (const ev of framer.push(chunk)) …
 *   ('message' → parseMessage(ev.bytes, { transport: 'stream' }), 'ping' → write "\r\n",
 *   'error' → close the connection).
 *
 * Reading headers
 *   message.headers.get('v') / getAll('Contact') / lines('Via') — raw text, any case or
 *   compact form. Typed: getTopVia(m).branch, getFrom(m).tag, getCSeq(m).seq,
 *   getContacts(m), getNameAddrList(m, 'Record-Route'), getTokens(m, 'Require'),
 *   getContentType(m), getAccept(m) … (accessors.ts).
 *   Request-URI: message.uri.kind is 'sip' (scheme sip/sips), 'tel' or 'absolute'
 *   (unknown scheme → answer 416).
 *
 * Sending
 *   createRequest({ method, uri, from, to, callId, cseq, contact, body }) and
 *   headers.prepend('Via', formatVia(new Via({ transport: 'UDP', host, port,
 *   params: new Parameters().set('branch', createBranch()).set('rport', null) })));
 *   createResponse(request, 180, undefined, { toTag }); serialize(message) → bytes
 *   (Content-Length is computed there).
 */
export { SipSyntaxError, isSipSyntaxError } from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { MessageLimits } from './limits.js';

export { SIP_VERSION, isRequest, isResponse } from './message.js';
export type { SipMessage, SipRequest, SipResponse } from './message.js';
export { Headers } from './headers.js';
export type { HeaderField } from './headers.js';
export { COMPACT_FORMS, canonicalHeaderName, compactHeaderName, headerKey, isListHeader, splitListValue } from './header-names.js';

export { parseMessage, cseqMethodFault } from './parser.js';
export type { ParseError, ParseOptions, ParseResult, PartialRequest, TransportKind } from './parser.js';
export { StreamFramer } from './stream-framer.js';
export type { FramerEvent, FramerState } from './stream-framer.js';
export { serialize, serializeHead, messageToString } from './serializer.js';
export type { SerializeOptions } from './serializer.js';
export { createRequest, createResponse, createTag } from './builder.js';
export type { MessageBody, RequestInit, ResponseOptions } from './builder.js';
export { reasonPhrase } from './reason-phrases.js';
export { validateRequest, validateResponse } from './validate.js';
export type { Validation } from './validate.js';
export { checkHeaderSyntax, isCheckedHeader } from './header-checks.js';

export * from './accessors.js';

export { Parameters, formatHeaderParams } from './params.js';
export type { Param } from './params.js';
export { formatUri, isSipUri, parseUri, sipUri, uriEquals } from './uri.js';
export type { AbsoluteUri, SipUri, TelUri, Uri, UriHeader } from './uri.js';
export { bareHost, hostsEqual, isIPv4, isIPv6 } from './host.js';
export { NameAddr, formatNameAddr, parseNameAddr, parseNameAddrList } from './name-addr.js';
export { MAGIC_COOKIE, Via, createBranch, formatVia, isRfc3261Branch, parseVia, parseViaList } from './via.js';
export { formatCSeq, parseCSeq } from './cseq.js';
export type { CSeq } from './cseq.js';
export { createCallId, parseCallId } from './call-id.js';
export { contactExpires, contactQ, parseContactValue, parseQValue } from './contact.js';
export type { ContactSet } from './contact.js';
export { formatMediaType, mediaRangeMatches, mediaTypeName, parseMediaRangeList, parseMediaType } from './media-type.js';
export type { MediaType } from './media-type.js';
export { parseContentLength, parseDeltaSeconds, parseMaxForwards } from './scalar-headers.js';
export { parseTokenList } from './token-list.js';
export { formatSipDate, parseSipDate } from './sip-date.js';
export { parseParamValue, parseParamValueList } from './param-value.js';
export type { ParamValue } from './param-value.js';
export { SIPFRAG_CONTENT_TYPE, formatSipfragStatus, parseSipfragStatus } from './sipfrag.js';
export type { SipfragStatus } from './sipfrag.js';
export { formatReplaces, parseReplaces } from './replaces.js';
export type { Replaces } from './replaces.js';
