// What other layers import: `import { openHistory, type Generation } from '../history'`.
export * from './types';
export * from './schemas';
export * from './errors';
export { HistoryService, openHistory, type OpenHistoryOptions } from './service';
export type { ImportBatchResult } from './import-batch';
export type { TagEditResult } from './tags';
export type { StoryClip, StoryOutline, StorySummary } from './story-clips';
export type { ScriptCueInput, ScriptCueMove } from './script-cues';
