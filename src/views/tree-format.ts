// What the History tree shows, computed without the VS Code API so it is testable in plain Node:
// a row's status word. The pure text, byte, time and date-bucket helpers live in src/format/ and
// are re-exported here for the tree's modules.
import type { GenerationStatus } from '../history';

export { formatBytes } from '../format/bytes';
export {
  intersectSpan,
  monthBucket,
  monthKey,
  monthLabel,
  recentBuckets,
  startOfMonth,
  startOfWeek,
  type DateBucket,
} from '../format/date-buckets';
export { firstLine, formatCount } from '../format/text';
export { formatDateTime, formatDuration, formatLongDuration, relativeTime, startOfDay } from '../format/time';

export function statusLabel(status: GenerationStatus): string {
  switch (status) {
    case 'pending':
      return 'pending';
    case 'generating':
      return 'generating';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
  }
}
