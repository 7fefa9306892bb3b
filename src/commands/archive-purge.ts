// Purge… and Reconcile Storage. Both preview first (what would go, how many MB), ask in a modal
// dialog, then delete exactly the previewed set.
//
// Arguments (optional; without them the quick picks ask):
//   purge(rule?, { dryRun?: boolean, confirmed?: boolean })
//   reconcile({ dryRun?: boolean, confirmed?: boolean })
// `rule` is a purge rule ({ kind: 'olderThan', days: 30 }, { kind: 'failed' }, { kind: 'missingAudio' },
// { kind: 'nonFavorites' }, { kind: 'profile', profileId }, { kind: 'everything' }). `dryRun`
// returns the preview without deleting; `confirmed` skips the confirmation (callers that showed
// their own). Resolve to { preview, result? }, or undefined when the user cancelled.
import * as vscode from 'vscode';
import { z } from 'zod';
import {
  applyPurge,
  applyReconcile,
  previewPurge,
  previewReconcile,
  purgeRuleSchema,
  type PurgePreview,
  type PurgeResult,
  type PurgeRule,
  type PurgeRuleInput,
  type ReconcilePreview,
} from '../archive/purge';
import { historyOf, parseOptions, plural, sizeText, withCancellableProgress, type ArchiveCommandDeps } from './archive-shared';
import { commandTable } from './registry';
import { describeIssues } from '../format/issues';
import { VIEW_ID } from '../views/history-view';

export const maintenanceOptionsSchema = z
  .object({
    /** Only preview: nothing is deleted. */
    dryRun: z.boolean().optional(),
    /** Skip the confirmation dialog. */
    confirmed: z.boolean().optional(),
  })
  .strict();

export interface PurgeOutcome {
  rule: PurgeRule;
  preview: PurgePreview;
  /** Absent for a dry run. */
  result?: PurgeResult;
}

export interface ReconcileOutcome {
  preview: ReconcilePreview;
  result?: { deletedGenerations: number; removedVersions: number; removedFiles: number };
}

function parseRule(value: unknown): PurgeRule {
  const parsed = purgeRuleSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = describeIssues(parsed.error.issues, { whole: 'rule' });
  throw new Error(
    `The purge rule is not valid (${details}). Pass one of { kind: "olderThan", days: 30 }, { kind: "failed" }, { kind: "missingAudio" }, { kind: "nonFavorites" }, { kind: "profile", profileId }, { kind: "everything" }.`,
  );
}

/** The rule in the user's words, for titles and the confirmation. */
export function describeRule(rule: PurgeRule, profileName?: string): string {
  const favorites =
    rule.kind === 'nonFavorites' || ('keepFavorites' in rule && rule.keepFavorites) ? '; favorites are kept' : ', favorites included';
  switch (rule.kind) {
    case 'olderThan':
      return `generations older than ${plural(rule.days, 'day')}${favorites}`;
    case 'failed':
      return `failed generations${favorites}`;
    case 'missingAudio':
      return `generations whose audio file is missing${favorites}`;
    case 'nonFavorites':
      return 'every generation that is not a favorite';
    case 'profile':
      return `generations of the voice profile "${profileName ?? 'unknown'}"${favorites}`;
    case 'everything':
      return `every generation${favorites}`;
  }
}

