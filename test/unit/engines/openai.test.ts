import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { never, rejection } from './engine-errors';
import { OpenAiEngine, type OpenAiConfigInput } from '../../../src/engines/openai';
import { makeMp3, makeWav, mp3Seconds, sendBytes, sendJson, startServer, type TestServer } from './http-fixtures';

describe('OpenAI-compatible engine against a local /v1/audio/speech', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((_req, res) => sendBytes(res, 200, makeMp3(40), 'audio/mpeg'));
  });
  after(() => server.close());

  const engine = (config: Partial<OpenAiConfigInput> = {}, key: string | null = 'sk-test'): OpenAiEngine =>
    new OpenAiEngine({ config: { baseUrl: server.baseUrl, ...config }, getApiKey: () => key ?? undefined });

  test('sends the documented request and returns the audio with its duration', async () => {
    server.requests.length = 0;
    server.handle((_req, res) => sendBytes(res, 200, makeMp3(40), 'audio/mpeg'));
    const result = await engine({ model: 'tts-1' }).synthesize(
      { text: 'Hello there.', voice: 'nova', instruct: 'Cheerful.', settings: { speed: 1.25 } },
      never,
    );
    const [req] = server.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/audio/speech');
    assert.equal(req.headers.authorization, 'Bearer sk-test');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), {
      model: 'tts-1',
      input: 'Hello there.',
      voice: 'nova',
      response_format: 'mp3',
      speed: 1.25,
      instructions: 'Cheerful.',
    });
    assert.equal(result.format, 'mp3');
    assert.equal(result.mimeType, 'audio/mpeg');
    assert.equal(result.duration, mp3Seconds(40));
    assert.equal(result.model, 'tts-1');
    assert.deepEqual(result.settings, { response_format: 'mp3', speed: 1.25 });
  });

  test('local servers: no key means no Authorization header; a /v1 base URL and a path prefix both work', async () => {
    server.requests.length = 0;
    await engine({ baseUrl: `${server.baseUrl}/v1/` }, null).synthesize({ text: 'a', voice: 'af_bella' }, never);
    await engine({ baseUrl: `${server.baseUrl}/proxy/tts` }, '  ').synthesize({ text: 'b', voice: 'af_bella', model: 'kokoro' }, never);
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/v1/audio/speech', '/proxy/tts/v1/audio/speech'],
    );
    assert.equal(server.requests[0].headers.authorization, undefined);
    assert.equal(server.requests[1].headers.authorization, undefined);
    assert.equal(JSON.parse(server.requests[1].body).model, 'kokoro');
  });

  test('the bytes decide the format: a server that answers WAV to an MP3 request is fine', async () => {
    server.handle((_req, res) => sendBytes(res, 200, makeWav(0.5, 24_000), 'audio/mpeg'));
    const result = await engine().synthesize({ text: 'x', voice: 'alloy' }, never);
    assert.equal(result.format, 'wav');
    assert.equal(result.duration, 0.5);
  });

  test('response_format pcm (24 kHz raw) comes back as a WAV', async () => {
    server.handle((_req, res) => sendBytes(res, 200, new Uint8Array(24_000 * 2 * 2), 'audio/pcm'));
    const result = await engine({ responseFormat: 'pcm' }).synthesize({ text: 'x', voice: 'alloy' }, never);
    assert.equal(result.format, 'wav');
    assert.equal(result.sampleRate, 24_000);
    assert.equal(result.duration, 2);
  });

  test('a 200 whose body is not audio is a bad response that shows what came', async () => {
    server.handle((_req, res) => sendJson(res, 200, { error: null, note: 'queued' }));
    const error = await rejection(engine().synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.equal(error.kind, 'bad-response');
    assert.match(error.message, /not audio \(\d+ bytes of JSON\)/);
    server.handle((_req, res) => sendBytes(res, 200, new TextEncoder().encode('<html><body>Login required</body></html>'), 'text/html'));
    const html = await rejection(engine({ responseFormat: 'pcm' }).synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.equal(html.kind, 'bad-response');
    assert.match(html.message, /Login required/);
  });

  test("401 says to set the API key, with the server's own message", async () => {
    server.handle((_req, res) =>
      sendJson(res, 401, {
        error: { message: 'Incorrect API key provided: sk-te**st.', type: 'invalid_request_error', code: 'invalid_api_key' },
      }),
    );
    const error = await rejection(engine().synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(
      error.message,
      "The OpenAI-compatible server rejected the API key (401: Incorrect API key provided: sk-te**st.). Run 'Voice History: Set API Key…'.",
    );
  });

  test('429 is a rate limit that carries Retry-After', async () => {
    server.handle((_req, res) => sendJson(res, 429, { error: { message: 'Rate limit reached.' } }, { 'retry-after': '7' }));
    const error = await rejection(engine().synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.equal(error.kind, 'rate-limit');
    assert.equal(error.retryAfterMs, 7000);
    assert.ok(error.transient);
    assert.match(error.message, /limiting requests \(429: Rate limit reached\.\)\. Wait 7 s and try again\./);
  });

  test("a server's JSON answer or stack trace becomes its message, never the JSON or the frames", async () => {
    server.handle((_req, res) => sendJson(res, 200, { error: { message: 'model overloaded', type: 'server_error' } }));
    const json = await rejection(engine().synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.match(json.message, /not audio \(\d+ bytes of JSON saying "model overloaded"\)/);
    server.handle((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(
        'TypeError: boom\n    at handler (/srv/app.js:12:9)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      );
    });
    const stack = await rejection(engine().synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.match(stack.message, /server error \(500: TypeError: boom\)\. Try again later\./);
  });

  test('5xx and malformed JSON error bodies still give a readable error', async () => {
    server.handle((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error": {"message": "model not lo');
    });
    const error = await rejection(engine().synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.equal(error.kind, 'engine');
    assert.equal(error.status, 500);
    assert.ok(error.transient);
    assert.match(error.message, /server error \(500\)\. Try again later\./);
    server.handle((_req, res) => sendJson(res, 400, { detail: [{ loc: ['body', 'voice'], msg: 'unknown voice', type: 'value_error' }] }));
    const invalid = await rejection(engine().synthesize({ text: 'x', voice: 'nobody' }, never));
    assert.match(invalid.message, /rejected the request \(400: voice: unknown voice\)\. Check the voice, model and settings\./);
  });

  test('a server that does not answer in time is a timeout; an aborted request is cancelled', async () => {
    server.handle(() => undefined); // never answers
    const error = await rejection(engine({ timeoutMs: 200 }).synthesize({ text: 'x', voice: 'alloy' }, never));
    assert.equal(error.kind, 'timeout');
    assert.equal(
      error.message,
      'The OpenAI-compatible server did not answer within 0.2 s. Try again, or raise the "voiceHistory.openai.timeoutSeconds" setting for long texts.',
    );
    const controller = new AbortController();
    const pending = engine().synthesize({ text: 'x', voice: 'alloy' }, controller.signal);
    setImmediate(() => controller.abort());
    assert.equal((await rejection(pending)).kind, 'cancelled');
  });

  test('a server that is not running is a network error naming the address', async () => {
    const gone = await startServer(() => undefined);
    await gone.close();
    const error = await rejection(
      new OpenAiEngine({ config: { baseUrl: gone.baseUrl }, getApiKey: () => undefined }).synthesize({ text: 'x', voice: 'alloy' }, never),
    );
    assert.equal(error.kind, 'network');
    assert.match(
      error.message,
      new RegExp(`Could not reach the OpenAI-compatible server at ${gone.baseUrl.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)`),
    );
  });

  test('bad input and bad settings are refused before any request', async () => {
    server.requests.length = 0;
    assert.equal((await rejection(engine().synthesize({ text: '  ', voice: 'alloy' }, never))).kind, 'invalid-input');
    assert.match(
      (await rejection(engine().synthesize({ text: 'x', voice: 'alloy', settings: { speed: 10 } }, never))).message,
      /at most 4/,
    );
    assert.match(
      (await rejection(engine({ baseUrl: 'ftp://example.com' }).synthesize({ text: 'x', voice: 'alloy' }, never))).message,
      /not an http\(s\) URL/,
    );
    assert.throws(() => engine({ voices: [] }), /List at least one voice/);
    assert.equal(server.requests.length, 0);
  });

  test('voices come from the configuration', async () => {
    assert.deepEqual(await engine({ voices: ['af_bella', 'am_adam'] }).listVoices(), [
      { id: 'af_bella', name: 'af_bella' },
      { id: 'am_adam', name: 'am_adam' },
    ]);
    assert.equal((await engine().listVoices()).length, 10);
  });
});
