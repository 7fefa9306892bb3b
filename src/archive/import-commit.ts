// Writes a validated ImportPlan into the history: duplicates skipped, profiles matched by name or
// created, new ids for everything, versions and story placements carried over. If any write fails
// (or the import is cancelled) everything this plan wrote is deleted again, files included.
import type { CreateGenerationInput } from '../history/schemas';
import type { Profile } from '../history/types';
import { ArchiveError } from './errors';
import type { ArchiveHistory } from './history-port';
import { defaultVersion, sourcesFirst, type ImportPlan, type PlannedGeneration, type PlannedVersion } from './import-plan';

export interface CommitResult {
  generationIds: string[];
  skipped: number;
}

interface Undo {
  generations: string[];
  profiles: string[];
  stories: string[];
}

// The same key the store keeps names unique by.
const nameKey = (name: string) => name.normalize('NFKC').toLowerCase().trim();

/** A generation without audio (e.g. failed) is a duplicate when one with its text, status and time exists. */
async function audioLessExists(history: ArchiveHistory, g: PlannedGeneration): Promise<boolean> {
  const page = await history.list({ search: g.text.slice(0, 200), status: g.status, after: g.createdAt!, before: g.createdAt! + 1, pageSize: 100 });
  return page.items.some((e) => e.text === g.text);
}

/** Generations of the plan that are not already in the history (same audio hash and same text). */
async function withoutDuplicates(history: ArchiveHistory, plan: ImportPlan): Promise<{ fresh: PlannedGeneration[]; skipped: number }> {
  const fresh: PlannedGeneration[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const g of plan.generations) {
    const audio = defaultVersion(g);
    const key = audio ? `${audio.sha256}\n${g.text}` : g.createdAt !== null ? `${g.status}@${g.createdAt}\n${g.text}` : null;
    if (key !== null) {
      const known = seen.has(key) || (audio ? (await history.findByContentHash(audio.sha256)).some((e) => e.text === g.text) : await audioLessExists(history, g));
      seen.add(key);
      if (known) {
        skipped += 1;
        continue;
      }
    }
    fresh.push(g);
  }
  return { fresh, skipped };
}

/** Profile ids by plan profile name: an existing profile of the same name, else a new one. */
async function resolveProfiles(history: ArchiveHistory, plan: ImportPlan, names: Set<string>, undo: Undo): Promise<Map<string, string>> {
  const existing = await history.listProfiles();
  const exact = new Map(existing.map((p) => [p.name, p]));
  const loose = new Map<string, Profile>();
  for (const p of existing) if (!loose.has(nameKey(p.name))) loose.set(nameKey(p.name), p);
  const ids = new Map<string, string>();
  for (const name of names) {
    const found = exact.get(name) ?? loose.get(nameKey(name));
    if (found) {
      ids.set(name, found.id);
      continue;
    }
    const p = plan.profiles.get(name) ?? { name, description: null, language: 'en', engine: null, voiceId: null };
    const created = await history.createProfile({ name: p.name, description: p.description, language: p.language, engine: p.engine, voiceId: p.voiceId });
    undo.profiles.push(created.id);
    ids.set(name, created.id);
  }
  return ids;
}

function audioInput(v: PlannedVersion) {
  return { filePath: v.stagedPath, format: v.probe.format, duration: v.probe.duration, sampleRate: v.probe.sampleRate, channels: v.probe.channels };
}

