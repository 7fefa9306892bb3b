// The one audio identifier (src/audio/format) over real files of every format it names, made
// with ffmpeg, sox, lame, flac and oggenc and committed (test/fixtures/archives/audio/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AudioFormatError,
  isPlayableFormat,
  readAudioInfo,
  sniffAudioFile,
  sniffAudioFormat,
  type AudioFormat,
} from '../../../src/audio/format';
import { probeAudio } from '../../../src/archive/audio-probe';
import { detectInput } from '../../../src/archive/detect';
import { isArchiveError } from '../../../src/archive/errors';
import { makeWav as makeToneWav } from '../../fixtures/archives/samples';
import { makeWav, sine } from './make-wav';

const SAMPLES = join(import.meta.dirname, '..', '..', 'fixtures', 'archives', 'audio');

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vh-format-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** file, format, codec, sample rate, channels (null: not asserted), duration range in seconds. */
const FILES: Array<[string, AudioFormat, string, number, number | null, number, number]> = [
  ['tone.mp3', 'mp3', 'MPEG 2 Layer 3', 22_050, 1, 0.25, 0.4],
  ['tone.flac', 'flac', 'FLAC', 44_100, 2, 0.25, 0.25],
  ['tone.ogg', 'ogg', 'Vorbis I', 44_100, 2, 0.25, 0.25],
  ['tone.opus', 'opus', 'Opus', 48_000, 1, 0.24, 0.26],
  ['tone.aac', 'aac', 'AAC', 48_000, 1, 0.24, 0.29],
  // ffmpeg writes 2 in the MP4 sample entry's channel count whatever the stream has: not asserted.
  ['tone.m4a', 'm4a', 'MPEG-4/AAC', 48_000, null, 0.24, 0.29],
  ['tone.webm', 'webm', 'OPUS', 48_000, 1, 0.24, 0.26],
];

test('every format is identified and measured from its bytes, the same from a file and from memory', async () => {
  for (const [name, format, codec, sampleRate, channels, min, max] of FILES) {
    const path = join(SAMPLES, name);
    const bytes = new Uint8Array(readFileSync(path));
    assert.equal(sniffAudioFormat(bytes.subarray(0, 64)), format, name);
    assert.equal(await sniffAudioFile(path), format, name);
    const fromFile = await readAudioInfo({ path });
    const fromBytes = await readAudioInfo({ bytes });
    assert.deepEqual(fromFile, fromBytes, name);
    assert.equal(fromFile.format, format, name);
    assert.match(fromFile.codec, new RegExp(codec.replace('/', '\\/')), name);
    assert.equal(fromFile.sampleRate, sampleRate, name);
    if (channels !== null) assert.equal(fromFile.channels, channels, name);
    assert.ok(fromFile.duration >= min && fromFile.duration <= max, `${name}: ${fromFile.duration} s`);
    assert.equal(fromFile.bytes, bytes.length, name);
    assert.equal(fromFile.truncated, false, name);
    assert.equal(fromFile.wav, undefined, name);
  }
  assert.deepEqual(
    FILES.map(([, f]) => f).filter(isPlayableFormat),
    ['mp3', 'flac', 'ogg'],
    'Opus, AAC, M4A and WebM do not play in VS Code',
  );
});

test('WAV goes through our header parser: its data offset comes along for the peaks', async (t) => {
  const path = join(tempDir(t), 'a.wav');
  writeFileSync(path, makeToneWav(0.5, 22_050, 2));
  const info = await readAudioInfo({ path });
  assert.deepEqual(
    [info.format, info.mimeType, info.codec, info.sampleRate, info.channels, info.duration],
    ['wav', 'audio/wav', 'PCM', 22_050, 2, 0.5],
  );
  assert.equal(info.wav?.dataOffset, 44);
  assert.equal(info.wav?.frames, 11_025);
  assert.equal(isPlayableFormat('wav'), true);
});

test('RF64 (ffmpeg -rf64 always) is recognised as RF64, not WAV, and refused with what to do', async () => {
  const path = join(SAMPLES, 'tone-rf64.wav');
  assert.equal(await sniffAudioFile(path), 'rf64');
  assert.equal(isPlayableFormat('rf64'), false);
  await assert.rejects(
    readAudioInfo({ path }),
    (e: unknown) =>
      e instanceof AudioFormatError && e.problem === 'unsupported' && /RF64.*convert the file to a regular WAV/.test(e.message),
  );
  await assert.rejects(
    probeAudio(path, 'tone-rf64.wav'),
    (e: unknown) => isArchiveError(e, 'not-audio') && /tone-rf64\.wav is not a usable WAV file: RF64/.test(e.message),
  );
});

