// Turns each kind of input into a validated ImportPlan with staged audio: our archives, Voicebox
// generation exports, ZIPs of audio files (ElevenLabs downloads) and loose audio files.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { languageSchema, MAX_TEXT_LENGTH, profileNameSchema } from '../history/schemas';
import { clipPlacement } from '../history/story-timeline';
import type { JsonObject } from '../history/types';
import { probeAudio, type AudioProbe } from './audio-probe';
import { isAudioName, isJunkEntry, isSidecarName } from './detect';
import { ArchiveError } from './errors';
import type { ImportPlan, PlannedGeneration, PlannedProfile, PlannedVersion } from './import-plan';
import { MB } from './limits';
import { fromIso, MANIFEST_NAME, parseArchiveJson, readManifest, WHOLE_MANIFEST, type Manifest } from './manifest';
import { looksLikeVoicebox, looksLikeVoiceboxProfile } from './voicebox';
import type { ZipArchive } from './zip-reader';
import { parseElevenLabsName } from './elevenlabs-names';
import { entryLabel, stageEntry, stagePath, type SourceOptions } from './import-staging';
import { planVoicebox } from './voicebox-import';
import { errorMessage } from '../format/errors';
import { describeFirstIssue } from '../format/issues';

export type { SourceOptions } from './import-staging';

function stem(name: string): string {
  const base = basename(name);
  const ext = extname(base);
  return ext ? base.slice(0, -ext.length) : base;
}

// ---- sidecars ------------------------------------------------------------------------------

/** A sidecar `.json`: our own fields or an ElevenLabs history item (text, voice_name, model_id…). */
const sidecarJsonSchema = z.object({
  text: z.string().max(MAX_TEXT_LENGTH).optional(),
  language: languageSchema.optional(),
  profile: profileNameSchema.optional(),
  voice_name: profileNameSchema.optional(),
  voice_id: z.string().min(1).max(200).optional(),
  engine: z.string().min(1).max(64).optional(),
  model: z.string().min(1).max(128).optional(),
  model_id: z.string().min(1).max(128).optional(),
  history_item_id: z.string().min(1).max(200).optional(),
  date_unix: z.number().int().min(0).optional(),
  created_at: z.string().optional(),
  settings: z.record(z.string(), z.json()).nullish(),
  instruct: z.string().max(10_000).optional(),
  seed: z.number().int().optional(),
});

export interface SidecarFacts {
  text?: string;
  language?: string;
  profile?: PlannedProfile;
  engine?: string;
  model?: string;
  externalId?: string;
  createdAt?: number;
  settings?: JsonObject;
  instruct?: string;
  seed?: number;
}

export function parseSidecar(content: string, name: string, fallbackLanguage = 'en'): SidecarFacts {
  if (extname(name).toLowerCase() === '.txt') {
    const text = content.trim();
    if (text.length > MAX_TEXT_LENGTH) {
      throw new ArchiveError('unsupported-file', `${name} holds more than ${MAX_TEXT_LENGTH} characters; shorten it to import its audio.`);
    }
    return text ? { text } : {};
  }
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (e) {
    throw new ArchiveError('unsupported-file', `${name} is not valid JSON (${errorMessage(e)}). Fix or remove it and import again.`);
  }
  const parsed = sidecarJsonSchema.safeParse(value);
  if (!parsed.success) {
    const problem = describeFirstIssue(parsed.error.issues, { whole: WHOLE_MANIFEST });
    throw new ArchiveError('unsupported-file', `${name} has a bad field ${problem}. Fix or remove it and import again.`);
  }
  const s = parsed.data;
  const elevenLabs = s.history_item_id !== undefined || s.voice_id !== undefined;
  const engine = s.engine ?? (elevenLabs ? 'elevenlabs' : undefined);
  const profileName = s.profile ?? s.voice_name;
  const createdAt = s.date_unix !== undefined ? s.date_unix * 1000 : s.created_at ? Date.parse(s.created_at) : undefined;
  return {
    text: s.text?.trim() || undefined,
    language: s.language,
    profile: profileName
      ? {
          name: profileName,
          description: null,
          language: s.language ?? fallbackLanguage,
          engine: engine ?? null,
          voiceId: s.voice_id ?? null,
        }
      : undefined,
    engine,
    model: s.model ?? s.model_id,
    externalId: s.history_item_id,
    createdAt: createdAt !== undefined && Number.isFinite(createdAt) ? createdAt : undefined,
    settings: s.settings ?? undefined,
    instruct: s.instruct,
    seed: s.seed,
  };
}

/** Two files naming the same voice: what one knows (engine, voice id, description) fills the other's gaps. */
function mergeProfile(known: PlannedProfile | undefined, next: PlannedProfile): PlannedProfile {
  if (!known) return next;
  return {
    ...known,
    description: known.description ?? next.description,
    engine: known.engine ?? next.engine,
    voiceId: known.voiceId ?? next.voiceId,
  };
}

function plainProfile(name: string): PlannedProfile {
  return { name, description: null, language: 'en', engine: null, voiceId: null };
}

