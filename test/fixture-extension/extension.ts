// A second extension, loaded beside Voice History in the integration tests: it reaches the
// public API exactly as the README tells other extensions to, and exposes what it did through
// its own commands so the tests can drive it and check the result.
import * as vscode from 'vscode';

/** The part of Voice History's API this extension relies on (as another extension would declare it). */
interface VoiceHistoryApi {
  apiVersion: number;
  recordGeneration(input: Record<string, unknown>): Promise<string>;
  list(query?: Record<string, unknown>): Promise<{ items: Array<{ id: string; text: string; status: string }>; total: number | null }>;
  get(id: string): Promise<{ id: string; text: string; status: string; profileName: string; engine: string | null } | undefined>;
  onDidChange: (listener: (event: unknown) => void) => vscode.Disposable;
  listStories(): Promise<Array<{ id: string; name: string; itemCount: number; durationMs: number }>>;
  getStory(id: string): Promise<{ id: string; name: string; items: Array<{ generationId: string; audioFile: string | null }> } | undefined>;
}

type Outcome = { ok: true; id: string; apiVersion: number; readBack: unknown } | { ok: false; error: string };

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const changes: unknown[] = [];
  const api = async (): Promise<VoiceHistoryApi> => {
    const ext = vscode.extensions.getExtension<VoiceHistoryApi>('voice-history.voice-history');
    if (!ext) throw new Error('Voice History is not installed');
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (exports.apiVersion !== 1) throw new Error(`this fixture speaks API version 1, got ${exports.apiVersion}`);
    return exports;
  };
  context.subscriptions.push((await api()).onDidChange((e) => changes.push(e)));
  context.subscriptions.push(
    // Records what it is given; audio may be bytes passed as a plain array (commands carry JSON-like values) or a path/URI.
    vscode.commands.registerCommand('voiceHistoryFixture.record', async (input: Record<string, unknown>): Promise<Outcome> => {
      try {
        const voiceHistory = await api();
        const audio = Array.isArray(input.audio) ? new Uint8Array(input.audio as number[]) : input.audio;
        const id = await voiceHistory.recordGeneration({ ...input, audio });
        return { ok: true, id, apiVersion: voiceHistory.apiVersion, readBack: await voiceHistory.get(id) };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
    vscode.commands.registerCommand('voiceHistoryFixture.changes', () => changes.slice()),
    // Reads the stories, and one of them when an id is given, as another extension would.
    vscode.commands.registerCommand('voiceHistoryFixture.stories', async (id?: string) => {
      const voiceHistory = await api();
      return { list: await voiceHistory.listStories(), story: id ? ((await voiceHistory.getStory(id)) ?? null) : null };
    }),
  );
}
