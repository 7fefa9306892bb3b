// Engine configuration from the user's settings (`voiceHistory.openai.*`, `voiceHistory.elevenlabs.*`,
// declared in package.json). Pure: the extension passes a reader over workspace configuration.
import type { ElevenLabsConfigInput } from './elevenlabs';
import type { OpenAiConfigInput } from './openai';

export type SettingsReader = (key: string) => unknown;

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) : undefined;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

export function openAiConfigFromSettings(read: SettingsReader): OpenAiConfigInput {
  return defined({
    baseUrl: read('voiceHistory.openai.baseUrl'),
    model: read('voiceHistory.openai.model'),
    voices: read('voiceHistory.openai.voices'),
    responseFormat: read('voiceHistory.openai.responseFormat'),
    timeoutMs: seconds(read('voiceHistory.openai.timeoutSeconds')),
  } as OpenAiConfigInput);
}

export function elevenLabsConfigFromSettings(read: SettingsReader): ElevenLabsConfigInput {
  return defined({
    baseUrl: read('voiceHistory.elevenlabs.baseUrl'),
    model: read('voiceHistory.elevenlabs.model'),
    outputFormat: read('voiceHistory.elevenlabs.outputFormat'),
    timeoutMs: seconds(read('voiceHistory.elevenlabs.timeoutSeconds')),
  } as ElevenLabsConfigInput);
}
