// Generate Script inside a real VS Code with the real offline Flite engine: a 200-line script is
// voiced once, then only what changed is rendered again (3 edited lines, a moved block, a speaker's
// new voice); edits mark cues stale at once; cancel and a failing HTTP engine leave nothing doubled.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { wavHeader } from '../../src/audio/wav';
import type { ScriptRunResult } from '../../src/generation/script-run';
import { activated } from './extension-api';
import { eventually, setConfig } from './tree-helpers';

function scriptText(lines: number, bobVoice = 'rms', extraFront = ''): string {
  const body = Array.from({ length: lines }, (_, i) => `${i % 2 === 0 ? 'ALICE' : 'BOB'}: Line ${i + 1}.`);
  return ['---', 'cues: line', 'speakers:', '  ALICE: slt', `  BOB: ${bobVoice}`, extraFront, '---', ...body, ''].join('\n');
}

const FRONT = 7;

async function generate(uri: vscode.Uri): Promise<ScriptRunResult> {
  const result = await vscode.commands.executeCommand<ScriptRunResult | undefined>('voiceHistory.generateScript', uri);
  assert.ok(result, 'Generate Script returned its result');
  return result;
}

async function generationCount(uri: vscode.Uri): Promise<number> {
  return (await (await activated()).history!.listScriptCues(uri.toString())).length;
}

async function replaceLine(editor: vscode.TextEditor, line: number, text: string): Promise<void> {
  const ok = await editor.edit((e) => e.replace(editor.document.lineAt(line).range, text));
  assert.ok(ok, 'the edit applied');
}

