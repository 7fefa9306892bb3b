// What the HTTP engines and the ElevenLabs history sync share: a service's settings parsed with an
// error that names the setting, and the audio in an answer recognised by its bytes (raw PCM
// wrapped as WAV), anything else a 'bad-response' error that quotes the start of the body.
import type { z } from 'zod';
import { describeAudio, pcm16ToWav, previewBody, type AudioDescription } from './audio-format';
import { EngineError } from './engine';
import { errorDetail } from './http';
import { plainMessage } from '../format/user-text';

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
export function responseAudio(
  body: Uint8Array,
  pcm: { rate: number | undefined; isText: boolean },
  notAudio: (sizeAndPreview: string) => EngineError,
): { audio: Uint8Array; info: AudioDescription } {
  const info = describeAudio(body);
  if (info) return { audio: body, info };
  if (pcm.rate !== undefined && body.length > 0 && !pcm.isText) {
    const audio = pcm16ToWav(body, pcm.rate);
    const wrapped = describeAudio(audio);
    if (wrapped) return { audio, info: wrapped };
  }
  // A JSON answer (an error sent with status 200) is described by what it says, not quoted.
  if (/^\s*[[{]/.test(previewBody(body, 8))) {
    const said = errorDetail(body).message;
    throw notAudio(`${body.length} bytes of JSON${said ? ` saying "${said}"` : ''}`);
  }
  const preview = plainMessage(previewBody(body));
  throw notAudio(`${body.length} bytes${preview ? `: "${preview}"` : ''}`);
}
