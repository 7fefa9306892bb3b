// Plans the import of a Voicebox generation export: its manifest checked field by field (sizes
// included, so nothing fails later at the database write) and its versions' audio staged.
// Voicebox's exporter leaves out the audio of a version whose file was missing on its disk while
// still listing the version; exporting again writes the same archive, so such an archive imports
// what it has and says which versions were left out.
import { basename } from 'node:path';
import { languageSchema } from '../history/schemas';
import { isAudioName, isJunkEntry } from './detect';
import { ArchiveError } from './errors';
import type { ImportPlan, PlannedProfile, PlannedVersion } from './import-plan';
import { stageEntry, type SourceOptions } from './import-staging';
import { describeFirstIssue } from '../format/issues';
import { MANIFEST_NAME, WHOLE_MANIFEST } from './manifest';
import { parseVoiceboxTime, voiceboxManifestSchema, type VoiceboxManifest } from './voicebox';
import type { ZipArchive } from './zip-reader';

type ListedVersion = NonNullable<VoiceboxManifest['versions']>[number];

function parseVoiceboxManifest(value: unknown, label: string): VoiceboxManifest {
  const parsed = voiceboxManifestSchema.safeParse(value);
  if (!parsed.success) {
    const problem = describeFirstIssue(parsed.error.issues, { whole: WHOLE_MANIFEST });
    throw new ArchiveError(
      'manifest-invalid',
      `${MANIFEST_NAME} in "${label}" is not a valid Voicebox generation export: ${problem}. Nothing was imported.`,
    );
  }
  return parsed.data;
}

function describeVersion(v: ListedVersion, name: string): string {
  const what = v.label?.trim() ? `version "${v.label.trim()}"` : 'a version';
  return `${what} (${name} is not in the archive)`;
}

export async function planVoicebox(zip: ZipArchive, value: unknown, opts: SourceOptions): Promise<ImportPlan> {
  const label = basename(zip.path);
  const m = parseVoiceboxManifest(value, label);
  const language = m.generation.language ?? m.profile?.language ?? 'en';
  const lang = languageSchema.safeParse(language);
  if (!lang.success) {
    throw new ArchiveError(
      'manifest-invalid',
      `${MANIFEST_NAME} in "${label}": generation.language "${language}" is not a language code such as "en". Nothing was imported.`,
    );
  }
  const listed = m.versions && m.versions.length > 0 ? m.versions : null;
  const audioEntries = listed
    ? listed.map((v) => ({ name: `audio/${v.filename}`, v }))
    : zip
        .files()
        .filter((e) => e.name.startsWith('audio/') && isAudioName(e.name) && !isJunkEntry(e.name))
        .map((e) => ({ name: e.name, v: undefined }));
  if (audioEntries.length === 0) {
    throw new ArchiveError('audio-missing', `"${label}" has no audio under audio/. Export the generation from Voicebox again.`);
  }
  const present = audioEntries.filter(({ name }) => zip.get(name));
  const leftOut = audioEntries.filter(({ name }) => !zip.get(name)).map(({ name, v }) => describeVersion(v!, name));
  if (present.length === 0) {
    throw new ArchiveError(
      'audio-missing',
      `"${label}" lists ${audioEntries.length === 1 ? 'a version' : `${audioEntries.length} versions`} but holds none of their audio (Voicebox leaves out audio files missing on its disk), so there is nothing to import. Check that the generation plays in Voicebox, then export it again.`,
    );
  }
  const versions: PlannedVersion[] = [];
  let n = 0;
  for (const { name, v } of present) {
    const staged = await stageEntry(zip, zip.get(name)!, opts);
    n += 1;
    versions.push({
      key: v?.id ?? `v${n}`,
      label: v?.label?.trim() || (n === 1 ? 'Original' : `Version ${n}`),
      isDefault: v?.is_default ?? false,
      effectsChain: v?.effects_chain ?? null,
      sourceKey: null,
      stagedPath: staged.path,
      probe: staged.probe,
      sha256: staged.sha256,
    });
  }
  // Exactly one default: the first one marked, else the first one (also when the default was left out).
  const firstDefault = Math.max(
    0,
    versions.findIndex((v) => v.isDefault),
  );
  versions.forEach((v, i) => (v.isDefault = i === firstDefault));
  const profileName = m.profile?.name?.trim() || opts.profileName;
  const profile: PlannedProfile = {
    name: profileName,
    description: m.profile?.description ?? null,
    language: languageSchema.safeParse(m.profile?.language ?? '').success ? m.profile!.language! : lang.data,
    effectsChain: m.profile?.effects_chain?.length ? m.profile.effects_chain : null,
    engine: null,
    voiceId: null,
  };
  return {
    label,
    profiles: new Map([[profile.name, profile]]),
    generations: [
      {
        key: m.generation.id ?? 'voicebox',
        profileName,
        text: m.generation.text,
        language: lang.data,
        engine: null,
        model: null,
        status: 'completed',
        error: null,
        favorite: false,
        source: 'import',
        externalId: null,
        settings: null,
        seed: m.generation.seed ?? null,
        instruct: m.generation.instruct ?? null,
        createdAt: parseVoiceboxTime(m.generation.created_at),
        versions,
      },
    ],
    stories: [],
    ...(leftOut.length > 0 ? { leftOut } : {}),
  };
}
