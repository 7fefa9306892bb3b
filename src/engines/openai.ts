// OpenAI-compatible speech: POST {baseUrl}/v1/audio/speech. Covers OpenAI itself and local
// servers that speak the same API (Voicebox, Kokoro, LocalAI); for those the key is optional.
import { z } from 'zod';
import { EngineError, type SpeechEngine, type SynthesisRequest, type SynthesisResult, type Voice } from './engine';
import { parseEngineConfig, responseAudio } from './response-audio';
import { settingName } from './setting-name';
import { endpoint, normaliseBaseUrl, type HttpEngineOptions, send, type ServiceInfo } from './http';

export const OPENAI_ENGINE_ID = 'openai';

export const OPENAI_DEFAULT_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer'] as const;

/** Formats VS Code can play (AAC and Opus cannot); `pcm` is wrapped into WAV here. */
export const OPENAI_RESPONSE_FORMATS = ['mp3', 'wav', 'flac', 'pcm'] as const;

export const openAiConfigSchema = z.object({
  baseUrl: z.string().trim().min(1).default('https://api.openai.com'),
  model: z.string().trim().min(1).default('gpt-4o-mini-tts'),
  voices: z
    .array(z.string().trim().min(1))
    .min(1, 'List at least one voice.')
    .default([...OPENAI_DEFAULT_VOICES]),
  responseFormat: z.enum(OPENAI_RESPONSE_FORMATS).default('mp3'),
  timeoutMs: z.number().int().positive().default(120_000),
});
export type OpenAiConfig = z.output<typeof openAiConfigSchema>;
export type OpenAiConfigInput = z.input<typeof openAiConfigSchema>;

export const openAiSettingsSchema = z.object({
  speed: z.number().min(0.25, 'Speed is at least 0.25.').max(4, 'Speed is at most 4.').optional(),
  response_format: z.enum(OPENAI_RESPONSE_FORMATS).optional(),
});

/** OpenAI's `pcm` is 24 kHz signed 16-bit little-endian mono. */
const PCM_SAMPLE_RATE = 24_000;

export type OpenAiEngineOptions = HttpEngineOptions<OpenAiConfigInput>;

export class OpenAiEngine implements SpeechEngine {
  readonly id = OPENAI_ENGINE_ID;
  readonly displayName = 'OpenAI-compatible';
  /** The models detect the language from the text. */
  readonly languages: readonly string[] = [];
  readonly capabilities = { seed: false, instruct: true, languages: false };
  private readonly config: OpenAiConfig;
  private readonly service: ServiceInfo = {
    engineId: OPENAI_ENGINE_ID,
    name: 'the OpenAI-compatible server',
    baseUrlSetting: 'voiceHistory.openai.baseUrl',
    timeoutSetting: 'voiceHistory.openai.timeoutSeconds',
  };

  constructor(private readonly options: OpenAiEngineOptions) {
    this.config = parseEngineConfig(openAiConfigSchema, options.config, (field) => settingName('openai', field), this.id);
  }

  async listVoices(): Promise<Voice[]> {
    return this.config.voices.map((id) => ({ id, name: id }));
  }

  async synthesize(request: SynthesisRequest, signal: AbortSignal): Promise<SynthesisResult> {
    if (request.text.trim().length === 0) throw new EngineError('invalid-input', 'The text is empty; type something to speak.', this.id);
    if (request.voice.trim().length === 0)
      throw new EngineError('invalid-input', 'No voice chosen; pick one of the voices in "voiceHistory.openai.voices".', this.id);
    const settings = openAiSettingsSchema.safeParse(request.settings ?? {});
    if (!settings.success) throw new EngineError('invalid-input', settings.error.issues[0]?.message ?? 'Invalid settings.', this.id);
    const responseFormat = settings.data.response_format ?? this.config.responseFormat;
    const model = request.model ?? this.config.model;
    const base = normaliseBaseUrl(this.service, this.config.baseUrl);
    const key = (await this.options.getApiKey())?.trim();
    const body = {
      model,
      input: request.text,
      voice: request.voice,
      response_format: responseFormat,
      ...(settings.data.speed !== undefined ? { speed: settings.data.speed } : {}),
      ...(request.instruct ? { instructions: request.instruct } : {}),
    };
    const response = await send(this.service, endpoint(base, '/v1/audio/speech'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'audio/*, application/octet-stream',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
      signal,
      timeoutMs: this.config.timeoutMs,
    });
    // Trust the bytes, not the request: local servers often answer WAV whatever was asked.
    const { audio, info } = await responseAudio(
      response.body,
      { rate: responseFormat === 'pcm' ? PCM_SAMPLE_RATE : undefined, isText: looksLikeText(response.body) },
      (what) =>
        new EngineError(
          'bad-response',
          `The OpenAI-compatible server answered with something that is not audio (${what}). Check "voiceHistory.openai.baseUrl" and the model.`,
          this.id,
        ),
    );
    return {
      audio,
      format: info.format,
      mimeType: info.mimeType,
      sampleRate: info.sampleRate,
      channels: info.channels,
      duration: info.duration,
      model,
      settings: { response_format: responseFormat, ...(settings.data.speed !== undefined ? { speed: settings.data.speed } : {}) },
    };
  }
}

/** Raw PCM has no header to check; refuse bodies that are clearly JSON or HTML instead. */
function looksLikeText(bytes: Uint8Array): boolean {
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return start.startsWith('{') || start.startsWith('[') || start.startsWith('<');
}
