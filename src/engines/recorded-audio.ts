// Reads and checks the audio a public-API caller handed over (bytes or a local file), so the
// history only ever stores something the player can play, with its real format and duration.
import { promises as fsp } from 'node:fs';
import { formatName, isPlayableFormat, sniffAudioFormat } from '../audio/format';
import { MAX_RECORDED_AUDIO_BYTES, RecordGenerationError, type RecordedAudio } from './api-schema';
import { describeAudio, type AudioDescription } from './response-audio';

function refuse(message: string): never {
  throw new RecordGenerationError([{ path: 'audio', message }]);
}

export async function loadRecordedAudio(audio: RecordedAudio): Promise<{ data: Uint8Array; info: AudioDescription }> {
  let data: Uint8Array;
  const label = audio.kind === 'file' ? `"${audio.path}"` : 'The audio';
  if (audio.kind === 'bytes') {
    data = audio.data;
  } else {
    const stat = await fsp.stat(audio.path).catch(() => undefined);
    if (!stat) refuse(`There is no file at "${audio.path}".`);
    if (!stat.isFile()) refuse(`"${audio.path}" is not a file.`);
    if (stat.size > MAX_RECORDED_AUDIO_BYTES)
      refuse(
        `"${audio.path}" is ${Math.round(stat.size / 1024 / 1024)} MB; audio is limited to ${MAX_RECORDED_AUDIO_BYTES / 1024 / 1024} MB per generation.`,
      );
    data = new Uint8Array(await fsp.readFile(audio.path));
  }
  // Known but unplayable formats are named even when they are too short or odd to measure.
  const format = sniffAudioFormat(data);
  if (format && !isPlayableFormat(format))
    refuse(`${label} is ${formatName(format)}, which the player cannot play; convert it to WAV, MP3, FLAC or Ogg Vorbis.`);
  const info = await describeAudio(data);
  if (!info) refuse(`${label} is not audio in a format Voice History recognises (WAV, MP3, FLAC or Ogg Vorbis).`);
  return { data, info };
}