/** One generation for one audio file, with facts from its sidecar and the name as a last resort. */
async function audioGeneration(
  key: string,
  fileName: string,
  staged: { path: string; sha256: string; probe: AudioProbe },
  facts: SidecarFacts,
  fileTime: number | null,
  opts: SourceOptions,
): Promise<{ generation: PlannedGeneration; profile: PlannedProfile }> {
  let text = facts.text;
  if (!text && opts.askText) text = (await opts.askText(fileName))?.trim() || undefined;
  if (!text) text = stem(fileName);
  // An ElevenLabs download names the voice and the date in the file name (`key` keeps its folder).
  const named = parseElevenLabsName(key);
  const profile =
    facts.profile ??
    (named
      ? { name: named.voiceName, description: null, language: facts.language ?? 'en', engine: 'elevenlabs', voiceId: named.voiceId }
      : plainProfile(opts.profileName));
  const engine = facts.engine ?? (named || /^elevenlabs/i.test(basename(fileName)) ? 'elevenlabs' : null);
  const version: PlannedVersion = {
    key: `${key}:v`,
    label: 'Original',
    isDefault: true,
    effectsChain: null,
    sourceKey: null,
    stagedPath: staged.path,
    probe: staged.probe,
    sha256: staged.sha256,
  };
  return {
    profile,
    generation: {
      key,
      profileName: profile.name,
      text: text.slice(0, MAX_TEXT_LENGTH),
      language: facts.language ?? profile.language,
      engine,
      model: facts.model ?? null,
      status: 'completed',
      error: null,
      favorite: false,
      source: 'import',
      externalId: facts.externalId ?? null,
      settings: facts.settings ?? null,
      seed: facts.seed ?? null,
      instruct: facts.instruct ?? null,
      createdAt: facts.createdAt ?? named?.createdAt ?? fileTime,
      versions: [version],
    },
  };
}

// ---- our archive ---------------------------------------------------------------------------

export async function planOurArchive(zip: ZipArchive, manifest: Manifest, opts: SourceOptions): Promise<ImportPlan> {
  const plan: ImportPlan = { label: basename(zip.path), profiles: new Map(), generations: [], stories: [] };
  const profileNames = new Map<string, string>();
  for (const p of manifest.profiles) {
    profileNames.set(p.id, p.name);
    plan.profiles.set(p.name, {
      name: p.name,
      description: p.description,
      language: p.language,
      engine: p.engine,
      voiceId: p.voiceId,
      effectsChain: p.effectsChain,
    });
  }
  plan.presets = manifest.presets.map((p) => ({ name: p.name, description: p.description, effectsChain: p.effectsChain }));
  for (const g of manifest.generations) {
    const versions: PlannedVersion[] = [];
    for (const v of g.versions) {
      const entry = zip.get(v.audio);
      if (!entry) {
        throw new ArchiveError(
          'audio-missing',
          `"${plan.label}": the manifest names "${v.audio}" but the archive has no such entry. The archive is incomplete; export it again.`,
        );
      }
      const staged = await stageEntry(zip, entry, opts);
      if (staged.bytes !== v.bytes || staged.sha256 !== v.sha256) {
        const what =
          staged.bytes !== v.bytes
            ? `it has ${staged.bytes} bytes, the manifest says ${v.bytes}`
            : 'its sha256 differs from the one recorded';
        throw new ArchiveError(
          'audio-mismatch',
          `${entryLabel(zip, entry)} does not match the manifest (${what}). The archive was changed or damaged; export it again.`,
        );
      }
      if (staged.probe.format !== v.format) {
        throw new ArchiveError(
          'audio-mismatch',
          `${entryLabel(zip, entry)} is ${staged.probe.format.toUpperCase()} audio but the manifest says ${v.format.toUpperCase()}. The archive was changed; export it again.`,
        );
      }
      versions.push({
        key: v.id,
        label: v.label,
        isDefault: v.isDefault,
        effectsChain: v.effectsChain,
        sourceKey: v.sourceVersionId,
        stagedPath: staged.path,
        probe: staged.probe,
        sha256: staged.sha256,
        createdAt: fromIso(v.createdAt),
        seed: v.seed,
        loudnessLufs: v.loudnessLufs,
      });
    }
    // An exporter leaves out audio that was missing on its disk; such a generation cannot be "completed" here.
    const lostAudio = versions.length === 0 && g.status === 'completed';
    plan.generations.push({
      key: g.id,
      profileName: profileNames.get(g.profileId) ?? '',
      text: g.text,
      language: g.language,
      engine: g.engine,
      model: g.model,
      status: lostAudio ? 'failed' : g.status,
      error: lostAudio ? 'The audio was missing when this generation was exported.' : g.error,
      favorite: g.favorite,
      source: g.source,
      externalId: g.externalId,
      settings: g.settings,
      seed: g.seed,
      instruct: g.instruct,
      createdAt: fromIso(g.createdAt),
      versions,
      title: g.title,
      notes: g.notes,
      tags: g.tags,
    });
  }
  for (const s of manifest.stories) {
    plan.stories.push({
      name: s.name,
      description: s.description,
      createdAt: fromIso(s.createdAt),
      tracks: s.tracks,
      items: s.items.map((i) => ({
        generationKey: i.generationId,
        versionKey: i.versionId,
        ...clipPlacement(i),
      })),
    });
  }
  return plan;
}

