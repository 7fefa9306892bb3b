import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeAudio } from '../../../src/archive/audio-probe';
import { detectInput } from '../../../src/archive/detect';
import { isArchiveError } from '../../../src/archive/errors';
import { makeWav } from '../../fixtures/archives/samples';

const SAMPLES = join(import.meta.dirname, '..', '..', 'fixtures', 'archives', 'audio');

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vh-probe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('WAV, MP3, FLAC and OGG are measured from their bytes', async (t) => {
  const dir = tempDir(t);
  const wav = join(dir, 'a.wav');
  writeFileSync(wav, makeWav(0.5, 22050, 2));
  const w = await probeAudio(wav);
  assert.deepEqual([w.format, w.sampleRate, w.channels, w.duration], ['wav', 22050, 2, 0.5]);
  const mp3 = await probeAudio(join(SAMPLES, 'tone.mp3'));
  assert.deepEqual([mp3.format, mp3.sampleRate, mp3.channels], ['mp3', 22050, 1]);
  assert.ok(mp3.duration > 0.25 && mp3.duration < 0.4, `mp3 duration ${mp3.duration}`);
  const flac = await probeAudio(join(SAMPLES, 'tone.flac'));
  assert.deepEqual([flac.format, flac.sampleRate, flac.channels, flac.duration], ['flac', 44100, 2, 0.25]);
  const ogg = await probeAudio(join(SAMPLES, 'tone.ogg'));
  assert.deepEqual([ogg.format, ogg.codec, ogg.sampleRate, ogg.channels, ogg.duration], ['ogg', 'Vorbis I', 44100, 2, 0.25]);
});

test('the name does not decide the format: OGG named .wav is OGG', async (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'liar.wav');
  copyFileSync(join(SAMPLES, 'tone.ogg'), p);
  assert.equal((await probeAudio(p)).format, 'ogg');
  assert.deepEqual(await detectInput(p), { kind: 'audio', format: 'ogg' });
});

test('text, empty files, random bytes and truncated WAV are refused with what is wrong', async (t) => {
  const dir = tempDir(t);
  const cases: Array<[string, Buffer, RegExp]> = [
    ['text.wav', Buffer.from('not audio at all, just text\n'), /is not audio Voice History can import/],
    ['empty.mp3', Buffer.alloc(0), /is not audio/],
    ['aac.mp3', Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0]), /is not audio/],
    ['cut.wav', makeWav(0.5).subarray(0, 2000), /is truncated: its WAV header promises 16000 bytes of sound but the file holds 1956/],
    ['silent.wav', makeWav(0), /without any sound/],
  ];
  for (const [name, bytes, message] of cases) {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    await assert.rejects(probeAudio(p, name), (e: unknown) => isArchiveError(e, 'not-audio') && message.test(e.message), name);
  }
});

test('detectInput: ZIP by its signature, sidecars by extension, anything else unknown', async (t) => {
  const dir = tempDir(t);
  const write = (name: string, data: Buffer | string) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  assert.deepEqual(await detectInput(write('a.mp3', Buffer.from('PK\u0003\u0004rest'))), { kind: 'zip' });
  assert.deepEqual(await detectInput(write('empty.zip', Buffer.from('PK\u0005\u0006'))), { kind: 'zip' });
  assert.deepEqual(await detectInput(write('a.txt', 'hello')), { kind: 'sidecar' });
  assert.deepEqual(await detectInput(write('a.json', '{}')), { kind: 'sidecar' });
  assert.deepEqual(await detectInput(write('a.zip', 'hello')), { kind: 'unknown' });
  assert.deepEqual(await detectInput(write('nothing', '')), { kind: 'unknown' });
});
