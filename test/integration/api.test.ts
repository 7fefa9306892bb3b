// The public API as another extension uses it: a second extension loaded beside ours (the
// fixture in test/fixture-extension) gets it from `vscode.extensions.getExtension(...).exports`
// and records generations; this suite drives it through the fixture's own commands.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { wavHeader } from '../../src/audio/wav';
import type { ChangeEvent } from '../../src/history';
import { activated, extensionId } from './extension-api';

type Outcome =
  | {
      ok: true;
      id: string;
      apiVersion: number;
      readBack: { id: string; text: string; status: string; profileName: string; engine: string | null };
    }
  | { ok: false; error: string };

function tone(seconds: number, sampleRate = 16_000): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const out = new Uint8Array(44 + frames * 2);
  out.set(wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, dataLength: frames * 2 }));
  const view = new DataView(out.buffer);
  for (let i = 0; i < frames; i++) view.setInt16(44 + i * 2, Math.round(4000 * Math.sin((2 * Math.PI * 330 * i) / sampleRate)), true);
  return out;
}

describe('Public API for other extensions', () => {
  const fixtureId = 'voice-history.voice-history-fixture';

  it('is version 1 with recordGeneration, list, get and onDidChange (beside the fields our own tests use)', async () => {
    const api = await activated();
    assert.equal(api.apiVersion, 1);
    for (const name of ['recordGeneration', 'list', 'get', 'onDidChange', 'diagnostics'] as const)
      assert.equal(typeof api[name], 'function', name);
    assert.ok(api.history && api.historyUi && api.storageDir);
  });

  it('the second extension is loaded beside ours and depends on it', async () => {
    const fixture = vscode.extensions.getExtension(fixtureId);
    assert.ok(fixture, 'the fixture extension is loaded');
    assert.deepEqual(fixture.packageJSON.extensionDependencies, [extensionId]);
  });

  it('a generation recorded by the other extension lands in the history, with its audio, and the change reaches both', async () => {
    const api = await activated();
    const seen: ChangeEvent[] = [];
    const sub = api.onDidChange((e) => void seen.push(e));
    const audio = tone(0.75);
    const outcome = await vscode.commands.executeCommand<Outcome>('voiceHistoryFixture.record', {
      text: 'Recorded by another extension.',
      audio: Array.from(audio),
      voice: 'nova',
      profile: 'Fixture Narrator',
      engine: 'fixture-tts',
      model: 'fixture-1',
      language: 'en-GB',
      seed: 12,
      settings: { speed: 1.25 },
    });
    sub.dispose();
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
    assert.equal(outcome.apiVersion, 1);
    assert.deepEqual(outcome.readBack, await api.get(outcome.id), 'the other extension reads back what we store');
    const g = await api.get(outcome.id);
    assert.deepEqual(
      [g?.text, g?.profileName, g?.engine, g?.model, g?.language, g?.seed, g?.source, g?.status, g?.duration],
      ['Recorded by another extension.', 'Fixture Narrator', 'fixture-tts', 'fixture-1', 'en-GB', 12, 'api', 'completed', 0.75],
    );
    assert.deepEqual(new Uint8Array(await fs.readFile(api.history!.resolveAudioPath(g!))), audio);
    assert.ok(seen.some((e) => e.kind === 'entity' && e.entity === 'generation' && e.op === 'created' && e.ids.includes(outcome.id)));
    const theirs = await vscode.commands.executeCommand<ChangeEvent[]>('voiceHistoryFixture.changes');
    assert.ok(
      theirs.some((e) => e.kind === 'entity' && e.op === 'created' && e.ids.includes(outcome.id)),
      'the other extension heard the change',
    );
    const page = await api.list({ source: 'api', search: 'Recorded by another extension', pageSize: 5 });
    assert.ok(page.items.some((x) => x.id === outcome.id));
  });

  it('records audio given as a file URI, and a failed attempt with its error', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vh-api-'));
    try {
      const file = path.join(dir, 'take one.wav');
      await fs.writeFile(file, tone(0.5));
      const fromFile = await vscode.commands.executeCommand<Outcome>('voiceHistoryFixture.record', {
        text: 'From a file.',
        audio: vscode.Uri.file(file).toString(),
        voice: 'nova',
        engine: 'fixture-tts',
      });
      assert.ok(fromFile.ok, fromFile.ok ? '' : fromFile.error);
      assert.equal(fromFile.readBack.status, 'completed');
      const failed = await vscode.commands.executeCommand<Outcome>('voiceHistoryFixture.record', {
        text: 'This one failed.',
        voice: 'nova',
        engine: 'fixture-tts',
        status: 'failed',
        error: 'Quota exceeded (429).',
      });
      assert.ok(failed.ok, failed.ok ? '' : failed.error);
      const g = await (await activated()).get(failed.id);
      assert.deepEqual([g?.status, g?.error, g?.audioPath], ['failed', 'Quota exceeded (429).', null]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('bad input gets a clear error naming each problem, and nothing is recorded', async () => {
    const api = await activated();
    const before = (await api.list({ pageSize: 1, offset: 0 })).total;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ text: 'No audio.', voice: 'nova' }, /audio: A completed generation needs its audio/],
      [{ text: '', audio: Array.from(tone(0.1)) }, /text: The text is empty.*profile: Name the voice/],
      [
        { text: 'Not audio.', voice: 'nova', audio: Array.from(new TextEncoder().encode('hello')) },
        /not audio in a format Voice History recognises/,
      ],
      [{ text: 'Remote.', voice: 'nova', audio: 'https://example.com/a.wav' }, /Only file: URIs/],
      [{ text: 'Typo.', voice: 'nova', audio: Array.from(tone(0.1)), lang: 'en' }, /Unrecognized key.*Known fields/],
    ];
    for (const [input, pattern] of cases) {
      const outcome = await vscode.commands.executeCommand<Outcome>('voiceHistoryFixture.record', input);
      assert.equal(outcome.ok, false, JSON.stringify(input).slice(0, 80));
      if (!outcome.ok) {
        assert.match(outcome.error, /^recordGeneration: /);
        assert.match(outcome.error, pattern);
      }
    }
    assert.equal((await api.list({ pageSize: 1, offset: 0 })).total, before);
  });
});
