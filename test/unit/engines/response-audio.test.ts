import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAudio, pcm16ToWav, previewBody } from '../../../src/engines/response-audio';
import { makeMp3, makeWav, mp3Seconds } from './http-fixtures';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('WAV: format, rate, channels and duration from the header', async () => {
  const info = await describeAudio(makeWav(1.5, 22_050));
  assert.deepEqual(info, { format: 'wav', mimeType: 'audio/wav', sampleRate: 22_050, channels: 1, duration: 1.5 });
});

test('MP3: frames are counted for the duration, with or without an ID3 tag', async () => {
  assert.deepEqual(await describeAudio(makeMp3(100)), {
    format: 'mp3',
    mimeType: 'audio/mpeg',
    sampleRate: 44_100,
    channels: 2,
    duration: mp3Seconds(100),
  });
  assert.equal((await describeAudio(makeMp3(38, { id3: true })))?.duration, mp3Seconds(38));
  // A cut-off last frame does not count.
  const cut = makeMp3(10).subarray(0, 417 * 9 + 100);
  assert.equal((await describeAudio(cut))?.duration, mp3Seconds(9));
});

test('MP3: a LAME Info frame carries no sound and is not counted', async () => {
  const mp3 = makeMp3(5);
  mp3.set(text('Info'), 4 + 32);
  assert.equal((await describeAudio(mp3))?.duration, mp3Seconds(4));
});

test('FLAC, Ogg Vorbis, Ogg Opus and ADTS AAC are recognised with their durations', async () => {
  const flac = new Uint8Array(8 + 34);
  flac.set(text('fLaC'));
  flac.set([0x80, 0, 0, 34], 4);
  // STREAMINFO: 22050 Hz, 2 channels, 16 bits, 44100 samples (2 s)
  const s = 8;
  flac[s + 10] = 22_050 >> 12;
  flac[s + 11] = (22_050 >> 4) & 0xff;
  flac[s + 12] = ((22_050 & 0x0f) << 4) | ((2 - 1) << 1) | ((16 - 1) >> 4);
  flac[s + 13] = ((16 - 1) & 0x0f) << 4;
  flac.set([0, 0, 44_100 >> 8, 44_100 & 0xff], s + 14);
  assert.deepEqual(await describeAudio(flac), { format: 'flac', mimeType: 'audio/flac', sampleRate: 22_050, channels: 2, duration: 2 });

  const vorbis = oggPage(0, [1, ...text('vorbis'), 0, 0, 0, 0, 1, ...u32(48_000), ...new Array(12).fill(0)], 2);
  const vorbisEnd = oggPage(96_000, [0], 4);
  assert.deepEqual(await describeAudio(concat(vorbis, vorbisEnd)), {
    format: 'ogg',
    mimeType: 'audio/ogg',
    sampleRate: 48_000,
    channels: 1,
    duration: 2,
  });

  const opus = oggPage(0, [...text('OpusHead'), 1, 2, 312 & 0xff, 312 >> 8, ...u32(24_000), 0, 0, 0], 2);
  const opusEnd = oggPage(48_000 + 312, [0], 4);
  assert.deepEqual(await describeAudio(concat(opus, opusEnd)), {
    format: 'opus',
    mimeType: 'audio/ogg; codecs=opus',
    sampleRate: 48_000,
    channels: 2,
    duration: 1,
  });

  // Two ADTS frames, 44.1 kHz stereo, 1 raw block each.
  const frame = [0xff, 0xf1, (1 << 6) | (4 << 2) | 0, (2 << 6) | 0, (10 >> 3) & 0xff, ((10 & 7) << 5) | 0x1f, 0xfc, 0, 0, 0];
  assert.deepEqual(await describeAudio(new Uint8Array([...frame, ...frame])), {
    format: 'aac',
    mimeType: 'audio/aac',
    sampleRate: 44_100,
    channels: 2,
    duration: 2048 / 44_100,
  });
});

test('bodies that are not audio are not recognised', async () => {
  for (const body of [
    '',
    '{"detail":{"message":"Invalid API key"}}',
    '<!DOCTYPE html><html><body>Bad gateway</body></html>',
    'RIFF',
    'RIFF....WAVEjunk',
    'ID3',
    'OggS',
  ]) {
    assert.equal(await describeAudio(text(body)), undefined, JSON.stringify(body));
  }
  // A frame-sync-looking start that is not followed by a second frame is chance, not MP3.
  const fake = new Uint8Array(2000).fill(0x20);
  fake.set([0xff, 0xfb, 0x90, 0x44]);
  assert.equal(await describeAudio(fake), undefined);
});

test('raw 16-bit PCM is wrapped into a WAV that plays for the right time', async () => {
  const pcm = new Uint8Array(24_000 * 2 + 1); // one odd byte is dropped
  const wav = pcm16ToWav(pcm, 24_000);
  assert.deepEqual(await describeAudio(wav), { format: 'wav', mimeType: 'audio/wav', sampleRate: 24_000, channels: 1, duration: 1 });
});

test('previews of non-audio bodies are short, printable and tag-free', () => {
  assert.equal(previewBody(text('<html><body><h1>502 Bad Gateway</h1></body></html>')), '502 Bad Gateway');
  assert.equal(previewBody(new Uint8Array([0, 1, 2, 3])), '');
  assert.equal(previewBody(text('x'.repeat(500))).length, 121);
});

function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

/** One Ogg page; `flags` 2 marks the first page of a stream, 4 the last (RFC 3533), as real streams have. */
function oggPage(granule: number, packet: number[], flags = 0): Uint8Array {
  const header = [...text('OggS'), 0, flags, ...u32(granule), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, packet.length];
  return new Uint8Array([...header, ...packet]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
