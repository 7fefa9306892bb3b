// Generating speech inside a real VS Code: Speak Selection with the real offline Flite engine,
// an OpenAI-compatible server on 127.0.0.1 that refuses the key (401) and then answers, Retry
// and Regenerate, API keys in secret storage.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseWavHeader, wavHeader } from '../../src/audio/wav';
import { originOf } from '../../src/generation/origin';
import type { ChangeEvent, Generation, GenerationStatus } from '../../src/history';
import { generationTooltip } from '../../src/views/tree-items';
import { activated } from './extension-api';
import { setConfig } from './tree-helpers';

/** Statuses each generation went through, as change events reported them. */
async function watchStatuses(): Promise<{ statuses: Map<string, GenerationStatus[]>; stop(): void }> {
  const api = await activated();
  const statuses = new Map<string, GenerationStatus[]>();
  const sub = api.onDidChange((e: ChangeEvent) => {
    if (e.kind !== 'entity' || e.entity !== 'generation' || e.op === 'deleted') return;
    for (const id of e.ids) {
      void api.get(id).then((g) => {
        if (!g) return;
        const list = statuses.get(id) ?? [];
        if (list.at(-1) !== g.status) list.push(g.status);
        statuses.set(id, list);
      });
    }
  });
  return { statuses, stop: () => sub.dispose() };
}

function rms(bytes: Uint8Array, offset: number, length: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  let sum = 0;
  for (let i = 0; i + 1 < length; i += 2) sum += view.getInt16(i, true) ** 2;
  return Math.sqrt(sum / (length / 2));
}

