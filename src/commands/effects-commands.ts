// Apply Effects…, Apply Preset to Selected… and Normalize Loudness of Selected…: a chain (a preset,
// or one built in the player) rendered over the selected generations under a cancellable
// notification, each generation all or nothing, and a summary of what was done.
import * as vscode from 'vscode';
import { describeChain, type EffectsChain } from '../effects/chain';
import { BUILTIN_PRESETS } from '../effects/presets';
import { createEffectsRenderer, type EffectsRenderer } from '../effects/render';
import { checkedChain, Takes, type BulkOutcome } from '../generation/takes';
import type { HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { commandTable } from './registry';
import { nothingSelected, requireHistory, resolveTargets } from './targets';

/** The takes service of this window; its renderer (a worker) starts on first use and stops with the extension. */
export function createTakes(context: vscode.ExtensionContext, history: HistoryService, log: vscode.LogOutputChannel): Takes {
  let renderer: EffectsRenderer | undefined;
  context.subscriptions.push({ dispose: () => renderer?.dispose() });
  return new Takes({
    history,
    log,
    renderer: () => (renderer ??= createEffectsRenderer({ workerPath: context.asAbsolutePath('dist/effects-worker.mjs') })),
  });
}

export interface EffectsCommandDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  view: HistoryView;
  takes: Takes | undefined;
  log: vscode.LogOutputChannel;
  /** Opens the player on a generation with its effects panel showing (absent: no player). */
  openEffectsPanel?: (generationId: string) => Promise<void>;
}

/** What a caller (a keybinding, a test) may pass after the targets instead of answering the pickers. */
interface EffectsArgs {
  /** A built-in preset id (e.g. "radio") or the name of a user preset. */
  preset?: string;
  chain?: unknown[];
  makeDefault?: boolean;
  label?: string;
}

function isEffectsArgs(x: unknown): x is EffectsArgs {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !('id' in x) && ('preset' in x || 'chain' in x);
}

interface PresetPick extends vscode.QuickPickItem {
  chain?: EffectsChain;
  name?: string;
  openPanel?: true;
}

const LOUDNESS_PRESETS = new Set(['podcast', 'audiobook_acx', 'broadcast']);

