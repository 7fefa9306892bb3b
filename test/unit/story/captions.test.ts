// Story captions and chapters from real sql.js stories, read back by libraries and tools that are
// not ours: `subtitle` (SRT), `webvtt-parser` (WebVTT, the W3C validator's parser), `cue-parser`
// (CUE sheets) and ffprobe (FFmetadata chapters).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { parse as parseCue } from 'cue-parser';
import { parseSync, type NodeCue } from 'subtitle';
import { WebVTTParser, type VttNode } from 'webvtt-parser';
import type { HistoryService } from '../../../src/history/service';
import { storyCues, type StoryCue } from '../../../src/story/captions';
import { cleanCaptionText } from '../../../src/story/captions-cues';
import { toAudacityLabels, toSrt, toWebVtt } from '../../../src/story/captions-format';
import { CUE_MAX_TRACKS, storyChapters, toCueSheet, toFfmetadata } from '../../../src/story/chapters';
import { resolveStory, type ResolvedStory } from '../../../src/story/story-clips';
import { freshHistory, tempDir } from '../store/helpers';
import { makeStory, type ClipSpec } from './story-fixtures';

let h: HistoryService;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ h, cleanup } = await freshHistory()));
afterEach(() => cleanup());

const LONG =
  'Once upon a time, in a village by the sea, there lived an old fisherman. ' +
  'Every morning he rowed out before dawn. He came back with the tide, tired but content, and sold what he had caught on the market square. ' +
  'One day his net came up empty.';

async function story(clips: ClipSpec[]): Promise<ResolvedStory> {
  const s = await makeStory(h, clips);
  return resolveStory(h, s.id);
}

const ENTITIES = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('webvtt-parser/html-entities.json'), 'utf8')) as Record<
  string,
  string
>;

const srtCues = (srt: string) =>
  parseSync(srt)
    .filter((n): n is NodeCue => n.type === 'cue')
    .map((n) => n.data);

function vtt(text: string) {
  // The full entity table (the README's advice: the default one decodes `&gt;` as `>;`).
  const parsed = new WebVTTParser(ENTITIES).parse(text, 'metadata');
  assert.deepEqual(parsed.errors, [], 'the WebVTT parser reports no errors');
  return parsed.cues;
}

/** The text of a parsed cue tree, and the voices it names. */
function flatten(nodes: VttNode[], voices: string[] = []): string {
  return nodes
    .map((n) => {
      if (n.type === 'text') return n.value ?? '';
      if (n.name === 'v') voices.push(n.value ?? '');
      return flatten(n.children ?? [], voices);
    })
    .join('');
}

