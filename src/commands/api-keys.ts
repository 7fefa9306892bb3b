// API keys of the cloud engines live in VS Code's SecretStorage (the OS keychain on desktop),
// never in settings, never in logs. Engines read them on every request, so setting or clearing
// a key applies at once.
import * as vscode from 'vscode';
import { commandTable } from './registry';

export const KEYED_ENGINES = [
  { id: 'elevenlabs', label: 'ElevenLabs', detail: 'From elevenlabs.io: Profile > API keys.' },
  {
    id: 'openai',
    label: 'OpenAI-compatible',
    detail: 'From platform.openai.com, or the key of your own server (local servers often need none).',
  },
] as const;
export type KeyedEngine = (typeof KEYED_ENGINES)[number]['id'];

const secretName = (engine: KeyedEngine): string => `voiceHistory.apiKey.${engine}`;

function isKeyedEngine(value: unknown): value is KeyedEngine {
  return KEYED_ENGINES.some((e) => e.id === value);
}

function labelOf(engine: KeyedEngine): string {
  return KEYED_ENGINES.find((e) => e.id === engine)!.label;
}

export class ApiKeys {
  private readonly changed = new vscode.EventEmitter<KeyedEngine>();
  /** Fires with the engine whose key was set or cleared. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(engine: KeyedEngine): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(secretName(engine)));
  }

  async set(engine: KeyedEngine, key: string): Promise<void> {
    await this.secrets.store(secretName(engine), key);
    this.changed.fire(engine);
  }

  async clear(engine: KeyedEngine): Promise<void> {
    await this.secrets.delete(secretName(engine));
    this.changed.fire(engine);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * Command arguments (for keybindings and tests): `setApiKey('elevenlabs')` asks for the key of
 * that engine; `setApiKey({ engine, key })` stores it without asking. `clearApiKey(engine)`.
 */
export function apiKeyCommandHandlers(keys: ApiKeys) {
  async function pickEngine(placeHolder: string, only?: readonly KeyedEngine[]): Promise<KeyedEngine | undefined> {
    const items = KEYED_ENGINES.filter((e) => !only || only.includes(e.id)).map((e) => ({ label: e.label, detail: e.detail, id: e.id }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
    return picked?.id;
  }

  function engineArg(arg: unknown): KeyedEngine | undefined {
    const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? (arg as { engine?: unknown }).engine : undefined;
    if (id === undefined) return undefined;
    if (!isKeyedEngine(id))
      throw new Error(`There is no API key for "${String(id)}"; the engines with keys are: ${KEYED_ENGINES.map((e) => e.id).join(', ')}.`);
    return id;
  }

  return commandTable({
    'voiceHistory.setApiKey': async (arg?: unknown) => {
      const engine = engineArg(arg) ?? (await pickEngine('Set the API key of which engine?'));
      if (!engine) return false;
      const given = typeof arg === 'object' && arg !== null ? (arg as { key?: unknown }).key : undefined;
      const key =
        typeof given === 'string'
          ? given
          : await vscode.window.showInputBox({
              title: `${labelOf(engine)} API key`,
              prompt: `${KEYED_ENGINES.find((e) => e.id === engine)!.detail} It is kept in VS Code's secret storage, not in settings.`,
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) =>
                v.trim().length === 0
                  ? 'Paste the key (it cannot be empty).'
                  : /\s/.test(v.trim())
                    ? 'A key has no spaces inside; paste just the key.'
                    : undefined,
            });
      if (key === undefined) return false;
      if (key.trim().length === 0) throw new Error('The API key is empty; nothing was stored.');
      await keys.set(engine, key.trim());
      void vscode.window.showInformationMessage(`Voice History: the ${labelOf(engine)} API key is stored.`);
      return true;
    },
    'voiceHistory.clearApiKey': async (arg?: unknown) => {
      let engine = engineArg(arg);
      if (!engine) {
        const present: KeyedEngine[] = [];
        for (const e of KEYED_ENGINES) if (await keys.get(e.id)) present.push(e.id);
        if (present.length === 0) {
          void vscode.window.showInformationMessage('Voice History: no API key is stored.');
          return false;
        }
        engine = await pickEngine('Clear the API key of which engine?', present);
      }
      if (!engine) return false;
      await keys.clear(engine);
      void vscode.window.showInformationMessage(`Voice History: the ${labelOf(engine)} API key is cleared.`);
      return true;
    },
  });
}
