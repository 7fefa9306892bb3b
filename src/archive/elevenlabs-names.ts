// What the file names of an ElevenLabs download say. The web app names each file
// `ElevenLabs_<UTC date as YYYY-MM-DDTHH_MM_SS>_<voice name>_<settings>.<ext>` (settings such as
// `pre_s50_sb75_m2`: voice category, stability, similarity boost, model) and puts a download of
// several voices in folders `voice_<voice id>/`. The name is the only place the voice and the date
// survive when no JSON sidecar rides along; the ZIP's own time is when it was downloaded.
import { basename, extname } from 'node:path';

export interface ElevenLabsNameFacts {
  voiceName: string;
  /** UTC ms. */
  createdAt: number;
  /** From a `voice_<id>/` folder. */
  voiceId: string | null;
}

// The voice name runs to the settings (an optional category word, then s<stability>_sb<boost>…).
const FILE_NAME = /^ElevenLabs_(\d{4})-(\d\d)-(\d\d)T(\d\d)_(\d\d)_(\d\d)_(.+?)(?:_(?:[a-z]+_)?s\d+_sb\d+(?:_[a-z0-9]+)*)?$/;
const VOICE_FOLDER = /(?:^|[\\/])voice_([A-Za-z0-9]{1,64})[\\/][^\\/]+$/;

/** The voice and date an ElevenLabs download's entry name carries; null for any other name. */
export function parseElevenLabsName(entryName: string): ElevenLabsNameFacts | null {
  const base = basename(entryName);
  const m = FILE_NAME.exec(base.slice(0, base.length - extname(base).length));
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const createdAt = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2025-13-40 over into another date: only a real calendar time counts.
  const check = new Date(createdAt);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const voiceName = m[7]!.trim();
  if (voiceName === '') return null;
  return { voiceName: voiceName.slice(0, 100).trim(), createdAt, voiceId: VOICE_FOLDER.exec(entryName)?.[1] ?? null };
}
