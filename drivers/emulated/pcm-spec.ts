/**
 * The simulated board's audio CLI specs, parsed into descriptions:
 *
 *   --audio-in  <file.wav> | loop:<file.wav> | tone:<hz> | silence
 *   --audio-out <file.wav>
 *
 * A plain WAV plays once and is followed by silence; `loop:` repeats it.
 */

export type WavEndBehaviour = 'silence' | 'loop';

export type AudioInSpec =
  | { readonly kind: 'wav'; readonly path: string; readonly atEnd: WavEndBehaviour }
  | { readonly kind: 'tone'; readonly frequencyHz: number }
  | { readonly kind: 'silence' };

export interface AudioOutSpec {
  readonly kind: 'wav';
  readonly path: string;
}

const IN_FORMS = '<file.wav>, loop:<file.wav>, tone:<hz> or silence';

export function parseAudioInSpec(spec: string): AudioInSpec {
  const text = spec.trim();
  if (text === 'silence') return { kind: 'silence' };
  if (text.startsWith('tone:')) {
    const hz = text.slice('tone:'.length);
    const frequencyHz = /^\d+(\.\d+)?$/.test(hz) ? Number(hz) : Number.NaN;
    if (!(frequencyHz > 0)) throw new Error(`--audio-in "${spec}": tone needs a positive frequency in Hz, as tone:440`);
    return { kind: 'tone', frequencyHz };
  }
  if (text.startsWith('loop:')) {
    return { kind: 'wav', path: wavPath(text.slice('loop:'.length), '--audio-in', spec), atEnd: 'loop' };
  }
  if (isWavName(text)) return { kind: 'wav', path: text, atEnd: 'silence' };
  throw new Error(`--audio-in "${spec}": expected ${IN_FORMS}`);
}

export function parseAudioOutSpec(spec: string): AudioOutSpec {
  return { kind: 'wav', path: wavPath(spec.trim(), '--audio-out', spec) };
}

/** A one-line description for logs and the console's status. */
export function describeAudioInSpec(spec: AudioInSpec): string {
  switch (spec.kind) {
    case 'silence':
      return 'silence';
    case 'tone':
      return `${spec.frequencyHz} Hz tone`;
    case 'wav':
      return spec.atEnd === 'loop' ? `${spec.path} (looped)` : `${spec.path} (then silence)`;
  }
}

function wavPath(path: string, option: string, spec: string): string {
  if (!isWavName(path)) throw new Error(`${option} "${spec}": expected a file name ending in .wav`);
  return path;
}

function isWavName(path: string): boolean {
  return path.length > 4 && path.toLowerCase().endsWith('.wav');
}
