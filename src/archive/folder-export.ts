// "Export to Folder": the default audio of each generation as a plain file, named by a template,
// in an export format, plus an optional metadata.csv / metadata.json. Files are written into a
// hidden staging folder inside the destination and moved into place only when every one is
// complete, so a cancel or a failure leaves nothing behind. Same selection, same names.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { EffectsRenderer } from '../effects/render';
import type { Generation } from '../history/types';
import { convertAudio } from './audio-convert';
import { ArchiveError } from './errors';
import { extensionOf, type ExportFormat } from './export-format';
import type { ArchiveHistory } from './history-port';
import { checkTemplate, fillTemplate, UniquePaths } from './name-template';
import { Transcoder, type TranscoderOptions } from './transcoder';

export type MetadataSidecar = 'none' | 'csv' | 'json' | 'both';

export interface FolderExportOptions {
  template: string;
  format: ExportFormat;
  metadata?: MetadataSidecar;
  /** Needed for any format but `original`. */
  encoder?: TranscoderOptions;
  /** Needed for a sample-rate change, a loudness target or FLAC sources. */
  effects?: EffectsRenderer;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number }) => void;
  /** Files copied at once for `original` (copies are I/O-bound). */
  concurrency?: number;
}

export interface FolderExportFile {
  /** Relative to the destination, with "/". */
  file: string;
  generationId: string;
  bytes: number;
}

export interface FolderExportResult {
  folder: string;
  files: FolderExportFile[];
  /** Generations without audio (failed, pending, or the file is missing). */
  skipped: Array<{ generationId: string; reason: string }>;
  bytes: number;
}

export const METADATA_CSV = 'metadata.csv';
export const METADATA_JSON = 'metadata.json';

