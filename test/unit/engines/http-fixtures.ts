// Real HTTP servers on 127.0.0.1 for engine and sync tests, and real audio bytes to serve.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wavHeader } from '../../../src/audio/wav';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replace the handler between tests. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(current(recorded, res)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  bytes: Uint8Array,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** A mono 16-bit WAV of a quiet 440 Hz tone. */
export function makeWav(seconds: number, sampleRate = 22_050): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const pcm = new Uint8Array(frames * 2);
  const view = new DataView(pcm.buffer);
  for (let i = 0; i < frames; i++) view.setInt16(i * 2, Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), true);
  const header = wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, dataLength: pcm.length });
  const out = new Uint8Array(header.length + pcm.length);
  out.set(header);
  out.set(pcm, header.length);
  return out;
}

/**
 * MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, joint stereo: 417-byte frames of 1152 samples.
 * `fill` varies the payload so different items have different bytes.
 */
export function makeMp3(frames: number, options: { id3?: boolean; fill?: number } = {}): Uint8Array {
  const frameLength = 417;
  const id3 = options.id3 ? id3Tag() : new Uint8Array(0);
  const out = new Uint8Array(id3.length + frames * frameLength);
  out.set(id3);
  for (let f = 0; f < frames; f++) {
    const at = id3.length + f * frameLength;
    out.set([0xff, 0xfb, 0x90, 0x44], at);
    out.fill(options.fill ?? 0x55, at + 4, at + frameLength);
  }
  return out;
}

export function mp3Seconds(frames: number): number {
  return (frames * 1152) / 44_100;
}

function id3Tag(): Uint8Array {
  const body = new Uint8Array(20); // padding only
  return new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, body.length, ...body]);
}
