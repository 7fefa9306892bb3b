// Purge and the storage budget. Everything is two steps: a preview that names exactly which
// generations go and how many bytes that frees, then apply() deleting that very set (nothing that
// appeared or changed in between). Retention never deletes favourites unless told to.
import { z } from 'zod';
import { idSchema } from '../history/schemas';
import type { Generation } from '../history/types';
import type { ArchiveHistory } from './history-port';

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;

/** Explicit purge rules (the Purge… command). `keepFavorites` defaults to true except for "everything". */
export const purgeRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('olderThan'), days: z.number().int().min(1).max(36_500), keepFavorites: z.boolean().default(true) }).strict(),
  z.object({ kind: z.literal('failed'), keepFavorites: z.boolean().default(true) }).strict(),
  z.object({ kind: z.literal('missingAudio'), keepFavorites: z.boolean().default(true) }).strict(),
  z.object({ kind: z.literal('nonFavorites') }).strict(),
  z.object({ kind: z.literal('profile'), profileId: idSchema, keepFavorites: z.boolean().default(true) }).strict(),
  z.object({ kind: z.literal('everything'), keepFavorites: z.boolean().default(false) }).strict(),
]);
export type PurgeRuleInput = z.input<typeof purgeRuleSchema>;
export type PurgeRule = z.output<typeof purgeRuleSchema>;

/** The storage budget (settings voiceHistory.retention.days, .storage.maxMegabytes, .retention.keepFavorites). */
export const retentionPolicySchema = z
  .object({
    /** Delete generations older than this many days; 0 keeps them forever. */
    days: z.number().int().min(0).max(36_500).default(0),
    /** Keep the audio folder under this size, oldest first; 0 means no limit. */
    maxMegabytes: z.number().min(0).max(10_000_000).default(0),
    keepFavorites: z.boolean().default(true),
  })
  .strict();
export type RetentionPolicyInput = z.input<typeof retentionPolicySchema>;
export type RetentionPolicy = z.output<typeof retentionPolicySchema>;

export interface PurgePreview {
  /** Generations that apply() will delete, oldest first. */
  ids: string[];
  count: number;
  /** Bytes of audio files (every version) those generations own now. */
  bytes: number;
  /** Favourites among them (0 unless the rule or policy allows deleting favourites). */
  favorites: number;
}

export interface PurgeResult {
  deleted: number;
  bytes: number;
}

export interface PurgeOptions {
  /** The time "older than N days" counts from (default now). */
  now?: number;
  signal?: AbortSignal;
}

const IN_PROGRESS = new Set(['pending', 'generating']);

/** Every generation matching the filter, oldest first, page by page. */
async function scan(
  history: ArchiveHistory,
  query: Parameters<ArchiveHistory['list']>[0],
  keep: (g: Generation) => boolean,
  signal?: AbortSignal,
): Promise<Generation[]> {
  const out: Generation[] = [];
  let startAfterId: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const page = await history.list({ ...query, sort: 'oldest', pageSize: 1000, offset: null, startAfterId });
    out.push(...page.items.filter(keep));
    if (!page.hasMore || page.lastId === null) return out;
    startAfterId = page.lastId;
  }
}

/** Bytes each generation's audio takes (all versions; files known to be gone count as 0). */
async function bytesOf(
  history: ArchiveHistory,
  generations: Generation[],
  signal?: AbortSignal,
  gone: Set<string> = new Set(),
): Promise<number[]> {
  const out: number[] = [];
  for (const g of generations) {
    signal?.throwIfAborted();
    const versions = g.audioPath === null ? [] : await history.listVersions(g.id);
    out.push(versions.reduce((n, v) => n + (gone.has(v.audioPath) ? 0 : v.audioBytes), 0));
  }
  return out;
}

async function missingAudioGenerations(history: ArchiveHistory): Promise<{ ids: Set<string>; missing: Set<string> }> {
  const report = await history.checkIntegrity();
  const missing = new Set(report.missingAudio.map((m) => m.audioPath));
  const ids = [...new Set(report.missingAudio.map((m) => m.generationId))];
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    for (const g of await history.getMany(ids.slice(i, i + 1000))) {
      // The generation's own (default) audio is gone, not just an extra version.
      if (g.audioPath !== null && missing.has(g.audioPath)) out.add(g.id);
    }
  }
  return { ids: out, missing };
}

function previewOf(generations: Generation[], bytes: number[]): PurgePreview {
  return {
    ids: generations.map((g) => g.id),
    count: generations.length,
    bytes: bytes.reduce((a, b) => a + b, 0),
    favorites: generations.filter((g) => g.isFavorited).length,
  };
}

