// ElevenLabs text-to-speech: POST /v1/text-to-speech/{voice_id}. The response's
// `history-item-id` header becomes the generation's external id, which is also what the
// history sync dedupes on, so a generation made here is not imported twice.
import { z } from 'zod';
import { EngineError, type SpeechEngine, type SynthesisRequest, type SynthesisResult, type Voice } from './engine';
import {
  ELEVENLABS_DEFAULT_BASE_URL,
  ELEVENLABS_ENGINE_ID,
  ELEVENLABS_LANGUAGES,
  ELEVENLABS_OUTPUT_FORMATS,
  ELEVENLABS_SERVICE,
  elevenLabsHeaders,
  isTextContentType,
  pcmSampleRate,
  voicesResponseSchema,
} from './elevenlabs-api';
import { parseEngineConfig, responseAudio } from './response-audio';
import { settingName } from './setting-name';
import { endpoint, MAX_JSON_RESPONSE_BYTES, normaliseBaseUrl, type HttpEngineOptions, parseJson, send } from './http';

export const elevenLabsConfigSchema = z.object({
  baseUrl: z.string().trim().min(1).default(ELEVENLABS_DEFAULT_BASE_URL),
  model: z.string().trim().min(1).default('eleven_multilingual_v2'),
  outputFormat: z.enum(ELEVENLABS_OUTPUT_FORMATS).default('mp3_44100_128'),
  timeoutMs: z.number().int().positive().default(120_000),
});
export type ElevenLabsConfig = z.output<typeof elevenLabsConfigSchema>;
export type ElevenLabsConfigInput = z.input<typeof elevenLabsConfigSchema>;

const unit = (name: string) => z.number().min(0, `${name} is between 0 and 1.`).max(1, `${name} is between 0 and 1.`);

/** The API's voice_settings, by their API names (the history stores them the same way). */
export const elevenLabsSettingsSchema = z.object({
  stability: unit('Stability').optional(),
  similarity_boost: unit('Similarity boost').optional(),
  style: unit('Style').optional(),
  use_speaker_boost: z.boolean().optional(),
  speed: z.number().min(0.7, 'ElevenLabs speed is at least 0.7.').max(1.2, 'ElevenLabs speed is at most 1.2.').optional(),
  output_format: z.enum(ELEVENLABS_OUTPUT_FORMATS).optional(),
});

const MAX_SEED = 4_294_967_295;

export type ElevenLabsEngineOptions = HttpEngineOptions<ElevenLabsConfigInput>;

export class ElevenLabsEngine implements SpeechEngine {
  readonly id = ELEVENLABS_ENGINE_ID;
  readonly displayName = 'ElevenLabs';
  readonly languages: readonly string[] = ELEVENLABS_LANGUAGES;
  readonly capabilities = { seed: true, instruct: false, languages: true };
  private readonly config: ElevenLabsConfig;

  constructor(private readonly options: ElevenLabsEngineOptions) {
    this.config = parseEngineConfig(elevenLabsConfigSchema, options.config, (field) => settingName('elevenlabs', field), this.id);
  }

  async listVoices(signal?: AbortSignal): Promise<Voice[]> {
    const headers = elevenLabsHeaders(await this.options.getApiKey(), { accept: 'application/json' });
    const base = normaliseBaseUrl(ELEVENLABS_SERVICE, this.config.baseUrl);
    const response = await send(ELEVENLABS_SERVICE, endpoint(base, '/v1/voices'), {
      headers,
      signal,
      timeoutMs: this.config.timeoutMs,
      maxBytes: MAX_JSON_RESPONSE_BYTES,
    });
    const { voices } = parseJson(ELEVENLABS_SERVICE, response, voicesResponseSchema, 'the voice list');
    return voices.map((v) => {
      const labels = v.labels ?? {};
      const description = [v.category, labels.gender, labels.accent, labels.description ?? v.description].filter(Boolean).join(', ');
      return {
        id: v.voice_id,
        name: v.name?.trim() || v.voice_id,
        ...(labels.language ? { language: labels.language } : {}),
        ...(description ? { description } : {}),
      };
    });
  }

  async synthesize(request: SynthesisRequest, signal: AbortSignal): Promise<SynthesisResult> {
    if (request.text.trim().length === 0) throw new EngineError('invalid-input', 'The text is empty; type something to speak.', this.id);
    if (request.voice.trim().length === 0) throw new EngineError('invalid-input', 'No voice chosen; pick an ElevenLabs voice.', this.id);
    const parsed = elevenLabsSettingsSchema.safeParse(request.settings ?? {});
    if (!parsed.success) throw new EngineError('invalid-input', parsed.error.issues[0]?.message ?? 'Invalid ElevenLabs settings.', this.id);
    if (request.seed !== undefined && (!Number.isInteger(request.seed) || request.seed < 0 || request.seed > MAX_SEED)) {
      throw new EngineError('invalid-input', `The seed must be a whole number from 0 to ${MAX_SEED}.`, this.id);
    }
    const { output_format: formatOverride, ...voiceSettings } = parsed.data;
    const outputFormat = formatOverride ?? this.config.outputFormat;
    const model = request.model ?? this.config.model;
    const headers = elevenLabsHeaders(await this.options.getApiKey(), { 'content-type': 'application/json', accept: 'audio/*' });
    const base = normaliseBaseUrl(ELEVENLABS_SERVICE, this.config.baseUrl);
    const language = request.language?.split(/[-_]/)[0]?.toLowerCase();
    const body = {
      text: request.text,
      model_id: model,
      ...(Object.keys(voiceSettings).length > 0 ? { voice_settings: voiceSettings } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(language ? { language_code: language } : {}),
    };
    const url = endpoint(base, `/v1/text-to-speech/${encodeURIComponent(request.voice)}`, { output_format: outputFormat });
    const response = await send(ELEVENLABS_SERVICE, url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
      timeoutMs: this.config.timeoutMs,
    });

    const { audio, info } = await responseAudio(
      response.body,
      { rate: pcmSampleRate(outputFormat), isText: isTextContentType(response.headers) },
      (what) =>
        new EngineError(
          'bad-response',
          `ElevenLabs answered with something that is not audio (${what}). Check "voiceHistory.elevenlabs.baseUrl".`,
          this.id,
        ),
    );
    const externalId = response.headers.get('history-item-id')?.trim() || undefined;
    return {
      audio,
      format: info.format,
      mimeType: info.mimeType,
      sampleRate: info.sampleRate,
      channels: info.channels,
      duration: info.duration,
      model,
      ...(externalId ? { externalId } : {}),
      settings: { ...voiceSettings, output_format: outputFormat },
    };
  }
}