/** Oldest first, ties by id: the order that makes names (and {index}) the same every time. */
async function loadSorted(history: ArchiveHistory, ids: readonly string[]): Promise<Generation[]> {
  const unique = [...new Set(ids)];
  const out: Generation[] = [];
  for (let i = 0; i < unique.length; i += 1000) out.push(...(await history.getMany(unique.slice(i, i + 1000))));
  if (out.length < unique.length) {
    throw new ArchiveError(
      'not-exportable',
      `${unique.length - out.length} of the generations to export no longer exist. Refresh the history and export again.`,
    );
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

interface Planned {
  g: Generation;
  source: string;
  file: string;
}

/** The names an export would write, without writing anything (also used by tests and previews). */
export async function planFolderExport(
  history: ArchiveHistory,
  ids: readonly string[],
  template: string,
  format: ExportFormat,
): Promise<{ planned: Planned[]; skipped: FolderExportResult['skipped'] }> {
  checkTemplate(template);
  const generations = await loadSorted(history, ids);
  const voiceIds = new Map<string, string | null>();
  const names = new UniquePaths();
  const planned: Planned[] = [];
  const skipped: FolderExportResult['skipped'] = [];
  for (const [i, g] of generations.entries()) {
    if (!g.audioPath) {
      skipped.push({ generationId: g.id, reason: g.status === 'failed' ? 'the generation failed' : 'it has no audio yet' });
      continue;
    }
    if (!voiceIds.has(g.profileId)) voiceIds.set(g.profileId, (await history.getProfile(g.profileId))?.voiceId ?? null);
    const ext = extensionOf(format, extname(g.audioPath).slice(1).toLowerCase());
    const rel = fillTemplate(template, {
      generation: { ...g, voiceId: voiceIds.get(g.profileId) },
      ext,
      index: i + 1,
      count: generations.length,
    });
    planned.push({ g, source: history.resolveAudioPath(g), file: names.take(rel) });
  }
  return { planned, skipped };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function metadataRows(files: FolderExportFile[], byId: Map<string, Generation>) {
  return files.map((f) => {
    const g = byId.get(f.generationId)!;
    return {
      file: f.file,
      id: g.id,
      profile: g.profileName,
      text: g.text,
      language: g.language,
      engine: g.engine,
      model: g.model,
      createdAt: new Date(g.createdAt).toISOString(),
      durationSeconds: g.duration,
      bytes: f.bytes,
    };
  });
}

export async function exportToFolder(
  history: ArchiveHistory,
  ids: readonly string[],
  folder: string,
  options: FolderExportOptions,
): Promise<FolderExportResult> {
  const { signal, format } = options;
  if (ids.length === 0) throw new ArchiveError('not-exportable', 'Nothing to export: select at least one generation.');
  const root = resolve(folder);
  const { planned, skipped } = await planFolderExport(history, ids, options.template, format);
  if (planned.length === 0) throw new ArchiveError('not-exportable', 'None of the selected generations has audio to export.');
  await mkdir(root, { recursive: true });
  const staging = join(root, `.voice-history-export-${randomBytes(6).toString('hex')}.partial`);
  await mkdir(staging);
  const transcoder = format.codec === 'original' ? undefined : options.encoder ? new Transcoder(options.encoder) : undefined;
  const slots: Array<FolderExportFile | undefined> = new Array(planned.length);
  try {
    let done = 0;
    let next = 0;
    const madeDirs = new Set<string>();
    const one = async (p: Planned, slot: number): Promise<void> => {
      const staged = join(staging, ...p.file.split('/'));
      // Belt and braces: the template rules already keep every name inside the folder.
      if (!resolve(staged).startsWith(staging + sep))
        throw new ArchiveError('not-exportable', `"${p.file}" would leave the export folder.`);
      const dir = dirname(staged);
      if (!madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      if (format.codec === 'original') {
        // Straight into the staging folder: it is ours and goes away on any failure.
        try {
          await copyFile(p.source, staged);
        } catch (e) {
          if ((e as { code?: string }).code !== 'ENOENT') throw e;
          skipped.push({ generationId: p.g.id, reason: 'its audio file is missing' });
          return;
        }
        slots[slot] = { file: p.file, generationId: p.g.id, bytes: (await stat(staged)).size };
      } else {
        if (!(await isFile(p.source))) {
          skipped.push({ generationId: p.g.id, reason: 'its audio file is missing' });
          return;
        }
        const r = await convertAudio(transcoder, p.source, staged, format, {
          signal,
          what: `"${p.g.text.slice(0, 40)}"`,
          effects: options.effects,
        });
        slots[slot] = { file: p.file, generationId: p.g.id, bytes: r.bytes };
      }
    };
    // Copies run a few at a time (I/O); conversions one at a time (the worker is one thread).
    const lanes = format.codec === 'original' ? Math.max(1, options.concurrency ?? 16) : 1;
    // Every lane must have stopped before the staging folder is removed: a lane still copying into
    // it while it is deleted makes the removal fail (ENOTEMPTY) and leaves files behind.
    const outcomes = await Promise.allSettled(
      Array.from({ length: Math.min(lanes, planned.length) }, async () => {
        while (next < planned.length) {
          signal?.throwIfAborted();
          const slot = next++;
          await one(planned[slot]!, slot);
          options.onProgress?.({ done: ++done, total: planned.length });
        }
      }),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
    signal?.throwIfAborted();
    const files = slots.filter((f): f is FolderExportFile => f !== undefined);
    if (files.length === 0)
      throw new ArchiveError(
        'not-exportable',
        'None of the selected generations has audio to export: their files are missing. Run "Voice History: Reconcile Storage".',
      );
    const byId = new Map(planned.map((p) => [p.g.id, p.g]));
    const rows = metadataRows(files, byId);
    const metadata = options.metadata ?? 'none';
    const extra: string[] = [];
    if (metadata === 'csv' || metadata === 'both') {
      const cols = Object.keys(rows[0]!) as Array<keyof (typeof rows)[number]>;
      const lines = [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))];
      await writeFile(join(staging, METADATA_CSV), `${lines.join('\r\n')}\r\n`, 'utf8');
      extra.push(METADATA_CSV);
    }
    if (metadata === 'json' || metadata === 'both') {
      await writeFile(join(staging, METADATA_JSON), `${JSON.stringify(rows, null, 2)}\n`, 'utf8');
      extra.push(METADATA_JSON);
    }
    // Everything is complete: move it into place (same file system, so each move is a rename).
    const movedDirs = new Set<string>();
    for (const rel of [...files.map((f) => f.file), ...extra]) {
      const to = join(root, ...rel.split('/'));
      const dir = dirname(to);
      if (!movedDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        movedDirs.add(dir);
      }
      await rename(join(staging, ...rel.split('/')), to);
    }
    // Lanes finish in any order; the report lists skipped generations in export order.
    const order = new Map(planned.map((p, i) => [p.g.id, i]));
    skipped.sort((a, b) => (order.get(a.generationId) ?? -1) - (order.get(b.generationId) ?? -1));
    return { folder: root, files, skipped, bytes: files.reduce((a, f) => a + f.bytes, 0) };
  } finally {
    await transcoder?.dispose();
    await rm(staging, { recursive: true, force: true });
  }
}