/** Which generations a purge rule would delete, and how much audio that frees. Changes nothing. */
export async function previewPurge(history: ArchiveHistory, ruleInput: PurgeRuleInput, options: PurgeOptions = {}): Promise<PurgePreview> {
  const rule = purgeRuleSchema.parse(ruleInput);
  const { signal } = options;
  const now = options.now ?? Date.now();
  const keepFavorites = rule.kind === 'nonFavorites' ? true : rule.keepFavorites;
  // Generations still being generated are left to their engine, except when purging everything.
  const keep = (g: Generation) => !(keepFavorites && g.isFavorited) && (rule.kind === 'everything' || !IN_PROGRESS.has(g.status));
  let selected: Generation[];
  switch (rule.kind) {
    case 'olderThan':
      selected = await scan(history, { before: now - rule.days * DAY_MS }, keep, signal);
      break;
    case 'failed':
      selected = await scan(history, { status: 'failed' }, keep, signal);
      break;
    case 'missingAudio': {
      const { ids, missing } = await missingAudioGenerations(history);
      selected = ids.size === 0 ? [] : await scan(history, {}, (g) => ids.has(g.id) && keep(g), signal);
      return previewOf(selected, await bytesOf(history, selected, signal, missing));
    }
    case 'nonFavorites':
      selected = await scan(history, {}, keep, signal);
      break;
    case 'profile':
      selected = await scan(history, { profileId: rule.profileId }, keep, signal);
      break;
    case 'everything':
      selected = await scan(history, {}, keep, signal);
      break;
  }
  return previewOf(selected, await bytesOf(history, selected, signal));
}

/**
 * What the retention policy would delete now: generations older than `days`, then, while the
 * audio folder is above `maxMegabytes`, the oldest of the rest. Favourites stay when
 * `keepFavorites` (the default); generations in progress always stay.
 */
export async function previewRetention(
  history: ArchiveHistory,
  policyInput: RetentionPolicyInput,
  options: PurgeOptions = {},
): Promise<PurgePreview> {
  const policy = retentionPolicySchema.parse(policyInput);
  const { signal } = options;
  if (policy.days === 0 && policy.maxMegabytes === 0) return previewOf([], []);
  const now = options.now ?? Date.now();
  const candidates = await scan(history, {}, (g) => !(policy.keepFavorites && g.isFavorited) && !IN_PROGRESS.has(g.status), signal);
  const cutoff = policy.days > 0 ? now - policy.days * DAY_MS : -Infinity;
  const selected: Generation[] = [];
  const bytes: number[] = [];
  const rest: Generation[] = [];
  const expired = candidates.filter((g) => g.createdAt < cutoff);
  const expiredBytes = await bytesOf(history, expired, signal);
  selected.push(...expired);
  bytes.push(...expiredBytes);
  for (const g of candidates) if (g.createdAt >= cutoff) rest.push(g);
  if (policy.maxMegabytes > 0) {
    const budget = policy.maxMegabytes * MB;
    let remaining = (await history.stats()).bytesOnDisk - bytes.reduce((a, b) => a + b, 0);
    for (const g of rest) {
      if (remaining <= budget) break;
      const [b] = await bytesOf(history, [g], signal);
      selected.push(g);
      bytes.push(b!);
      remaining -= b!;
    }
  }
  return previewOf(selected, bytes);
}

/** Deletes exactly the generations of `preview` (those already gone are not counted). */
export async function applyPurge(
  history: ArchiveHistory,
  preview: Pick<PurgePreview, 'ids' | 'bytes'>,
  options: Pick<PurgeOptions, 'signal'> = {},
): Promise<PurgeResult> {
  let deleted = 0;
  for (let i = 0; i < preview.ids.length; i += 1000) {
    options.signal?.throwIfAborted();
    deleted += await history.delete(preview.ids.slice(i, i + 1000));
  }
  return { deleted, bytes: preview.bytes };
}

/** Applies the retention policy now (startup, after each new generation): preview, then delete that set. */
export async function applyRetention(
  history: ArchiveHistory,
  policy: RetentionPolicyInput,
  options: PurgeOptions = {},
): Promise<PurgeResult & { preview: PurgePreview }> {
  const preview = await previewRetention(history, policy, options);
  if (preview.count === 0) return { deleted: 0, bytes: 0, preview };
  return { ...(await applyPurge(history, preview, options)), preview };
}

export interface ReconcilePreview {
  /** Generations whose own audio file is gone (deleted by applyReconcile). */
  missingAudio: PurgePreview;
  /** Extra versions whose file is gone (the generation keeps its other audio). */
  missingVersions: number;
  /** Files in the audio folder that no generation owns. */
  orphanFiles: number;
}

/** What Reconcile Storage would do, for the confirmation. */
export async function previewReconcile(history: ArchiveHistory, options: PurgeOptions = {}): Promise<ReconcilePreview> {
  const report = await history.checkIntegrity();
  const missingAudio = await previewPurge(history, { kind: 'missingAudio', keepFavorites: false }, options);
  const gone = new Set(missingAudio.ids);
  return {
    missingAudio,
    missingVersions: report.missingAudio.filter((m) => m.versionId !== null && !gone.has(m.generationId)).length,
    orphanFiles: report.orphanFiles.length,
  };
}

/** Deletes the previewed rows without audio, then lets the store drop missing versions and orphan files. */
export async function applyReconcile(
  history: ArchiveHistory,
  preview: ReconcilePreview,
  options: Pick<PurgeOptions, 'signal'> = {},
): Promise<{ deletedGenerations: number; removedVersions: number; removedFiles: number }> {
  const { deleted } = await applyPurge(history, preview.missingAudio, options);
  const result = await history.reconcile({ fixMissingAudio: true, removeOrphanFiles: true });
  return { deletedGenerations: deleted, removedVersions: result.removedVersions, removedFiles: result.removedFiles };
}
