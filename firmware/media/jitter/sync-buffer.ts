/**
 * Decoded audio waiting to be played (NetEQ's "sync buffer"): decoded and
 * concealed frames are appended, time-scale modification rewrites the
 * front, and each pull takes exactly the samples it asks for.
 *
 * Each decoded packet leaves a marker at its first sample, moved along by
 * every splice, so that the moment the packet is actually heard (pull time
 * plus its offset in the pull) can be reported — what playout-delay
 * statistics must measure, rather than the moment it was decoded.
 */

export interface PacketMarker {
  readonly sequenceNumber: number;
  readonly timestamp: number;
}

export interface PlayedMarker extends PacketMarker {
  /** Offset of the packet's first sample in the pulled block, samples. */
  readonly offsetSamples: number;
}

interface Placed {
  index: number;
  readonly marker: PacketMarker;
}

export class SyncBuffer {
  private data = new Int16Array(4096);
  private size = 0;
  private markers: Placed[] = [];
  /** Trailing samples that are comfort noise (may be dropped or added freely). */
  private noiseTail = 0;

  get length(): number {
    return this.size;
  }

  /** Comfort-noise samples at the end of the buffer. */
  get comfortNoiseTail(): number {
    return this.noiseTail;
  }

  /** The samples waiting (a view, valid until the next change). */
  view(): Int16Array {
    return this.data.subarray(0, this.size);
  }

  append(samples: Int16Array, marker?: PacketMarker, comfortNoise = false): void {
    this.reserve(this.size + samples.length);
    if (marker) this.markers.push({ index: this.size, marker });
    this.data.set(samples, this.size);
    this.size += samples.length;
    this.noiseTail = comfortNoise ? this.noiseTail + samples.length : 0;
  }

  /**
   * Replaces the first `consumed` samples with `output`, the result of a
   * splice that changed the length by `delta` (negative: samples removed).
   * Markers at or after `movedFrom` move by `delta`; those before stay.
   */
  splice(output: Int16Array, consumed: number, movedFrom: number, delta: number): void {
    const tail = this.data.slice(consumed, this.size);
    this.size = 0;
    this.reserve(output.length + tail.length);
    this.data.set(output, 0);
    this.data.set(tail, output.length);
    this.size = output.length + tail.length;
    for (const m of this.markers) {
      if (m.index >= movedFrom) m.index = Math.max(0, m.index + delta);
    }
    // A crossfade can bring a later packet's start before an earlier one's; keep them in order.
    this.markers.sort((a, b) => a.index - b.index);
    this.noiseTail = Math.min(this.noiseTail, this.size);
  }

  /** Drops up to `count` comfort-noise samples from the end; returns how many. */
  dropNoiseTail(count: number): number {
    const n = Math.max(0, Math.min(count, this.noiseTail));
    this.size -= n;
    this.noiseTail -= n;
    return n;
  }

  /** Takes the first `count` samples (the buffer must hold them) and the markers among them. */
  take(count: number): { readonly samples: Int16Array; readonly played: readonly PlayedMarker[] } {
    if (count > this.size) throw new RangeError(`sync buffer holds ${this.size} samples, not ${count}`);
    const samples = this.data.slice(0, count);
    this.data.copyWithin(0, count, this.size);
    this.size -= count;
    this.noiseTail = Math.min(this.noiseTail, this.size);
    // Markers stay in order of index, so the played ones are a prefix.
    let taken = 0;
    while (taken < this.markers.length && (this.markers[taken]?.index ?? Infinity) < count) taken++;
    const played: PlayedMarker[] = this.markers
      .splice(0, taken)
      .map((m) => ({ sequenceNumber: m.marker.sequenceNumber, timestamp: m.marker.timestamp, offsetSamples: m.index }));
    for (const m of this.markers) m.index -= count;
    return { samples, played };
  }

  clear(): void {
    this.size = 0;
    this.markers = [];
    this.noiseTail = 0;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Int16Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.size));
    this.data = next;
  }
}
