import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRecordedAudio } from '../../../src/engines/recorded-audio';
import { parseRecordGeneration } from '../../../src/engines/api-schema';
import { makeMp3, makeWav, mp3Seconds } from './http-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'vh-recorded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const audioOf = (audio: unknown) => parseRecordGeneration({ text: 't', voice: 'v', audio }).audio!;

test('bytes and files (path or file: URI) are read and described', async () => {
  const wav = makeWav(0.25, 16_000);
  assert.deepEqual((await loadRecordedAudio(audioOf(wav))).info, {
    format: 'wav',
    mimeType: 'audio/wav',
    sampleRate: 16_000,
    channels: 1,
    duration: 0.25,
  });
  const path = join(dir, 'take one.mp3');
  writeFileSync(path, makeMp3(12));
  const fromPath = await loadRecordedAudio(audioOf(path));
  assert.equal(fromPath.info.duration, mp3Seconds(12));
  assert.deepEqual(fromPath.data, makeMp3(12));
  const fromUri = await loadRecordedAudio(audioOf(`file://${path.split('/').map(encodeURIComponent).join('/')}`));
  assert.equal(fromUri.info.format, 'mp3');
});

test('missing files, folders, non-audio and unplayable audio are refused with the reason', async () => {
  await assert.rejects(loadRecordedAudio(audioOf(join(dir, 'nope.wav'))), /audio: There is no file at ".*nope\.wav"/);
  await assert.rejects(loadRecordedAudio(audioOf(dir)), /is not a file/);
  const json = join(dir, 'error.wav');
  writeFileSync(json, '{"error":"quota"}');
  await assert.rejects(loadRecordedAudio(audioOf(json)), /error\.wav" is not audio in a format Voice History recognises/);
  const opus = new Uint8Array(28 + 19);
  opus.set(new TextEncoder().encode('OggS'));
  opus[26] = 1;
  opus.set(new TextEncoder().encode('OpusHead'), 28);
  await assert.rejects(loadRecordedAudio(audioOf(opus)), /The audio is OPUS, which the player cannot play; convert it/);
});
