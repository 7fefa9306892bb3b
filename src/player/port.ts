// Where "play" goes. The player webview plugs itself in with `playerSlot.use(port)`; until then
// (or when it is disposed) generations open in VS Code's own audio preview.
import * as vscode from 'vscode';
import type { Generation } from '../history';

export interface PlayerPort {
  /** Plays a generation; `list` is the ids in display order, for next/previous. */
  open(generationId: string, list: string[]): Promise<void>;
  /** Loads a generation without playing (the tree's selection moved); players that cannot, ignore it. */
  show?(generationId: string, list: string[]): void;
}

/** What the fallback needs from the history service. */
export interface PlayableHistory {
  get(id: string): Promise<Generation | undefined>;
  resolveAudioPath(target: Generation): string;
}

/** Opens the audio file in an editor (VS Code's built-in media preview plays WAV, MP3, FLAC, OGG). */
export class OpenAudioFilePlayer implements PlayerPort {
  constructor(private readonly history: PlayableHistory) {}

  async open(generationId: string): Promise<void> {
    const g = await this.history.get(generationId);
    if (!g) throw new Error('This generation no longer exists; refresh the History view.');
    const uri = playableAudioUri(this.history, g);
    await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
  }
}

/** The audio file of a generation, or an error saying why there is nothing to play. */
export function playableAudioUri(history: Pick<PlayableHistory, 'resolveAudioPath'>, g: Generation): vscode.Uri {
  if (g.status === 'pending' || g.status === 'generating') {
    throw new Error('This generation is still being generated; play it when its spinner has stopped.');
  }
  if (!g.audioPath) {
    throw new Error(
      g.status === 'failed'
        ? `This generation failed and has no audio (${g.error ?? 'no reason recorded'}). Use Retry to generate it again.`
        : 'This generation has no audio file. Run "Voice History: Reconcile Storage" to check the audio folder.',
    );
  }
  return vscode.Uri.file(history.resolveAudioPath(g));
}

/**
 * Holds the current player: the most recently plugged-in port that is still plugged in, else the
 * fallback. Unplugging one port gives play back to the one before it, not to the fallback.
 */
export class PlayerSlot implements PlayerPort {
  private readonly ports: PlayerPort[] = [];

  constructor(private readonly fallback: PlayerPort) {}

  use(port: PlayerPort): vscode.Disposable {
    this.ports.push(port);
    return new vscode.Disposable(() => {
      const i = this.ports.lastIndexOf(port);
      if (i >= 0) this.ports.splice(i, 1);
    });
  }

  open(generationId: string, list: string[]): Promise<void> {
    return (this.ports.at(-1) ?? this.fallback).open(generationId, list);
  }

  /** Only a plugged-in player follows the selection: the fallback would open an editor per click. */
  show(generationId: string, list: string[]): void {
    this.ports.at(-1)?.show?.(generationId, list);
  }
}
