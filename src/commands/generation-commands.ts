// Commands on generations: play, favorite, delete, copy, reveal/open the audio. Each takes what
// `resolveTargets` accepts (tree rows, ids, or nothing for the tree's selection).
import * as vscode from 'vscode';
import { plainMessage } from '../format/user-text';
import type { Generation, HistoryService } from '../history';
import { isGroupNode, isLoadMoreNode } from '../views/tree-nodes';
import type { HistoryView } from '../views/history-view';
import { playableAudioUri, type PlayerPort } from '../player/port';
import { firstLine } from '../format/text';
import { deleteGenerationsPrompt } from './delete-wording';
import { goToSource } from './go-to-source';
import { commandTable } from './registry';
import { nothingSelected, requireHistory, resolveTargets } from './targets';

export interface GenerationCommandDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  view: HistoryView;
  player: PlayerPort;
}

/** Bulk work goes in slices so progress shows and Cancel is honoured between them. */
const DELETE_SLICE = 500;
const UPDATE_PROGRESS_FROM = 20;

export function generationCommandHandlers(deps: GenerationCommandDeps) {
  const { view } = deps;
  const history = () => requireHistory(deps.history, deps.openError);

  /** The generations targeted, in the order given, loaded fresh from the service. */
  async function targetGenerations(args: unknown[], action: string): Promise<Generation[] | undefined> {
    const { ids } = resolveTargets(view, args);
    if (ids.length === 0) return nothingSelected(action);
    const found = await history().getMany(ids);
    const byId = new Map(found.map((g) => [g.id, g]));
    const ordered = ids.map((id) => byId.get(id)).filter((g): g is Generation => g !== undefined);
    if (ordered.length === 0) throw new Error('The selected generations no longer exist; the view will refresh.');
    return ordered;
  }

  async function play(args: unknown[]): Promise<string | undefined> {
    const [first] = args;
    // Enter on a "Load more…" row loads more; on a group it opens or closes the group.
    if (isLoadMoreNode(first)) return void (await view.provider.loadMore(first));
    if (first === undefined) {
      const focus = view.treeView.selection[0];
      if (isLoadMoreNode(focus)) return void (await view.provider.loadMore(focus));
      if (isGroupNode(focus) && view.selectedGenerations().length === 0) {
        return void (await vscode.commands.executeCommand('list.toggleExpand'));
      }
    }
    const targets = resolveTargets(view, args);
    if (targets.ids.length === 0) return nothingSelected('play');
    // In a multi-selection the clicked row plays; the selection is the list.
    const id = targets.node?.generation.id ?? targets.ids[0]!;
    const g = await history().get(id);
    if (!g) throw new Error('This generation no longer exists; the view will refresh.');
    if (g.status === 'failed') {
      const retry = await vscode.window.showWarningMessage(
        `Voice History: this generation failed and has no audio: ${plainMessage(g.error ?? 'no reason recorded').replace(/\.$/, '')}.`,
        'Retry',
      );
      if (retry) await vscode.commands.executeCommand('voiceHistory.retry', g.id);
      return undefined;
    }
    playableAudioUri(history(), g); // throws with what to do when there is nothing to play
    const node = targets.node ?? view.provider.nodesOf(id)[0];
    const list = targets.ids.length > 1 ? targets.ids : view.provider.currentList(node);
    await deps.player.open(id, list.includes(id) ? list : [id, ...list]);
    return id;
  }

  async function setFavorite(args: unknown[], value: boolean | 'toggle'): Promise<number | undefined> {
    const gens = await targetGenerations(args, 'favorite');
    if (!gens) return undefined;
    const to = value === 'toggle' ? !gens.every((g) => g.isFavorited) : value;
    const todo = gens.filter((g) => g.isFavorited !== to);
    const h = history();
    const run = async (progress?: vscode.Progress<{ increment: number }>, token?: vscode.CancellationToken) => {
      let done = 0;
      for (const g of todo) {
        if (token?.isCancellationRequested) break;
        await h.update(g.id, { isFavorited: to });
        done++;
        progress?.report({ increment: 100 / todo.length });
      }
      return done;
    };
    if (todo.length < UPDATE_PROGRESS_FROM) return run();
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `${to ? 'Favoriting' : 'Unfavoriting'} ${todo.length} generations`,
        cancellable: true,
      },
      run,
    );
  }

  function confirmDelete(): boolean {
    return vscode.workspace.getConfiguration('voiceHistory').get<boolean>('confirmDelete', true) !== false;
  }

  /** `{ confirmed: true }` after the targets skips the question (callers that asked themselves). */
  async function deleteGenerations(args: unknown[]): Promise<number | undefined> {
    const { ids } = resolveTargets(view, args);
    if (ids.length === 0) return nothingSelected('delete');
    const h = history();
    const confirmed = args.slice(1).some((a) => typeof a === 'object' && a !== null && (a as { confirmed?: unknown }).confirmed === true);
    // Stories lose items with their generations: that is asked even with confirmDelete off.
    const stories = confirmed ? [] : await h.storiesUsing(ids);
    if (!confirmed && (confirmDelete() || stories.length > 0)) {
      const sample = (await h.getMany(ids.slice(0, 3))).map((g) => `“${g.title ?? firstLine(g.text, 60)}”`);
      const prompt = deleteGenerationsPrompt(ids.length, sample, stories);
      const answer = await vscode.window.showWarningMessage(prompt.message, { modal: true, detail: prompt.detail }, prompt.button);
      if (!answer) return undefined;
    }
    if (ids.length <= DELETE_SLICE) return h.delete(ids);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deleting ${ids.length} generations`, cancellable: true },
      async (progress, token) => {
        let deleted = 0;
        for (let i = 0; i < ids.length; i += DELETE_SLICE) {
          if (token.isCancellationRequested) break;
          deleted += await h.delete(ids.slice(i, i + DELETE_SLICE));
          progress.report({ increment: (DELETE_SLICE / ids.length) * 100, message: `${deleted} of ${ids.length}` });
        }
        if (token.isCancellationRequested) {
          void vscode.window.showInformationMessage(`Voice History: stopped after deleting ${deleted} of ${ids.length} generations.`);
        }
        return deleted;
      },
    );
  }

  async function deleteFailed(): Promise<number | undefined> {
    const h = history();
    const failed = (await h.list({ status: 'failed', pageSize: 1, offset: 0 })).total ?? 0;
    if (failed === 0) {
      void vscode.window.showInformationMessage('Voice History: there are no failed generations.');
      return 0;
    }
    if (confirmDelete()) {
      const answer = await vscode.window.showWarningMessage(
        `Delete ${failed} failed generation${failed === 1 ? '' : 's'}?`,
        { modal: true, detail: 'Failed generations have no audio; their text and settings are removed. This cannot be undone.' },
        `Delete ${failed}`,
      );
      if (!answer) return undefined;
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deleting ${failed} failed generations` },
      () => h.deleteFailed(),
    );
  }

  async function single(args: unknown[], action: string): Promise<Generation | undefined> {
    const gens = await targetGenerations(args, action);
    return gens?.[0];
  }

  return commandTable({
    'voiceHistory.play': (...args) => play(args),
    'voiceHistory.openPlayer': async (...args) => {
      const { ids } = resolveTargets(view, args);
      const id = ids[0] ?? view.provider.currentList()[0];
      if (!id) {
        void vscode.window.showInformationMessage('Voice History: there is nothing to play yet. Generate speech first.');
        return undefined;
      }
      return play([id]);
    },
    'voiceHistory.toggleFavorite': (...args) => setFavorite(args, 'toggle'),
    'voiceHistory.favorite': (...args) => setFavorite(args, true),
    'voiceHistory.unfavorite': (...args) => setFavorite(args, false),
    'voiceHistory.delete': (...args) => deleteGenerations(args),
    'voiceHistory.deleteFailed': () => deleteFailed(),

    'voiceHistory.copyText': async (...args) => {
      const gens = await targetGenerations(args, 'copy');
      if (!gens) return undefined;
      const text = gens.map((g) => g.text).join('\n\n');
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(
        `$(copy) Copied the text of ${gens.length === 1 ? 'a generation' : `${gens.length} generations`}`,
        3000,
      );
      return text;
    },

    'voiceHistory.copyAsJson': async (...args) => {
      const gens = await targetGenerations(args, 'copy');
      if (!gens) return undefined;
      const h = history();
      const withFile = gens.map((g) => ({ ...g, audioFile: g.audioPath ? h.resolveAudioPath(g) : null }));
      const json = JSON.stringify(withFile.length === 1 ? withFile[0] : withFile, null, 2);
      await vscode.env.clipboard.writeText(json);
      vscode.window.setStatusBarMessage(
        `$(json) Copied ${gens.length === 1 ? 'a generation' : `${gens.length} generations`} as JSON`,
        3000,
      );
      return json;
    },

    'voiceHistory.revealAudioFile': async (...args) => {
      const g = await single(args, 'reveal its audio file');
      if (!g) return undefined;
      const uri = playableAudioUri(history(), g);
      // The OS file manager is reachable only when the extension runs on the user's own machine.
      if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) {
        await vscode.commands.executeCommand('revealFileInOS', uri);
      } else {
        // Not awaited: the command is done once the path is shown.
        void vscode.window.showInformationMessage(`Voice History: the audio file is ${uri.fsPath}`, 'Copy Path').then(async (copy) => {
          if (copy) await vscode.env.clipboard.writeText(uri.fsPath);
        });
      }
      return uri.fsPath;
    },

    'voiceHistory.goToSource': (...args) => goToSource(history(), view, args),

    'voiceHistory.openAudioInEditor': async (...args) => {
      const g = await single(args, 'open its audio');
      if (!g) return undefined;
      const uri = playableAudioUri(history(), g);
      await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
      return uri.fsPath;
    },
  });
}
