// Script cues recorded with generations (Generate Script), through the history service with real sql.js.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isHistoryError, type ChangeEvent, type ScriptCueInput } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { freshHistory, reopen } from '../store/helpers';

let h: HistoryService;
let dir: string;
let cleanup: () => Promise<void>;
let profileId: string;

beforeEach(async () => {
  ({ h, dir, cleanup } = await freshHistory());
  profileId = (await h.createProfile({ name: 'Alice' })).id;
});
afterEach(() => cleanup());

const DOC = 'file:///work/scripts/intro.md';
const cue = (line: number, text = `line ${line}`, extra: Partial<ScriptCueInput> = {}): ScriptCueInput => ({
  documentUri: DOC,
  startLine: line,
  endLine: line,
  textHash: `hash:${text}`,
  speaker: 'NARRATOR',
  voiceKey: 'engine=flite;voice=slt',
  lexiconHash: null,
  ...extra,
});

describe('script cues', () => {
  test('a generation records its cue; the document lists its cues in line order, newest first on a line, across reopen', async () => {
    const a = await h.create({ profileId, text: 'line 4', scriptCue: cue(4) });
    const b = await h.create({ profileId, text: 'line 1', scriptCue: cue(1, 'line 1', { speaker: null, lexiconHash: 'lex1' }) });
    const c = await h.create({ profileId, text: 'line 4 again', scriptCue: cue(4, 'line 4 again') });
    await h.create({ profileId, text: 'elsewhere', scriptCue: { ...cue(0), documentUri: 'file:///other.md' } });
    await h.create({ profileId, text: 'not a script' });
    await h.close();
    h = await reopen(dir);
    const listed = await h.listScriptCues(DOC);
    assert.deepEqual(
      listed.map((r) => r.generationId),
      [b.id, c.id, a.id],
    );
    assert.deepEqual(
      { ...listed[0], createdAt: 0 },
      {
        generationId: b.id,
        documentUri: DOC,
        startLine: 1,
        endLine: 1,
        textHash: 'hash:line 1',
        speaker: null,
        voiceKey: 'engine=flite;voice=slt',
        lexiconHash: 'lex1',
        // The reopen found it pending with nothing working on it: interrupted.
        status: 'failed',
        takes: 0,
        createdAt: 0,
      },
    );
    assert.deepEqual(await h.listScriptCues('file:///nothing.md'), []);
  });

  test('takes and status come from the generation; deleting the generation removes its cue', async () => {
    const g = await h.create({ profileId, text: 'spoken', scriptCue: cue(2, 'spoken') });
    await h.attachAudio(g.id, { data: new Uint8Array([1, 2, 3, 4]), format: 'wav' });
    const [row] = await h.listScriptCues(DOC);
    assert.equal(row.status, 'completed');
    assert.equal(row.takes, 1);
    await h.delete(g.id);
    assert.deepEqual(await h.listScriptCues(DOC), []);
  });

  test('moving cues records their new lines and tells listeners; unchanged or unknown ones are skipped', async () => {
    const a = await h.create({ profileId, text: 'a', scriptCue: cue(1, 'a') });
    const b = await h.create({ profileId, text: 'b', scriptCue: cue(2, 'b') });
    const events: ChangeEvent[] = [];
    h.onDidChange((e) => events.push(e));
    const moved = await h.moveScriptCues([
      { generationId: a.id, startLine: 10, endLine: 12 },
      { generationId: b.id, startLine: 2, endLine: 2 },
      { generationId: '00000000-0000-4000-8000-000000000000', startLine: 3, endLine: 3 },
    ]);
    assert.equal(moved, 1);
    const rows = await h.listScriptCues(DOC);
    assert.deepEqual(
      rows.map((r) => [r.generationId, r.startLine, r.endLine]),
      [
        [b.id, 2, 2],
        [a.id, 10, 12],
      ],
    );
    assert.deepEqual(events, [{ kind: 'entity', entity: 'generation', op: 'updated', ids: [a.id], generationIds: [a.id] }]);
  });

  test('a bad cue is refused and records nothing', async () => {
    await assert.rejects(
      h.create({ profileId, text: 'x', scriptCue: { ...cue(5), endLine: 2 } }),
      (e: unknown) => isHistoryError(e) && e.code === 'INVALID' && /script cue.*endLine/.test(e.message),
    );
    await assert.rejects(h.create({ profileId, text: 'x', scriptCue: { ...cue(5), textHash: '' } }), isHistoryError);
    assert.equal((await h.list()).items.length, 0);
  });
});
