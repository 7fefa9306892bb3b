// HTTP safety of the engines and the ElevenLabs sync, against real servers on this machine: plain
// http only to loopback, no API key carried to another origin by a redirect, bounded bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../../src/engines/engine';
import { ElevenLabsEngine } from '../../../src/engines/elevenlabs';
import {
  isLoopbackHost,
  MAX_AUDIO_RESPONSE_BYTES,
  MAX_JSON_RESPONSE_BYTES,
  normaliseBaseUrl,
  send,
  type ServiceInfo,
} from '../../../src/engines/http';
import { OpenAiEngine } from '../../../src/engines/openai';
import { ElevenLabsHistoryClient } from '../../../src/sync/elevenlabs-history';
import { never, rejection } from './engine-errors';
import { makeMp3, sendBytes, sendJson, startServer, type TestServer } from './http-fixtures';

const service: ServiceInfo = {
  engineId: 'test',
  name: 'the test server',
  baseUrlSetting: 'voiceHistory.test.baseUrl',
  timeoutSetting: 'voiceHistory.test.timeoutSeconds',
};

test('plain http:// base URLs are accepted only for this machine', () => {
  for (const ok of [
    'http://localhost:8880',
    'http://127.0.0.1:5000/v1',
    'http://127.8.9.10',
    'http://[::1]:8080',
    'http://tts.localhost',
    'https://api.example.com',
    'https://10.0.0.5',
  ]) {
    assert.doesNotThrow(() => normaliseBaseUrl(service, ok), ok);
  }
  for (const bad of [
    'http://api.elevenlabs.io',
    'http://192.168.1.20:8880',
    'http://10.0.0.5',
    'http://localhost.example.com',
    'http://127.0.0.1.example.com',
  ]) {
    assert.throws(
      () => normaliseBaseUrl(service, bad),
      (e: unknown) =>
        e instanceof EngineError &&
        e.kind === 'invalid-input' &&
        /plain http:\/\/ to another machine.*Use https:\/\/.*"voiceHistory\.test\.baseUrl"/.test(e.message),
      bad,
    );
  }
  assert.equal(isLoopbackHost('[::1]'), true);
  assert.equal(isLoopbackHost('LOCALHOST.'), true);
});

test('engines and the sync refuse an http:// base URL to another machine before sending the key', async () => {
  const openai = new OpenAiEngine({ config: { baseUrl: 'http://192.0.2.1:8880', voices: ['alloy'] }, getApiKey: () => 'sk-secret' });
  const e1 = await rejection(openai.synthesize({ text: 'Hi.', voice: 'alloy' }, never));
  assert.equal(e1.kind, 'invalid-input');
  assert.match(e1.message, /voiceHistory\.openai\.baseUrl/);
  const eleven = new ElevenLabsEngine({ config: { baseUrl: 'http://api.elevenlabs.io' }, getApiKey: () => 'xi-secret' });
  assert.equal((await rejection(eleven.synthesize({ text: 'Hi.', voice: 'v1' }, never))).kind, 'invalid-input');
  assert.throws(
    () => new ElevenLabsHistoryClient({ apiKey: 'xi-secret', baseUrl: 'http://api.elevenlabs.io' }),
    (e: unknown) => e instanceof EngineError && /voiceHistory\.elevenlabs\.baseUrl/.test(e.message),
  );
});

describe('redirects and body sizes', () => {
  let api: TestServer;
  let elsewhere: TestServer;
  before(async () => {
    elsewhere = await startServer((_req, res) => sendBytes(res, 200, makeMp3(5), 'audio/mpeg'));
    api = await startServer((_req, res) => sendJson(res, 200, {}));
  });
  after(async () => {
    await api.close();
    await elsewhere.close();
  });

  const eleven = () => new ElevenLabsEngine({ config: { baseUrl: api.baseUrl }, getApiKey: () => 'xi-secret' });

  test('a redirect to another origin is not followed: the key never reaches it', async () => {
    for (const status of [301, 302, 307, 308]) {
      api.requests.length = 0;
      elsewhere.requests.length = 0;
      api.handle((_req, res) => {
        res.writeHead(status, { location: `${elsewhere.baseUrl}/v1/text-to-speech/v1` });
        res.end();
      });
      const error = await rejection(eleven().synthesize({ text: 'Hi.', voice: 'v1' }, never));
      assert.equal(error.kind, 'bad-response', String(status));
      assert.match(
        error.message,
        /redirected the request to another server \(http:\/\/127\.0\.0\.1:\d+\); it was not followed, so your API key was not sent there/,
      );
      assert.equal(elsewhere.requests.length, 0, `${status}: nothing reached the other origin`);
    }
  });

  test('a redirect within the same origin is followed, keeping the key (307 keeps the POST body)', async () => {
    api.requests.length = 0;
    api.handle((req, res) => {
      if (req.path === '/v1/text-to-speech/v1') {
        res.writeHead(307, { location: '/moved/v1/text-to-speech/v1' });
        res.end();
        return;
      }
      sendBytes(res, 200, makeMp3(5), 'audio/mpeg');
    });
    const result = await eleven().synthesize({ text: 'Hi.', voice: 'v1' }, never);
    assert.equal(result.format, 'mp3');
    assert.deepEqual(
      api.requests.map((r) => [r.method, r.path, r.headers['xi-api-key'], JSON.parse(r.body || '{}').text]),
      [
        ['POST', '/v1/text-to-speech/v1', 'xi-secret', 'Hi.'],
        ['POST', '/moved/v1/text-to-speech/v1', 'xi-secret', 'Hi.'],
      ],
    );
  });

  test('a redirect loop stops with a clear error', async () => {
    api.handle((_req, res) => {
      res.writeHead(302, { location: '/again' });
      res.end();
    });
    const error = await rejection(send(service, new URL(`${api.baseUrl}/start`), { timeoutMs: 5000 }));
    assert.match(error.message, /redirected more than 5 times/);
  });

  test('a JSON answer over 16 MB is refused while it streams; audio declared over 200 MB is refused from its header', async () => {
    assert.equal(MAX_JSON_RESPONSE_BYTES, 16 * 1024 * 1024);
    assert.equal(MAX_AUDIO_RESPONSE_BYTES, 200 * 1024 * 1024);
    // No content-length: the cap has to hold while reading.
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"voices":[');
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 20 && res.write(chunk)) sent++;
        if (sent < 20) res.once('drain', pump);
        else res.end(']}');
      };
      pump();
    });
    const json = await rejection(eleven().listVoices());
    assert.equal(json.kind, 'bad-response');
    assert.match(json.message, /sent more than 16 MB.*the response was not kept.*"voiceHistory\.elevenlabs\.baseUrl"/);
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(MAX_AUDIO_RESPONSE_BYTES + 1) });
      res.write(Buffer.alloc(1024));
    });
    const audio = await rejection(eleven().synthesize({ text: 'Hi.', voice: 'v1' }, never));
    assert.equal(audio.kind, 'bad-response');
    assert.match(audio.message, /sent more than 200 MB/);
  });

  test('an error body is read only for its message (a huge one is cut, not refused)', async () => {
    api.handle((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Upstream exploded ${'!'.repeat(3 * 1024 * 1024)}`);
    });
    const error = await rejection(send(service, new URL(`${api.baseUrl}/x`), { timeoutMs: 5000 }));
    assert.equal(error.status, 500);
    assert.match(error.message, /server error \(500: Upstream exploded/);
  });
});