/** The tracks of a CUE sheet as cue-parser reads it, each with its INDEX 01 in CD frames (1/75 s). */
function cueTracks(path: string) {
  return (parseCue(path).files?.[0]?.tracks ?? []).map((tr) => {
    const t = tr.indexes?.[0]?.time;
    return { number: tr.number, title: tr.title, performer: tr.performer, frames: t ? (t.min * 60 + t.sec) * 75 + t.frame : NaN };
  });
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');

test('SRT and WebVTT: sentences become cues of ≤ 2 lines of ≤ 42 characters and ≤ 7 s, inside each clip, read back unchanged', async () => {
  const r = await story([
    { text: LONG, ms: 12_000, startMs: 500, profile: 'Narrator' },
    { text: 'Hello there!', ms: 1_000, startMs: 3_000, track: 1, profile: 'Zoë' },
  ]);
  const cues = storyCues(r);
  const srt = toSrt(cues);
  const webvtt = toWebVtt(cues);
  assert.ok(!srt.includes('\r') && !webvtt.includes('\r'), 'LF only');
  const parsedSrt = srtCues(srt);
  const parsedVtt = vtt(webvtt);
  assert.equal(parsedSrt.length, cues.length);
  assert.equal(parsedVtt.length, cues.length);
  assert.ok(cues.length >= 4, `${cues.length} cues`);
  // SRT numbering 1..n, in order.
  assert.deepEqual(
    srt.split('\n\n').map((block) => block.split('\n')[0]),
    cues.map((_, i) => String(i + 1)),
  );
  for (const [i, c] of cues.entries()) {
    assert.ok(c.lines.length <= 2 && c.lines.every((l) => [...l].length <= 42), JSON.stringify(c.lines));
    assert.ok(c.endMs - c.startMs <= 7000 && c.endMs > c.startMs);
    assert.equal(parsedSrt[i]!.start, c.startMs);
    assert.equal(parsedSrt[i]!.end, c.endMs);
    assert.equal(Math.round(parsedVtt[i]!.startTime * 1000), c.startMs);
    assert.equal(Math.round(parsedVtt[i]!.endTime * 1000), c.endMs);
    if (i > 0) assert.ok(c.startMs >= cues[i - 1]!.startMs, 'in time order');
  }
  const narrator = cues.filter((c) => c.speaker === 'Narrator');
  assert.equal(narrator[0]!.startMs, 500);
  assert.equal(narrator.at(-1)!.endMs, 12_500);
  // The cues of one clip follow each other without gaps and say the whole text, in order.
  for (let i = 1; i < narrator.length; i++) assert.equal(narrator[i]!.startMs, narrator[i - 1]!.endMs);
  assert.equal(words(narrator.map((c) => c.lines.join(' ')).join(' ')), words(LONG));
  // A sentence is not cut while it fits, and does not start at the end of a line.
  assert.deepEqual(narrator.at(-1)!.lines, ['the market square.', 'One day his net came up empty.']);
  // WebVTT names the voice of each cue.
  const voices: string[] = [];
  const spoken = parsedVtt.map((c) => flatten(c.tree.children, voices));
  assert.deepEqual(
    voices,
    cues.map((c) => c.speaker),
  );
  assert.equal(words(spoken.filter((_, i) => cues[i]!.speaker === 'Narrator').join(' ')), words(LONG));
});

test('time is shared in proportion to characters; the trims cut the cues to what is heard', async () => {
  const text = `Aaaa aaaa. ${Array(14).fill('Bbbb').join(' ')}.`;
  const full = storyCues(await story([{ text, ms: 6_000, startMs: 0 }]));
  assert.deepEqual(
    full.map((c) => c.lines),
    [['Aaaa aaaa.'], [Array(8).fill('Bbbb').join(' '), `${Array(6).fill('Bbbb').join(' ')}.`]],
  );
  // 11 of 82 characters (a space or line break counted after each line): the first cue gets 11/82 of the time.
  assert.equal(full[0]!.endMs, Math.round((6_000 * 11) / 82));
  assert.equal(full[1]!.endMs, 6_000);
  await cleanup();
  ({ h, cleanup } = await freshHistory());
  // 1 s trimmed off the start: the short first sentence is gone, the rest starts where the clip now
  // starts and ends 0.5 s early with the clip.
  const trimmed = storyCues(await story([{ text, ms: 6_000, startMs: 5_000, trimStartMs: 1_000, trimEndMs: 500 }]));
  assert.deepEqual(
    trimmed.map((c) => [c.startMs, c.endMs]),
    [[5_000, 9_500]],
  );
});

test('hostile texts: line breaks, "-->", markup, control characters, lone surrogates and a 10,000-character text stay text', async () => {
  const hostile = [
    'Line one\nline two\r\n\r\n\r\n3\n00:00:01,000 --> 00:00:02,000\nnot a cue',
    '<b>bold</b> & <i>italic</i> &amp; <v Mallory>impostor</v> <c.red>x</c> a-->b',
    `ctrl\u0000\u0007\u001b[31m\u007f\u0085\u2028\u202e reversed \ufeff tab\there \ud800 lone`,
    'Emoji 🎉 and 日本語のテキスト。二つ目の文。',
    Array.from({ length: 1_250 }, (_, i) => (i % 9 === 8 ? 'end.' : 'word')).join(' ') + ' ' + 'x'.repeat(4000),
  ];
  // About 70 ms a character, as speech goes; 800 s apart.
  const r = await story(hostile.map((text, i) => ({ text, ms: text.length * 70, startMs: i * 800_000, profile: `Eve <${i}> & "co" -->` })));
  const cues = storyCues(r);
  const srt = toSrt(cues);
  const webvtt = toWebVtt(cues);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\r\u0000-\u0008\u000b-\u001f\u007f]/.test(srt + webvtt), 'no CR or control characters');
  const parsedSrt = srtCues(srt);
  const parsedVtt = vtt(webvtt);
  assert.equal(parsedSrt.length, cues.length);
  assert.equal(parsedVtt.length, cues.length);
  for (const [i, c] of cues.entries()) {
    assert.ok(c.lines.every((l) => [...l].length <= 42));
    // SRT keeps the text as written (its only change: "-->" gets a zero-width space).
    assert.equal(parsedSrt[i]!.text, c.lines.join('\n').replaceAll('-->', '--\u200b>'));
    // WebVTT's parser gives back exactly the words, with one voice: the escaped speaker.
    const voices: string[] = [];
    assert.equal(flatten(parsedVtt[i]!.tree.children, voices), c.lines.join('\n'));
    assert.deepEqual(voices, [c.speaker.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')]);
  }
  // Compared with the text as stored (sql.js keeps a lone surrogate as U+FFFD).
  for (const [i, { text }] of r.clips.entries()) {
    const said = cues.filter((c) => c.startMs >= i * 800_000 && c.startMs < (i + 1) * 800_000);
    assert.equal(words(said.map((c) => c.lines.join(' ')).join(' ')).replace(/ /g, ''), cleanCaptionText(text).replace(/ /g, ''));
  }
  assert.ok(webvtt.includes('a--&gt;b') && webvtt.includes('&lt;b&gt;bold&lt;/b&gt; &amp; '));
});

test('muted and non-soloed tracks, zero volume and clips without audio have no captions or chapters', async () => {
  const s = await makeStory(h, [
    { text: 'Track zero speaks.', ms: 1000, startMs: 0, track: 0 },
    { text: 'Track one is muted.', ms: 1000, startMs: 0, track: 1 },
    { text: 'Track two at volume zero.', ms: 1000, startMs: 2000, track: 2, volume: 0 },
    { text: 'Still being made.', ms: 1000, startMs: 4000, track: 0, noAudio: true },
  ]);
  await h.editStory(s.id, { type: 'track', track: 1, mute: true });
  let r = await resolveStory(h, s.id);
  assert.deepEqual(
    storyCues(r).map((c) => c.lines.join(' ')),
    ['Track zero speaks.'],
  );
  assert.deepEqual(
    storyChapters(r).map((c) => c.title),
    ['Track zero speaks.'],
  );
  assert.equal(toAudacityLabels(r), '0.000000\t1.000000\tAlice: Track zero speaks.\n');
  await h.editStory(s.id, { type: 'track', track: 1, mute: false, solo: true });
  r = await resolveStory(h, s.id);
  assert.deepEqual(
    storyCues(r).map((c) => c.lines.join(' ')),
    ['Track one is muted.'],
  );
});

test('Audacity labels: one tab-separated line per clip, seconds, the label on one line', async () => {
  const r = await story([
    { text: 'First\tline\nwith a break.', ms: 1500, startMs: 250, profile: 'Bob' },
    { text: 'Second.', ms: 2000, startMs: 1000, track: 1, trimStartMs: 500 },
  ]);
  const lines = toAudacityLabels(r).split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((l) => l.split('\t')),
    [
      ['0.250000', '1.750000', 'Bob: First line with a break.'],
      ['1.000000', '2.500000', 'Alice: Second.'],
    ],
  );
});

