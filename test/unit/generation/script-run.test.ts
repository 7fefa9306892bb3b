// Generate Script's core with a real history (sql.js, files) and a fake engine behind the engine boundary.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../../src/engines/engine';
import { EngineCatalog } from '../../../src/generation/engines';
import { withLexicon } from '../../../src/generation/lexicon-engines';
import { ScriptRun, type CueStatus, type ScriptRunOptions } from '../../../src/generation/script-run';
import { ScriptVoiceError } from '../../../src/generation/script-voices';
import { openHistory, type HistoryService } from '../../../src/history';
import { parseLexicon, type Lexicon } from '../../../src/script/lexicon';
import { parseScript } from '../../../src/script/parse';
import { FakeEngine, wav } from './fake-engine';

const URI = 'file:///work/play.md';

interface Setup {
  history: HistoryService;
  engine: FakeEngine;
  dir: string;
  options: (extra?: Partial<ScriptRunOptions>) => ScriptRunOptions;
  run: (text: string, extra?: Partial<ScriptRunOptions>) => Promise<{ run: ScriptRun; result: Awaited<ReturnType<ScriptRun['run']>> }>;
}

async function setup(t: TestContext, lexicon: () => Lexicon | null = () => null): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'vh-script-run-'));
  const storageDir = join(dir, 'storage');
  const history = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0, compactOnClose: false } });
  const s: Setup = {
    history,
    engine: new FakeEngine('fake'),
    dir,
    options: (extra = {}) => ({
      history: s.history,
      engines: withLexicon(new EngineCatalog([{ id: 'fake', displayName: 'Fake', create: () => s.engine, keep: true }]), lexicon),
      lexicon: lexicon(),
      defaults: { engine: 'fake', voiceOf: () => 'v1' },
      concurrency: () => 1,
      retryDelay: () => undefined,
      ...extra,
    }),
    run: async (text, extra) => {
      const run = await ScriptRun.prepare(s.options(extra), {
        uri: URI,
        name: 'play.md',
        script: parseScript(text, { fileName: 'play.md' }),
      });
      const result = await run.run();
      run.dispose();
      return { run, result };
    },
  };
  t.after(async () => {
    await s.history.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return s;
}

/** A script of `n` paragraphs spoken by ALICE and BOB in turn, with front matter mapping their voices. */
function script(n: number, bobVoice = 'v2', edit: (lines: string[]) => void = () => undefined): string {
  const lines = ['---', 'speakers:', '  ALICE: { voice: v1 }', `  BOB: { voice: ${bobVoice} }`, '---', ''];
  const body: string[] = [];
  for (let i = 0; i < n; i++) body.push(`${i % 2 === 0 ? 'ALICE' : 'BOB'}: Line number ${i + 1} of the play.`, '');
  edit(body);
  return [...lines, ...body].join('\n');
}

const total = async (h: HistoryService): Promise<number> => (await h.list({ pageSize: 1 })).total ?? 0;

describe('ScriptRun (Generate Script core)', () => {
  test('first run voices every cue with its speaker voice, records the cues, and lays out the story in cue order', async (t) => {
    const s = await setup(t);
    const { result } = await s.run(script(10));
    assert.equal(result.rendered, 10);
    assert.equal(result.reused, 0);
    assert.deepEqual(
      s.engine.requests.map((r) => r.voice),
      ['v1', 'v2', 'v1', 'v2', 'v1', 'v2', 'v1', 'v2', 'v1', 'v2'],
    );
    const cues = await s.history.listScriptCues(URI);
    assert.equal(cues.length, 10);
    assert.deepEqual(
      cues.map((c) => c.startLine),
      [6, 8, 10, 12, 14, 16, 18, 20, 22, 24],
    );
    const story = await s.history.getStory(result.storyId!);
    assert.equal(story?.name, 'play.md');
    const items = [...story!.items].sort((a, b) => a.startMs - b.startMs);
    const order = items.map((i) => cues.find((c) => c.generationId === i.generationId)!.startLine);
    assert.deepEqual(order, [6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    // 0.5 s clips with 200 ms gaps.
    assert.deepEqual(
      items.map((i) => i.startMs),
      [0, 700, 1400, 2100, 2800, 3500, 4200, 4900, 5600, 6300],
    );
  });

  test('200 lines: edit 3 → exactly 3 new generations; move a block → none; change BOB’s voice → only his cues', async (t) => {
    const s = await setup(t);
    const first = await s.run(script(100));
    assert.equal(first.result.rendered, 100);
    assert.equal(await total(s.history), 100);

    const edited = script(100, 'v2', (b) => {
      b[10] = 'ALICE: An edited line.';
      b[50] = 'ALICE: Another edited line.';
      b[150] = 'BOB: A third edited one.';
    });
    const second = await s.run(edited, { storyId: first.result.storyId });
    assert.equal(second.result.rendered, 3);
    assert.equal(second.result.reused, 97);
    assert.equal(await total(s.history), 103);

    // Lines 20..39 of the body moved to the end: same words elsewhere, nothing rendered, lines updated.
    const moved = script(100, 'v2', (b) => {
      b[10] = 'ALICE: An edited line.';
      b[50] = 'ALICE: Another edited line.';
      b[150] = 'BOB: A third edited one.';
      b.push(...b.splice(20, 20));
    });
    const third = await s.run(moved, { storyId: first.result.storyId });
    assert.equal(third.result.rendered, 0);
    assert.equal(await total(s.history), 103);
    const alsoMoved = (await s.history.listScriptCues(URI)).find(
      (c) => c.textHash === parseScript(moved, { fileName: 'p.md' }).cues.at(-1)!.textHash,
    );
    assert.equal(alsoMoved?.startLine, 6 + 198, 'the moved cue records its new line');

    s.engine.requests.length = 0;
    const fourth = await s.run(moved.replace('BOB: { voice: v2 }', 'BOB: { voice: v3 }'), { storyId: first.result.storyId });
    const bobs = parseScript(moved, { fileName: 'p.md' }).cues.filter((c) => c.speaker === 'BOB').length;
    assert.equal(bobs, 48, 'two of the edited lines moved from BOB to ALICE');
    assert.equal(fourth.result.rendered, bobs);
    assert.ok(s.engine.requests.every((r) => r.voice === 'v3'));
    assert.equal(await total(s.history), 151);

    // The story follows: one clip per cue, in cue order, no clip of a replaced generation left.
    const story = await s.history.getStory(first.result.storyId!);
    assert.equal(story!.items.length, 100);
    const cues = await s.history.listScriptCues(URI);
    const lineOf = new Map(cues.map((c) => [c.generationId, c.startLine]));
    const lines = [...story!.items].sort((a, b) => a.startMs - b.startMs).map((i) => lineOf.get(i.generationId)!);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
  });

  test('a failing engine: every 5th call fails, the rest complete; the next run retries only those, in place', async (t) => {
    const s = await setup(t);
    let calls = 0;
    const real = s.engine.synthesize.bind(s.engine);
    s.engine.synthesize = (request, signal) => {
      calls++;
      return calls % 5 === 0 ? Promise.reject(new EngineError('engine', 'The engine crashed.', 'fake')) : real(request, signal);
    };
    const { result } = await s.run(script(20));
    assert.equal(result.rendered, 16);
    assert.equal(result.failed.length, 4);
    assert.match(result.failed[0]!.error!, /The engine crashed/);
    assert.equal(await total(s.history), 20);
    s.engine.synthesize = real;
    const again = await s.run(script(20), { storyId: result.storyId });
    assert.equal(again.result.rendered, 4);
    assert.equal(await total(s.history), 20, 'the failed rows were retried in place');
    assert.equal((await s.history.getStory(result.storyId!))!.items.length, 20);
  });

  test('cancel mid-run, and a window closed mid-run: the next run renders what was left, nothing twice', async (t) => {
    const s = await setup(t);
    const run = await ScriptRun.prepare(s.options(), {
      uri: URI,
      name: 'play.md',
      script: parseScript(script(12), { fileName: 'play.md' }),
    });
    const seen: CueStatus[] = [];
    run.onStatus((st) => {
      seen.push(st);
      if (seen.filter((x) => x.state === 'done').length === 4) run.cancel();
    });
    const result = await run.run();
    assert.equal(result.rendered, 4);
    assert.equal(result.cancelled, 8);
    const afterCancel = await total(s.history);
    assert.ok(afterCancel <= 5, `at most the cancelled running cue was recorded (${afterCancel})`);

    // The history is closed while a cue is generating (a window reload), then opened again.
    const release = s.engine.hold();
    const cut = await ScriptRun.prepare(s.options(), {
      uri: URI,
      name: 'play.md',
      script: parseScript(script(12), { fileName: 'play.md' }),
    });
    const running = cut.run().catch(() => undefined);
    await release;
    await s.history.close();
    s.engine.release();
    await running;
    s.history = await openHistory({
      storageDir: join(s.dir, 'storage'),
      checkOnOpen: false,
      tuning: { pollIntervalMs: 0, compactOnClose: false },
    });
    const resumed = await s.run(script(12), { storyId: result.storyId });
    assert.equal(resumed.result.failed.length, 0);
    assert.equal(resumed.result.rendered + resumed.result.reused, 12);
    assert.equal(await total(s.history), 12, 'one generation per cue');
    assert.ok((await s.history.listScriptCues(URI)).every((c) => c.status === 'completed'));
  });

  test('the lexicon is applied before synthesis and is part of change detection, per cue', async (t) => {
    let xml = `<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Nginx</grapheme><alias>engine x</alias></lexeme>
</lexicon>`;
    const s = await setup(t, () => parseLexicon(xml));
    const text = 'ALICE: We run Nginx here.\n\nBOB: Nothing to replace.\n';
    await s.run(text);
    assert.deepEqual(
      s.engine.requests.map((r) => r.text),
      ['We run engine x here.', 'Nothing to replace.'],
    );
    const g = (await s.history.list()).items.find((i) => i.text.includes('Nginx'));
    assert.equal(g?.text, 'We run Nginx here.', 'the history keeps the words as written');
    xml = xml.replace('engine x', 'engine ex');
    s.engine.requests.length = 0;
    const { result } = await s.run(text);
    assert.equal(result.rendered, 1, 'only the cue whose lexicon entry changed');
    assert.deepEqual(
      s.engine.requests.map((r) => r.text),
      ['We run engine ex here.'],
    );
  });

  test('a speaker mapped to a profile that does not exist is refused before anything is queued', async (t) => {
    const s = await setup(t);
    const text = '---\nspeakers:\n  ALICE: { profile: Nobody }\n---\nALICE: Hello.\n';
    await assert.rejects(
      ScriptRun.prepare(s.options(), { uri: URI, name: 'play.md', script: parseScript(text, { fileName: 'play.md' }) }),
      (e: unknown) => e instanceof ScriptVoiceError && /ALICE.*"Nobody".*does not exist/.test(e.message),
    );
    assert.equal(await total(s.history), 0);
  });

  test('subtitle cues sit at their time; one that speaks longer than its slot is reported', async (t) => {
    const s = await setup(t);
    s.engine.outcomes = [{ audio: wav(0.5) }, { audio: wav(2) }];
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nFirst.\n\n2\n00:00:05,000 --> 00:00:06,000\nSecond, too long.\n';
    const run = await ScriptRun.prepare(s.options(), {
      uri: 'file:///work/subs.srt',
      name: 'subs.srt',
      script: parseScript(srt, { fileName: 'subs.srt' }),
    });
    const result = await run.run();
    const story = await s.history.getStory(result.storyId!);
    assert.deepEqual(
      story!.items.map((i) => i.startMs).sort((a, b) => a - b),
      [1000, 5000],
    );
    assert.equal(result.overlong.length, 1);
    assert.equal(result.overlong[0]!.cue.text, 'Second, too long.');
    assert.equal(result.overlong[0]!.overMs, 1000);
  });
});
