// Real stories in a real sql.js history for the export tests: generations made with the given text
// and length (a stand-in file, or a real WAV written by sox where the audio is mixed), placed with
// the service's own editStory.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { HistoryService } from '../../../src/history/service';
import type { StoryWithItems } from '../../../src/history/types';
import { fakeAudio } from '../store/helpers';

export interface ClipSpec {
  text: string;
  profile?: string;
  /** Length in ms of the generation's audio. */
  ms: number;
  startMs: number;
  track?: number;
  trimStartMs?: number;
  trimEndMs?: number;
  volume?: number;
  /** Sine frequency of a real WAV (made only when `audioDir` is given to makeStory). */
  hz?: number;
  /** No audio at all (a generation still pending). */
  noAudio?: boolean;
}

/** A mono sine WAV made by sox (default 48 kHz, 24-bit). */
export function sineWav(
  dir: string,
  name: string,
  o: { seconds: number; hz: number; amplitude: number; rate?: number; bits?: 16 | 24 },
): string {
  const path = join(dir, name);
  const [rate, bits] = [String(o.rate ?? 48000), String(o.bits ?? 24)];
  execFileSync('sox', [
    '-n',
    '-r',
    rate,
    '-c',
    '1',
    '-b',
    bits,
    path,
    'synth',
    String(o.seconds),
    'sine',
    String(o.hz),
    'vol',
    String(o.amplitude),
  ]);
  return path;
}

/** Every sample (interleaved) as ffmpeg decodes the file, in 24-bit steps. */
export function pcm24(path: string): Int32Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 's32le', '-acodec', 'pcm_s32le', '-'], {
    maxBuffer: 1024 * 1024 * 1024,
  });
  return new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).map((s) => s >> 8);
}

export async function makeStory(
  h: HistoryService,
  clips: ClipSpec[],
  opts: { name?: string; audioDir?: string } = {},
): Promise<StoryWithItems> {
  const profiles = new Map<string, string>();
  const story = await h.createStory({ name: opts.name ?? 'Episode 1' });
  for (const [i, c] of clips.entries()) {
    const name = c.profile ?? 'Alice';
    let profileId = profiles.get(name);
    if (!profileId) profiles.set(name, (profileId = (await h.createProfile({ name })).id));
    const audio = c.noAudio
      ? undefined
      : opts.audioDir
        ? {
            filePath: sineWav(opts.audioDir, `clip-${i}.wav`, { seconds: c.ms / 1000, hz: c.hz ?? 220 + 110 * i, amplitude: 0.3 }),
            duration: c.ms / 1000,
            sampleRate: 48000,
            channels: 1,
          }
        : { data: fakeAudio(i + 1), duration: c.ms / 1000 };
    const g = await h.create({ profileId, text: c.text }, audio);
    await h.editStory(story.id, {
      type: 'add',
      items: [{ generationId: g.id, startMs: c.startMs, track: c.track ?? 0, volume: c.volume ?? 1 }],
    });
  }
  let s = (await h.getStory(story.id))!;
  // Trims once every item is placed (found by place: items are listed by track, then time).
  for (const c of clips) {
    if (!c.trimStartMs && !c.trimEndMs) continue;
    const item = s.items.find((it) => it.startMs === c.startMs && it.track === (c.track ?? 0))!;
    s = (await h.editStory(s.id, { type: 'trim', itemId: item.id, trimStartMs: c.trimStartMs ?? 0, trimEndMs: c.trimEndMs ?? 0 })).story;
  }
  return s;
}
