// A local ElevenLabs history API on 127.0.0.1 that follows the documented contract:
// GET /v1/history scans `page_size` items after `start_after_history_item_id`, returns the ones
// matching the filters (so a page can be short, even empty, with has_more true), and reports
// the last *scanned* item as last_history_item_id; GET /v1/history/{id}/audio; DELETE /v1/history/{id}.
import type { ServerResponse } from 'node:http';
import { makeMp3, sendBytes, sendJson, startServer, type RecordedRequest, type TestServer } from '../engines/http-fixtures';

export const GOOD_KEY = 'xi-good-key';

export interface FakeItem {
  history_item_id: string;
  request_id: string;
  voice_id: string;
  voice_name: string;
  voice_category: string;
  model_id: string;
  text: string;
  date_unix: number;
  character_count_change_from: number;
  character_count_change_to: number;
  content_type: string;
  state: string;
  settings: Record<string, unknown>;
  source: string;
  output_format: string;
  dialogue?: Array<{ text: string; voice_id: string; voice_name: string }> | null;
}

/** A fault answers one matching request instead of the normal handler. */
export interface Fault {
  match: (req: RecordedRequest) => boolean;
  respond: (res: ServerResponse) => void;
}

export class FakeElevenLabs {
  items: FakeItem[] = [];
  faults: Fault[] = [];
  audioRequests = 0;
  /** Per item id: a custom audio answer. */
  audioOverrides = new Map<string, (res: ServerResponse) => void>();

  private constructor(readonly server: TestServer) {}

  static async start(items: FakeItem[]): Promise<FakeElevenLabs> {
    const fake: FakeElevenLabs = new FakeElevenLabs(await startServer((req, res) => fake.route(req, res)));
    fake.items = items;
    return fake;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  audioFor(item: FakeItem): Uint8Array {
    return makeMp3(5 + this.items.indexOf(item), { fill: this.items.indexOf(item) });
  }

  private route(req: RecordedRequest, res: ServerResponse): void {
    const faultIndex = this.faults.findIndex((f) => f.match(req));
    if (faultIndex >= 0) {
      const [fault] = this.faults.splice(faultIndex, 1);
      fault.respond(res);
      return;
    }
    if (req.headers['xi-api-key'] !== GOOD_KEY) {
      sendJson(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } });
      return;
    }
    const audio = /^\/v1\/history\/([^/]+)\/audio$/.exec(req.path);
    const one = /^\/v1\/history\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && req.path === '/v1/history') this.list(req, res);
    else if (req.method === 'GET' && audio) this.audio(decodeURIComponent(audio[1]), res);
    else if (req.method === 'DELETE' && one) this.remove(decodeURIComponent(one[1]), res);
    else sendJson(res, 404, { detail: 'Not Found' });
  }

  private list(req: RecordedRequest, res: ServerResponse): void {
    const q = req.query;
    const pageSize = Number(q.get('page_size') ?? 100);
    if (!(pageSize >= 1 && pageSize <= 1000)) {
      sendJson(res, 422, { detail: [{ loc: ['query', 'page_size'], msg: 'must be 1..1000', type: 'value_error' }] });
      return;
    }
    const asc = q.get('sort_direction') === 'asc';
    const ordered = [...this.items].sort((a, b) => (asc ? a.date_unix - b.date_unix : b.date_unix - a.date_unix));
    const after = q.get('start_after_history_item_id');
    let start = 0;
    if (after) {
      const index = ordered.findIndex((i) => i.history_item_id === after);
      if (index < 0) {
        sendJson(res, 400, { detail: { status: 'invalid_cursor', message: 'Unknown start_after_history_item_id' } });
        return;
      }
      start = index + 1;
    }
    const window = ordered.slice(start, start + pageSize);
    const matches = (i: FakeItem): boolean =>
      (!q.get('voice_id') || i.voice_id === q.get('voice_id')) &&
      (!q.get('model_id') || i.model_id === q.get('model_id')) &&
      (!q.get('date_before_unix') || i.date_unix < Number(q.get('date_before_unix'))) &&
      (!q.get('date_after_unix') || i.date_unix >= Number(q.get('date_after_unix'))) &&
      (!q.get('search') || i.text.toLowerCase().includes(q.get('search')!.toLowerCase())) &&
      (!q.get('source') || i.source === q.get('source'));
    const last = window.at(-1);
    sendJson(res, 200, {
      history: window.filter(matches),
      last_history_item_id: last?.history_item_id ?? null,
      has_more: start + window.length < ordered.length,
      scanned_until: last?.date_unix ?? null,
    });
  }

  private audio(id: string, res: ServerResponse): void {
    this.audioRequests++;
    const override = this.audioOverrides.get(id);
    if (override) {
      override(res);
      return;
    }
    const item = this.items.find((i) => i.history_item_id === id);
    if (!item) sendJson(res, 404, { detail: { status: 'history_item_not_found', message: `No history item ${id}` } });
    else sendBytes(res, 200, this.audioFor(item), 'audio/mpeg');
  }

  private remove(id: string, res: ServerResponse): void {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.history_item_id !== id);
    if (this.items.length === before)
      sendJson(res, 404, { detail: { status: 'history_item_not_found', message: `No history item ${id}` } });
    else sendJson(res, 200, { status: 'ok' });
  }
}

/** n items, newest last; voices, models and sources vary in a fixed pattern. */
export function makeItems(n: number, voiceOf: (i: number) => 'george' | 'rachel' = (i) => (i % 2 === 0 ? 'george' : 'rachel')): FakeItem[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const voice = voiceOf(i);
    return {
      history_item_id: `h${String(i).padStart(2, '0')}`,
      request_id: `req${i}`,
      voice_id: voice === 'george' ? 'v-george' : 'v-rachel',
      voice_name: voice === 'george' ? 'George' : 'Rachel',
      voice_category: 'premade',
      model_id: i % 3 === 0 ? 'eleven_flash_v2_5' : 'eleven_multilingual_v2',
      text: `Line number ${i}${i % 5 === 0 ? ' about the ocean' : ''}.`,
      date_unix: 1_700_000_000 + i * 60,
      character_count_change_from: 1000 + i * 10,
      character_count_change_to: 1000 + i * 10 + 20 + i,
      content_type: 'audio/mpeg',
      state: 'created',
      settings: { stability: 0.5, similarity_boost: 0.75, style: 0, use_speaker_boost: true },
      source: i % 7 === 0 ? 'STS' : 'TTS',
      output_format: 'mp3_44100_128',
    };
  });
}