test('chapters: one per clip; ffprobe reads the FFmetadata and cue-parser the CUE sheet, hostile titles included', async (t) => {
  const { dir, cleanup: rm } = tempDir();
  t.after(rm);
  const r = await story([
    { text: 'Chapter = one; #1 \\ back\nslash', ms: 2000, startMs: 1000, profile: 'Ann "A"' },
    { text: 'Two "quoted" words', ms: 3000, startMs: 3500, track: 1 },
    { text: 'Three starts with two', ms: 1000, startMs: 3500, track: 2, profile: 'Cy' },
    { text: 'Four', ms: 1000, startMs: 90_000 },
  ]);
  const chapters = storyChapters(r);
  assert.deepEqual(
    chapters.map((c) => [c.startMs, c.endMs]),
    [
      [0, 3500],
      [3500, 90_000],
      [90_000, 91_000],
    ],
  );
  const meta = join(dir, 'chapters.txt');
  writeFileSync(meta, toFfmetadata(chapters, { title: 'My = story; #1' }));
  const probed = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-f', 'ffmetadata', '-i', meta, '-show_chapters', '-show_format', '-of', 'json'], {
      encoding: 'utf8',
    }),
  ) as {
    chapters: Array<{ start_time: string; end_time: string; tags: { title: string; artist?: string } }>;
    format: { tags: { title: string } };
  };
  assert.equal(probed.format.tags.title, 'My = story; #1');
  assert.deepEqual(
    probed.chapters.map((c) => [Number(c.start_time), Number(c.end_time), c.tags.title, c.tags.artist]),
    [
      [0, 3.5, 'Chapter = one; #1 \\ back', 'Ann "A"'],
      [3.5, 90, 'Two "quoted" words / Three starts with two', 'Alice / Cy'],
      [90, 91, 'Four', 'Alice'],
    ],
  );
  const cue = join(dir, 'story.cue');
  writeFileSync(cue, toCueSheet(chapters, { title: 'My "story"', fileName: 'My story.flac' }));
  const sheet = parseCue(cue);
  assert.equal(sheet.title, "My 'story'");
  assert.equal(sheet.files?.[0]?.name, 'My story.flac');
  assert.deepEqual(
    cueTracks(cue).map((tr) => [tr.number, tr.title, tr.performer, tr.frames]),
    [
      [1, 'Chapter = one; #1 \\ back', "Ann 'A'", 0],
      [2, "Two 'quoted' words / Three starts with two", 'Alice / Cy', Math.round(3.5 * 75)],
      [3, 'Four', 'Alice', 90 * 75],
    ],
  );
});

