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
}

/** A generation without audio (e.g. failed) is a duplicate when one with its text, status and time exists. */
async function audioLessExists(history: ArchiveHistory, g: PlannedGeneration): Promise<boolean> {
  const page = await history.list({
    search: g.text.slice(0, 200),
    status: g.status,
    after: g.createdAt!,
    before: g.createdAt! + 1,
    pageSize: 100,
  });
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
      const known =
        seen.has(key) ||
        (audio ? (await history.findByContentHash(audio.sha256)).some((e) => e.text === g.text) : await audioLessExists(history, g));
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

/** The plan as one history batch: only the generations not skipped, and the profiles they use. */
function toBatch(plan: ImportPlan, fresh: PlannedGeneration[]): ImportBatchInput {
  const names = [...new Set(fresh.map((g) => g.profileName))];
  const moved = new Set<string>();
  const freshKeys = new Set(fresh.map((g) => g.key));
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
      items: s.items
        .filter((i) => freshKeys.has(i.generationKey))
        .map((i) => ({
          generationKey: i.generationKey,
          versionKey: i.versionKey,
          startMs: i.startMs,
          track: i.track,
          trimStartMs: i.trimStartMs,
          trimEndMs: i.trimEndMs,
          volume: i.volume,
        })),
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
  const { fresh, skipped } = await withoutDuplicates(history, plan);
  if (fresh.length === 0) return { generationIds: [], skipped };
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
    const result = await history.importBatch(toBatch(plan, fresh), { signal, onStored });
    onStored(files);
    return { generationIds: [...result.generationIds.values()], skipped };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof ArchiveError) throw e;
    const detail = errorMessage(e);
    throw new ArchiveError('write-failed', `Importing "${plan.label}" failed and nothing of it was kept: ${detail}`, { cause: e });
  }
}
