/**
 * The route set of a dialog and how an in-dialog request is addressed with
 * it (RFC 3261 §12.1.1, §12.1.2, §12.2.1.1). Pure functions over URIs.
 */
import { Parameters, getNameAddrList } from '../message/index.js';
import type { HasHeaders, Uri } from '../message/index.js';

/**
 * UAS (§12.1.1): "The route set MUST be set to the list of URIs in the
 * Record-Route header field from the request, taken in order and preserving
 * all URI parameters. If no Record-Route header field is present in the
 * request, the route set MUST be set to the empty set."
 */
export function routeSetFromRequest(request: HasHeaders): Uri[] {
  return getNameAddrList(request, 'Record-Route').map((na) => na.uri);
}

/**
 * UAC (§12.1.2): "The route set MUST be set to the list of URIs in the
 * Record-Route header field from the response, taken in reverse order and
 * preserving all URI parameters. If no Record-Route header field is present
 * in the response, the route set MUST be set to the empty set."
 */
export function routeSetFromResponse(response: HasHeaders): Uri[] {
  return getNameAddrList(response, 'Record-Route')
    .map((na) => na.uri)
    .reverse();
}

/** A loose router (RFC 3261 §16.12.1.1) marks its URI with `lr`; one without it is an RFC 2543 strict router. */
export function isLooseRouter(uri: Uri): boolean {
  return uri.kind === 'sip' && uri.params.has('lr');
}

/**
 * A URI as it may stand in a Request-URI (§19.1.1, Table 1): the `method`
 * parameter and URI headers are not allowed there.
 */
export function asRequestUri(uri: Uri): Uri {
  if (uri.kind !== 'sip') return uri;
  if (!uri.params.has('method') && uri.headers.length === 0) return uri;
  const params = new Parameters([...uri.params].filter((p) => p.name.toLowerCase() !== 'method'));
  return { ...uri, params, headers: [] };
}

export interface RequestAddressing {
  readonly requestUri: Uri;
  /** The Route header field values, in order. */
  readonly route: readonly Uri[];
}

/**
 * §12.2.1.1: "If the route set is empty, the UAC MUST place the remote target
 * URI into the Request-URI. The UAC MUST NOT add a Route header field to the
 * request. If the route set is not empty, and the first URI in the route set
 * contains the lr parameter, the UAC MUST place the remote target URI into
 * the Request-URI and MUST include a Route header field containing the route
 * set values in order, including all parameters. If the route set is not
 * empty, and its first URI does not contain the lr parameter, the UAC MUST
 * place the first URI from the route set into the Request-URI, stripping any
 * parameters that are not allowed in a Request-URI. The UAC MUST add a Route
 * header field containing the remainder of the route set values in order,
 * including all parameters. The UAC MUST then place the remote target URI
 * into the Route header field as the last value."
 */
export function addressRequest(remoteTarget: Uri, routeSet: readonly Uri[]): RequestAddressing {
  const [first, ...rest] = routeSet;
  if (first === undefined) return { requestUri: remoteTarget, route: [] };
  if (isLooseRouter(first)) return { requestUri: remoteTarget, route: [...routeSet] };
  return { requestUri: asRequestUri(first), route: [...rest, remoteTarget] };
}
