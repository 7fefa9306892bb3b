// Imports the ElevenLabs history into Voice History: walks it with the sync client, stores each
// new item (voice name as profile, model, settings, date, character cost, external id), saves a
// checkpoint after every item so a failed or cancelled import resumes where it stopped, and
// optionally deletes the imported items on ElevenLabs once they are safely stored. No `vscode` import.
import { EngineError } from '../engines/engine';
import { ELEVENLABS_ENGINE_ID } from '../engines/elevenlabs-api';
import type { HistoryService } from '../history';
import { toJsonSettings } from './origin';
import type { ElevenLabsHistoryClient, HistoryFiltersInput, SyncCheckpoint, SyncedGeneration } from '../sync/elevenlabs-history';
import { errorMessage } from '../format/errors';

export interface ElevenLabsImportOptions {
  history: HistoryService;
  client: Pick<ElevenLabsHistoryClient, 'walk' | 'deleteItem'>;
  filters?: HistoryFiltersInput;
  pageSize?: number;
  /** Continue an import that stopped (same filters). */
  resumeFrom?: SyncCheckpoint;
  /**
   * Delete the items this run stored on ElevenLabs. Done after the walk (deleting during it would
   * pull the cursor item from under the next page), and not when the import is cancelled.
   */
  deleteAfterImport?: boolean;
  signal?: AbortSignal;
  /** Called after every handled item; persist it to resume later. */
  saveCheckpoint?: (checkpoint: SyncCheckpoint) => void | Promise<void>;
  onProgress?: (progress: ElevenLabsImportProgress) => void;
}

export interface ElevenLabsImportProgress {
  imported: number;
  /** Already in the history (same external id): not downloaded again. */
  skipped: number;
  /** Still processing or deleted on ElevenLabs: left for a later import. */
  notReady: number;
  failed: number;
  deleted: number;
  pages: number;
  /** Set while waiting to retry after a 429 or 5xx. */
  retryingInMs?: number;
}

export interface ElevenLabsImportResult extends ElevenLabsImportProgress {
  /** Ids of the generations created, in import order. */
  generationIds: string[];
  /** Items that could not be imported or deleted, with why. */
  problems: Array<{ externalId: string; message: string }>;
  /** Why the import stopped early (cancelled, auth, retries exhausted); undefined when it finished. */
  stoppedBy?: EngineError;
  /** The last checkpoint: where a resumed import continues. */
  checkpoint?: SyncCheckpoint;
}

export async function importElevenLabsHistory(options: ElevenLabsImportOptions): Promise<ElevenLabsImportResult> {
  const { history, client, signal } = options;
  const result: ElevenLabsImportResult = {
    imported: 0,
    skipped: 0,
    notReady: 0,
    failed: 0,
    deleted: 0,
    pages: 0,
    generationIds: [],
    problems: [],
  };
  const report = (retryingInMs?: number): void => {
    const { imported, skipped, notReady, failed, deleted, pages } = result;
    options.onProgress?.({ imported, skipped, notReady, failed, deleted, pages, ...(retryingInMs !== undefined ? { retryingInMs } : {}) });
  };
  const save = async (checkpoint: SyncCheckpoint): Promise<void> => {
    result.checkpoint = checkpoint;
    await options.saveCheckpoint?.(checkpoint);
  };
  const stored: string[] = [];
  try {
    const events = client.walk({
      filters: options.filters,
      pageSize: options.pageSize,
      resumeFrom: options.resumeFrom,
      signal,
      isKnown: async (externalId) => (await history.findByExternalId(externalId)) !== undefined,
    });
    for await (const event of events) {
      switch (event.type) {
        case 'page':
          result.pages++;
          report();
          break;
        case 'retry':
          report(event.delayMs);
          break;
        case 'skipped':
          if (event.reason === 'known') result.skipped++;
          else result.notReady++;
          await save(event.checkpoint);
          report();
          break;
        case 'failed':
          result.failed++;
          result.problems.push({ externalId: event.externalId, message: event.error.message });
          await save(event.checkpoint);
          report();
          break;
        case 'item': {
          const id = await store(history, event.generation);
          result.imported++;
          result.generationIds.push(id);
          stored.push(event.generation.externalId);
          await save(event.checkpoint);
          report();
          break;
        }
        case 'done':
          break;
      }
    }
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    result.stoppedBy = error;
  }
  if (options.deleteAfterImport && result.stoppedBy?.kind !== 'cancelled') {
    try {
      for (const externalId of stored) {
        if (signal?.aborted)
          throw new EngineError(
            'cancelled',
            'The ElevenLabs import was cancelled before every imported item was deleted there.',
            ELEVENLABS_ENGINE_ID,
          );
        await deleteOne(client, externalId, result, signal);
        report();
      }
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      result.stoppedBy ??= error;
    }
  }
  return result;
}

async function store(history: HistoryService, g: SyncedGeneration): Promise<string> {
  const profile = await history.findOrCreateProfile({
    engine: ELEVENLABS_ENGINE_ID,
    voiceId: g.voice ?? null,
    name: g.profile.slice(0, 100),
  });
  const created = await history.create(
    {
      profileId: profile.id,
      text: g.text,
      engine: g.engine,
      model: g.model ?? null,
      settings: toJsonSettings(g.settings),
      status: 'completed',
      source: 'sync',
      externalId: g.externalId,
      createdAt: g.createdAt,
    },
    {
      data: g.audio,
      format: g.audioInfo.format,
      duration: g.audioInfo.duration ?? null,
      sampleRate: g.audioInfo.sampleRate ?? null,
      channels: g.audioInfo.channels ?? null,
    },
  );
  return created.id;
}

async function deleteOne(
  client: Pick<ElevenLabsHistoryClient, 'deleteItem'>,
  externalId: string,
  result: ElevenLabsImportResult,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await client.deleteItem(externalId, signal);
    result.deleted++;
  } catch (error) {
    // Cancel and a lost key stop the import; any other delete failure only skips the delete (the item is stored).
    if (error instanceof EngineError && (error.kind === 'cancelled' || error.kind === 'auth')) throw error;
    result.problems.push({ externalId, message: `imported, but not deleted on ElevenLabs: ${errorMessage(error)}` });
  }
}

/** One line for a notification: "Imported 12, skipped 3 already in the history, 1 failed." */
export function describeImport(r: ElevenLabsImportProgress): string {
  const parts = [`imported ${r.imported}`];
  if (r.skipped) parts.push(`skipped ${r.skipped} already in the history`);
  if (r.notReady) parts.push(`${r.notReady} not ready on ElevenLabs yet`);
  if (r.failed) parts.push(`${r.failed} failed`);
  if (r.deleted) parts.push(`deleted ${r.deleted} on ElevenLabs`);
  const line = parts.join(', ');
  return `${line[0]!.toUpperCase()}${line.slice(1)}.`;
}
