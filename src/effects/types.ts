/** What a render takes and gives (see render.ts for how it runs). */

export type RenderSource = { bytes: Uint8Array } | { path: string };

export type RenderOutput = 'pcm16' | 'float32';

export interface RenderOptions {
  signal?: AbortSignal;
  /** Sample format of the WAV written (default 'pcm16'). */
  output?: RenderOutput;
}

export interface AudioFacts {
  sampleRate: number;
  channels: number;
  durationMs: number;
  /** Integrated loudness (ITU-R BS.1770-4); null when the sound is all below the −70 LUFS gate (silence). */
  loudnessLufs: number | null;
  /** True peak in dBTP (4× oversampled); null for digital silence. */
  truePeakDb: number | null;
}

export interface RenderResult extends AudioFacts {
  /** A complete RIFF/WAVE file. */
  wav: Uint8Array;
}