export function effectsCommandHandlers(deps: EffectsCommandDeps) {
  const history = () => requireHistory(deps.history, deps.openError);
  const takes = () => {
    requireHistory(deps.history, deps.openError);
    if (!deps.takes) throw new Error('Voice History: effects are not available in this window.');
    return deps.takes;
  };

  function split(args: unknown[]): { ids: string[]; options: EffectsArgs | undefined } {
    const options = args.find(isEffectsArgs);
    const rest = args.filter((a) => a !== options);
    return { ids: resolveTargets(deps.view, rest).ids, options };
  }

  async function allPresets(): Promise<PresetPick[]> {
    const own: PresetPick[] = [];
    for (const p of await history().listPresets()) {
      try {
        const chain = checkedChain(p.effectsChain);
        own.push({ label: p.name, description: 'your preset', detail: describeChain(chain), chain, name: p.name });
      } catch {
        own.push({ label: p.name, description: 'cannot be used: its chain is not valid here', detail: p.description ?? undefined });
      }
    }
    const builtIn = BUILTIN_PRESETS.map<PresetPick>((p) => ({
      label: p.name,
      description: 'built in',
      detail: describeChain(p.chain),
      chain: p.chain,
      name: p.name,
    }));
    return [
      ...(own.length ? [{ label: 'Your presets', kind: vscode.QuickPickItemKind.Separator }, ...own] : []),
      { label: 'Built in', kind: vscode.QuickPickItemKind.Separator },
      ...builtIn,
    ];
  }

  /** The chain a caller passed: a chain, a built-in preset id, or a user preset's name. */
  async function chainFromArgs(options: EffectsArgs): Promise<{ chain: EffectsChain; name: string }> {
    if (options.chain) return { chain: checkedChain(options.chain), name: 'the effects' };
    const builtIn = BUILTIN_PRESETS.find((p) => p.id === options.preset || p.name === options.preset);
    if (builtIn) return { chain: builtIn.chain, name: builtIn.name };
    const own = (await history().listPresets()).find((p) => p.name.toLowerCase() === options.preset?.toLowerCase());
    if (!own) throw new Error(`Voice History: there is no preset "${options.preset}". Pick one with "Apply Preset to Selected…".`);
    return { chain: checkedChain(own.effectsChain), name: own.name };
  }

  async function askMakeDefault(count: number): Promise<boolean | undefined> {
    const them = count === 1 ? 'it' : 'them';
    const pick = await vscode.window.showQuickPick(
      [
        {
          label: 'Make the new version the default',
          detail: `Play, export and the tree use the processed audio from now on.`,
          value: true,
        },
        {
          label: 'Keep the current default',
          detail: `The new version is added beside ${them}; switch in the player's Takes.`,
          value: false,
        },
      ],
      { title: 'Voice History: the new version', placeHolder: 'Which version should play by default?' },
    );
    return pick?.value;
  }

  async function applyWithProgress(ids: string[], chain: EffectsChain, name: string, makeDefault: boolean, label?: string) {
    const outcomes = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Applying ${name}${ids.length > 1 ? ` to ${ids.length} generations` : ''}`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await takes().applyToMany(
            ids,
            { chain, makeDefault, ...(label ? { label } : {}) },
            {
              signal: abort.signal,
              onDone: (_outcome, index) => progress.report({ increment: 100 / ids.length, message: `${index + 1} of ${ids.length}` }),
            },
          );
        } finally {
          cancel.dispose();
        }
      },
    );
    report(outcomes, ids.length, name);
    return outcomes;
  }

  function report(outcomes: BulkOutcome[], asked: number, name: string): void {
    const done = outcomes.filter((o) => 'version' in o).length;
    const failed = outcomes.filter((o): o is { generationId: string; error: string } => 'error' in o);
    const stopped = outcomes.length < asked ? ` Stopped after ${outcomes.length} of ${asked}; the rest are unchanged.` : '';
    if (failed.length === 0) {
      vscode.window.setStatusBarMessage(
        `$(check) Voice History: applied ${name} to ${done === 1 ? 'a generation' : `${done} generations`}.${stopped}`,
        6000,
      );
      if (stopped) void vscode.window.showInformationMessage(`Voice History: applied ${name} to ${done} generation(s).${stopped}`);
      return;
    }
    for (const f of failed) deps.log.warn(`Effects on generation ${f.generationId}: ${f.error}`);
    const first = failed[0]!.error;
    void vscode.window
      .showWarningMessage(
        `Voice History: applied ${name} to ${done} of ${asked} generation(s); ${failed.length} failed and kept their audio as it was (${first}).${stopped}`,
        'Show Log',
      )
      .then((a) => a && deps.log.show());
  }

  async function applyPreset(args: unknown[], only?: 'loudness'): Promise<BulkOutcome[] | undefined> {
    const { ids, options } = split(args);
    if (ids.length === 0) return nothingSelected(only ? 'normalize its loudness' : 'apply a preset');
    let chosen: { chain: EffectsChain; name: string } | undefined;
    if (options) chosen = await chainFromArgs(options);
    else {
      const items = only
        ? BUILTIN_PRESETS.filter((p) => LOUDNESS_PRESETS.has(p.id)).map<PresetPick>((p) => ({
            label: p.name,
            detail: p.description,
            chain: p.chain,
            name: p.name,
          }))
        : await allPresets();
      const pick = await vscode.window.showQuickPick(items, {
        title: only ? `Voice History: normalize the loudness of ${ids.length} generation(s)` : `Voice History: apply a preset`,
        placeHolder: only ? 'Loudness target' : 'Preset to apply',
        matchOnDetail: true,
      });
      if (!pick?.chain) return undefined;
      chosen = { chain: pick.chain, name: pick.name ?? pick.label };
    }
    const makeDefault = options?.makeDefault ?? (only ? true : await askMakeDefault(ids.length));
    if (makeDefault === undefined) return undefined;
    return applyWithProgress(ids, chosen.chain, `“${chosen.name}”`, makeDefault, options?.label);
  }

  return commandTable({
    'voiceHistory.applyEffects': async (...args: unknown[]) => {
      const { ids, options } = split(args);
      if (ids.length === 0) return nothingSelected('apply effects');
      const id = ids[0]!;
      if (options) {
        const { chain, name } = await chainFromArgs(options);
        return (
          await applyWithProgress(
            [id],
            chain,
            name === 'the effects' ? 'the effects' : `“${name}”`,
            options.makeDefault ?? false,
            options.label,
          )
        )[0];
      }
      const items: PresetPick[] = [
        ...(deps.openEffectsPanel
          ? [
              {
                label: '$(settings) Build a Chain in the Player…',
                detail: 'Add effects, adjust them, preview, then save a version.',
                openPanel: true as const,
              },
            ]
          : []),
        ...(await allPresets()),
      ];
      const pick = await vscode.window.showQuickPick(items, {
        title: 'Voice History: apply effects',
        placeHolder: 'Build a chain, or apply a preset',
        matchOnDetail: true,
      });
      if (!pick) return undefined;
      if (pick.openPanel) return void (await deps.openEffectsPanel!(id));
      if (!pick.chain) return undefined;
      const makeDefault = await askMakeDefault(1);
      if (makeDefault === undefined) return undefined;
      return (await applyWithProgress([id], pick.chain, `“${pick.name ?? pick.label}”`, makeDefault))[0];
    },
    'voiceHistory.applyPresetToSelected': (...args: unknown[]) => applyPreset(args),
    'voiceHistory.normalizeLoudness': (...args: unknown[]) => applyPreset(args, 'loudness'),
  });
}
