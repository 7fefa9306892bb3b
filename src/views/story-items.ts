// What each Stories tree row looks like: a story (name, item count and length, tooltip with its
// description and dates) and an item (the generation's title or first line; track · start ·
// length; what is missing said plainly in the row, its icon and its screen-reader label).
import * as vscode from 'vscode';
import { firstLine, formatCount } from '../format/text';
import { formatDateTime, formatDuration, formatPosition } from '../format/time';
import { escapeMarkdown } from './tree-items';
import type { StoryItemNode, StoryNode } from './story-nodes';

/** Internal: a story row's click (not contributed); the Stories feature decides what it does. */
export const STORY_CLICK_COMMAND = 'voiceHistory.stories.rowClicked';

export function trackLabel(track: number, name: string | null): string {
  return name ? name : `Track ${track + 1}`;
}

function itemsText(n: number): string {
  return `${formatCount(n)} item${n === 1 ? '' : 's'}`;
}

export function storyItem(node: StoryNode, options: { clickable: boolean }): vscode.TreeItem {
  const s = node.story;
  const item = new vscode.TreeItem(
    s.name,
    s.itemCount > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('book');
  const length = s.itemCount > 0 ? formatDuration(s.durationMs / 1000) : '';
  item.description = [itemsText(s.itemCount), length].filter(Boolean).join(' · ');
  item.contextValue = s.itemCount > 0 ? 'story hasItems' : 'story empty';
  item.tooltip = storyTooltip(node);
  item.accessibilityInformation = {
    label: `${s.name}, story of ${itemsText(s.itemCount)}${length ? `, ${length}` : ''}`,
    role: 'treeitem',
  };
  // No arguments (see tree-items.ts: arguments of a re-rendered row get lost); the handler reads the selection.
  if (options.clickable) item.command = { command: STORY_CLICK_COMMAND, title: 'Open Story' };
  return item;
}

function storyTooltip(node: StoryNode): vscode.MarkdownString {
  const s = node.story;
  const md = new vscode.MarkdownString(undefined, false);
  md.supportThemeIcons = false;
  md.isTrusted = false;
  md.appendMarkdown(`**${escapeMarkdown(s.name)}**  \n`);
  if (s.description) for (const line of s.description.split(/\r?\n/)) md.appendMarkdown(`${escapeMarkdown(line)}  \n`);
  md.appendMarkdown('\n---\n\n');
  md.appendMarkdown(`**Items:** ${formatCount(s.itemCount)}  \n`);
  if (s.itemCount > 0) md.appendMarkdown(`**Length:** ${escapeMarkdown(formatDuration(s.durationMs / 1000))}  \n`);
  md.appendMarkdown(`**Created:** ${formatDateTime(s.createdAt)}  \n`);
  md.appendMarkdown(`**Changed:** ${formatDateTime(s.updatedAt)}  \n`);
  return md;
}

/** The problem that keeps an item from sounding, in a few words; undefined when it plays. */
export function itemProblem(node: StoryItemNode): string | undefined {
  const { generation, version } = node.clip;
  if (!generation) return 'generation deleted';
  if (!version) return generation.status === 'failed' ? 'failed, no audio' : 'no audio yet';
  if (node.audioMissing) return 'audio file missing';
  return undefined;
}

export function storyClipItem(node: StoryItemNode): vscode.TreeItem {
  const { item: clip, generation, lengthMs } = node.clip;
  const label = generation ? generation.title || firstLine(generation.text) || '(no text)' : '(generation deleted)';
  const problem = itemProblem(node);
  const track = trackLabel(clip.track, node.trackName);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = [track, formatPosition(clip.startMs), problem ?? formatDuration(lengthMs / 1000)].join(' · ');
  item.iconPath = problem
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : new vscode.ThemeIcon('unmute');
  item.contextValue = ['storyItem', problem ? 'missing' : 'hasAudio'].join(' ');
  const spoken = [label, track, `at ${formatPosition(clip.startMs)}`, problem ?? formatDuration(lengthMs / 1000)];
  item.accessibilityInformation = { label: spoken.join(', '), role: 'treeitem' };
  const md = new vscode.MarkdownString(undefined, false);
  md.supportThemeIcons = false;
  md.isTrusted = false;
  if (generation) for (const line of generation.text.split(/\r?\n/).slice(0, 20)) md.appendMarkdown(`${escapeMarkdown(line)}  \n`);
  md.appendMarkdown('\n---\n\n');
  const rows: Array<[string, string | undefined]> = [
    ['Voice', generation?.profileName],
    ['Track', track],
    ['Starts at', formatPosition(clip.startMs)],
    ['Length', formatDuration(lengthMs / 1000)],
    ['Version', node.clip.version ? `${node.clip.version.label}${clip.versionId ? ' (pinned)' : ''}` : undefined],
    ['Volume', clip.volume === 1 ? undefined : `${Math.round(clip.volume * 100)} %`],
    ['Problem', problem],
  ];
  for (const [name, value] of rows) if (value) md.appendMarkdown(`**${name}:** ${escapeMarkdown(value)}  \n`);
  item.tooltip = md;
  return item;
}
