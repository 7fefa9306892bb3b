// Shared by the archive tests: a real history in a temp folder, seed data with every field set,
// and snapshots (rows + files with hashes) to prove that a refused import changed nothing.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openHistory } from '../../../src/history';
import { clipPlacement } from '../../../src/history/story-timeline';
import type { HistoryService } from '../../../src/history/service';
import type { Generation, Profile, StoryWithItems, Version } from '../../../src/history/types';
import { makeWav } from '../../fixtures/archives/samples';

export interface TestHistory {
  history: HistoryService;
  storageDir: string;
}

export function tempDir(t: { after: (fn: () => void | Promise<void>) => void }, prefix = 'vh-archive-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A history in its own folder, closed when the test ends (before its folder is removed). */
export async function openTestHistory(t: { after: (fn: () => void | Promise<void>) => void }, name = 'store'): Promise<TestHistory> {
  const dir = tempDir(t, `vh-${name}-`);
  const storageDir = join(dir, 'storage');
  const history = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0, compactOnClose: false } });
  t.after(() => history.close());
  return { history, storageDir };
}

export async function allGenerations(history: HistoryService): Promise<Generation[]> {
  const out: Generation[] = [];
  let startAfterId: string | undefined;
  for (;;) {
    const page = await history.list({ sort: 'oldest', pageSize: 1000, startAfterId });
    out.push(...page.items);
    if (!page.hasMore || !page.lastId) return out;
    startAfterId = page.lastId;
  }
}

/**
 * Every row the history holds plus every file in its folder with a hash: equal before and after
 * means nothing changed. `audioOnly` leaves out the database files (an import that was undone
 * leaves its writes and their undoing in the journal, while rows and audio are as before).
 */
