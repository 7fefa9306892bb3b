// The "Generate Speech…" questions: engine, voice, text, then language, seed and instructions
// only where the engine takes them. Each returns undefined when the user presses Escape.
import * as vscode from 'vscode';
import type { SpeechEngine, Voice } from '../engines/engine';
import type { EngineCatalog } from '../generation/engines';
import { MAX_SEED } from '../generation/request';
import { errorMessage } from '../format/errors';

const TITLE = 'Generate Speech';

export function defaultEngineId(): string {
  return vscode.workspace.getConfiguration('voiceHistory').get<string>('defaultEngine', 'flite') || 'flite';
}

export async function pickEngine(engines: EngineCatalog, step: number): Promise<string | undefined> {
  const preferred = defaultEngineId();
  const items = engines
    .list()
    .sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred))
    .map((e) => ({ label: e.displayName, description: e.id === preferred ? 'default' : undefined, detail: e.description, id: e.id }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `${TITLE} (${step}): engine`,
    placeHolder: 'Which engine should speak?',
    ignoreFocusOut: true,
  });
  return picked?.id;
}

/**
 * The engine's voices (loaded while the picker is open); a typed id that is not in the list can
 * be used as is, which also covers a voice list that cannot be fetched (offline, no key yet).
 */
export async function pickVoice(engine: SpeechEngine, preferred: string | undefined, step: number): Promise<Voice | undefined> {
  type Item = vscode.QuickPickItem & { voice?: Voice };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `${TITLE} (${step}): ${engine.displayName} voice`;
  qp.placeholder = 'Pick a voice, or type a voice id';
  qp.ignoreFocusOut = true;
  qp.busy = true;
  let listed: Item[] = [];
  const abort = new AbortController();
  const custom = (): Item[] => {
    const typed = qp.value.trim();
    return typed && !listed.some((i) => i.voice?.id === typed)
      ? [{ label: `$(edit) Use voice id "${typed}"`, voice: { id: typed, name: typed }, alwaysShow: true }]
      : [];
  };
  const refresh = (): void => {
    qp.items = [...listed, ...custom()];
  };
  void engine
    .listVoices(abort.signal)
    .then(
      (voices) => {
        listed = voices
          .sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred))
          .map((v) => ({
            label: v.name,
            description: [v.id !== v.name ? v.id : '', v.language ?? '', v.id === preferred ? 'default' : ''].filter(Boolean).join(' · '),
            detail: v.description,
            voice: v,
          }));
        refresh();
      },
      (error: unknown) => {
        qp.placeholder = `Could not list the voices (${errorMessage(error)}). Type a voice id.`;
      },
    )
    .finally(() => {
      qp.busy = false;
    });
  qp.onDidChangeValue(refresh);
  const picked = await new Promise<Voice | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.voice));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  abort.abort();
  qp.dispose();
  return picked;
}

export async function askText(initial: string, step: number): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `${TITLE} (${step}): text`,
    prompt: 'The text to speak',
    value: initial,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim().length === 0 ? 'Type something to speak.' : undefined),
  });
}

/** `null`: let the engine detect the language. */
export async function pickLanguage(engine: SpeechEngine, step: number): Promise<string | null | undefined> {
  const items = [
    { label: 'Detect from the text', language: null as string | null },
    ...engine.languages.map((l) => ({ label: l, language: l as string | null })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `${TITLE} (${step}): language`,
    placeHolder: 'Language of the text',
    ignoreFocusOut: true,
  });
  return picked === undefined ? undefined : picked.language;
}

/** `null`: a random seed (Regenerate then picks a new one). */
export async function askSeed(step: number): Promise<number | null | undefined> {
  const value = await vscode.window.showInputBox({
    title: `${TITLE} (${step}): seed`,
    prompt: 'A seed makes a take repeatable. Leave empty for a random seed (Regenerate then tries a new one).',
    placeHolder: 'random',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' || isSeed(v.trim()) ? undefined : `A whole number from 0 to ${MAX_SEED}, or empty.`),
  });
  if (value === undefined) return undefined;
  return value.trim() === '' ? null : Number(value.trim());
}

function isSeed(v: string): boolean {
  return /^\d+$/.test(v) && Number(v) <= MAX_SEED;
}

/** '' : no instructions. */
export async function askInstruct(step: number): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `${TITLE} (${step}): instructions`,
    prompt: 'How to speak it (optional), e.g. "calm and warm, a little slower"',
    ignoreFocusOut: true,
  });
}