export function purgeCommandHandlers(deps: ArchiveCommandDeps) {
  async function pickRule(): Promise<PurgeRule | undefined> {
    const history = historyOf(deps);
    type Item = vscode.QuickPickItem & { id: PurgeRule['kind'] };
    const items: Item[] = [
      {
        id: 'olderThan',
        label: '$(history) Older than…',
        detail: 'Generations older than a number of days you choose. Favorites are kept.',
      },
      {
        id: 'failed',
        label: '$(error) Failed generations',
        detail: 'Generations whose engine failed (they have no audio). Favorites are kept.',
      },
      {
        id: 'missingAudio',
        label: '$(warning) Generations whose audio is missing',
        detail: 'Rows whose audio file was deleted outside Voice History. Favorites are kept.',
      },
      { id: 'profile', label: '$(person) By voice profile…', detail: 'Every generation of one voice profile. Favorites are kept.' },
      { id: 'nonFavorites', label: '$(star-empty) Everything except favorites', detail: 'Every generation that is not a favorite.' },
      { id: 'everything', label: '$(flame) Everything', detail: 'Every generation, favorites included.' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Purge Voice History',
      placeHolder: 'What should be deleted? You will see how much first and can still cancel.',
      matchOnDetail: true,
    });
    if (!picked) return undefined;
    switch (picked.id) {
      case 'olderThan': {
        const days = await vscode.window.showInputBox({
          title: 'Purge generations older than…',
          prompt: 'Number of days (1 to 36500). Generations created before that many days ago are deleted; favorites are kept.',
          value: '30',
          validateInput: (v) =>
            /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 36_500 ? undefined : 'Type a whole number of days from 1 to 36500.',
        });
        return days === undefined ? undefined : parseRule({ kind: 'olderThan', days: Number(days.trim()) });
      }
      case 'profile': {
        const profiles = await history.listProfiles();
        if (profiles.length === 0) {
          void vscode.window.showInformationMessage(
            'Voice History: there are no voice profiles yet, so there is nothing to purge by profile.',
          );
          return undefined;
        }
        const counts = new Map((await history.stats()).byProfile.map((p) => [p.profileId, p.count]));
        const profile = await vscode.window.showQuickPick(
          profiles.map((p) => ({
            label: p.name,
            description: plural(counts.get(p.id) ?? 0, 'generation'),
            detail: p.engine ?? undefined,
            id: p.id,
          })),
          { title: 'Purge the generations of which voice profile?', matchOnDescription: true },
        );
        return profile ? parseRule({ kind: 'profile', profileId: profile.id }) : undefined;
      }
      default:
        return parseRule({ kind: picked.id });
    }
  }

  /**
   * The modal names the count and the bytes; "Show in History" first narrows the History view to
   * exactly the previewed rows and asks again beside them (non-modal, so the tree can be scrolled).
   * The view's filter is put back afterwards unless the user changed it meanwhile.
   */
  async function confirmPurge(preview: PurgePreview, words: string): Promise<boolean> {
    const purge = `Purge ${preview.count.toLocaleString('en-US')}`;
    const show = 'Show in History';
    const size = preview.bytes > 0 ? ` (${sizeText(preview.bytes)})` : '';
    const favoriteNote = preview.favorites > 0 ? `\n${plural(preview.favorites, 'favorite')} among them.` : '';
    const audio = preview.bytes > 0 ? `Their audio files (${sizeText(preview.bytes)}) are removed too.` : 'They have no audio files.';
    const answer = await vscode.window.showWarningMessage(
      `Purge ${plural(preview.count, 'generation')}${size}?`,
      {
        modal: true,
        detail: `Deletes ${words}.${favoriteNote}\n${audio} This cannot be undone.\n${show} lists them in the History view first.`,
      },
      purge,
      show,
    );
    if (answer !== show) return answer === purge;
    const previous = deps.view.filter;
    const listed = { ids: preview.ids, idsName: 'to purge' };
    deps.view.setFilter(listed);
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const again = await vscode.window.showWarningMessage(
      `Purge the ${plural(preview.count, 'generation')}${size} the History view shows now? This cannot be undone.`,
      purge,
      'Cancel',
    );
    const filter = deps.view.filter;
    if (filter.idsName === listed.idsName && filter.ids?.length === preview.ids.length) deps.view.setFilter(previous);
    return again === purge;
  }

  async function profileNameOf(rule: PurgeRule): Promise<string | undefined> {
    return rule.kind === 'profile' ? (await historyOf(deps).getProfile(rule.profileId))?.name : undefined;
  }

  return commandTable({
    'voiceHistory.purge': async (ruleArg?: unknown, optionsArg?: unknown): Promise<PurgeOutcome | undefined> => {
      const history = historyOf(deps);
      const options = parseOptions(maintenanceOptionsSchema, optionsArg, 'Purge');
      const rule = ruleArg === undefined || ruleArg === null ? await pickRule() : parseRule(ruleArg as PurgeRuleInput);
      if (!rule) return undefined;
      const words = describeRule(rule, await profileNameOf(rule));
      const counted = await withCancellableProgress('Voice History: counting what the purge would delete', (signal) =>
        previewPurge(history, rule, { signal }),
      );
      if (counted.cancelled) return undefined;
      const preview = counted.value;
      if (options.dryRun) return { rule, preview };
      if (preview.count === 0) {
        void vscode.window.showInformationMessage(`Voice History: nothing to purge; no generation matches (${words}).`);
        return { rule, preview, result: { deleted: 0, bytes: 0 } };
      }
      if (!options.confirmed && !(await confirmPurge(preview, words))) return undefined;
      const applied = await withCancellableProgress(`Purging ${plural(preview.count, 'generation')}`, async (signal, progress) => {
        // Slices so progress moves and Cancel stops between them (what was deleted stays deleted).
        let deleted = 0;
        for (let i = 0; i < preview.ids.length; i += 500) {
          if (signal.aborted) break;
          deleted += (await applyPurge(history, { ids: preview.ids.slice(i, i + 500), bytes: 0 })).deleted;
          progress.report(
            Math.min(1, (i + 500) / preview.ids.length),
            `${deleted.toLocaleString('en-US')} of ${preview.count.toLocaleString('en-US')}`,
          );
        }
        return { deleted, stopped: signal.aborted };
      });
      const deleted = applied.cancelled ? 0 : applied.value.deleted;
      const stopped = applied.cancelled || applied.value.stopped;
      const result: PurgeResult = { deleted, bytes: deleted === preview.count ? preview.bytes : 0 };
      deps.log.info(`Purge (${words}): deleted ${deleted} of ${preview.count} generation(s)${stopped ? ', stopped by the user' : ''}.`);
      void vscode.window.showInformationMessage(
        stopped
          ? `Voice History: purge stopped after deleting ${plural(deleted, 'generation')} of ${preview.count.toLocaleString('en-US')}.`
          : `Voice History: purged ${plural(deleted, 'generation')}${preview.bytes > 0 ? `, freeing ${sizeText(preview.bytes)}` : ''}.`,
      );
      return { rule, preview, result };
    },

    'voiceHistory.reconcile': async (optionsArg?: unknown): Promise<ReconcileOutcome | undefined> => {
      const history = historyOf(deps);
      // The player passes a generation id; reconcile is about the whole store, so only an options object counts.
      const options = parseOptions(maintenanceOptionsSchema, typeof optionsArg === 'object' ? optionsArg : undefined, 'Reconcile Storage');
      const counted = await withCancellableProgress('Voice History: checking the audio folder', (signal) =>
        previewReconcile(history, { signal }),
      );
      if (counted.cancelled) return undefined;
      const preview = counted.value;
      if (options.dryRun) return { preview };
      const { missingAudio, missingVersions, orphanFiles } = preview;
      if (missingAudio.count === 0 && missingVersions === 0 && orphanFiles === 0) {
        void vscode.window.showInformationMessage(
          'Voice History: storage is consistent; every generation has its audio and every audio file belongs to one.',
        );
        return { preview, result: { deletedGenerations: 0, removedVersions: 0, removedFiles: 0 } };
      }
      if (!options.confirmed) {
        const lines = [
          missingAudio.count > 0
            ? `${plural(missingAudio.count, 'generation')} whose audio file is missing will be deleted${missingAudio.favorites > 0 ? ` (${plural(missingAudio.favorites, 'favorite')} among them)` : ''}.`
            : '',
          missingVersions > 0
            ? `${plural(missingVersions, 'version')} whose audio file is missing will be removed (their generations keep their other audio).`
            : '',
          orphanFiles > 0 ? `${plural(orphanFiles, 'audio file')} that no generation owns will be deleted.` : '',
        ].filter(Boolean);
        const answer = await vscode.window.showWarningMessage(
          'Reconcile Voice History storage?',
          { modal: true, detail: `${lines.join('\n')}\nThis cannot be undone.` },
          'Reconcile',
        );
        if (!answer) return undefined;
      }
      const applied = await withCancellableProgress('Voice History: reconciling storage', (signal) =>
        applyReconcile(history, preview, { signal }),
      );
      if (applied.cancelled) {
        void vscode.window.showInformationMessage('Voice History: reconcile stopped; run it again to finish.');
        return { preview };
      }
      const result = applied.value;
      deps.log.info(
        `Reconcile: deleted ${result.deletedGenerations} generation(s) without audio, removed ${result.removedVersions} version(s) and ${result.removedFiles} orphaned file(s).`,
      );
      void vscode.window.showInformationMessage(
        `Voice History: removed ${plural(result.deletedGenerations, 'generation')} whose audio was missing${result.removedVersions > 0 ? ` (and ${plural(result.removedVersions, 'version')})` : ''} and ${plural(result.removedFiles, 'orphaned audio file')}.`,
      );
      return { preview, result };
    },
  });
}
