// "Voice History: Import from ElevenLabs…": choose filters, optionally delete on ElevenLabs after
// import (modal confirmation), then import under a cancellable progress notification. Where it
// got to is saved in globalState after every item, so an import that failed or was cancelled
// resumes there; items already in the history are never downloaded again (external id).
import * as vscode from 'vscode';
import { elevenLabsConfigSchema } from '../engines/elevenlabs';
import type { SpeechEngine } from '../engines/engine';
import { elevenLabsConfigFromSettings } from '../engines/settings';
import { describeImport, importElevenLabsHistory, type ElevenLabsImportProgress } from '../generation/elevenlabs-import';
import type { HistoryService } from '../history';
import {
  ElevenLabsHistoryClient,
  historyFiltersSchema,
  syncCheckpointSchema,
  type HistoryFiltersInput,
  type SyncCheckpoint,
} from '../sync/elevenlabs-history';
import type { ApiKeys } from './api-keys';
import { commandTable } from './registry';
import { errorMessage } from '../format/errors';
import { showErrorToast } from '../views/error-toast';
import { describeIssues } from '../format/issues';

export interface ElevenLabsImportDeps {
  history: () => HistoryService;
  keys: ApiKeys;
  /** Where the resume position is kept (globalState). */
  state: vscode.Memento;
  /** Folder of this history: resume positions belong to one history. */
  storageDir: string;
  /** The ElevenLabs engine, for the voice list of the filter picker. */
  voices: () => SpeechEngine;
  log: vscode.LogOutputChannel;
}

/** What a caller (a test, a keybinding) may pass instead of answering the questions. */
export interface ElevenLabsImportArgs {
  filters?: HistoryFiltersInput;
  /** Still asks for confirmation (a modal) before anything is deleted. */
  deleteAfterImport?: boolean;
  /** true: continue the stopped import; false: start over. Asked when absent and there is one. */
  resume?: boolean;
  pageSize?: number;
}

interface SavedImport {
  baseUrl: string;
  filters: HistoryFiltersInput;
  deleteAfterImport: boolean;
  checkpoint: SyncCheckpoint;
}

/** What the command returns (for tests and scripts). */
export interface ElevenLabsImportOutcome extends ElevenLabsImportProgress {
  generationIds: string[];
  problems: Array<{ externalId: string; message: string }>;
  /** Why it stopped early, when it did. */
  stopped?: { kind: string; message: string };
  resumed: boolean;
}

/** globalState key of the resume position of the history in `storageDir`. */
export const importStateKey = (storageDir: string): string => `voiceHistory.elevenLabsImport:${storageDir}`;
const stateKey = importStateKey;

export function elevenLabsImportCommandHandlers(deps: ElevenLabsImportDeps) {
  return commandTable({ 'voiceHistory.importFromElevenLabs': (arg?: unknown) => runImport(deps, isArgs(arg) ? arg : undefined) });
}

