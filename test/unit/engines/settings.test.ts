import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { elevenLabsConfigFromSettings, openAiConfigFromSettings } from '../../../src/engines/settings';
import { OpenAiEngine, openAiConfigSchema, OPENAI_RESPONSE_FORMATS } from '../../../src/engines/openai';
import { ElevenLabsEngine, elevenLabsConfigSchema } from '../../../src/engines/elevenlabs';
import { ELEVENLABS_OUTPUT_FORMATS } from '../../../src/engines/elevenlabs-api';
import { repoRoot } from './flite-dev';

test('settings map to engine configs; seconds become milliseconds; unset settings keep defaults', () => {
  const values = new Map<string, unknown>([
    ['voiceHistory.openai.baseUrl', 'http://localhost:8880'],
    ['voiceHistory.openai.voices', ['af_bella']],
    ['voiceHistory.openai.timeoutSeconds', 2.5],
    ['voiceHistory.elevenlabs.outputFormat', 'pcm_24000'],
  ]);
  const read = (key: string): unknown => values.get(key);
  assert.deepEqual(openAiConfigFromSettings(read), { baseUrl: 'http://localhost:8880', voices: ['af_bella'], timeoutMs: 2500 });
  assert.deepEqual(elevenLabsConfigFromSettings(read), { outputFormat: 'pcm_24000' });
});

test('an invalid setting names the setting to fix', () => {
  const read = (key: string): unknown =>
    key === 'voiceHistory.openai.timeoutSeconds' ? -1 : key === 'voiceHistory.elevenlabs.model' ? '' : undefined;
  assert.throws(
    () => new OpenAiEngine({ config: openAiConfigFromSettings(read), getApiKey: () => undefined }),
    /The setting "voiceHistory\.openai\.timeoutSeconds" is invalid/,
  );
  assert.throws(
    () => new ElevenLabsEngine({ config: elevenLabsConfigFromSettings(read), getApiKey: () => undefined }),
    /The setting "voiceHistory\.elevenlabs\.model" is invalid/,
  );
});

test('every setting the engines read is declared in package.json with a matching default', () => {
  const properties = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).contributes.configuration.properties as Record<
    string,
    { default: unknown }
  >;
  const keys: string[] = [];
  openAiConfigFromSettings((key) => void keys.push(key));
  elevenLabsConfigFromSettings((key) => void keys.push(key));
  for (const key of keys) assert.ok(properties[key], `${key} is not declared`);
  const fromDefaults = (prefix: string) => (key: string) => (key.startsWith(prefix) ? properties[key]?.default : undefined);
  assert.deepEqual(openAiConfigSchema.parse(openAiConfigFromSettings(fromDefaults('voiceHistory.openai.'))), openAiConfigSchema.parse({}));
  assert.deepEqual(
    elevenLabsConfigSchema.parse(elevenLabsConfigFromSettings(fromDefaults('voiceHistory.elevenlabs.'))),
    elevenLabsConfigSchema.parse({}),
  );
  assert.deepEqual(
    properties['voiceHistory.elevenlabs.outputFormat'] && (properties['voiceHistory.elevenlabs.outputFormat'] as { enum?: string[] }).enum,
    [...ELEVENLABS_OUTPUT_FORMATS],
  );
  assert.deepEqual((properties['voiceHistory.openai.responseFormat'] as { enum?: string[] }).enum, [...OPENAI_RESPONSE_FORMATS]);
});
