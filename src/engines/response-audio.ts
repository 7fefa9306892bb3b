// What the HTTP engines and the ElevenLabs history sync share: a service's settings parsed with an
// error that names the setting, and the audio in an answer recognised by its bytes (raw PCM
// wrapped as WAV), anything else a 'bad-response' error that quotes the start of the body.
import type { z } from 'zod';
import { AudioFormatError, readAudioInfo, type AudioFormat } from '../audio/format';
import { wavHeader } from '../audio/wav';
import { EngineError } from './engine';
import { plainMessage } from '../format/user-text';

/** What the history records of audio bytes. */
export interface AudioDescription {
  format: AudioFormat;
  mimeType: string;
  sampleRate?: number;
  channels?: number;
  /** Seconds. */
  duration?: number;
}

/** Describes audio bytes (src/audio/format), or undefined when they are no audio we can read. */
export async function describeAudio(bytes: Uint8Array): Promise<AudioDescription | undefined> {
  try {
    const { format, mimeType, sampleRate, channels, duration } = await readAudioInfo({ bytes });
    return { format, mimeType, sampleRate, channels, duration };
  } catch (e) {
    if (e instanceof AudioFormatError) return undefined;
    throw e;
  }
}

/** Wraps raw little-endian 16-bit PCM (what `pcm_*` output formats return) in a WAV header. */
export function pcm16ToWav(pcm: Uint8Array, sampleRate: number, channels = 1): Uint8Array {
  const usable = pcm.length - (pcm.length % (2 * channels));
  const header = wavHeader({ sampleRate, channels, bitsPerSample: 16, dataLength: usable });
  const out = new Uint8Array(header.length + usable + (usable % 2));
  out.set(header, 0);
  out.set(pcm.subarray(0, usable), header.length);
  return out;
}

/** A short printable preview of a body that was expected to be audio, for error messages. */
export function previewBody(bytes: Uint8Array, max = 120): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, max * 4));
  const printable = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (printable.length === 0) return '';
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** A service's settings parsed by its schema, or an error naming the setting to fix. */
export function parseEngineConfig<T extends z.ZodType>(
  schema: T,
  input: unknown,
  setting: (field: string) => string,
  engineId: string,
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new EngineError(
    'invalid-input',
    `The setting "${setting(String(issue?.path[0] ?? ''))}" is invalid: ${issue?.message ?? 'unknown problem'}. Fix it in Settings > Voice History.`,
    engineId,
  );
}

/**
 * The body as audio. When it is no format we recognise but may be raw 16-bit PCM (a `pcmRate`,
 * not empty, not text), it is wrapped as WAV at that rate. Otherwise `notAudio` makes the error
 * from a size-and-preview phrase such as `512 bytes: "<html>…"`.
 */
export async function responseAudio(
  body: Uint8Array,
  pcm: { rate: number | undefined; isText: boolean },
  notAudio: (sizeAndPreview: string) => EngineError,
): Promise<{ audio: Uint8Array; info: AudioDescription }> {
  const info = await describeAudio(body);
  if (info) return { audio: body, info };
  if (pcm.rate !== undefined && body.length > 0 && !pcm.isText) {
    const audio = pcm16ToWav(body, pcm.rate);
    const wrapped = await describeAudio(audio);
    if (wrapped) return { audio, info: wrapped };
  }
  // A JSON answer (an error sent with status 200) is described by what it says, not quoted.
  const start = new TextDecoder('utf-8', { fatal: false }).decode(body.subarray(0, 64 * 1024));
  if (/^\s*[[{]/.test(start)) {
    // plainMessage keeps the message a JSON body carries (error.message, detail, …) and drops the rest.
    const said = plainMessage(start);
    throw notAudio(`${body.length} bytes of JSON${said ? ` saying "${said}"` : ''}`);
  }
  const preview = plainMessage(previewBody(body));
  throw notAudio(`${body.length} bytes${preview ? `: "${preview}"` : ''}`);
}
