/**
 * Types for the parts of `sdp-transform` 3.x this phone uses. The package
 * ships no types and there is no @types package installed, so this module
 * declaration describes what lib/parser.js and lib/writer.js really do:
 *
 *  - parse() runs every value it captures through `toIntIfInt`, so a field
 *    may come back as a number ("0" → 0) or a string ("0-15", a 19-digit
 *    sess-id that does not survive Number()) — hence the `string | number`
 *    unions below, which the facade in parse.ts narrows;
 *  - a line whose grammar does not match is dropped (an m= line that does not
 *    match still opens a media section, with no type/port/protocol);
 *  - write() needs `media` and fills in v=, s= and payloads when missing.
 *
 * Only the fields read or written by firmware/media/sdp are declared; the
 * rest of the parsed object is there at run time but not typed.
 */
declare module 'sdp-transform' {
  /** A value that went through toIntIfInt. */
  export type Scalar = string | number;

  export interface ParsedOrigin {
    username: Scalar;
    sessionId: Scalar;
    sessionVersion: Scalar;
    netType: Scalar;
    ipVer: Scalar;
    address: Scalar;
  }

  export interface ParsedConnection {
    version: Scalar;
    ip: Scalar;
  }

  export interface ParsedRtpMap {
    payload: Scalar;
    codec: Scalar;
    rate?: Scalar;
    encoding?: Scalar;
  }

  export interface ParsedFmtp {
    payload: Scalar;
    config: Scalar;
  }

  export interface ParsedRtcp {
    port: Scalar;
    netType?: Scalar;
    ipVer?: Scalar;
    address?: Scalar;
  }

  export interface ParsedMedia {
    rtp: ParsedRtpMap[];
    fmtp: ParsedFmtp[];
    type?: Scalar;
    port?: Scalar;
    protocol?: Scalar;
    payloads?: Scalar;
    connection?: ParsedConnection;
    rtcp?: ParsedRtcp;
    ptime?: Scalar;
    maxptime?: Scalar;
    direction?: string;
  }

  export interface ParsedSession {
    version?: Scalar;
    origin?: ParsedOrigin;
    name?: Scalar;
    connection?: ParsedConnection;
    direction?: string;
    media: ParsedMedia[];
  }

  export interface WritableRtpMap {
    payload: number;
    codec: string;
    rate?: number;
    encoding?: number;
  }

  export interface WritableMedia {
    type: string;
    port: number;
    protocol: string;
    payloads: string;
    rtp: WritableRtpMap[];
    fmtp: { payload: number; config: string }[];
    connection?: { version: number; ip: string };
    rtcp?: { port: number; netType?: string; ipVer?: number; address?: string };
    crypto?: { id: number; suite: string; config: string; sessionConfig?: string }[];
    ptime?: number;
    maxptime?: number;
    direction?: string;
  }

  export interface WritableSession {
    version: number;
    name: string;
    timing: { start: number; stop: number };
    connection?: { version: number; ip: string };
    media: WritableMedia[];
  }

  export interface WriteOptions {
    /** Line types written at session level, in order (default v o s i u e p c b t r z a). */
    outerOrder?: string[];
    /** Line types written in each media section, in order (default i c b a). */
    innerOrder?: string[];
  }

  export function parse(sdp: string): ParsedSession;
  export function write(session: WritableSession, opts?: WriteOptions): string;

  const sdpTransform: {
    parse: typeof parse;
    write: typeof write;
  };
  export default sdpTransform;
}