// ---- a ZIP of audio files (ElevenLabs downloads and the like) ------------------------------

export async function planAudioZip(zip: ZipArchive, opts: SourceOptions): Promise<ImportPlan> {
  const label = basename(zip.path);
  const files = zip.files().filter((e) => !isJunkEntry(e.name));
  const audio = files.filter((e) => isAudioName(e.name));
  if (audio.length === 0) {
    throw new ArchiveError(
      'empty',
      `"${label}" has neither a ${MANIFEST_NAME} nor audio files (WAV, MP3, FLAC, OGG). Choose a Voice History, Voicebox or ElevenLabs export.`,
    );
  }
  const sidecars = new Map(files.filter((e) => isSidecarName(e.name)).map((e) => [e.name.toLowerCase(), e]));
  const plan: ImportPlan = { label, profiles: new Map(), generations: [], stories: [] };
  for (const entry of audio) {
    const staged = await stageEntry(zip, entry, opts);
    let facts: SidecarFacts = {};
    const base = entry.name.slice(0, -extname(entry.name).length).toLowerCase();
    for (const ext of ['.json', '.txt']) {
      const side = sidecars.get(base + ext);
      if (side) facts = { ...parseSidecar(await zip.readText(side, 16 * MB), entryLabel(zip, side)), ...facts };
    }
    const { generation, profile } = await audioGeneration(
      entry.name,
      basename(entry.name),
      staged,
      facts,
      entry.raw.getLastModDate().getTime(),
      opts,
    );
    plan.profiles.set(profile.name, mergeProfile(plan.profiles.get(profile.name), profile));
    plan.generations.push(generation);
  }
  return plan;
}

// ---- one loose audio file ------------------------------------------------------------------

export async function planAudioFile(path: string, opts: SourceOptions): Promise<ImportPlan> {
  const label = basename(path);
  const { size, mtimeMs } = await fsp.stat(path);
  if (size > opts.limits.maxTotalMegabytes * MB) {
    throw new ArchiveError(
      'too-large',
      `"${label}" is larger than ${opts.limits.maxTotalMegabytes} MB. If you trust it, raise the setting voiceHistory.import.maxTotalMegabytes.`,
    );
  }
  const probe = await probeAudio(path, `"${label}"`);
  const staged = stagePath(opts, probe.format);
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(path),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        opts.onBytes?.(chunk.length);
        yield chunk;
      }
    },
    createWriteStream(staged, { flags: 'wx' }),
    { signal: opts.signal },
  );
  let facts: SidecarFacts = {};
  for (const ext of ['.json', '.txt', '.JSON', '.TXT']) {
    const side = join(dirname(path), stem(path) + ext);
    const content = await fsp.readFile(side, 'utf8').catch(() => undefined);
    if (content !== undefined) facts = { ...parseSidecar(content, basename(side)), ...facts };
  }
  const { generation, profile } = await audioGeneration(
    path,
    label,
    { path: staged, sha256: hash.digest('hex'), probe },
    facts,
    Math.round(mtimeMs),
    opts,
  );
  return { label, profiles: new Map([[profile.name, profile]]), generations: [generation], stories: [] };
}

// ---- a ZIP of any kind ---------------------------------------------------------------------

/** Reads the ZIP's manifest (if any) and hands it to the planner of its kind. */
export async function planZip(zip: ZipArchive, opts: SourceOptions): Promise<ImportPlan> {
  const manifestEntry = zip.get(MANIFEST_NAME);
  if (!manifestEntry) return planAudioZip(zip, opts);
  const label = basename(zip.path);
  const maxManifest = opts.limits.maxManifestMegabytes * MB;
  if (manifestEntry.uncompressedSize > maxManifest) {
    throw new ArchiveError(
      'manifest-too-large',
      `${MANIFEST_NAME} in "${label}" is ${Math.round(manifestEntry.uncompressedSize / MB)} MB; at most ${opts.limits.maxManifestMegabytes} MB is accepted. Split the export into smaller archives.`,
    );
  }
  const text = await zip.readText(manifestEntry, maxManifest);
  const value = parseArchiveJson(text, MANIFEST_NAME);
  if (typeof value === 'object' && value !== null && 'format' in value) return planOurArchive(zip, readManifest(value), opts);
  if (looksLikeVoicebox(value)) return planVoicebox(zip, value, opts);
  if (looksLikeVoiceboxProfile(value)) {
    throw new ArchiveError(
      'unknown-archive',
      `"${label}" is a Voicebox voice profile export, not generations. Export generations from Voicebox's history instead.`,
    );
  }
  throw new ArchiveError(
    'unknown-archive',
    `"${label}" has a ${MANIFEST_NAME} that is neither a Voice History nor a Voicebox export. Nothing was imported.`,
  );
}
