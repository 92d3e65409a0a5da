/**
 * Appends 16-bit PCM to a WAV file so that the file is a valid WAV at every
 * moment: the header is written first (declaring no data), samples are
 * appended after it, and updateHeader() rewrites the RIFF and data sizes in
 * place. A process killed between updates leaves a file whose header is
 * merely behind its data (readers see the audio up to the last update).
 *
 * Writes are synchronous: a period is a few hundred bytes into the page
 * cache, ordering is then trivially right, and the header read back right
 * after an update is the header on disk.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { buildWavHeader, samplesToBytes, WAV_HEADER_BYTES } from '../pcm/wav.js';
import type { WavFormat } from '../pcm/wav.js';

/** RIFF sizes are 32-bit; the RIFF size field counts 36 header bytes plus the data. */
const MAX_DATA_BYTES = 0xffffffff - 36;

export class WavFileWriter {
  readonly path: string;
  readonly format: WavFormat;
  private fd: number | undefined;
  private written = 0;

  constructor(path: string, format: WavFormat) {
    this.path = path;
    this.format = format;
    const header = buildWavHeader(format, 0);
    this.fd = openSync(path, 'w');
    writeSync(this.fd, header, 0, header.length, 0);
  }

  /** Data bytes appended so far (the header may declare fewer until the next update). */
  get dataBytes(): number {
    return this.written;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  append(samples: Int16Array): void {
    const fd = this.openFd();
    const bytes = samplesToBytes(samples);
    if (this.written + bytes.length > MAX_DATA_BYTES) throw new RangeError(`${this.path}: WAV would exceed the 4 GiB RIFF limit`);
    writeSync(fd, bytes, 0, bytes.length, WAV_HEADER_BYTES + this.written);
    this.written += bytes.length;
  }

  /** Rewrites the header with the sizes of everything appended so far. */
  updateHeader(): void {
    const header = buildWavHeader(this.format, this.written);
    writeSync(this.openFd(), header, 0, header.length, 0);
  }

  /** Final header update and close; idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.updateHeader();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: WAV writer is closed`);
    return this.fd;
  }
}
