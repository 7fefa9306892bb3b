/**
 * A story as the editor draws it: every item with the length of the audio it plays (the pinned
 * version's, else the generation's default version's, so a reverb tail is kept), a label in the
 * user's words, and why it cannot sound when it cannot (no audio yet, failed, file missing).
 * No `vscode` import; the editor's router serves it.
 */
import { promises as fsp } from 'node:fs';
import { firstLine } from '../format/text';
import type { Generation, HistoryService, StoryTrack, StoryWithItems, Version } from '../history';

/** Lanes the editor shows at least (Voicebox shows three), and empty lanes below the last used one to drag onto. */
export const MIN_LANES = 3;
export const SPARE_LANES = 1;

export interface EditorClip {
  itemId: string;
  generationId: string;
  /** The pin; null: the clip follows the generation's default version. */
  pinnedVersionId: string | null;
  /** The version whose audio plays (pinned or default); null when the generation has none. */
  versionId: string | null;
  track: number;
  startMs: number;
  trimStartMs: number;
  trimEndMs: number;
  volume: number;
  fadeInMs: number;
  fadeOutMs: number;
  /** Length of that version's whole audio in ms (before trims); 0 when unknown. */
  lengthMs: number;
  /** The generation's title, else the first line of its text. */
  label: string;
  text: string;
  voice: string;
  versionLabel: string | null;
  /** Why this clip has no sound (shown on a placeholder clip); null when its audio is there. */
  problem: string | null;
}

export interface EditorStory {
  id: string;
  name: string;
  description: string | null;
  updatedAt: number;
  clips: EditorClip[];
  /** One per lane, track order, including lanes nothing is on yet. */
  tracks: StoryTrack[];
  canUndo: boolean;
  canRedo: boolean;
}

const msOf = (seconds: number | null | undefined): number => (seconds == null ? 0 : Math.round(seconds * 1000));

function noAudioReason(g: Generation): string {
  if (g.status === 'failed') return `No audio: the generation failed (${g.error ?? 'no reason recorded'}).`;
  if (g.status === 'pending' || g.status === 'generating') return 'No audio yet: the generation is still being made.';
  return 'No audio: none was stored for this generation.';
}

async function fileProblem(path: string): Promise<string | null> {
  try {
    const stat = await fsp.stat(path);
    return stat.isFile() ? null : 'The audio is not a file. Run "Voice History: Reconcile Storage".';
  } catch {
    return 'The audio file is missing from the storage folder. Run "Voice History: Reconcile Storage".';
  }
}

/** Every track from 0 to the last lane shown, with the story's settings where it has them. */
export function lanesOf(story: Pick<StoryWithItems, 'tracks' | 'items'>): StoryTrack[] {
  const last = Math.max(-1, ...story.items.map((i) => i.track), ...story.tracks.map((t) => t.track));
  const count = Math.max(MIN_LANES, last + 1 + SPARE_LANES);
  const known = new Map(story.tracks.map((t) => [t.track, t]));
  return Array.from({ length: count }, (_, track) => known.get(track) ?? { track, name: null, mute: false, solo: false, gain: 1 });
}

export async function buildEditorStory(history: HistoryService, story: StoryWithItems): Promise<EditorStory> {
  const generationIds = [...new Set(story.items.map((i) => i.generationId))];
  const generations = new Map((await history.getMany(generationIds)).map((g) => [g.id, g]));
  const versions = new Map<string, Version[]>();
  for (const id of generationIds) versions.set(id, await history.listVersions(id));
  const problems = new Map<string, Promise<string | null>>();
  const problemOf = (key: string, path: string): Promise<string | null> => {
    let p = problems.get(key);
    if (!p) problems.set(key, (p = fileProblem(path)));
    return p;
  };

  const clips = await Promise.all(
    story.items.map(async (item): Promise<EditorClip> => {
      const g = generations.get(item.generationId);
      const list = versions.get(item.generationId) ?? [];
      const version = (item.versionId ? list.find((v) => v.id === item.versionId) : list.find((v) => v.isDefault)) ?? list[0] ?? null;
      let problem: string | null;
      if (!g) problem = 'This generation no longer exists.';
      else if (!version && !g.audioPath) problem = noAudioReason(g);
      else problem = await problemOf(version?.id ?? g.id, history.resolveAudioPath(version ?? g));
      return {
        itemId: item.id,
        generationId: item.generationId,
        pinnedVersionId: item.versionId,
        versionId: version?.id ?? null,
        track: item.track,
        startMs: item.startMs,
        trimStartMs: item.trimStartMs,
        trimEndMs: item.trimEndMs,
        volume: item.volume,
        fadeInMs: item.fadeInMs,
        fadeOutMs: item.fadeOutMs,
        lengthMs: msOf(version?.duration ?? g?.duration),
        label: g ? (g.title ?? firstLine(g.text, 120)) || '(no text)' : '(deleted generation)',
        text: g?.text ?? '',
        voice: g?.profileName ?? '',
        versionLabel: version?.label ?? null,
        problem,
      };
    }),
  );
  const undo = history.storyUndoState(story.id);
  return {
    id: story.id,
    name: story.name,
    description: story.description,
    updatedAt: story.updatedAt,
    clips,
    tracks: lanesOf(story),
    canUndo: undo.canUndo,
    canRedo: undo.canRedo,
  };
}