function isArgs(value: unknown): value is ElevenLabsImportArgs {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function runImport(deps: ElevenLabsImportDeps, args: ElevenLabsImportArgs | undefined): Promise<ElevenLabsImportOutcome | undefined> {
  const history = deps.history();
  const apiKey = await deps.keys.get('elevenlabs');
  if (!apiKey) {
    const set = await vscode.window.showWarningMessage(
      'Voice History: importing needs your ElevenLabs API key (elevenlabs.io: Profile > API keys). It is kept in secret storage.',
      'Set API Key…',
    );
    if (set && (await vscode.commands.executeCommand<boolean>('voiceHistory.setApiKey', 'elevenlabs'))) return runImport(deps, args);
    return undefined;
  }
  const config = elevenLabsConfigSchema.safeParse(elevenLabsConfigFromSettings((key) => vscode.workspace.getConfiguration().get(key)));
  if (!config.success) {
    throw new Error(`An ElevenLabs setting is invalid (${describeIssues(config.error.issues)}). Fix it in Settings > Voice History.`);
  }
  const { baseUrl, timeoutMs } = config.data;

  // Resume or start over.
  const saved = readSaved(deps, baseUrl);
  let plan: { filters: HistoryFiltersInput; deleteAfterImport: boolean; resumeFrom?: SyncCheckpoint } | undefined;
  if (saved && args?.resume !== false) {
    const resume = args?.resume ?? (await askResume(saved));
    if (resume === undefined) return undefined;
    if (resume) plan = { filters: saved.filters, deleteAfterImport: saved.deleteAfterImport, resumeFrom: saved.checkpoint };
  }
  if (!plan) {
    const chosen = args ? { filters: args.filters ?? {}, deleteAfterImport: args.deleteAfterImport ?? false } : await chooseFilters(deps);
    if (!chosen) return undefined;
    const checked = historyFiltersSchema.safeParse(chosen.filters);
    if (!checked.success) {
      throw new Error(`The ElevenLabs import filters are invalid: ${describeIssues(checked.error.issues, { whole: 'filters' })}`);
    }
    plan = chosen;
  }
  if (plan.deleteAfterImport && !(await confirmDelete())) return undefined;
  if (!plan.resumeFrom) await deps.state.update(stateKey(deps.storageDir), undefined);

  const client = new ElevenLabsHistoryClient({ apiKey, baseUrl, timeoutMs });
  const plannedFilters = plan.filters;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Importing from ElevenLabs', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        return await importElevenLabsHistory({
          history,
          client,
          filters: plan.filters,
          pageSize: args?.pageSize,
          resumeFrom: plan.resumeFrom,
          deleteAfterImport: plan.deleteAfterImport,
          signal: abort.signal,
          saveCheckpoint: async (checkpoint) =>
            deps.state.update(stateKey(deps.storageDir), {
              baseUrl,
              filters: plannedFilters,
              deleteAfterImport: plan.deleteAfterImport,
              checkpoint,
            } satisfies SavedImport),
          onProgress: (p) =>
            progress.report({
              message: `${describeImport(p)}${p.retryingInMs !== undefined ? ` ElevenLabs is busy; trying again in ${Math.ceil(p.retryingInMs / 1000)} s…` : ''}`,
            }),
        });
      } finally {
        cancel.dispose();
      }
    },
  );

  for (const p of result.problems) deps.log.warn(`ElevenLabs import: ${p.externalId}: ${p.message}`);
  const summary = describeImport(result);
  const outcome: ElevenLabsImportOutcome = {
    imported: result.imported,
    skipped: result.skipped,
    notReady: result.notReady,
    failed: result.failed,
    deleted: result.deleted,
    pages: result.pages,
    generationIds: result.generationIds,
    problems: result.problems,
    resumed: plan.resumeFrom !== undefined,
    ...(result.stoppedBy ? { stopped: { kind: result.stoppedBy.kind, message: result.stoppedBy.message } } : {}),
  };
  deps.log.info(`ElevenLabs import ${result.stoppedBy ? `stopped (${result.stoppedBy.kind})` : 'finished'}: ${summary}`);
  if (!result.stoppedBy) {
    await deps.state.update(stateKey(deps.storageDir), undefined);
    const problems =
      result.problems.length > 0 ? ` ${result.problems.length} item(s) had problems; the Voice History output lists them.` : '';
    void vscode.window
      .showInformationMessage(
        `Voice History: ElevenLabs import finished. ${summary}${problems}`,
        ...(result.problems.length ? ['Show Log'] : []),
      )
      .then((a) => {
        if (a) deps.log.show();
      });
  } else if (result.stoppedBy.kind === 'cancelled') {
    void vscode.window.showInformationMessage(
      `Voice History: ElevenLabs import stopped. ${summary} Run the import again to continue where it stopped.`,
    );
  } else {
    const actions = ['Resume', ...(result.stoppedBy.kind === 'auth' ? ['Set API Key…'] : [])];
    void showErrorToast(deps.log, `the ElevenLabs import stopped: ${result.stoppedBy.message} So far: ${summary}`, { actions }).then(
      async (a) => {
        if (a === 'Resume') await vscode.commands.executeCommand('voiceHistory.importFromElevenLabs', { resume: true });
        else if (a) await vscode.commands.executeCommand('voiceHistory.setApiKey', 'elevenlabs');
      },
    );
  }
  return outcome;
}