describe('Generating speech', () => {
  let workspace: string;
  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workbench opens a folder');
    workspace = folder.uri.fsPath;
  });

  it('Speak Selection speaks the selected line with Flite into a completed generation with a playable WAV, recording file and line', async function () {
    this.timeout(120_000);
    const api = await activated();
    const file = path.join(workspace, 'speak-sample.md');
    const line = 'The sea was calm tonight, but the radio spoke of a storm coming from the west.';
    await fs.writeFile(file, `# Sample\n${line}\nAnother line.\n`);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    editor.selection = new vscode.Selection(1, 0, 1, line.length);
    const watch = await watchStatuses();
    const g = await vscode.commands.executeCommand<Generation>('voiceHistory.speakSelection', { play: false });
    watch.stop();
    assert.ok(g, 'the command returns the generation');
    assert.equal(g.status, 'completed', g.error ?? '');
    assert.deepEqual([g.text, g.engine, g.model, g.source], [line, 'flite', 'flite-2.3', 'engine']);
    assert.equal(g.profileName, 'slt', 'voiceHistory.flite.voice defaults to slt');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(watch.statuses.get(g.id), ['pending', 'generating', 'completed'], 'a pending row appeared first');

    const bytes = new Uint8Array(await fs.readFile(api.history!.resolveAudioPath(g)));
    const wav = parseWavHeader(bytes);
    assert.deepEqual([wav.encoding, wav.sampleRate, wav.channels, wav.bitsPerSample], ['pcm', 16_000, 1, 16]);
    // English speech runs at roughly 10-20 characters a second.
    assert.ok(
      wav.durationSeconds > line.length / 30 && wav.durationSeconds < line.length / 5,
      `${wav.durationSeconds} s for ${line.length} characters`,
    );
    assert.ok(Math.abs((g.duration ?? 0) - wav.durationSeconds) < 0.01);
    assert.ok(rms(bytes, wav.dataOffset, wav.dataLength) > 300, 'the audio is not silence');
    console.log(`[integration] Flite spoke ${line.length} characters as ${wav.durationSeconds.toFixed(2)} s of 16 kHz WAV`);

    const document = originOf(g)?.document;
    assert.deepEqual(document, {
      uri: editor.document.uri.toString(),
      startLine: 1,
      startCharacter: 0,
      endLine: 1,
      endCharacter: line.length,
    });
    const tooltip = generationTooltip(g).value;
    // The tooltip's row links to the line (Markdown-escaped label, link to the document at #L2).
    const row = tooltip.split('\n').find((l) => l.startsWith('**Generated from:**'));
    assert.ok(row, tooltip);
    assert.equal(row.replace(/\\/g, ''), `**Generated from:** [speak-sample.md:2](${editor.document.uri.toString()}#L2)  `);
  });

  it('Speak Selection uses the voice chosen in voiceHistory.flite.voice', async function () {
    this.timeout(60_000);
    const file = path.join(workspace, 'speak-sample-2.md');
    await fs.writeFile(file, 'Ships will need the light more than ever.\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    // Nothing selected: the line at the cursor is spoken.
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    await setConfig('flite.voice', 'awb');
    try {
      const g = await vscode.commands.executeCommand<Generation>('voiceHistory.speakSelection', { play: false });
      assert.equal(g?.status, 'completed');
      assert.equal(g?.text, 'Ships will need the light more than ever.');
      assert.equal(g?.profileName, 'awb');
      const profile = await (await activated()).history!.getProfile(g!.profileId);
      assert.deepEqual([profile?.engine, profile?.voiceId, profile?.language], ['flite', 'awb', 'en-GB']);
    } finally {
      await setConfig('flite.voice', undefined);
    }
  });

  describe('with an OpenAI-compatible server on 127.0.0.1', () => {
    let server: Server;
    let seen: Array<{ path: string; authorization: string | undefined; body: string }>;
    let answer: (res: ServerResponse) => void;

    before(async () => {
      seen = [];
      server = createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
          answer(res);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      await setConfig('openai.baseUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    after(async () => {
      await setConfig('openai.baseUrl', undefined);
      await vscode.commands.executeCommand('voiceHistory.clearApiKey', 'openai');
      await new Promise<void>((r) => server.close(() => r()));
    });

    it("a 401 leaves a failed row with the server's message; the key comes from secret storage, never from settings", async () => {
      answer = (res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: 'Incorrect API key provided: sk-te***123.', type: 'invalid_request_error', code: 'invalid_api_key' },
          }),
        );
      };
      assert.equal(await vscode.commands.executeCommand('voiceHistory.setApiKey', { engine: 'openai', key: 'sk-test-123' }), true);
      const watch = await watchStatuses();
      const g = await vscode.commands.executeCommand<Generation>('voiceHistory.generateSpeech', {
        engine: 'openai',
        voice: 'alloy',
        text: 'This will be refused.',
        play: false,
      });
      watch.stop();
      assert.ok(g);
      assert.equal(g.status, 'failed');
      assert.match(g.error ?? '', /rejected the API key \(401: Incorrect API key provided/);
      assert.match(g.error ?? '', /Set API Key/);
      const stored = await (await activated()).get(g.id);
      assert.equal(stored?.status, 'failed', 'the failed attempt stays in the history');
      assert.equal(stored?.error, g.error);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(watch.statuses.get(g.id), ['pending', 'generating', 'failed']);
      const request = seen.at(-1)!;
      assert.equal(request.path, '/v1/audio/speech');
      assert.equal(request.authorization, 'Bearer sk-test-123');
      assert.deepEqual(JSON.parse(request.body), {
        model: 'gpt-4o-mini-tts',
        input: 'This will be refused.',
        voice: 'alloy',
        response_format: 'mp3',
      });
      const settings = JSON.stringify(vscode.workspace.getConfiguration('voiceHistory'));
      assert.ok(!settings.includes('sk-test-123'), 'the key is not in the settings');
    });

    it('Retry runs the failed one again in place; Regenerate adds a new take', async function () {
      this.timeout(30_000);
      const failed = (await (await activated()).list({ engine: 'openai', status: 'failed', pageSize: 1 })).items[0];
      assert.ok(failed, 'the failed generation from the previous test');
      const pcm = new Uint8Array(24_000); // 0.5 s of 24 kHz 16-bit silence
      const wav = new Uint8Array([...wavHeader({ sampleRate: 24_000, channels: 1, bitsPerSample: 16, dataLength: pcm.length }), ...pcm]);
      answer = (res) => {
        res.writeHead(200, { 'content-type': 'audio/wav' });
        res.end(wav);
      };
      const retried = await vscode.commands.executeCommand<Generation>('voiceHistory.retry', failed.id);
      assert.equal(retried?.id, failed.id, 'same row');
      assert.equal(retried?.status, 'completed');
      assert.equal(retried?.error, null);
      assert.equal(retried?.duration, 0.5);
      // Regenerate of a generation with audio: a new take (version take-2), made the default, on the same row.
      const take = await vscode.commands.executeCommand<Generation>('voiceHistory.regenerate', [failed.id]);
      assert.ok(take && take.id === failed.id, 'the same generation');
      assert.equal(take.status, 'completed');
      assert.deepEqual([take.text, take.profileId, take.engine], [failed.text, failed.profileId, 'openai']);
      const versions = await (await activated()).history!.listVersions(failed.id);
      assert.deepEqual(
        versions.map((v) => [v.label, v.isDefault]),
        [
          ['original', false],
          ['take-2', true],
        ],
      );
      assert.equal(take.audioPath, versions[1]!.audioPath);
    });

    it('clearing the key stops sending it', async () => {
      assert.equal(await vscode.commands.executeCommand('voiceHistory.clearApiKey', 'openai'), true);
      const g = await vscode.commands.executeCommand<Generation>('voiceHistory.generateSpeech', {
        engine: 'openai',
        voice: 'nova',
        text: 'No key now.',
        play: false,
      });
      assert.equal(g?.status, 'completed');
      assert.equal(seen.at(-1)?.authorization, undefined);
    });
  });

  it('refuses what cannot be recorded with a message, and records nothing', async () => {
    const api = await activated();
    const before = (await api.list({ pageSize: 1, offset: 0 })).total;
    const result = await vscode.commands.executeCommand('voiceHistory.generateSpeech', {
      engine: 'flite',
      voice: 'slt',
      text: 'x',
      seed: 5,
      play: false,
    });
    assert.equal(result, undefined, 'the command reports the problem instead of returning a generation');
    assert.equal((await api.list({ pageSize: 1, offset: 0 })).total, before);
  });
});
