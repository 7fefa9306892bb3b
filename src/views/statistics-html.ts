// The statistics page: plain HTML and a stylesheet under the page's nonce, no scripts. Colours
// come from the theme's CSS variables, so it reads in light, dark and high-contrast themes.
// No `vscode` import: the panel passes the CSP source and the nonce.
import type { HistoryStats } from '../history';
import { formatBytes } from '../format/bytes';
import { formatCount } from '../format/text';
import { formatDateTime, formatLongDuration } from '../format/time';

export interface StatisticsPageInput {
  stats: HistoryStats;
  nonce: string;
  now?: Date;
}

const STATUS_WORDS = { completed: 'Completed', pending: 'Pending', generating: 'Generating', failed: 'Failed' } as const;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Only a stylesheet with this page's nonce; nothing runs, nothing is loaded. */
export function statisticsCsp(nonce: string): string {
  return ["default-src 'none'", `style-src 'nonce-${nonce}'`].join('; ');
}

export function statisticsHtml({ stats: s, nonce, now = new Date() }: StatisticsPageInput): string {
  const e = escapeHtml;
  const rows = (cells: string[][]): string =>
    cells.map((c) => `<tr>${c.map((x, i) => (i === 0 ? `<th scope="row">${x}</th>` : `<td>${x}</td>`)).join('')}</tr>`).join('\n');
  const summary: string[][] = [
    ['Generations', formatCount(s.totalGenerations)],
    ['Total audio', formatLongDuration(s.totalDurationSeconds)],
    ['Disk usage', formatBytes(s.bytesOnDisk)],
  ];
  for (const status of ['completed', 'pending', 'generating', 'failed'] as const) {
    const c = s.byStatus[status];
    if (c && c.count > 0) summary.push([STATUS_WORDS[status], formatCount(c.count)]);
  }
  const breakdown = (title: string, what: string, items: Array<{ name: string; count: number; durationSeconds: number }>): string => {
    if (items.length === 0) return `<h2>${title}</h2>\n<p class="empty">No generations yet.</p>`;
    const sorted = [...items].sort((a, b) => b.count - a.count);
    return `<h2>${title}</h2>
<table>
<thead><tr><th scope="col">${what}</th><th scope="col">Generations</th><th scope="col">Audio</th></tr></thead>
<tbody>
${rows(sorted.map((i) => [e(i.name), formatCount(i.count), formatLongDuration(i.durationSeconds)]))}
</tbody>
</table>`;
  };
  // Bars are classes in the nonce'd stylesheet: the CSP allows no style attributes.
  const max = Math.max(1, ...s.perDay.map((d) => d.count));
  const widths = new Set<number>();
  const days = s.perDay.map((d) => {
    const width = Math.round((d.count / max) * 100);
    widths.add(width);
    return [
      e(d.day),
      formatCount(d.count),
      d.count > 0 ? formatLongDuration(d.durationSeconds) : '',
      `<span class="bar w${width}" aria-hidden="true"></span>`,
    ];
  });
  const widthRules = [...widths].map((w) => `.w${w} { width: ${w}%; }`).join(' ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(statisticsCsp(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Voice History Statistics</title>
<style nonce="${e(nonce)}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 8px 20px 24px; max-width: 760px; }
  h1 { font-size: 1.5em; font-weight: 600; margin: 0.6em 0 0.2em; }
  h2 { font-size: 1.15em; font-weight: 600; margin: 1.6em 0 0.5em; padding-bottom: 4px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); }
  .asof { color: var(--vscode-descriptionForeground); margin: 0 0 1em; }
  .empty { color: var(--vscode-descriptionForeground); }
  table { border-collapse: collapse; width: 100%; }
  th, td { padding: 3px 10px 3px 0; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; white-space: normal; }
  thead th { color: var(--vscode-descriptionForeground); font-weight: 600; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); }
  tbody th { font-weight: normal; }
  tbody tr:hover { background: var(--vscode-list-hoverBackground); }
  table.summary { width: auto; min-width: 280px; }
  table.summary td { font-weight: 600; }
  td.chart { width: 40%; }
  .bar { display: block; height: 0.8em; min-width: 1px; background: var(--vscode-charts-blue, var(--vscode-textLink-foreground)); border-radius: 2px; }
  .w0 { background: transparent; }
  ${widthRules}
</style>
</head>
<body>
<h1>Voice History statistics</h1>
<p class="asof">As of ${e(formatDateTime(now.getTime()))}</p>
<table class="summary" aria-label="Totals">
<tbody>
${rows(summary)}
</tbody>
</table>
${breakdown(
  'By voice profile',
  'Profile',
  s.byProfile.map((p) => ({ name: p.profileName, count: p.count, durationSeconds: p.durationSeconds })),
)}
${breakdown(
  'By engine',
  'Engine',
  s.byEngine.map((x) => ({ name: x.engine ?? 'unknown', count: x.count, durationSeconds: x.durationSeconds })),
)}
<h2>Last 30 days</h2>
<table>
<thead><tr><th scope="col">Day</th><th scope="col">Generations</th><th scope="col">Audio</th><th scope="col" class="chart" aria-label="Chart"></th></tr></thead>
<tbody>
${days.map((c) => `<tr><th scope="row">${c[0]}</th><td>${c[1]}</td><td>${c[2]}</td><td class="chart">${c[3]}</td></tr>`).join('\n')}
</tbody>
</table>
</body>
</html>`;
}