function readSaved(deps: ElevenLabsImportDeps, baseUrl: string): SavedImport | undefined {
  const raw = deps.state.get<SavedImport>(stateKey(deps.storageDir));
  if (!raw || raw.baseUrl !== baseUrl || !syncCheckpointSchema.safeParse(raw.checkpoint).success) return undefined;
  return raw;
}

async function askResume(saved: SavedImport): Promise<boolean | undefined> {
  const items = [
    {
      label: '$(debug-continue) Continue the import that stopped',
      detail: `${saved.checkpoint.handled} item(s) handled so far${describeFilters(saved.filters)}`,
      resume: true,
    },
    {
      label: '$(refresh) Start a new import',
      detail: 'Choose filters; items already in the history are skipped without downloading.',
      resume: false,
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Import from ElevenLabs', ignoreFocusOut: true });
  return picked?.resume;
}

function describeFilters(f: HistoryFiltersInput): string {
  const parts = [
    f.voiceId && `voice ${f.voiceId}`,
    f.modelId && `model ${f.modelId}`,
    f.search && `“${f.search}”`,
    f.source,
    f.dateAfterUnix !== undefined && `from ${day(f.dateAfterUnix)}`,
    f.dateBeforeUnix !== undefined && `before ${day(f.dateBeforeUnix)}`,
  ].filter(Boolean);
  return parts.length ? `; filters: ${parts.join(', ')}` : '';
}

function day(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "2025-03-14" → local midnight in unix seconds; undefined when it is not a date. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return undefined;
  return Math.floor(d.getTime() / 1000);
}

async function confirmDelete(): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(
    'Delete each imported item from your ElevenLabs history?',
    {
      modal: true,
      detail:
        'Each item is deleted on ElevenLabs only after its text and audio are safely stored in Voice History. Deleted items cannot be restored on ElevenLabs.',
    },
    'Import and Delete on ElevenLabs',
  );
  return answer === 'Import and Delete on ElevenLabs';
}

/** A list of the filters; picking one edits it, "Start import" starts. Escape cancels. */
async function chooseFilters(
  deps: ElevenLabsImportDeps,
): Promise<{ filters: HistoryFiltersInput; deleteAfterImport: boolean } | undefined> {
  const f: HistoryFiltersInput = {};
  let deleteAfterImport = false;
  let voiceName: string | undefined;
  type Row = vscode.QuickPickItem & { key: string };
  for (;;) {
    const rows: Row[] = [
      { key: 'start', label: '$(cloud-download) Start import', detail: 'Items already in the history are skipped without downloading.' },
      { key: 'voice', label: 'Voice', description: voiceName ?? f.voiceId ?? 'any' },
      { key: 'model', label: 'Model', description: f.modelId ?? 'any' },
      { key: 'after', label: 'From date', description: f.dateAfterUnix !== undefined ? day(f.dateAfterUnix) : 'any' },
      { key: 'before', label: 'Until date (inclusive)', description: f.dateBeforeUnix !== undefined ? day(f.dateBeforeUnix - 1) : 'any' },
      { key: 'search', label: 'Text contains', description: f.search ? `“${f.search}”` : 'anything' },
      {
        key: 'source',
        label: 'Source',
        description: f.source === 'TTS' ? 'text to speech' : f.source === 'STS' ? 'speech to speech' : 'any',
      },
      { key: 'order', label: 'Order', description: f.sortDirection === 'asc' ? 'oldest first' : 'newest first' },
      { key: 'delete', label: 'Delete on ElevenLabs after import', description: deleteAfterImport ? 'yes (asks to confirm)' : 'no' },
    ];
    const picked = await vscode.window.showQuickPick(rows, {
      title: 'Import from ElevenLabs: filters',
      placeHolder: 'Pick a filter to change it, or start the import',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    switch (picked.key) {
      case 'start': {
        const checked = historyFiltersSchema.safeParse(f);
        if (checked.success) return { filters: { ...f }, deleteAfterImport };
        void vscode.window.showWarningMessage(`Voice History: ${checked.error.issues[0]?.message ?? 'the filters are invalid'}`);
        break;
      }
      case 'voice': {
        const voice = await pickImportVoice(deps);
        if (voice === undefined) break;
        f.voiceId = voice?.id;
        voiceName = voice?.name;
        break;
      }
      case 'model': {
        const v = await vscode.window.showInputBox({
          title: 'Model id (empty: any)',
          value: f.modelId ?? '',
          placeHolder: 'eleven_multilingual_v2',
          ignoreFocusOut: true,
        });
        if (v !== undefined) f.modelId = v.trim() || undefined;
        break;
      }
      case 'after':
      case 'before': {
        const current = picked.key === 'after' ? f.dateAfterUnix : f.dateBeforeUnix !== undefined ? f.dateBeforeUnix - 1 : undefined;
        const v = await vscode.window.showInputBox({
          title: picked.key === 'after' ? 'From date (empty: any)' : 'Until date, inclusive (empty: any)',
          value: current !== undefined ? day(current) : '',
          placeHolder: 'YYYY-MM-DD',
          ignoreFocusOut: true,
          validateInput: (s) =>
            s.trim() === '' || parseDay(s) !== undefined ? undefined : 'A date as YYYY-MM-DD, e.g. 2025-03-14, or empty.',
        });
        if (v === undefined) break;
        const start = v.trim() ? parseDay(v) : undefined;
        if (picked.key === 'after') f.dateAfterUnix = start;
        // ElevenLabs' date_before_unix is exclusive: until the end of that day is before the next day's start.
        else f.dateBeforeUnix = start === undefined ? undefined : nextDay(start);
        break;
      }
      case 'search': {
        const v = await vscode.window.showInputBox({
          title: 'Only items whose text contains (empty: any)',
          value: f.search ?? '',
          ignoreFocusOut: true,
        });
        if (v !== undefined) f.search = v.trim() || undefined;
        break;
      }
      case 'source': {
        const s = await vscode.window.showQuickPick(
          [
            { label: 'Any', value: undefined },
            { label: 'Text to speech (TTS)', value: 'TTS' as const },
            { label: 'Speech to speech (STS)', value: 'STS' as const },
          ],
          { title: 'Source', ignoreFocusOut: true },
        );
        if (s) f.source = s.value;
        break;
      }
      case 'order':
        f.sortDirection = f.sortDirection === 'asc' ? 'desc' : 'asc';
        break;
      case 'delete':
        deleteAfterImport = !deleteAfterImport;
        break;
    }
  }
}

function nextDay(startUnix: number): number {
  const d = new Date(startUnix * 1000);
  return Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime() / 1000);
}

/** null: any voice; undefined: Escape. */
async function pickImportVoice(deps: ElevenLabsImportDeps): Promise<{ id: string; name: string } | null | undefined> {
  type Item = vscode.QuickPickItem & { voice: { id: string; name: string } | null };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Only items of this voice';
  qp.placeholder = 'Pick a voice, or type a voice_id';
  qp.busy = true;
  qp.ignoreFocusOut = true;
  let listed: Item[] = [{ label: 'Any voice', voice: null }];
  const refresh = (): void => {
    const typed = qp.value.trim();
    qp.items = [
      ...listed,
      ...(typed && !listed.some((i) => i.voice?.id === typed)
        ? [{ label: `$(edit) Use voice_id "${typed}"`, voice: { id: typed, name: typed }, alwaysShow: true }]
        : []),
    ];
  };
  refresh();
  const abort = new AbortController();
  void Promise.resolve()
    .then(() => deps.voices().listVoices(abort.signal))
    .then(
      (voices) => {
        listed = [
          listed[0]!,
          ...voices.map((v) => ({ label: v.name, description: v.id, detail: v.description, voice: { id: v.id, name: v.name } })),
        ];
        refresh();
      },
      (error: unknown) => {
        qp.placeholder = `Could not list the voices (${errorMessage(error)}). Type a voice_id.`;
      },
    )
    .finally(() => (qp.busy = false));
  qp.onDidChangeValue(refresh);
  const picked = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  abort.abort();
  qp.dispose();
  return picked === undefined ? undefined : picked.voice;
}
