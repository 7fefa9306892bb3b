// Seeds a history folder for the player's e2e tests and benchmark with the real history service
// (in Node, before code-server starts; the extension opens it through VH_STORAGE_DIR in test mode).
// Audio is generated: sine tones in 16 kHz mono 16-bit WAV, the format flite produces.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '../../src/audio/wav';
import { openHistory, type Generation, type Version } from '../../src/history';

const RATE = 16000;

/** A WAV of a sine tone whose loudness swells, so the waveform has a visible shape. */
export function toneWav(seconds: number, hz: number): Uint8Array {
  const frames = Math.round(seconds * RATE);
  const data = new Uint8Array(frames * 2);
  const view = new DataView(data.buffer);
  for (let i = 0; i < frames; i++) {
    const envelope = 0.15 + 0.75 * Math.abs(Math.sin((Math.PI * i) / RATE / 1.3));
    view.setInt16(i * 2, Math.round(32767 * envelope * Math.sin((2 * Math.PI * hz * i) / RATE)), true);
  }
  const out = new Uint8Array(44 + data.length);
  out.set(wavHeader({ sampleRate: RATE, channels: 1, bitsPerSample: 16, dataLength: data.length }), 0);
  out.set(data, 44);
  return out;
}

/** A long WAV written second by second (a 10-minute file is 19 MB; never held whole). */
export function writeLongWav(path: string, seconds: number, hz = 180): void {
  const second = toneWav(1, hz).subarray(44);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, wavHeader({ sampleRate: RATE, channels: 1, bitsPerSample: 16, dataLength: second.length * seconds }));
    for (let s = 0; s < seconds; s++) writeSync(fd, second);
  } finally {
    closeSync(fd);
  }
}

export const TEXTS = {
  fox: 'The quick brown fox jumps over the lazy dog.',
  second: 'A second sentence, spoken by Bob.',
  xss: '<img src=x onerror=alert(1)>',
  failed: 'This one failed at the engine.',
  missing: 'My audio file was removed from the disk.',
  aac: 'Imported from a phone as AAC.',
  long: 'Ten minutes of narration for the benchmark.',
} as const;

export interface PlayerSeed {
  storageDir: string;
  /** Newest first, as the tree lists them. */
  fox: Generation;
  foxVersions: Version[];
  foxTake2: Generation;
  second: Generation;
  xss: Generation;
  failed: Generation;
  missing: Generation;
  aac: Generation;
  long?: Generation;
}

/**
 * Creates the history. Times are spread over the last minutes so the tree's "Today" group holds
 * everything in a known order (newest first): fox, foxTake2, second, xss, failed, missing, aac, long.
 */
export async function seedPlayerHistory(storageDir: string, opts: { tenMinutes?: boolean } = {}): Promise<PlayerSeed> {
  mkdirSync(storageDir, { recursive: true });
  const history = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const alice = await history.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' });
    const bob = await history.createProfile({ name: 'Bob', engine: 'flite', voiceId: 'awb' });
    const base = Date.now() - 30 * 60_000;
    const at = (rank: number): number => base + (20 - rank) * 60_000;
    const wav = (seconds: number, hz: number) => ({
      data: toneWav(seconds, hz),
      format: 'wav',
      duration: seconds,
      sampleRate: RATE,
      channels: 1,
    });
    const common = { engine: 'flite', model: 'cmu_us_slt', language: 'en', status: 'completed' as const };

    let long: Generation | undefined;
    if (opts.tenMinutes) {
      const file = join(storageDir, 'long-source.wav');
      writeLongWav(file, 600);
      long = await history.create(
        { ...common, profileId: alice.id, text: TEXTS.long, createdAt: at(8) },
        { filePath: file, format: 'wav', duration: 600 },
      );
      rmSync(file);
    }
    // An AAC (ADTS) stream: the webview cannot play it; the player must say so.
    const adts = new Uint8Array(4096);
    adts.set([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]);
    const aac = await history.create(
      { ...common, profileId: bob.id, text: TEXTS.aac, source: 'import', createdAt: at(7) },
      { data: adts, format: 'aac' },
    );
    const missing = await history.create({ ...common, profileId: bob.id, text: TEXTS.missing, createdAt: at(6) }, wav(2, 330));
    rmSync(history.resolveAudioPath(missing));
    const failed = await history.create({
      profileId: alice.id,
      text: TEXTS.failed,
      engine: 'flite',
      status: 'failed',
      error: 'The engine crashed: out of memory.',
      createdAt: at(5),
    });
    const xss = await history.create({ ...common, profileId: alice.id, text: TEXTS.xss, source: 'import', createdAt: at(4) }, wav(2, 550));
    const second = await history.create({ ...common, profileId: bob.id, text: TEXTS.second, seed: 42, createdAt: at(3) }, wav(3, 262));
    const foxTake2 = await history.create({ ...common, profileId: bob.id, text: TEXTS.fox, seed: 8, createdAt: at(2) }, wav(2.5, 392));
    const fox = await history.create(
      { ...common, profileId: alice.id, text: TEXTS.fox, seed: 7, instruct: 'calm', createdAt: at(1) },
      wav(12, 220),
    );
    // A second version of the newest: slower and lower, with an effect recorded.
    await history.addVersion(fox.id, { label: 'Slower', effectsChain: [{ type: 'time-stretch', rate: 0.8 }] }, wav(15, 165));
    const foxVersions = await history.listVersions(fox.id);
    return { storageDir, fox, foxVersions, foxTake2, second, xss, failed, missing, aac, long };
  } finally {
    await history.close();
  }
}
