// The statistics page: what it says, escaped, and a CSP that lets nothing run or load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statisticsCsp, statisticsHtml } from '../../../src/views/statistics-html';
import type { HistoryStats } from '../../../src/history';

const none = { count: 0, durationSeconds: 0 };
const stats: HistoryStats = {
  totalGenerations: 1234,
  totalDurationSeconds: 3725,
  bytesOnDisk: 5 * 1024 * 1024,
  byProfile: [
    { profileId: 'a', profileName: 'Alice <script>alert(1)</script>', count: 1000, durationSeconds: 3000 },
    { profileId: 'b', profileName: 'Bob', count: 234, durationSeconds: 725 },
  ],
  byEngine: [{ engine: null, count: 1234, durationSeconds: 3725 }],
  byStatus: {
    completed: { count: 1200, durationSeconds: 3725 },
    failed: { count: 34, durationSeconds: 0 },
    pending: none,
    generating: none,
  },
  perDay: [
    { day: '2026-12-01', count: 0, durationSeconds: 0 },
    { day: '2026-12-02', count: 4, durationSeconds: 10 },
    { day: '2026-12-03', count: 2, durationSeconds: 5 },
  ],
};

test('totals, breakdowns and the last days, with names escaped', () => {
  const html = statisticsHtml({ stats, nonce: 'n0nce' });
  assert.match(html, /<th scope="row">Generations<\/th><td>1,234<\/td>/);
  assert.match(html, /<th scope="row">Failed<\/th><td>34<\/td>/);
  assert.doesNotMatch(html, /Pending/, 'statuses without generations are left out');
  assert.ok(html.includes('Alice &lt;script&gt;alert(1)&lt;/script&gt;'), 'a profile name is text, not markup');
  assert.ok(html.indexOf('Alice') < html.indexOf('Bob'), 'most generations first');
  assert.match(html, /<th scope="row">unknown<\/th>/);
  assert.match(html, /<span class="bar w100"/);
  assert.match(html, /<span class="bar w50"/);
  assert.match(html, /\.w50 \{ width: 50%; \}/);
});

test('no scripts; only its own stylesheet under the nonce', () => {
  const html = statisticsHtml({ stats, nonce: 'n0nce' });
  assert.doesNotMatch(html.replace('Alice &lt;script&gt;', ''), /<script/);
  assert.equal(statisticsCsp('n0nce'), "default-src 'none'; style-src 'nonce-n0nce'");
  assert.match(html, /<style nonce="n0nce">/);
  assert.doesNotMatch(html, / style="/, 'no style attributes (the CSP refuses them)');
});
