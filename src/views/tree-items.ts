// What each History tree row looks like: the TreeItem of a group header, a generation (label,
// description, icon, context value for the menus, screen-reader label) and a "Load more…" row,
// and the generation's hover tooltip.
import * as vscode from 'vscode';
import { formatBytes } from '../format/bytes';
import { firstLine, formatCount } from '../format/text';
import { formatDateTime, formatDuration, relativeTime } from '../format/time';
import { describeVoice } from '../format/voice-names';
import { openableSourceOf, sourceLabel, sourceLink } from '../generation/origin';
import type { Generation, Profile } from '../history';
import { generationUri, ROW_CLICK_COMMAND, type GenerationNode, type GroupBy, type GroupNode, type LoadMoreNode } from './tree-nodes';

export function groupItem(g: GroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem(
    g.label,
    g.expandFirst ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = g.id;
  item.iconPath = new vscode.ThemeIcon(g.icon);
  item.contextValue = g.favorites ? 'group favorites' : `group ${g.id.split(':')[0]}`;
  // The count as the description ("Today  12"): the label stays what commands and tests match.
  if (g.count !== undefined) item.description = formatCount(g.count);
  const of = g.count === undefined ? 'generations' : `${formatCount(g.count)} generation${g.count === 1 ? '' : 's'}`;
  item.accessibilityInformation = { label: `${g.label}, group of ${of}`, role: 'treeitem' };
  return item;
}

export function generationItem(node: GenerationNode, context: { now: number; groupBy: GroupBy }): vscode.TreeItem {
  const g = node.generation;
  // The user's own title, when set, takes the place of the text's first line.
  const label = g.title ?? (firstLine(g.text) || '(no text)');
  const when = relativeTime(g.createdAt, context.now);
  // Grouped by engine, the model tells rows of one engine apart.
  const model = context.groupBy === 'engine' ? g.model : null;
  // The details come first and the text second: a narrow side bar cuts the end of a row, and the
  // text can be read in the player and the tooltip, while voice, length and age cannot.
  const details = [g.profileName, model, formatDuration(g.duration), when].filter(Boolean).join(' · ');
  // A title of the user's own comes first (they named it to find it); otherwise the details do.
  const item = new vscode.TreeItem(g.title ?? details, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = g.title ? details : label;
  item.iconPath = statusIcon(g);
  item.resourceUri = generationUri(g.id);
  item.contextValue = [
    'generation',
    g.status,
    g.isFavorited ? 'favorite' : 'notFavorite',
    g.audioPath ? 'hasAudio' : 'noAudio',
    ...(openableSourceOf(g) ? ['hasSource'] : []),
  ].join(' ');
  const spoken = [
    label,
    `voice ${g.profileName}`,
    g.duration != null ? `${Math.round(g.duration)} seconds` : undefined,
    when,
    g.status === 'completed' ? undefined : g.status,
    g.isFavorited ? 'favorite' : undefined,
    g.tags.length ? `tagged ${g.tags.join(', ')}` : undefined,
  ].filter(Boolean);
  item.accessibilityInformation = { label: spoken.join(', '), role: 'treeitem' };
  // Runs on every click: two on the same row in quick succession play it (see follow-selection.ts).
  // No arguments: VS Code caches a command's arguments per rendered row and drops them when the
  // tree refreshes, so a click on a row that was just re-rendered failed with "Actual command not
  // found". The handler reads the clicked row from the selection, which VS Code updates first.
  item.command = { command: ROW_CLICK_COMMAND, title: 'Show in Player' };
  return item;
}

export function moreItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.description = `${node.segment.items.length} shown`;
  item.contextValue = 'loadMore';
  item.command = { command: 'voiceHistory.loadMore', title: 'Load More', arguments: [node] };
  const where = node.group ? ` in ${node.group.label}` : '';
  item.accessibilityInformation = { label: `Load more generations${where}`, role: 'button' };
  return item;
}

export function statusIcon(g: Generation): vscode.ThemeIcon {
  switch (g.status) {
    case 'pending':
    case 'generating':
      return new vscode.ThemeIcon('loading~spin');
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'completed':
      return new vscode.ThemeIcon('unmute');
  }
}

const TOOLTIP_TEXT_LIMIT = 20_000;

const TOOLTIP_NOTES_LIMIT = 5_000;

/** Lines of text shown literally: every Markdown character escaped, each line kept. */
function appendLiteral(md: vscode.MarkdownString, text: string, limit: number): void {
  const shown = text.length > limit ? `${text.slice(0, limit)}…` : text;
  for (const line of shown.split(/\r?\n/)) md.appendMarkdown(`${escapeMarkdown(line)}  \n`);
  if (text.length > limit) md.appendMarkdown(`_(${(text.length - limit).toLocaleString('en-US')} more characters)_\n`);
}

/**
 * Markdown tooltip: the title, the whole text, the notes (all escaped, so they show literally:
 * notes are the user's Markdown, but a tooltip must never render links or commands from data an
 * import may have brought), and every detail.
 */
export function generationTooltip(g: Generation, profile?: Pick<Profile, 'engine' | 'voiceId'>): vscode.MarkdownString {
  // No theme icons: a generation text like "$(pass-filled) Verified" is text, not an icon.
  const md = new vscode.MarkdownString(undefined, false);
  md.supportThemeIcons = false;
  md.supportHtml = false;
  md.isTrusted = false;
  if (g.title) md.appendMarkdown(`**${escapeMarkdown(g.title)}**\n\n`);
  appendLiteral(md, g.text, TOOLTIP_TEXT_LIMIT);
  if (g.notes) {
    md.appendMarkdown('\n---\n\n**Notes:**  \n');
    appendLiteral(md, g.notes, TOOLTIP_NOTES_LIMIT);
  }
  md.appendMarkdown('\n---\n\n');
  const rows: Array<[string, string | null | undefined]> = [
    ['Voice', describeVoice(g.profileName, profile?.engine ?? g.engine, profile?.voiceId)],
    ['Status', g.status === 'failed' ? `failed: ${g.error ?? 'no reason recorded'}` : g.status],
    ['Engine', g.engine],
    ['Model', g.model],
    ['Seed', g.seed == null ? null : String(g.seed)],
    ['Language', g.language],
    ['Instruct', g.instruct],
    ['Duration', formatDuration(g.duration) || null],
    ['Created', formatDateTime(g.createdAt)],
    ['File size', formatBytes(g.audioBytes) || null],
    ['Favorite', g.isFavorited ? 'yes' : null],
    ['Tags', g.tags.length ? g.tags.join(', ') : null],
  ];
  for (const [name, value] of rows) {
    if (value == null || value === '') continue;
    md.appendMarkdown(`**${name}:** ${escapeMarkdown(value)}  \n`);
  }
  // Speak Selection records where the text came from; the link opens the document at that line.
  // Only documents of this machine or its remote: imported data may name any URI.
  const source = openableSourceOf(g);
  if (source) {
    const link = sourceLink(source).replace(/[()\s]/g, encodeURIComponent);
    md.appendMarkdown(`**Generated from:** [${escapeMarkdown(sourceLabel(source))}](${link})  \n`);
  }
  return md;
}

/**
 * Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them),
 * so text shows literally; unlike MarkdownString.appendText it keeps ordinary, wrapping spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
