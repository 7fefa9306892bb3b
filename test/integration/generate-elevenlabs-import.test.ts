// "Import from ElevenLabs…" inside a real VS Code against a local server on 127.0.0.1 that
// follows the history API contract: import, re-run dedupe, stop on a revoked key and resume.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { ElevenLabsImportOutcome } from '../../src/commands/elevenlabs-import';
import { sendJson } from '../unit/engines/http-fixtures';
import { FakeElevenLabs, GOOD_KEY, makeItems } from '../unit/sync/fake-elevenlabs';
import { activated } from './extension-api';
import { setConfig } from './tree-helpers';

describe('Import from ElevenLabs', () => {
  let fake: FakeElevenLabs;

  before(async () => {
    // Ids unique to this run so other suites' data never collides.
    const items = makeItems(7).map((item) => ({ ...item, history_item_id: `it-${Date.now()}-${item.history_item_id}` }));
    fake = await FakeElevenLabs.start(items);
    await setConfig('elevenlabs.baseUrl', fake.baseUrl);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.setApiKey', { engine: 'elevenlabs', key: GOOD_KEY }), true);
  });
  after(async () => {
    await setConfig('elevenlabs.baseUrl', undefined);
    await vscode.commands.executeCommand('voiceHistory.clearApiKey', 'elevenlabs');
    await fake.close();
  });

  const run = (args: Record<string, unknown>) =>
    vscode.commands.executeCommand<ElevenLabsImportOutcome | undefined>('voiceHistory.importFromElevenLabs', {
      pageSize: 3,
      resume: false,
      ...args,
    });

  it('imports every item with its audio, voice as profile, model and date; a second run downloads nothing', async function () {
    this.timeout(60_000);
    const api = await activated();
    const first = await run({});
    assert.ok(first, 'the command returns what it did');
    assert.equal(first.stopped, undefined);
    assert.deepEqual([first.imported, first.skipped, first.pages], [7, 0, 3]);
    const item = fake.items[2]!;
    const g = await api.history!.findByExternalId(item.history_item_id);
    assert.ok(g);
    assert.deepEqual(
      [g.text, g.profileName, g.engine, g.model, g.source, g.createdAt],
      [item.text, item.voice_name, 'elevenlabs', item.model_id, 'sync', item.date_unix * 1000],
    );
    assert.deepEqual(new Uint8Array(await fs.readFile(api.history!.resolveAudioPath(g))), fake.audioFor(item));

    fake.audioRequests = 0;
    const second = await run({});
    assert.deepEqual([second?.imported, second?.skipped], [0, 7]);
    assert.equal(fake.audioRequests, 0, 'nothing downloaded again');
  });

  it('stops when the key is refused, and resumes where it stopped', async function () {
    this.timeout(60_000);
    const api = await activated();
    const fresh = makeItems(5).map((item, i) => ({
      ...item,
      history_item_id: `it2-${Date.now()}-${i}`,
      date_unix: item.date_unix + 100_000,
    }));
    fake.items.push(...fresh);
    let listings = 0;
    fake.faults.push({
      match: (r) => r.path === '/v1/history' && ++listings === 2,
      respond: (res) => sendJson(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } }),
    });
    const stopped = await run({});
    assert.equal(stopped?.stopped?.kind, 'auth');
    assert.match(stopped!.stopped!.message, /ElevenLabs rejected the API key/);
    assert.equal(stopped?.imported, 3, 'the first page (the newest three) was imported before the refusal');

    fake.requests.length = 0;
    const resumed = await run({ resume: true });
    assert.equal(resumed?.resumed, true);
    assert.equal(resumed?.stopped, undefined);
    assert.equal(resumed?.imported, 2);
    assert.ok(
      fake.requests.find((r) => r.path === '/v1/history')?.query.get('start_after_history_item_id'),
      'continued after the saved position',
    );
    for (const item of fresh) assert.ok(await api.history!.findByExternalId(item.history_item_id), `${item.history_item_id} imported`);
  });

  it('filters are sent to ElevenLabs and bad ones are refused before anything is fetched', async () => {
    fake.requests.length = 0;
    const filtered = await run({ filters: { voiceId: 'v-george', search: 'ocean', sortDirection: 'asc' } });
    assert.equal(filtered?.stopped, undefined);
    const listing = fake.requests.find((r) => r.path === '/v1/history')!;
    assert.deepEqual(
      [listing.query.get('voice_id'), listing.query.get('search'), listing.query.get('sort_direction')],
      ['v-george', 'ocean', 'asc'],
    );
    fake.requests.length = 0;
    const refused = await run({ filters: { dateAfterUnix: 2000, dateBeforeUnix: 1000 } });
    assert.equal(refused, undefined);
    assert.equal(fake.requests.length, 0);
  });
});
