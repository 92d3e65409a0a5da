/**
 * Appends packets to a pcap file with a size cap and rotation, like
 * tcpdump -C/-W: when the next packet would take the file past `maxBytes`,
 * it is closed and renamed — file.pcap → file.1.pcap → file.2.pcap … — the
 * oldest beyond `maxFiles` is deleted, and a fresh file.pcap (with its own
 * global header, so each file opens on its own) takes the packet. A phone
 * left tracing for a week fills at most maxBytes × maxFiles of its storage.
 *
 * write() is synchronous for the caller (the SIP transport must not wait on
 * the disk): packets are queued and written in order in the background. The
 * queue is bounded; past it packets are dropped and counted rather than
 * letting a slow SD card grow memory without limit.
 */
import { open, rename, type FileHandle } from 'node:fs/promises';
import { removeIfPresent } from '../config/durable-file.js';
import { DEFAULT_SNAPLEN, LINKTYPE_ETHERNET, PCAP_GLOBAL_HEADER, pcapGlobalHeader, pcapRecord } from './pcap-format.js';

export interface PcapWriterOptions {
  /** Largest size of one file, header included. */
  readonly maxBytes?: number;
  /** Files kept, the current one included (file.pcap … file.(N-1).pcap). */
  readonly maxFiles?: number;
  readonly linkType?: number;
  readonly snapLength?: number;
  /** Bytes waiting to be written before packets are dropped. */
  readonly maxQueuedBytes?: number;
}

export interface PcapWriterStats {
  readonly packets: number;
  readonly dropped: number;
  readonly rotations: number;
  /** The first write error, if any: the trace stops being written after it. */
  readonly error?: string;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;
const DEFAULT_MAX_QUEUED = 4 * 1024 * 1024;

/** "dir/sip.pcap", 2 → "dir/sip.2.pcap"; a name without ".pcap" gets ".2" appended. */
export function rotatedPath(path: string, index: number): string {
  if (index === 0) return path;
  const m = /^(.*)(\.pcap)$/i.exec(path);
  return m === null ? `${path}.${index}` : `${m[1] ?? ''}.${index}${m[2] ?? ''}`;
}

type Queued = { readonly kind: 'record'; readonly bytes: Buffer } | { readonly kind: 'rotate' };

export class PcapWriter {
  private handle: FileHandle | undefined;
  /** Bytes in the current file once everything queued is written. */
  private plannedSize = PCAP_GLOBAL_HEADER;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private draining: Promise<void> | undefined;
  private closed = false;
  private counters: { packets: number; dropped: number; rotations: number; error?: string } = { packets: 0, dropped: 0, rotations: 0 };
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly linkType: number;
  private readonly snapLength: number;
  private readonly maxQueuedBytes: number;

  private constructor(
    readonly path: string,
    options: PcapWriterOptions,
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxFiles = Math.max(1, options.maxFiles ?? DEFAULT_MAX_FILES);
    this.linkType = options.linkType ?? LINKTYPE_ETHERNET;
    this.snapLength = options.snapLength ?? DEFAULT_SNAPLEN;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED;
    if (this.maxBytes < PCAP_GLOBAL_HEADER + 64) throw new RangeError(`maxBytes ${this.maxBytes} is too small for a pcap file`);
  }

  /** Starts a new trace at `path`: the file and its older rotations are replaced. */
  static async open(path: string, options: PcapWriterOptions = {}): Promise<PcapWriter> {
    const writer = new PcapWriter(path, options);
    for (let i = 1; i < Math.max(writer.maxFiles, DEFAULT_MAX_FILES); i++) await removeIfPresent(rotatedPath(path, i));
    await writer.openFresh();
    return writer;
  }

  get stats(): PcapWriterStats {
    return { ...this.counters };
  }

  /** Queues one frame with its wall-clock time (ms since the epoch). */
  write(frame: Uint8Array, timeMs: number): void {
    if (this.closed || this.counters.error !== undefined) return;
    const record = pcapRecord(frame, timeMs, this.snapLength);
    if (this.queuedBytes + record.length > this.maxQueuedBytes) {
      this.counters.dropped += 1;
      return;
    }
    if (this.plannedSize + record.length > this.maxBytes && this.plannedSize > PCAP_GLOBAL_HEADER) {
      this.queue.push({ kind: 'rotate' });
      this.plannedSize = PCAP_GLOBAL_HEADER;
    }
    this.queue.push({ kind: 'record', bytes: record });
    this.queuedBytes += record.length;
    this.plannedSize += record.length;
    this.counters.packets += 1;
    this.draining ??= this.drain();
  }

  /** Resolves once everything queued so far is written. */
  async flush(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }

  private async openFresh(): Promise<void> {
    this.handle = await open(this.path, 'w');
    await this.handle.write(pcapGlobalHeader(this.linkType, this.snapLength));
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await removeIfPresent(rotatedPath(this.path, this.maxFiles - 1));
    for (let i = this.maxFiles - 2; i >= 0; i--) {
      try {
        await rename(rotatedPath(this.path, i), rotatedPath(this.path, i + 1));
      } catch {
        // Not there yet (the first rotations): nothing to move.
      }
    }
    await this.openFresh();
    this.counters.rotations += 1;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Consecutive records go to the disk in one write.
        const batch: Buffer[] = [];
        while (this.queue[0]?.kind === 'record') {
          const item = this.queue.shift();
          if (item?.kind === 'record') batch.push(item.bytes);
        }
        if (batch.length > 0) {
          const bytes = Buffer.concat(batch);
          this.queuedBytes -= bytes.length;
          await this.handle?.write(bytes);
          continue;
        }
        this.queue.shift();
        await this.rotate();
      }
    } catch (e) {
      this.counters.error = e instanceof Error ? e.message : String(e);
      this.queue.length = 0;
      this.queuedBytes = 0;
    } finally {
      this.draining = undefined;
    }
  }
}
