// Writes a validated ImportPlan into the history: duplicates skipped, profiles matched by name or
// created, new ids for everything, versions and story placements carried over. It all goes in as
// ONE history batch (audio stored first, then every row in one transaction), so a failure, a
// cancellation or a crash leaves all of the plan or none of it.
import type { BatchVersionInput, ImportBatchInput } from '../history/schemas';
import { ArchiveError } from './errors';
import type { ArchiveHistory } from './history-port';
import { defaultVersion, sourcesFirst, type ImportPlan, type PlannedGeneration } from './import-plan';
import { errorMessage } from '../format/errors';

export interface CommitResult {
  generationIds: string[];
  skipped: number;
  /** Stories created (one equal to a story here is not created again). */
  stories: number;
}

/** The generation here a skipped one stands for: its id and its versions' audio hashes. */
async function existingMatch(history: ArchiveHistory, g: PlannedGeneration): Promise<StandIn | undefined> {
  const audio = defaultVersion(g);
  let id: string | undefined;
  if (audio) {
    id = (await history.findByContentHash(audio.sha256)).find((e) => e.text === g.text)?.id;
  } else {
    // A generation without audio (e.g. failed) is a duplicate when one with its text, status and time exists.
    const page = await history.list({
      search: g.text.slice(0, 200),
      status: g.status,
      after: g.createdAt!,
      before: g.createdAt! + 1,
      pageSize: 100,
    });
    id = page.items.find((e) => e.text === g.text)?.id;
  }
  if (id === undefined) return undefined;
  const versions = audio ? (await history.listVersions(id)).map((v) => ({ ref: v.id, sha256: v.contentHash })) : [];
  return { existing: true, ref: id, versions };
}

/**
 * What a skipped generation's story items place instead: the same generation already in the
 * history (`existing`), or its first copy in this plan. Versions are matched by their audio.
 */
interface StandIn {
  existing: boolean;
  /** Generation id here, or the plan key of the first copy. */
  ref: string;
  versions: Array<{ ref: string; sha256: string }>;
}

interface Deduplicated {
  fresh: PlannedGeneration[];
  skipped: number;
  standIns: Map<string, StandIn>;
}

/** Generations of the plan that are not already in the history (same audio hash and same text), and what stands for the others. */
async function withoutDuplicates(history: ArchiveHistory, plan: ImportPlan): Promise<Deduplicated> {
  const fresh: PlannedGeneration[] = [];
  const first = new Map<string, StandIn>();
  const standIns = new Map<string, StandIn>();
  for (const g of plan.generations) {
    const audio = defaultVersion(g);
    const key = audio ? `${audio.sha256}\n${g.text}` : g.createdAt !== null ? `${g.status}@${g.createdAt}\n${g.text}` : null;
    if (key !== null) {
      const known = first.get(key) ?? (await existingMatch(history, g));
      if (known) {
        if (!first.has(key)) first.set(key, known);
        standIns.set(g.key, known);
        continue;
      }
      first.set(key, { existing: false, ref: g.key, versions: g.versions.map((v) => ({ ref: v.key, sha256: v.sha256 })) });
    }
    fresh.push(g);
  }
  return { fresh, skipped: standIns.size, standIns };
}

type BatchStoryItem = NonNullable<ImportBatchInput['stories']>[number]['items'][number];

/** A story item as the batch takes it: on a generation written by the batch, or on the one here that a skipped generation stands for. */
function storyItem(plan: ImportPlan, standIns: Map<string, StandIn>, i: ImportPlan['stories'][number]['items'][number]): BatchStoryItem {
  const place = {
    startMs: i.startMs,
    track: i.track,
    trimStartMs: i.trimStartMs,
    trimEndMs: i.trimEndMs,
    volume: i.volume,
    fadeInMs: i.fadeInMs ?? 0,
    fadeOutMs: i.fadeOutMs ?? 0,
  };
  const standIn = standIns.get(i.generationKey);
  if (!standIn) return { generationKey: i.generationKey, versionKey: i.versionKey, ...place };
  const pinned =
    i.versionKey === null
      ? undefined
      : plan.generations.find((g) => g.key === i.generationKey)?.versions.find((v) => v.key === i.versionKey);
  const version = pinned ? (standIn.versions.find((v) => v.sha256 === pinned.sha256)?.ref ?? null) : null;
  return standIn.existing
    ? { generationId: standIn.ref, versionId: version, ...place }
    : { generationKey: standIn.ref, versionKey: version, ...place };
}

