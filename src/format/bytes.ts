/**
 * Sizes as people read them ("512 B", "1.5 MB", "12 GB"). Pure: shared by the extension host's
 * views and the player webview so both say the same thing about the same file.
 */
export function formatBytes(bytes: number | null | undefined, empty = ''): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return empty;
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
