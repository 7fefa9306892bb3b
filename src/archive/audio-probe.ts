// What the archive import accepts as audio: a file that src/audio/format identifies by its bytes
// (never its name or a manifest) as a format the player plays, complete and with sound in it.
import { AudioFormatError, formatName, isPlayableFormat, readAudioInfo, type AudioFormat, type PlayableFormat } from '../audio/format';
import { ArchiveError } from './errors';

export interface AudioProbe {
  format: PlayableFormat;
  /** As music-metadata names it, e.g. "PCM", "MPEG 1 Layer 3", "FLAC", "Vorbis I". */
  codec: string;
  sampleRate: number;
  channels: number;
  /** Seconds, measured from the audio itself. */
  duration: number;
  bytes: number;
}

const EXPECTED = 'WAV, MP3, FLAC or OGG expected';

/**
 * Probes the file at `path`; `label` names it in messages (e.g. `"audio/take.wav" in x.zip`).
 * Throws ArchiveError('not-audio') for anything that is not playable WAV, MP3, FLAC or OGG.
 */
export async function probeAudio(path: string, label = path): Promise<AudioProbe> {
  let info;
  try {
    info = await readAudioInfo({ path });
  } catch (e) {
    if (!(e instanceof AudioFormatError)) throw e;
    throw new ArchiveError('not-audio', refusal(label, e), { cause: e });
  }
  const { format } = info;
  if (!isPlayableFormat(format)) throw new ArchiveError('not-audio', unplayable(label, format));
  if (info.wav && info.truncated) {
    throw new ArchiveError(
      'not-audio',
      `${label} is truncated: its WAV header promises ${info.wav.declaredDataLength} bytes of sound but the file holds ${info.wav.dataLength}. Get a complete copy of the file.`,
    );
  }
  if (info.wav && (info.wav.frames === 0 || !(info.duration > 0))) {
    throw new ArchiveError('not-audio', `${label} is a WAV file without any sound. Get a complete copy of the file.`);
  }
  return { format, codec: info.codec, sampleRate: info.sampleRate, channels: info.channels, duration: info.duration, bytes: info.bytes };
}

function unplayable(label: string, format: AudioFormat): string {
  return `${label} is ${formatName(format)}, which VS Code cannot play, so it is not audio Voice History can import (${EXPECTED}). Convert it first.`;
}

function refusal(label: string, e: AudioFormatError): string {
  // Named by what it is even when it is too short or odd to measure.
  if (e.format && e.format !== 'rf64' && !isPlayableFormat(e.format)) return unplayable(label, e.format);
  if (e.problem === 'not-audio') return `${label} is not audio Voice History can import (${EXPECTED}; its content is something else).`;
  if (e.format === 'wav' || e.format === 'rf64') return `${label} is not a usable WAV file: ${e.message}`;
  return `${label} ${e.message.replace(/^It /, '').replace(/\.$/, '')}. The file is damaged.`;
}