describe('Scripts: Generate Script', () => {
  let workspace: string;
  before(async () => {
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    await setConfig('scripts.cueMode', undefined);
  });

  it('voices 200 lines with Flite, then renders exactly 3 edited lines, nothing for a moved block, and only BOB for his new voice', async function () {
    this.timeout(600_000);
    const api = await activated();
    const file = path.join(workspace, 'play-200.md');
    await fs.writeFile(file, scriptText(200));
    const uri = vscode.Uri.file(file);
    const editor = await vscode.window.showTextDocument(uri);

    let t0 = Date.now();
    const first = await generate(uri);
    console.log(`[integration] Generate Script: 200 Flite cues in ${Date.now() - t0} ms`);
    assert.deepEqual([first.rendered, first.reused, first.failed.length], [200, 0, 0]);
    assert.equal(await generationCount(uri), 200);
    const story = await api.history!.getStory(first.storyId!);
    assert.equal(story?.name, 'play-200.md');
    assert.equal(story?.items.length, 200);
    await eventually(
      () => (api.scripts.lenses!.lensesOf(uri.toString()).length === 200 ? true : undefined),
      'the lenses of 200 voiced cues',
      10_000,
    );

    // Three edits: each cue is marked stale the moment its line changes.
    for (const line of [FRONT + 10, FRONT + 100, FRONT + 150]) {
      await replaceLine(editor, line, `${line % 2 === 1 ? 'ALICE' : 'BOB'}: An edited line ${line}.`);
      const lens = api.scripts.lenses!.lensesOf(uri.toString()).find((l) => l.cue.startLine === line);
      assert.equal(lens?.stale, true, `line ${line + 1} is stale right after the edit`);
    }
    assert.equal(api.scripts.decorations.get(uri.toString(), 'stale').length, 3);
    t0 = Date.now();
    const second = await generate(uri);
    assert.deepEqual([second.rendered, second.reused], [3, 197]);
    assert.equal(await generationCount(uri), 203);
    assert.equal(second.storyId, first.storyId, 'the same story is updated');
    await eventually(
      () => (api.scripts.decorations.get(uri.toString(), 'stale').length === 0 ? true : undefined),
      'no stale marks after the run',
      10_000,
    );

    // Move lines 50..69 of the body to the end.
    const lines = editor.document.getText().split('\n');
    const block = lines.splice(FRONT + 50, 20);
    lines.splice(lines.length - 1, 0, ...block);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), lines.join('\n')));
    const third = await generate(uri);
    assert.deepEqual([third.rendered, third.reused], [0, 200]);
    assert.equal(await generationCount(uri), 203);

    // BOB gets another voice in the front matter: only his cues.
    await replaceLine(editor, 4, '  BOB: awb');
    const fourth = await generate(uri);
    const bobs = editor.document
      .getText()
      .split('\n')
      .filter((l) => l.startsWith('BOB:')).length;
    assert.equal(fourth.rendered, bobs);
    assert.equal(await generationCount(uri), 203 + bobs);
    const items = (await api.history!.getStory(first.storyId!))!.items;
    assert.equal(items.length, 200, 'one clip per cue after all of it');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('cancel stops the run; the next run renders only what was left, one generation per cue', async function () {
    this.timeout(300_000);
    const api = await activated();
    const file = path.join(workspace, 'cancel.md');
    await fs.writeFile(file, scriptText(24));
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const running = generate(uri);
    await eventually(() => api.scripts.runs!.runOf(uri.toString()), 'the run to start', 10_000);
    const run = api.scripts.runs!.runOf(uri.toString())!;
    await eventually(
      () => ([...run.statuses.values()].filter((s) => s.state === 'done').length >= 3 ? true : undefined),
      'three cues voiced',
      60_000,
    );
    run.cancel();
    const result = await running;
    assert.ok(result.cancelled > 0, `${result.cancelled} cancelled`);
    const again = await generate(uri);
    assert.equal(again.rendered + again.reused, 24);
    // The cue being spoken at the cancel may still have finished: then it is reused, not made again.
    assert.ok(again.reused >= result.rendered && again.reused <= result.rendered + 1, `${again.reused} reused after ${result.rendered}`);
    assert.equal(await generationCount(uri), 24, 'the cancelled attempt was retried in place');
  });

  it('Add Pronunciation writes a valid PLS entry that Generate Script applies and detects, per cue', async function () {
    this.timeout(120_000);
    const api = await activated();
    const lexicon = path.join(workspace, '.voicehistory', 'lexicon.pls');
    await fs.rm(lexicon, { force: true });
    const opened = await vscode.commands.executeCommand<vscode.Uri>('voiceHistory.openLexicon');
    assert.equal(opened?.fsPath, lexicon, 'Open Lexicon creates the file');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const file = path.join(workspace, 'lexicon-play.md');
    await fs.writeFile(file, '---\ncues: line\n---\nWe deploy with Nginx today.\nNothing to replace here.\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const first = await generate(uri);
    assert.equal(first.rendered, 2);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.addPronunciation', { word: 'Nginx', alias: 'engine x' }), true);
    const xml = await fs.readFile(lexicon, 'utf8');
    assert.match(xml, /<lexeme>\s*<grapheme>Nginx<\/grapheme>\s*<alias>engine x<\/alias>\s*<\/lexeme>/);
    assert.equal(
      await vscode.commands.executeCommand('voiceHistory.addPronunciation', { word: 'Nginx', alias: 'again' }),
      false,
      'a word is added once',
    );
    const second = await generate(uri);
    assert.deepEqual([second.rendered, second.reused], [1, 1], 'only the cue that uses the new entry');
    const cues = await api.history!.listScriptCues(uri.toString());
    const newest = (await api.history!.getMany(cues.map((c) => c.generationId))).sort((a, b) => b.createdAt - a.createdAt)[0]!;
    assert.equal(newest.text, 'We deploy with Nginx today.', 'the history keeps the words as written');
    await fs.rm(lexicon, { force: true });
  });

  describe('with an HTTP engine that fails every 5th request', () => {
    let server: Server;
    let requests = 0;
    let failing = true;
    before(async () => {
      const audio = new Uint8Array(44 + 1600);
      audio.set(wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataLength: 1600 }), 0);
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests++;
          if (failing && requests % 5 === 0) {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { message: 'Voice overloaded (test).' } }));
            return;
          }
          res.writeHead(200, { 'content-type': 'audio/wav' });
          res.end(audio);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      await setConfig('openai.baseUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await setConfig('openai.responseFormat', 'wav');
    });
    after(async () => {
      await setConfig('openai.baseUrl', undefined);
      await setConfig('openai.responseFormat', undefined);
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('the failed cues fail alone, the others complete; running again retries only those, in place', async function () {
      this.timeout(300_000);
      const file = path.join(workspace, 'http.md');
      const text = ['---', 'cues: line', 'speakers:', '  ROBOT: { engine: openai, voice: alloy }', '---']
        .concat(Array.from({ length: 20 }, (_, i) => `ROBOT: Beep ${i + 1}.`))
        .join('\n');
      await fs.writeFile(file, text);
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(uri);
      const result = await generate(uri);
      assert.equal(result.failed.length, 4);
      assert.equal(result.rendered, 16);
      assert.match(result.failed[0]!.error!, /Voice overloaded \(test\)/);
      failing = false;
      const again = await generate(uri);
      assert.deepEqual([again.rendered, again.reused, again.failed.length], [4, 16, 0]);
      assert.equal(await generationCount(uri), 20);
    });
  });
});
