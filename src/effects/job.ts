/**
 * One render or analysis from start to finish, as the worker runs it: read the source, decode,
 * apply the chain, measure, encode. Also callable in-process (tests, tools).
 */
import { promises as fsp } from 'node:fs';
import { sniffAudioFormat, SNIFF_BYTES } from '../audio/format';
import { readWavInfo } from '../audio/wav';
import { errorMessage } from '../format/errors';
import { applyChain } from './apply';
import { parseChain, chainErrorMessage, type EffectsChain } from './chain';
import { decodeAudio, refuseTooLong } from './decode';
import { integratedLoudness, toDb, truePeak } from './dsp/loudness';
import { EffectsError } from './errors';
import { encodeWav, frameCount, type Pcm } from './pcm';
import type { AudioFacts, RenderOutput, RenderResult, RenderSource } from './types';
import { z } from 'zod';

export type EffectsJob =
  { kind: 'render'; source: RenderSource; chain: EffectsChain; output: RenderOutput } | { kind: 'analyze'; source: RenderSource };

/** Largest file read whole (a 1-hour 48 kHz stereo 32-bit float WAV is ~1.4 GB). */
const MAX_FILE_BYTES = 1.5 * 1024 ** 3;

async function readSource(source: RenderSource): Promise<Uint8Array> {
  if ('bytes' in source) return source.bytes;
  try {
    const handle = await fsp.open(source.path, 'r');
    try {
      const head = new Uint8Array(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
      if (sniffAudioFormat(head.subarray(0, bytesRead)) === 'wav') {
        // Refuse an over-long WAV from its header, before reading a gigabyte.
        const info = await readWavInfo(source.path).catch(() => undefined);
        if (info) refuseTooLong(info.durationSeconds);
      }
      const { size } = await handle.stat();
      if (size > MAX_FILE_BYTES)
        throw new EffectsError(
          'too-long',
          `This file is ${(size / 1024 ** 3).toFixed(1)} GB; effects read at most 1.5 GB. Split it first.`,
        );
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof EffectsError) throw error;
    throw new EffectsError('failed', `Could not read the audio file (${errorMessage(error)}).`, { cause: error });
  }
}

function facts(pcm: Pcm): AudioFacts {
  return {
    sampleRate: pcm.sampleRate,
    channels: pcm.channels.length,
    durationMs: (frameCount(pcm) / pcm.sampleRate) * 1000,
    loudnessLufs: pcm.measured ? pcm.measured.loudnessLufs : integratedLoudness(pcm.channels, pcm.sampleRate),
    truePeakDb: toDb(pcm.measured ? pcm.measured.truePeak : truePeak(pcm.channels, pcm.sampleRate)),
  };
}

export async function runEffectsJob(job: EffectsJob): Promise<RenderResult | AudioFacts> {
  let chain: EffectsChain = [];
  if (job.kind === 'render') {
    try {
      chain = parseChain(job.chain);
    } catch (error) {
      if (error instanceof z.ZodError) throw new EffectsError('invalid-chain', chainErrorMessage(error), { cause: error });
      throw error;
    }
  }
  const pcm = await decodeAudio(await readSource(job.source));
  if (job.kind === 'analyze') return facts(pcm);
  const result = await applyChain(pcm, chain);
  return { ...facts(result), wav: encodeWav(result, job.output) };
}
