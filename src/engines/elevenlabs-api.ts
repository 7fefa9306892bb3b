// What the ElevenLabs engine and the history sync share: base URL, headers, and zod schemas of
// the responses we read (only the fields we use; the API adds fields freely).
import { z } from 'zod';
import { EngineError } from './engine';
import type { ServiceInfo } from './http';

export const ELEVENLABS_ENGINE_ID = 'elevenlabs';
export const ELEVENLABS_DEFAULT_BASE_URL = 'https://api.elevenlabs.io';

export const ELEVENLABS_SERVICE: ServiceInfo = {
  engineId: ELEVENLABS_ENGINE_ID,
  name: 'ElevenLabs',
  baseUrlSetting: 'voiceHistory.elevenlabs.baseUrl',
  timeoutSetting: 'voiceHistory.elevenlabs.timeoutSeconds',
};

/** Languages of eleven_multilingual_v2 and the turbo/flash v2.5 models (ISO 639-1, "fil" for Filipino). */
export const ELEVENLABS_LANGUAGES = [
  'en',
  'ja',
  'zh',
  'de',
  'hi',
  'fr',
  'ko',
  'pt',
  'it',
  'es',
  'id',
  'nl',
  'tr',
  'fil',
  'pl',
  'sv',
  'bg',
  'ro',
  'ar',
  'cs',
  'el',
  'fi',
  'hr',
  'ms',
  'sk',
  'da',
  'ta',
  'uk',
  'ru',
  'hu',
  'no',
  'vi',
] as const;

/**
 * Output formats we accept: MP3 plays everywhere; PCM is wrapped into WAV here. μ-law, A-law
 * and Opus are left out because VS Code's player cannot play them.
 */
export const ELEVENLABS_OUTPUT_FORMATS = [
  'mp3_22050_32',
  'mp3_24000_48',
  'mp3_44100_32',
  'mp3_44100_64',
  'mp3_44100_96',
  'mp3_44100_128',
  'mp3_44100_192',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_32000',
  'pcm_44100',
  'pcm_48000',
] as const;
export type ElevenLabsOutputFormat = (typeof ELEVENLABS_OUTPUT_FORMATS)[number];

export function pcmSampleRate(format: string): number | undefined {
  const match = /^pcm_(\d+)$/.exec(format);
  return match ? Number(match[1]) : undefined;
}

export function elevenLabsHeaders(apiKey: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey?.trim();
  if (!key) {
    throw new EngineError(
      'auth',
      "No ElevenLabs API key is set. Run 'Voice History: Set API Key…' and paste the key from elevenlabs.io (Profile > API keys).",
      ELEVENLABS_ENGINE_ID,
    );
  }
  return { 'xi-api-key': key, ...extra };
}

const nullishString = z.string().nullish();

export const voicesResponseSchema = z.object({
  voices: z.array(
    z.object({
      voice_id: z.string().min(1),
      name: z.string().nullish(),
      category: nullishString,
      description: nullishString,
      labels: z.record(z.string(), z.string().nullish()).nullish(),
    }),
  ),
});

export const historyItemSchema = z.object({
  history_item_id: z.string().min(1),
  request_id: nullishString,
  voice_id: nullishString,
  voice_name: nullishString,
  voice_category: nullishString,
  model_id: nullishString,
  text: nullishString,
  date_unix: z.number().int(),
  character_count_change_from: z.number().nullish(),
  character_count_change_to: z.number().nullish(),
  content_type: nullishString,
  state: z.unknown().optional(),
  settings: z.record(z.string(), z.unknown()).nullish(),
  source: nullishString,
  output_format: nullishString,
  dialogue: z.array(z.object({ text: z.string(), voice_id: nullishString, voice_name: nullishString })).nullish(),
});
export type ElevenLabsHistoryItem = z.output<typeof historyItemSchema>;

export const historyPageSchema = z.object({
  history: z.array(historyItemSchema),
  last_history_item_id: nullishString,
  has_more: z.boolean(),
  scanned_until: z.number().nullish(),
});
export type ElevenLabsHistoryPage = z.output<typeof historyPageSchema>;

/** ElevenLabs marks its error bodies (JSON, HTML pages) by content type; raw PCM comes as audio or octet-stream. */
export function isTextContentType(headers: Headers): boolean {
  return /json|html|text/i.test(headers.get('content-type') ?? '');
}