async function writeGeneration(history: ArchiveHistory, g: PlannedGeneration, profileId: string, undo: Undo, versionIds: Map<string, string>): Promise<string> {
  const hasAudio = g.versions.length > 0;
  const input: CreateGenerationInput = {
    profileId,
    text: g.text,
    language: g.language,
    seed: g.seed,
    instruct: g.instruct,
    engine: g.engine,
    model: g.model,
    settings: g.settings as CreateGenerationInput['settings'],
    // With audio, the status is set once the audio is attached (attaching marks it completed).
    status: hasAudio ? 'pending' : g.status,
    error: hasAudio ? null : g.error,
    isFavorited: g.favorite,
    source: g.source,
    externalId: g.externalId,
    createdAt: g.createdAt,
  };
  const created = await history.create(input);
  undo.generations.push(created.id);
  const ordered = sourcesFirst(g.versions);
  for (const [i, v] of ordered.entries()) {
    const meta = {
      label: v.label,
      effectsChain: v.effectsChain as NonNullable<Parameters<ArchiveHistory['addVersion']>[1]>['effectsChain'],
      sourceVersionId: v.sourceKey !== null ? (versionIds.get(v.sourceKey) ?? null) : null,
      isDefault: v.isDefault,
    };
    const version = i === 0 ? (await history.attachAudio(created.id, audioInput(v), meta)).version : await history.addVersion(created.id, meta, audioInput(v));
    versionIds.set(v.key, version.id);
  }
  const def = defaultVersion(g);
  if (def && ordered.length > 1) await history.setDefaultVersion(versionIds.get(def.key)!);
  if (hasAudio && (g.status !== 'completed' || g.error !== null)) await history.update(created.id, { status: g.status, error: g.error });
  return created.id;
}

async function writeStories(history: ArchiveHistory, plan: ImportPlan, generationIds: Map<string, string>, versionIds: Map<string, string>, undo: Undo): Promise<void> {
  if (plan.stories.length === 0) return;
  const existing = await history.listStories();
  for (const s of plan.stories) {
    const items = s.items.filter((i) => generationIds.has(i.generationKey));
    if (items.length === 0) continue;
    let storyId = existing.find((e) => e.name === s.name)?.id;
    if (!storyId) {
      storyId = (await history.createStory({ name: s.name, description: s.description })).id;
      undo.stories.push(storyId);
    }
    for (const i of items) {
      await history.addStoryItem(storyId, {
        generationId: generationIds.get(i.generationKey)!,
        versionId: i.versionKey !== null ? (versionIds.get(i.versionKey) ?? null) : null,
        startMs: i.startMs,
        track: i.track,
        trimStartMs: i.trimStartMs,
        trimEndMs: i.trimEndMs,
        volume: i.volume,
      });
    }
  }
}

/** Deletes what a failed import wrote. Generations first (their files and story placements go with them). */
async function rollback(history: ArchiveHistory, undo: Undo): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (undo.generations.length > 0) await attempt('generations', () => history.delete(undo.generations));
  for (const id of undo.stories) await attempt('story', () => history.deleteStory(id));
  for (const id of undo.profiles) await attempt('profile', () => history.deleteProfile(id));
  return problems;
}

/** `onWritten(done, total)` reports generations written so far. */
export async function commitPlan(
  history: ArchiveHistory,
  plan: ImportPlan,
  signal?: AbortSignal,
  onWritten?: (done: number, total: number) => void,
): Promise<CommitResult> {
  const { fresh, skipped } = await withoutDuplicates(history, plan);
  if (fresh.length === 0) return { generationIds: [], skipped };
  const undo: Undo = { generations: [], profiles: [], stories: [] };
  try {
    const profileIds = await resolveProfiles(history, plan, new Set(fresh.map((g) => g.profileName)), undo);
    const generationIds = new Map<string, string>();
    const versionIds = new Map<string, string>();
    for (const g of fresh) {
      signal?.throwIfAborted();
      generationIds.set(g.key, await writeGeneration(history, g, profileIds.get(g.profileName)!, undo, versionIds));
      onWritten?.(generationIds.size, fresh.length);
    }
    await writeStories(history, plan, generationIds, versionIds, undo);
    signal?.throwIfAborted();
    return { generationIds: [...generationIds.values()], skipped };
  } catch (e) {
    const problems = await rollback(history, undo);
    if (signal?.aborted) throw signal.reason;
    const detail = e instanceof Error ? e.message : String(e);
    if (problems.length > 0) {
      throw new ArchiveError('write-failed', `Importing "${plan.label}" failed (${detail}) and undoing it failed too (${problems.join('; ')}). Run "Voice History: Reconcile Storage".`, { cause: e });
    }
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError('write-failed', `Importing "${plan.label}" failed and was undone: ${detail}`, { cause: e });
  }
}
