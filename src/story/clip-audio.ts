/**
 * Reading a clip's sound for the mixdown: its length and rate first (from the header where the
 * format has one, so a story's clips are all checked before anything is written), then only the
 * range the clip plays (WAV: just those bytes; compressed formats are decoded whole, then cut),
 * trimmed, down-mixed or spread to the output's channels, resampled to the output's rate and
 * faded. Held only while the clip sounds.
 */
import { promises as fsp } from 'node:fs';
import { sniffAudioFormat, SNIFF_BYTES } from '../audio/format';
import { readWavInfo, wavHeader, type WavInfo } from '../audio/wav';
import { decodeAudio } from '../effects/decode';
import { resample } from '../effects/dsp/resample';
import { readFlacInfo } from '../effects/flac';
import { decodeWav } from '../effects/pcm';
import { errorMessage } from '../format/errors';
import { clipName, type MixClip } from './mix-plan';
import { MixError } from './mix-error';

export interface ClipProbe {
  sampleRate: number;
  frames: number;
  /** Set for WAV: the range is read straight from the file. */
  wav?: WavInfo;
}

const unreadable = (clip: MixClip, index: number, error: unknown): MixError =>
  error instanceof MixError
    ? error
    : new MixError(
        'unreadable-audio',
        `The audio of ${clipName(clip, index)} could not be read (${errorMessage(error)}). Replace the clip's audio or remove the clip, then export again.`,
        { cause: error },
      );

async function head(clip: MixClip, index: number): Promise<Uint8Array> {
  try {
    const handle = await fsp.open(clip.path, 'r');
    try {
      const buf = new Uint8Array(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new MixError(
        'missing-audio',
        `The audio of ${clipName(clip, index)} is missing (${clip.path}). Restore it or remove the clip, then export again.`,
      );
    throw unreadable(clip, index, error);
  }
}

/** Length and rate of a clip's source; refuses a missing or unreadable file with the clip named. */
export async function probeClip(clip: MixClip, index: number): Promise<ClipProbe> {
  const bytes = await head(clip, index);
  try {
    const format = sniffAudioFormat(bytes.subarray(0, SNIFF_BYTES));
    if (format === 'wav') {
      const wav = await readWavInfo(clip.path);
      if (wav.encoding !== 'pcm' && wav.encoding !== 'float')
        throw new Error(`${wav.encoding} WAV is not supported; convert it to PCM WAV, FLAC, MP3 or OGG`);
      return { sampleRate: wav.sampleRate, frames: wav.frames, wav };
    }
    if (format === 'flac') {
      const info = readFlacInfo(bytes);
      if (info.totalSamples > 0) return { sampleRate: info.sampleRate, frames: info.totalSamples };
    }
    // MP3 and OGG say their exact length only once decoded; the sound is dropped again at once.
    const pcm = await decodeAudio(new Uint8Array(await fsp.readFile(clip.path)));
    return { sampleRate: pcm.sampleRate, frames: pcm.channels[0]?.length ?? 0 };
  } catch (error) {
    throw unreadable(clip, index, error);
  }
}

/** 16-bit PCM frames straight from their bytes (most speech is): what decodeWav gives, without its per-sample reader. */
function pcm16(bytes: Uint8Array, channels: number): Float32Array[] {
  const ints = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  const frames = Math.floor(ints.length / channels);
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(frames);
    for (let f = 0, i = c; f < frames; f++, i += channels) out[f] = ints[i]! / 32768;
    return out;
  });
}

/** The source frames [from, to) of the clip, planar floats at the source's rate. */
async function readRange(clip: MixClip, probe: ClipProbe, from: number, to: number): Promise<Float32Array[]> {
  const { wav } = probe;
  if (wav) {
    const length = (to - from) * wav.blockAlign;
    const plain = wav.encoding === 'pcm' && wav.bitsPerSample === 16;
    // A fresh buffer: the samples start aligned for a 16-bit view.
    const bytes = new Uint8Array((plain ? 0 : 44) + length);
    if (!plain)
      bytes.set(
        wavHeader({
          sampleRate: wav.sampleRate,
          channels: wav.channels,
          bitsPerSample: wav.bitsPerSample,
          dataLength: length,
          float: wav.encoding === 'float',
        }),
      );
    const handle = await fsp.open(clip.path, 'r');
    try {
      await handle.read(bytes, plain ? 0 : 44, length, wav.dataOffset + from * wav.blockAlign);
    } finally {
      await handle.close();
    }
    return plain ? pcm16(bytes, wav.channels) : decodeWav(bytes).channels;
  }
  const pcm = await decodeAudio(new Uint8Array(await fsp.readFile(clip.path)));
  return pcm.channels.map((x) => x.subarray(from, Math.min(to, x.length)));
}

/** The clip's sound as it goes into the mix: `channels` arrays at `rate`, fades applied (its gain is applied as it is mixed). */
export async function loadClip(clip: MixClip, index: number, probe: ClipProbe, rate: number, channels: 1 | 2): Promise<Float32Array[]> {
  const from = Math.min(probe.frames, Math.round((clip.trimStartMs * probe.sampleRate) / 1000));
  const to = Math.max(from, probe.frames - Math.round((clip.trimEndMs * probe.sampleRate) / 1000));
  let chans: Float32Array[];
  try {
    chans = await readRange(clip, probe, from, to);
  } catch (error) {
    throw unreadable(clip, index, error);
  }
  if (channels === 1 && chans.length > 1) {
    const mono = new Float32Array(chans[0]!.length);
    for (const x of chans) for (let i = 0; i < mono.length; i++) mono[i]! += x[i]! / chans.length;
    chans = [mono];
  }
  chans = await resample(chans, probe.sampleRate, rate);
  // A mono source plays in both channels of a stereo mix; a multichannel one keeps its first two.
  // The first output channel may be the decoded array itself (it is this clip's own); a copy for the second.
  const first = chans[0]!;
  const n = first.length;
  const fadeIn = Math.min(n, Math.round((clip.fadeInMs * rate) / 1000));
  const fadeOut = Math.min(n, Math.round((clip.fadeOutMs * rate) / 1000));
  const shape = (x: Float32Array): Float32Array => {
    for (let i = 0; i < fadeIn; i++) x[i]! *= i / fadeIn;
    for (let i = n - fadeOut; i < n; i++) x[i]! *= (n - 1 - i) / fadeOut;
    return x;
  };
  const out = [shape(first)];
  if (channels === 2) out.push(chans.length > 1 ? shape(chans[1]!) : Float32Array.from(first));
  return out;
}