test('a CUE sheet holds 99 tracks: 150 clips become 99 groups of neighbours', async (t) => {
  const { dir, cleanup: rm } = tempDir();
  t.after(rm);
  const r = await story(Array.from({ length: 150 }, (_, i) => ({ text: `Line ${i + 1}.`, ms: 1000, startMs: i * 1200, track: i % 3 })));
  const chapters = storyChapters(r);
  assert.equal(chapters.length, 150);
  const cue = join(dir, 'big.cue');
  writeFileSync(cue, toCueSheet(chapters, { title: 'Big', fileName: 'big.mp3' }));
  const tracks = cueTracks(cue);
  assert.equal(tracks.length, CUE_MAX_TRACKS);
  assert.deepEqual(
    tracks.slice(0, 3).map((tr) => tr.title),
    ['Line 1. (+1 more)', 'Line 3.', 'Line 4. (+1 more)'],
  );
  assert.equal(tracks.at(-1)!.title, 'Line 149. (+1 more)');
});

test('cue text for an empty story or empty texts is an empty but valid file', async () => {
  const r = await story([{ text: '   \n\t ', ms: 1000, startMs: 0 }]);
  const cues: StoryCue[] = storyCues(r);
  assert.deepEqual(cues, []);
  assert.equal(toWebVtt(cues), 'WEBVTT\n');
  vtt(toWebVtt(cues));
  assert.equal(toSrt(cues), '');
});

test('a 10-hour story: times past 10 h read back from SRT, WebVTT, the CUE sheet and FFmetadata', async (t) => {
  const { dir, cleanup: rm } = tempDir();
  t.after(rm);
  const late = 10 * 3_600_000 + 61_250;
  const r = await story([
    { text: 'At the start.', ms: 2000, startMs: 0 },
    { text: 'Ten hours later.', ms: 2000, startMs: late },
  ]);
  const cues = storyCues(r);
  assert.equal(srtCues(toSrt(cues))[1]!.start, late);
  assert.equal(Math.round(vtt(toWebVtt(cues))[1]!.startTime * 1000), late);
  const meta = join(dir, 'c.txt');
  writeFileSync(meta, toFfmetadata(storyChapters(r), { title: 'Long' }));
  const probed = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-f', 'ffmetadata', '-i', meta, '-show_chapters', '-of', 'json'], { encoding: 'utf8' }),
  ) as { chapters: Array<{ start_time: string; end_time: string }> };
  assert.deepEqual(
    probed.chapters.map((c) => [Number(c.start_time), Number(c.end_time)]),
    [
      [0, late / 1000],
      [late / 1000, late / 1000 + 2],
    ],
  );
  const cue = join(dir, 'c.cue');
  writeFileSync(cue, toCueSheet(storyChapters(r), { title: 'Long', fileName: 'long.wav' }));
  assert.equal(cueTracks(cue)[1]!.frames, Math.round((late * 75) / 1000));
});
