// Import: any mix of our archives, Voicebox exports, ElevenLabs downloads (a ZIP of audio or one
// audio file) and plain audio files. Each file is validated completely, its audio staged in a temp
// folder, and only then written, all of it or none of it; one bad file does not stop the others.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { detectInput, isAudioName } from './detect';
import { ArchiveError, isArchiveError, type ArchiveProblem } from './errors';
import type { ArchiveHistory } from './history-port';
import { commitPlan } from './import-commit';
import { planAudioFile, planZip, type SourceOptions } from './import-sources';
import { importLimitsSchema, type ImportLimitsInput } from './limits';
import { ZipArchive } from './zip-reader';
import { profileNameSchema } from '../history/schemas';
import { HistoryError } from '../store/errors';
import { errorMessage } from '../format/errors';

export interface ImportProgress {
  /** The file being imported and its position in the list. */
  file: string;
  index: number;
  count: number;
  /** 'checking': bytes of this file read and verified so far, of `total` (its size on disk).
   *  'saving': generations of this file written to the history so far, of `total`. */
  done: number;
  total: number;
  phase: 'checking' | 'saving';
}

export interface ImportOptions {
  /** Zip bomb and size limits (the voiceHistory.import.* settings); defaults apply when absent. */
  limits?: ImportLimitsInput;
  /** Asked for the text of an audio file without a sidecar; default: the file name without extension. */
  askText?: (fileName: string) => Promise<string | undefined> | string | undefined;
  /** Profile for audio that names no voice (default "Imported audio"). */
  profileName?: string;
  /** Parent folder of the per-file staging folders (default the OS temp folder). */
  stagingDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportRejection {
  /** File name as the user picked it. */
  name: string;
  /** What is wrong and what to do, for the user. */
  reason: string;
  problem: ArchiveProblem | 'error';
}

export interface ImportLeftOut {
  /** File name as the user picked it. */
  name: string;
  /** What of it was not imported and why, for the user (e.g. `version "warm" (audio/b.wav is not in the archive)`). */
  items: string[];
}

export interface ImportSummary {
  /** Generations added. */
  imported: number;
  /** Generations already in the history (same audio and text), left out (stories placing them place the ones here). */
  skipped: number;
  /** Stories added (a story equal to one here is not added again). */
  stories: number;
  rejected: ImportRejection[];
  /** Files imported without some of what they list (the rest of each was imported). */
  leftOut: ImportLeftOut[];
  /** Ids of the generations added, in import order. */
  generationIds: string[];
  /** True when the signal stopped the import; the file in progress was undone, earlier files stay. */
  cancelled: boolean;
}

export const DEFAULT_IMPORT_PROFILE = 'Imported audio';

/** The profile for audio that names none, checked by the same rule as every profile name (else every file would fail at the write). */
function importProfileName(name: string | undefined): string {
  if (name === undefined) return DEFAULT_IMPORT_PROFILE;
  const parsed = profileNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new HistoryError(
      'INVALID',
      `The profile name for imported audio cannot be used: ${parsed.error.issues[0]?.message ?? 'invalid'} Choose another name.`,
    );
  }
  return parsed.data;
}

/** A `.txt`/`.json` whose audio sibling is also being imported is read as that audio's sidecar. */
function isSidecarOfPicked(path: string, picked: Set<string>): boolean {
  const ext = extname(path).toLowerCase();
  if (ext !== '.txt' && ext !== '.json') return false;
  const stem = join(dirname(path), basename(path, extname(path)));
  return [...picked].some((p) => p !== path && isAudioName(p) && join(dirname(p), basename(p, extname(p))) === stem);
}

async function importOne(
  history: ArchiveHistory,
  path: string,
  source: SourceOptions & { onWritten?: (done: number, total: number) => void },
): Promise<{ ids: string[]; skipped: number; stories: number; leftOut: string[] }> {
  let kind: Awaited<ReturnType<typeof detectInput>>;
  try {
    kind = await detectInput(path);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
    const why =
      code === 'ENOENT'
        ? 'it does not exist (any more)'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'you may not read it'
            : (e as Error).message;
    throw new ArchiveError('unsupported-file', `"${basename(path)}" cannot be read: ${why}. Choose a file you can open.`, { cause: e });
  }
  if (kind.kind === 'zip') {
    const zip = await ZipArchive.open(path, source.limits);
    try {
      const plan = await planZip(zip, source);
      return await commitAndReport(history, plan, source);
    } finally {
      zip.close();
    }
  }
  if (kind.kind === 'audio') {
    const plan = await planAudioFile(path, source);
    return commitAndReport(history, plan, source);
  }
  throw new ArchiveError(
    'unsupported-file',
    kind.kind === 'sidecar'
      ? `"${basename(path)}" is a text file. Pick the audio file with the same name; its text is taken from this file.`
      : `"${basename(path)}" is neither a ZIP archive nor WAV, MP3, FLAC or OGG audio. Choose a .voicehistory.zip, .voicebox.zip, an ElevenLabs download or audio files.`,
  );
}

async function commitAndReport(
  history: ArchiveHistory,
  plan: Parameters<typeof commitPlan>[1],
  source: SourceOptions & { onWritten?: (done: number, total: number) => void },
) {
  const { generationIds, skipped, stories } = await commitPlan(history, plan, source.signal, source.onWritten);
  return { ids: generationIds, skipped, stories, leftOut: plan.leftOut ?? [] };
}

/** Imports each file in `paths`; never throws for a bad file (it lands in `rejected`). */
export async function importFiles(history: ArchiveHistory, paths: readonly string[], options: ImportOptions = {}): Promise<ImportSummary> {
  const limits = importLimitsSchema.parse(options.limits ?? {});
  const profileName = importProfileName(options.profileName);
  const summary: ImportSummary = { imported: 0, skipped: 0, stories: 0, rejected: [], leftOut: [], generationIds: [], cancelled: false };
  const picked = new Set(paths);
  const files = paths.filter((p) => !isSidecarOfPicked(p, picked));
  for (const [index, path] of files.entries()) {
    if (options.signal?.aborted) {
      summary.cancelled = true;
      break;
    }
    const name = basename(path);
    const stageDir = await mkdtemp(join(options.stagingDir ?? tmpdir(), 'voice-history-import-'));
    let total = 0;
    try {
      total = (await stat(path)).size;
    } catch {
      // reported below when the file is opened
    }
    let done = 0;
    const report = (phase: ImportProgress['phase']) => options.onProgress?.({ file: name, index, count: files.length, done, total, phase });
    const source: SourceOptions & { onWritten: (done: number, total: number) => void } = {
      onWritten: (written, of) =>
        options.onProgress?.({ file: name, index, count: files.length, done: written, total: of, phase: 'saving' }),
      limits,
      stageDir,
      askText: options.askText,
      profileName,
      signal: options.signal,
      onBytes: (n) => {
        done += n;
        report('checking');
      },
    };
    try {
      report('checking');
      const { ids, skipped, stories, leftOut } = await importOne(history, path, source);
      if (leftOut.length > 0) summary.leftOut.push({ name, items: leftOut });
      summary.imported += ids.length;
      summary.skipped += skipped;
      summary.stories += stories;
      summary.generationIds.push(...ids);
    } catch (e) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      summary.rejected.push({
        name,
        reason: errorMessage(e),
        problem: isArchiveError(e) ? e.reason : 'error',
      });
    } finally {
      await rm(stageDir, { recursive: true, force: true });
    }
  }
  return summary;
}