/** The plan as one history batch: only the generations not skipped, and the profiles they use. */
function toBatch(plan: ImportPlan, fresh: PlannedGeneration[], standIns: Map<string, StandIn>): ImportBatchInput {
  const names = [...new Set(fresh.map((g) => g.profileName))];
  const moved = new Set<string>();
  return {
    profiles: names.map((name) => {
      const p = plan.profiles.get(name) ?? { name, description: null, language: 'en', engine: null, voiceId: null };
      return {
        key: name,
        name: p.name,
        description: p.description,
        language: p.language,
        engine: p.engine,
        voiceId: p.voiceId,
        effectsChain: p.effectsChain as NonNullable<ImportBatchInput['profiles']>[number]['effectsChain'],
      };
    }),
    presets: (plan.presets ?? []).map((p) => ({
      name: p.name,
      description: p.description,
      effectsChain: p.effectsChain as NonNullable<ImportBatchInput['presets']>[number]['effectsChain'],
    })),
    generations: fresh.map((g) => ({
      key: g.key,
      profileKey: g.profileName,
      text: g.text,
      language: g.language,
      seed: g.seed,
      instruct: g.instruct,
      engine: g.engine,
      model: g.model,
      settings: g.settings as ImportBatchInput['generations'][number]['settings'],
      status: g.status,
      error: g.error,
      isFavorited: g.favorite,
      source: g.source,
      externalId: g.externalId,
      createdAt: g.createdAt,
      title: g.title ?? null,
      notes: g.notes ?? null,
      tags: g.tags ?? [],
      versions: sourcesFirst(g.versions).map((v) => {
        // The staging folder is ours and deleted afterwards: move each staged file (copying only
        // when it is on another filesystem), but never the same file twice.
        const move = !moved.has(v.stagedPath);
        moved.add(v.stagedPath);
        return {
          key: v.key,
          label: v.label,
          effectsChain: v.effectsChain as BatchVersionInput['effectsChain'],
          sourceKey: v.sourceKey,
          isDefault: v.isDefault,
          createdAt: v.createdAt ?? null,
          seed: v.seed ?? null,
          loudnessLufs: v.loudnessLufs ?? null,
          filePath: v.stagedPath,
          move,
          // Taken by the extraction from the very bytes it staged: the move need not read them again.
          ...(move && { sha256: v.sha256 }),
          format: v.probe.format,
          duration: v.probe.duration,
          sampleRate: v.probe.sampleRate,
          channels: v.probe.channels,
        };
      }),
    })),
    stories: plan.stories.map((s) => ({
      name: s.name,
      description: s.description,
      createdAt: s.createdAt ?? null,
      tracks: s.tracks ?? [],
      items: s.items.map((i) => storyItem(plan, standIns, i)),
    })),
  };
}

/** `onWritten(done, total)` reports generations whose audio is stored so far. */
export async function commitPlan(
  history: ArchiveHistory,
  plan: ImportPlan,
  signal?: AbortSignal,
  onWritten?: (done: number, total: number) => void,
): Promise<CommitResult> {
  const { fresh, skipped, standIns } = await withoutDuplicates(history, plan);
  if (fresh.length === 0 && plan.stories.length === 0) return { generationIds: [], skipped, stories: 0 };
  // Progress per generation, counted from the stored files (a generation without audio counts at once).
  const filesBefore: number[] = [];
  let files = 0;
  for (const g of fresh) {
    filesBefore.push(files);
    files += g.versions.length;
  }
  let reported = 0;
  const onStored = (done: number) => {
    while (reported < fresh.length && filesBefore[reported] + fresh[reported].versions.length <= done)
      onWritten?.(++reported, fresh.length);
  };
  try {
    onStored(0);
    const result = await history.importBatch(toBatch(plan, fresh, standIns), { signal, onStored });
    onStored(files);
    return { generationIds: [...result.generationIds.values()], skipped, stories: result.createdStoryIds.length };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof ArchiveError) throw e;
    const detail = errorMessage(e);
    throw new ArchiveError('write-failed', `Importing "${plan.label}" failed and nothing of it was kept: ${detail}`, { cause: e });
  }
}
