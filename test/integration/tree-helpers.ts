// Helpers for the History view's integration tests: each suite works in its own voice profile
// and narrows the tree to it with the filter, so other suites' generations never interfere.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { wavHeader } from '../../src/audio/wav';
import type { Generation, HistoryService, Profile } from '../../src/history';
import type { VoiceHistoryApi } from '../../src/extension';
import type { GenerationNode, HistoryNode } from '../../src/views/tree-nodes';
import { activated } from './extension-api';

export interface TreeFixture {
  api: VoiceHistoryApi;
  history: HistoryService;
  profile: Profile;
}

export async function treeFixture(name: string): Promise<TreeFixture> {
  const api = await activated();
  assert.ok(api.history, 'the history service opened');
  const profile = await api.history.createProfile({ name: `${name} ${Date.now()}-${Math.random().toString(36).slice(2, 6)}` });
  return { api, history: api.history, profile };
}

/** A short valid WAV (silence). */
export function silence(seconds = 0.2, sampleRate = 8000): Uint8Array {
  const dataLength = Math.round(seconds * sampleRate) * 2;
  const bytes = new Uint8Array(44 + dataLength);
  bytes.set(wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, dataLength }), 0);
  return bytes;
}

/** A completed generation with audio (or pending/failed without). */
export async function makeGeneration(
  f: TreeFixture,
  text: string,
  opts: {
    createdAt?: number;
    status?: 'completed' | 'pending' | 'failed';
    favorite?: boolean;
    engine?: string | null;
    profileId?: string;
  } = {},
): Promise<Generation> {
  const status = opts.status ?? 'completed';
  return f.history.create(
    {
      profileId: opts.profileId ?? f.profile.id,
      text,
      status,
      error: status === 'failed' ? 'The engine said no (test).' : null,
      createdAt: opts.createdAt,
      isFavorited: opts.favorite ?? false,
      engine: opts.engine === undefined ? 'flite' : opts.engine,
      model: opts.engine === null ? null : 'slt',
    },
    status === 'completed' ? { data: silence(), format: 'wav', duration: 0.2, sampleRate: 8000, channels: 1 } : undefined,
  );
}

/** Waits for a condition the extension reaches asynchronously (events, debounced reloads). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  ms = 8000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function provider(f: TreeFixture) {
  return f.api.historyUi.view.provider;
}

/** Top level of the tree as VS Code reads it. */
export async function roots(f: TreeFixture): Promise<HistoryNode[]> {
  return provider(f).getChildren();
}

export async function labelsOf(f: TreeFixture, nodes: HistoryNode[]): Promise<string[]> {
  return nodes.map((n) => {
    const label = provider(f).getTreeItem(n).label;
    return typeof label === 'string' ? label : (label?.label ?? '');
  });
}

/** Every generation id shown in a group (or at the top level), in display order. */
export async function idsIn(f: TreeFixture, group?: HistoryNode): Promise<string[]> {
  const children = await provider(f).getChildren(group);
  return children.flatMap((n) => (n.kind === 'generation' ? [n.generation.id] : []));
}

export async function setConfig(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('voiceHistory').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Narrows the tree to the fixture's profile(s) through the command users run. */
export async function showOnly(f: TreeFixture, extra: Record<string, unknown> = {}, profileIds = [f.profile.id]): Promise<void> {
  await vscode.commands.executeCommand('voiceHistory.filter', { profileId: profileIds, ...extra });
}

export async function cleanUp(f: TreeFixture | undefined): Promise<void> {
  if (!f) return;
  await vscode.commands.executeCommand('voiceHistory.clearFilters');
  await f.history.deleteProfile(f.profile.id).catch(() => undefined);
}

/** A generation's row in the Today group (date grouping). */
export async function todayRow(f: TreeFixture, g: Generation): Promise<GenerationNode> {
  const today = (await roots(f)).find((n) => n.id === 'date:today');
  assert.ok(today, 'a Today group');
  const row = (await provider(f).getChildren(today)).find((n) => n.kind === 'generation' && n.generation.id === g.id);
  assert.ok(row && row.kind === 'generation', 'the row is shown');
  return row;
}