export async function snapshot(
  h: TestHistory,
  options: { audioOnly?: boolean } = {},
): Promise<{ rows: unknown; files: Record<string, string> }> {
  const generations = await allGenerations(h.history);
  const versions: Version[] = [];
  for (const g of generations) versions.push(...(await h.history.listVersions(g.id)));
  const stories: Array<StoryWithItems | undefined> = [];
  for (const s of await h.history.listStories()) stories.push(await h.history.getStory(s.id));
  const rows = { generations, versions, profiles: await h.history.listProfiles(), stories };
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.lock')) files[relative(h.storageDir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(options.audioOnly ? join(h.storageDir, 'audio') : h.storageDir);
  return { rows, files };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface Seeded {
  profiles: Profile[];
  generations: Generation[];
}

const BASE_TIME = Date.UTC(2025, 0, 15, 9, 30, 0, 123);

/** Audio input for a generated WAV, with its true duration (whole frames). */
export function wavAudio(seconds: number, sampleRate: number, channels: number, seed: number) {
  const frames = Math.round(seconds * sampleRate);
  return { data: makeWav(seconds, sampleRate, channels, seed), format: 'wav', duration: frames / sampleRate, sampleRate, channels };
}

/**
 * A history with every field exercised: two profiles, a generation with three versions (a
 * non-first default, effects, a source version), a favourite, a failed one without audio,
 * non-ASCII text, settings JSON, a story placing a generation and a version.
 */
export async function seedRich(history: HistoryService): Promise<Seeded> {
  const alice = await history.createProfile({
    name: 'Alice (flite)',
    description: 'Clear female voice',
    language: 'en',
    engine: 'flite',
    voiceId: 'slt',
  });
  const bruno = await history.createProfile({
    name: 'Bruno',
    description: null,
    language: 'pt-BR',
    engine: 'elevenlabs',
    voiceId: 'voice_123',
  });
  const g1 = await history.create(
    {
      profileId: alice.id,
      text: 'Hello, world. This is the first take.',
      language: 'en',
      seed: 42,
      instruct: 'calm and slow',
      engine: 'flite',
      model: 'cmu_us_slt',
      settings: { rate: 1.1, pitch: -2, nested: { a: [1, 2, 3] } },
      isFavorited: true,
      source: 'engine',
      createdAt: BASE_TIME,
    },
    wavAudio(0.3, 16000, 1, 1),
  );
  const v1 = (await history.listVersions(g1.id))[0]!;
  const v2 = await history.addVersion(
    g1.id,
    { label: 'Louder', effectsChain: [{ type: 'gain', db: 6 }], sourceVersionId: v1.id, isDefault: false },
    wavAudio(0.3, 16000, 1, 2),
  );
  await history.addVersion(
    g1.id,
    {
      label: 'Echo on louder',
      effectsChain: [
        { type: 'echo', delayMs: 120 },
        { type: 'gain', db: -1 },
      ],
      sourceVersionId: v2.id,
      isDefault: true,
    },
    wavAudio(0.35, 22050, 2, 3),
  );
  await history.create(
    {
      profileId: bruno.id,
      text: 'Olá, mundo! Ação e coração — 日本語も。',
      language: 'pt-BR',
      engine: 'elevenlabs',
      model: 'eleven_multilingual_v2',
      settings: { stability: 0.5, similarity_boost: 0.75 },
      source: 'sync',
      externalId: 'hist_abc123',
      createdAt: BASE_TIME + 60_000,
    },
    wavAudio(0.2, 24000, 1, 4),
  );
  await history.create({
    profileId: alice.id,
    text: 'This one failed.',
    language: 'en',
    engine: 'flite',
    status: 'failed',
    error: 'Engine crashed: out of memory. Try a shorter text.',
    source: 'api',
    createdAt: BASE_TIME + 120_000,
  });
  const story = await history.createStory({ name: 'Episode 1', description: 'Intro scene' });
  await history.addStoryItem(story.id, {
    generationId: g1.id,
    versionId: v2.id,
    startMs: 0,
    track: 0,
    trimStartMs: 10,
    trimEndMs: 20,
    volume: 0.8,
  });
  await history.addStoryItem(story.id, { generationId: g1.id, startMs: 1500, track: 1, volume: 1.2 });
  return { profiles: [alice, bruno], generations: await allGenerations(history) };
}

/** `n` small completed generations (different audio each), for the bulk round trip. */
export async function seedMany(history: HistoryService, n: number, seconds = 0.01): Promise<void> {
  const profile = await history.createProfile({ name: 'Bulk voice', language: 'en', engine: 'flite', voiceId: 'kal' });
  for (let i = 0; i < n; i++) {
    await history.create(
      {
        profileId: profile.id,
        text: `Bulk generation number ${i}`,
        engine: 'flite',
        isFavorited: i % 7 === 0,
        createdAt: BASE_TIME + i * 1000,
      },
      wavAudio(seconds, 8000, 1, i),
    );
  }
}

export const generationKey = (g: Generation) => `${g.createdAt}|${g.text}`;

/** Everything a user sees of a generation, with ids replaced by what they point at. */
export async function describe(history: HistoryService, g: Generation) {
  const versions = await history.listVersions(g.id);
  const labelOf = new Map(versions.map((v) => [v.id, v.label]));
  const profile = await history.getProfile(g.profileId);
  return {
    text: g.text,
    title: g.title,
    notes: g.notes,
    tags: g.tags,
    language: g.language,
    duration: g.duration,
    sampleRate: g.sampleRate,
    channels: g.channels,
    audioBytes: g.audioBytes,
    contentHash: g.contentHash,
    seed: g.seed,
    instruct: g.instruct,
    engine: g.engine,
    model: g.model,
    settings: g.settings,
    status: g.status,
    error: g.error,
    isFavorited: g.isFavorited,
    source: g.source,
    externalId: g.externalId,
    createdAt: g.createdAt,
    audioFileHash: g.audioPath ? sha256File(history.resolveAudioPath(g)) : null,
    profile: profile && {
      name: profile.name,
      description: profile.description,
      language: profile.language,
      engine: profile.engine,
      voiceId: profile.voiceId,
    },
    versions: versions.map((v) => ({
      label: v.label,
      isDefault: v.isDefault,
      effectsChain: v.effectsChain,
      source: v.sourceVersionId ? labelOf.get(v.sourceVersionId) : null,
      seed: v.seed,
      loudnessLufs: v.loudnessLufs,
      duration: v.duration,
      sampleRate: v.sampleRate,
      channels: v.channels,
      audioBytes: v.audioBytes,
      contentHash: v.contentHash,
      fileHash: sha256File(history.resolveAudioPath(v)),
    })),
  };
}

export async function describeAll(history: HistoryService, only?: Set<string>) {
  const out = new Map<string, unknown>();
  for (const g of await allGenerations(history))
    if (!only || only.has(generationKey(g))) out.set(generationKey(g), await describe(history, g));
  return out;
}

/** Every story as the user sees it (by name), items by the text and version label they place, tracks with their settings. */
export async function describeStories(history: HistoryService) {
  const gens = new Map((await allGenerations(history)).map((g) => [g.id, g.text]));
  const out = [];
  for (const s of await history.listStories()) {
    const story = (await history.getStory(s.id))!;
    const items = [];
    for (const i of story.items) {
      const label = i.versionId ? (await history.listVersions(i.generationId)).find((v) => v.id === i.versionId)?.label : null;
      items.push({
        text: gens.get(i.generationId),
        version: label,
        ...clipPlacement(i),
      });
    }
    out.push({ name: story.name, description: story.description, items, tracks: story.tracks });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * On top of seedRich: what format version 2 carries. Titles and Markdown notes, tags (one spelled
 * in two cases), a take's seed and a measured loudness, named/muted/solo tracks with gain, fades,
 * and a second story placing both voices.
 */
export async function seedOrganised(history: HistoryService): Promise<void> {
  const [hello, ola, failed] = await allGenerations(history);
  await history.setTitle(hello!.id, 'Opening line');
  await history.setNotes(hello!.id, '# Notes\n- *warmer* next time');
  await history.setNotes(failed!.id, 'retry with a shorter text');
  await history.addTags({ generationIds: [hello!.id, ola!.id], tags: ['Intro', 'chapter 1'] });
  await history.addTags({ generationIds: [ola!.id, failed!.id], tags: ['INTRO', 'Portuguese'] });
  const take = await history.addVersion(ola!.id, { kind: 'take', seed: 1234 }, wavAudio(0.25, 24000, 1, 9));
  await history.setVersionLoudness(take.id, -19.25);
  const [episode] = await history.listStories();
  const story = (await history.getStory(episode!.id))!;
  await history.editStory(story.id, { type: 'track', track: 1, name: 'Narrator', solo: true, gain: 0.75 });
  await history.editStory(story.id, { type: 'track', track: 2, mute: true });
  await history.editStory(story.id, { type: 'fades', itemId: story.items[0]!.id, fadeInMs: 15, fadeOutMs: 40 });
  const second = await history.createStory({ name: 'Duet', description: null });
  await history.editStory(second.id, {
    type: 'add',
    items: [
      { generationId: hello!.id, track: 0 },
      { generationId: ola!.id, versionId: take.id, track: 2, startMs: 5000 },
    ],
  });
}
