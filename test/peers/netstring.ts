// Netstrings (D. J. Bernstein, https://cr.yp.to/proto/netstrings.txt):
// "<decimal length>:<bytes>," — the framing of baresip's ctrl_tcp module.

/** Frames one payload as a netstring. */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body, Buffer.from(',', 'ascii')]);
}

/** Reassembles netstrings from a byte stream that may split or join them. */
export class NetstringDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds received bytes; returns every payload completed by them. */
  push(chunk: Buffer): string[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: string[] = [];
    for (;;) {
      const colon = this.pending.indexOf(0x3a); // ':'
      if (colon < 0) {
        if (this.pending.length > 10) throw new Error('netstring: length prefix too long');
        return out;
      }
      const prefix = this.pending.subarray(0, colon).toString('ascii');
      if (!/^(0|[1-9]\d{0,8})$/.test(prefix)) throw new Error(`netstring: bad length "${prefix}"`);
      const length = Number(prefix);
      const end = colon + 1 + length;
      if (this.pending.length < end + 1) return out;
      if (this.pending[end] !== 0x2c) throw new Error('netstring: missing trailing comma'); // ','
      out.push(this.pending.subarray(colon + 1, end).toString('utf8'));
      this.pending = this.pending.subarray(end + 1);
    }
  }
}
