// The "Generate Speech…" questions: engine, voice, text, then language, seed and instructions
// only where the engine takes them. Each is one step of a numbered flow (see quick-steps.ts):
// it resolves with the answer, BACK, or undefined when the user pressed Escape.
import * as vscode from 'vscode';
import type { SpeechEngine, Voice } from '../engines/engine';
import type { EngineCatalog } from '../generation/engines';
import { MAX_SEED } from '../generation/request';
import { errorMessage } from '../format/errors';
import { inputStep, pickStep, type StepButton, type StepFrame, type StepResult, BACK } from './quick-steps';

export const GENERATE_TITLE = 'Generate Speech';

export function defaultEngineId(): string {
  return vscode.workspace.getConfiguration('voiceHistory').get<string>('defaultEngine', 'flite') || 'flite';
}

/** `stepsWith(id)`: how many questions the flow asks with that engine (the total follows the highlight). */
export async function pickEngine(
  engines: EngineCatalog,
  at: StepFrame,
  stepsWith: (engineId: string) => number,
): Promise<StepResult<string>> {
  const preferred = defaultEngineId();
  const items = engines
    .list()
    .sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred))
    .map((e) => ({ label: e.displayName, description: e.id === preferred ? 'default' : undefined, detail: e.description, id: e.id }));
  const picked = await pickStep(at, {
    items,
    placeholder: 'Which engine should speak?',
    onActive: (item, qp) => {
      qp.totalSteps = stepsWith(item.id);
    },
  });
  return picked === BACK || picked === undefined ? picked : picked.id;
}

/**
 * The engine's voices (loaded while the picker is open); a typed id that is not in the list can
 * be used as is, which also covers a voice list that cannot be fetched (offline, no key yet).
 */
export async function pickVoice(engine: SpeechEngine, preferred: string | undefined, at: StepFrame): Promise<StepResult<Voice>> {
  type Item = vscode.QuickPickItem & { voice?: Voice };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = at.title;
  qp.step = at.step;
  qp.totalSteps = at.totalSteps;
  qp.placeholder = `Pick a ${engine.displayName} voice, or type a voice id`;
  qp.ignoreFocusOut = true;
  qp.busy = true;
  if ((at.step ?? 0) > 1) qp.buttons = [vscode.QuickInputButtons.Back];
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
  const picked = await new Promise<StepResult<Voice>>((resolve) => {
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && resolve(BACK));
    qp.onDidAccept(() => {
      const voice = qp.selectedItems[0]?.voice;
      if (voice) resolve(voice);
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  abort.abort();
  qp.dispose();
  return picked;
}

/**
 * The text, on one line here; its button opens an editor for text of several lines (a quick input
 * holds one line), and `compose` resolves with what was written there, or undefined when that
 * editor was closed without speaking (the question is asked again).
 */
export function askText(
  initial: string,
  at: StepFrame,
  compose: (initial: string) => Promise<string | undefined>,
): Promise<StepResult<string>> {
  const multiLine = initial.includes('\n');
  const editorButton: StepButton<string> = {
    button: { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Type Several Lines in an Editor' },
    run: async (value, controls) => {
      controls.hide();
      const written = await compose(value);
      if (written !== undefined) return written;
      controls.show();
      return 'stay';
    },
  };
  return inputStep(at, {
    value: multiLine ? initial.replace(/\s*\n\s*/g, ' ') : initial,
    prompt: 'The text to speak. For several lines, use the editor button above (top right).',
    placeholder: 'Type the text to speak',
    validate: (v) => (v.trim().length === 0 ? 'Type something to speak.' : undefined),
    buttons: [editorButton],
  });
}

/** `null`: let the engine detect the language. */
export async function pickLanguage(engine: SpeechEngine, at: StepFrame): Promise<StepResult<string | null>> {
  const items = [
    { label: 'Detect from the text', language: null as string | null },
    ...engine.languages.map((l) => ({ label: l, language: l as string | null })),
  ];
  const picked = await pickStep(at, { items, placeholder: 'Language of the text' });
  return picked === BACK || picked === undefined ? picked : picked.language;
}

/** `null`: a random seed (Regenerate then picks a new one). */
export async function askSeed(at: StepFrame): Promise<StepResult<number | null>> {
  const value = await inputStep(at, {
    prompt: 'A seed makes a take repeatable. Leave empty for a random seed (Regenerate then tries a new one).',
    placeholder: 'random',
    validate: (v) => (v.trim() === '' || isSeed(v.trim()) ? undefined : `A whole number from 0 to ${MAX_SEED}, or empty.`),
  });
  if (value === BACK || value === undefined) return value;
  return value.trim() === '' ? null : Number(value.trim());
}

function isSeed(v: string): boolean {
  return /^\d+$/.test(v) && Number(v) <= MAX_SEED;
}

/** '' : no instructions. */
export function askInstruct(at: StepFrame): Promise<StepResult<string>> {
  return inputStep(at, { prompt: 'How to speak it (optional), e.g. "calm and warm, a little slower"' });
}
