import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { never, rejection } from './engine-errors';
import { ElevenLabsEngine, type ElevenLabsConfigInput } from '../../../src/engines/elevenlabs';
import { makeMp3, mp3Seconds, sendBytes, sendJson, startServer, type TestServer } from './http-fixtures';

describe('ElevenLabs engine against a local server following the API contract', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((_req, res) => sendBytes(res, 200, makeMp3(20), 'audio/mpeg', { 'history-item-id': 'hist_123' }));
  });
  after(() => server.close());

  const engine = (config: Partial<ElevenLabsConfigInput> = {}, key: string | null = 'xi-key'): ElevenLabsEngine =>
    new ElevenLabsEngine({ config: { baseUrl: server.baseUrl, ...config }, getApiKey: () => key ?? undefined });

  test('POST /v1/text-to-speech/{voice} with xi-api-key; history-item-id becomes the external id', async () => {
    server.requests.length = 0;
    server.handle((_req, res) => sendBytes(res, 200, makeMp3(20), 'audio/mpeg', { 'history-item-id': 'hist_123' }));
    const result = await engine().synthesize(
      {
        text: 'Bonjour.',
        voice: 'JBFqnCBsd6RMkjVDRZzb',
        language: 'fr-CA',
        seed: 42,
        settings: { stability: 0.3, similarity_boost: 0.8, speed: 1.1 },
      },
      never,
    );
    const [req] = server.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb');
    assert.equal(req.query.get('output_format'), 'mp3_44100_128');
    assert.equal(req.headers['xi-api-key'], 'xi-key');
    assert.equal(req.headers.authorization, undefined);
    assert.deepEqual(JSON.parse(req.body), {
      text: 'Bonjour.',
      model_id: 'eleven_multilingual_v2',
      voice_settings: { stability: 0.3, similarity_boost: 0.8, speed: 1.1 },
      seed: 42,
      language_code: 'fr',
    });
    assert.equal(result.externalId, 'hist_123');
    assert.equal(result.format, 'mp3');
    assert.equal(result.duration, mp3Seconds(20));
    assert.equal(result.model, 'eleven_multilingual_v2');
    assert.deepEqual(result.settings, { stability: 0.3, similarity_boost: 0.8, speed: 1.1, output_format: 'mp3_44100_128' });
  });

  test('without settings no voice_settings are sent (the voice keeps its stored ones)', async () => {
    server.requests.length = 0;
    const result = await engine({ model: 'eleven_flash_v2_5' }).synthesize({ text: 'Hi.', voice: 'v1' }, never);
    assert.deepEqual(JSON.parse(server.requests[0].body), { text: 'Hi.', model_id: 'eleven_flash_v2_5' });
    assert.equal(result.model, 'eleven_flash_v2_5');
  });

  test('pcm_16000 output is wrapped into a 16 kHz WAV', async () => {
    server.handle((_req, res) => sendBytes(res, 200, new Uint8Array(16_000 * 2), 'audio/pcm', { 'history-item-id': 'hist_pcm' }));
    const result = await engine({ outputFormat: 'pcm_16000' }).synthesize({ text: 'Hi.', voice: 'v1' }, never);
    assert.equal(server.requests.at(-1)?.query.get('output_format'), 'pcm_16000');
    assert.equal(result.format, 'wav');
    assert.equal(result.sampleRate, 16_000);
    assert.equal(result.duration, 1);
    assert.equal(result.externalId, 'hist_pcm');
  });

  test('no API key: a clear error and no request at all', async () => {
    server.requests.length = 0;
    const error = await rejection(engine({}, null).synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /No ElevenLabs API key is set\. Run 'Voice History: Set API Key…'/);
    await assert.rejects(engine({}, '').listVoices(), /No ElevenLabs API key/);
    assert.equal(server.requests.length, 0);
  });

  test("401 with ElevenLabs' error body", async () => {
    server.handle((_req, res) => sendJson(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } }));
    const error = await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(error.kind, 'auth');
    assert.equal(error.message, "ElevenLabs rejected the API key (401: Invalid API key). Run 'Voice History: Set API Key…'.");
  });

  test('a used-up quota is not reported as a bad key', async () => {
    server.handle((_req, res) =>
      sendJson(res, 401, { detail: { status: 'quota_exceeded', message: 'This request exceeds your quota of 10000.' } }),
    );
    const error = await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(error.kind, 'engine');
    assert.match(error.message, /quota is used up \(401: This request exceeds your quota of 10000\.\)/);
  });

  test('422 validation details name the field', async () => {
    server.handle((_req, res) =>
      sendJson(res, 422, { detail: [{ loc: ['body', 'model_id'], msg: 'model not found', type: 'value_error' }] }),
    );
    const error = await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(error.status, 422);
    assert.match(error.message, /rejected the request \(422: model_id: model not found\)/);
  });

  test('429 with Retry-After as an HTTP date', async () => {
    const when = new Date(Date.now() + 30_000).toUTCString();
    server.handle((_req, res) =>
      sendJson(res, 429, { detail: { status: 'too_many_concurrent_requests', message: 'Too many requests' } }, { 'retry-after': when }),
    );
    const error = await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(error.kind, 'rate-limit');
    assert.ok(error.retryAfterMs! > 20_000 && error.retryAfterMs! <= 30_000, String(error.retryAfterMs));
  });

  test('an audio body that is not audio is a bad response', async () => {
    server.handle((_req, res) => sendBytes(res, 200, new TextEncoder().encode('<html>Cloudflare: 520 origin error</html>'), 'audio/mpeg'));
    const error = await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(error.kind, 'bad-response');
    assert.match(error.message, /not audio \(\d+ bytes: "Cloudflare: 520 origin error"\)/);
  });

  test('listVoices reads GET /v1/voices', async () => {
    server.requests.length = 0;
    server.handle((_req, res) =>
      sendJson(res, 200, {
        voices: [
          { voice_id: 'v1', name: 'George', category: 'premade', labels: { accent: 'british', gender: 'male' }, extra: 1 },
          { voice_id: 'v2', name: null, category: 'cloned', labels: null },
        ],
      }),
    );
    const voices = await engine().listVoices();
    assert.equal(server.requests[0].path, '/v1/voices');
    assert.equal(server.requests[0].headers['xi-api-key'], 'xi-key');
    assert.deepEqual(voices, [
      { id: 'v1', name: 'George', description: 'premade, male, british' },
      { id: 'v2', name: 'v2', description: 'cloned' },
    ]);
  });

  test('a malformed JSON voice list is a bad response, not a crash', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"voices": [{"voice_id": "v1", "name": "Geo');
    });
    const error = await rejection(engine().listVoices());
    assert.equal(error.kind, 'bad-response');
    assert.match(error.message, /sent the voice list that is not valid JSON/);
    server.handle((_req, res) => sendJson(res, 200, { voices: 'none' }));
    assert.match((await rejection(engine().listVoices())).message, /unexpected shape .* at "voices"/);
  });

  test('out-of-range seed and settings are refused before any request', async () => {
    server.requests.length = 0;
    assert.match(
      (await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1', seed: -1 }, never))).message,
      /seed must be a whole number from 0 to 4294967295/,
    );
    assert.match(
      (await rejection(engine().synthesize({ text: 'Hi.', voice: 'v1', settings: { stability: 2 } }, never))).message,
      /Stability is between 0 and 1/,
    );
    assert.throws(() => engine({ outputFormat: 'ulaw_8000' as never }), /The setting "voiceHistory.elevenlabs.outputFormat" is invalid/);
    assert.equal(server.requests.length, 0);
  });
});