test('truncated files: a cut WAV says so, a cut Ogg or FLAC is damaged', async (t) => {
  const dir = tempDir(t);
  const wav = makeWav({ frames: 16_000, sample: sine(440, 16_000) });
  const cut = new Uint8Array(wav.subarray(0, 44 + 8_000));
  const info = await readAudioInfo({ bytes: cut });
  assert.equal(info.truncated, true);
  assert.equal(info.wav?.declaredDataLength, 32_000);
  assert.equal(info.duration, 0.25, 'the sound really present');
  for (const name of ['tone.ogg', 'tone.flac']) {
    const path = join(dir, name);
    writeFileSync(path, readFileSync(join(SAMPLES, name)).subarray(0, 60));
    await assert.rejects(
      readAudioInfo({ path }),
      (e: unknown) => e instanceof AudioFormatError && e.problem === 'damaged' && /^It looks like (OGG|FLAC) but/.test(e.message),
      name,
    );
    await assert.rejects(
      probeAudio(path, name),
      (e: unknown) => isArchiveError(e, 'not-audio') && new RegExp(`^${name} looks like .* The file is damaged\\.$`).test(e.message),
      name,
    );
  }
});

test('a wrong extension changes nothing: Opus named .wav is Opus, M4A named .mp3 is M4A, and import refuses both by name', async (t) => {
  const dir = tempDir(t);
  for (const [from, to, format] of [
    ['tone.opus', 'take.wav', 'opus'],
    ['tone.m4a', 'take.mp3', 'm4a'],
    ['tone.aac', 'phone.ogg', 'aac'],
    ['tone.webm', 'recording.flac', 'webm'],
  ] as const) {
    const path = join(dir, to);
    copyFileSync(join(SAMPLES, from), path);
    assert.equal((await readAudioInfo({ path })).format, format, to);
    assert.deepEqual(await detectInput(path), { kind: 'audio', format }, to);
    await assert.rejects(
      probeAudio(path, to),
      (e: unknown) => isArchiveError(e, 'not-audio') && e.message.startsWith(`${to} is ${format.toUpperCase()}, which VS Code cannot play`),
      to,
    );
  }
});

test('sniffing goes by bytes, not names, and needs only the first bytes', () => {
  assert.equal(sniffAudioFormat(makeWav({ frames: 1, sample: sine(440, 16000) })), 'wav');
  assert.equal(sniffAudioFormat(Buffer.from('fLaC\x00\x00', 'latin1')), 'flac');
  assert.equal(sniffAudioFormat(Buffer.from('OggS\x00\x02', 'latin1')), 'ogg');
  assert.equal(sniffAudioFormat(Buffer.from('ID3\x04', 'latin1')), 'mp3');
  assert.equal(sniffAudioFormat(Buffer.from([0xff, 0xfb, 0x90, 0x64])), 'mp3');
  // ADTS is AAC: identified (the engines get it from OpenAI's "aac"), and not playable.
  assert.equal(sniffAudioFormat(Buffer.from([0xff, 0xf1, 0x50, 0x80])), 'aac');
  assert.equal(sniffAudioFormat(Buffer.concat([Buffer.from('RF64'), Buffer.alloc(4), Buffer.from('WAVE')])), 'rf64');
  assert.equal(sniffAudioFormat(Buffer.from('<html>')), null);
  assert.equal(sniffAudioFormat(Buffer.from('RIFF....AVI LIST')), null);
  assert.equal(sniffAudioFormat(new Uint8Array(0)), null);
});

test('text, empty bytes and junk behind a known signature are refused, not guessed', async () => {
  await assert.rejects(readAudioInfo({ bytes: new TextEncoder().encode('{"error":"quota"}') }), (e: unknown) => {
    return e instanceof AudioFormatError && e.problem === 'not-audio' && e.format === null;
  });
  await assert.rejects(
    readAudioInfo({ bytes: new Uint8Array(0) }),
    (e: unknown) => e instanceof AudioFormatError && e.problem === 'not-audio',
  );
  const junk = new Uint8Array(2000).fill(0x20);
  junk.set([0xff, 0xfb, 0x90, 0x44]);
  await assert.rejects(
    readAudioInfo({ bytes: junk }),
    (e: unknown) => e instanceof AudioFormatError && e.problem === 'damaged' && e.format === 'mp3',
  );
});
