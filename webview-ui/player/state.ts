/**
 * The player's logic that does not need a DOM: preferences and their persistence, keyboard
 * mapping, time and size formatting, waveform peaks for wavesurfer, what a history change means
 * for the item on screen, and how an RPC failure is presented. Pure, so it is tested in Node.
 */

// ---- preferences and persisted state ------------------------------------------------------

import { formatBytes as formatSharedBytes } from '../../src/format/bytes';
import { plainMessage } from '../../src/format/user-text';
import { formatClock, formatDateTime, formatDuration } from '../../src/format/time';
export { formatClock, formatDateTime, formatDuration };
import type { AudioFormatInfo } from '../../src/rpc/audio';
import { checkShown, type ShownSummary } from './first-frame';

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;
export const MIN_SPEED = SPEEDS[0];
export const MAX_SPEED = SPEEDS[SPEEDS.length - 1];
/** Seconds moved by ←/→ (and the ±5 s buttons). */
export const SEEK_STEP = 5;
/** Seconds moved by J/L. */
export const SEEK_LONG_STEP = 10;
/** Waveform resolution asked of the host: enough for a wide panel, small enough to send fast. */
export const PEAK_BUCKETS = 2000;

/** What survives the webview being hidden and shown again (getState/setState). */
export interface PlayerPrefs {
  speed: number;
  /** 0..1 */
  volume: number;
  muted: boolean;
  loop: boolean;
}

export interface PersistedState extends PlayerPrefs {
  v: 1;
  generationId: string | null;
  versionId: string | null;
  /** Seconds into the current version. */
  position: number;
  /** The generation's text and voice line as last shown, for the first frame (./first-frame). */
  shown?: ShownSummary;
}

export const DEFAULT_STATE: PersistedState = {
  v: 1,
  generationId: null,
  versionId: null,
  position: 0,
  speed: 1,
  volume: 1,
  muted: false,
  loop: false,
};

const isId = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length <= 64);

/**
 * The state VS Code kept for this webview, checked: anything unexpected (an older layout,
 * hand-edited storage) falls back to the defaults rather than breaking the player. Checked by
 * hand: this runs before first paint, and a schema library would cost more to load than it saves.
 */
export function restoreState(raw: unknown): PersistedState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_STATE };
  const s = raw as Record<keyof PersistedState, unknown>;
  const valid =
    s.v === 1 &&
    isId(s.generationId) &&
    isId(s.versionId) &&
    typeof s.position === 'number' &&
    typeof s.speed === 'number' &&
    typeof s.volume === 'number' &&
    typeof s.muted === 'boolean' &&
    typeof s.loop === 'boolean';
  if (!valid) return { ...DEFAULT_STATE };
  const position = s.position as number;
  const shown = s.generationId ? checkShown(s.shown) : undefined;
  return {
    v: 1,
    generationId: s.generationId as string | null,
    versionId: s.generationId ? (s.versionId as string | null) : null,
    position: Number.isFinite(position) && position > 0 ? position : 0,
    speed: clampSpeed(s.speed as number),
    volume: clampVolume(s.volume as number),
    muted: s.muted as boolean,
    loop: s.loop as boolean,
    ...(shown ? { shown } : {}),
  };
}

export function clampSpeed(speed: number): number {
  if (!Number.isFinite(speed)) return 1;
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
}

export function clampVolume(volume: number): number {
  if (!Number.isFinite(volume)) return 1;
  return Math.min(1, Math.max(0, volume));
}

/** The next speed step up or down from `speed` (which may sit between steps). */
export function stepSpeed(speed: number, direction: 1 | -1): number {
  const current = clampSpeed(speed);
  if (direction === 1) return SPEEDS.find((s) => s > current + 1e-9) ?? MAX_SPEED;
  return [...SPEEDS].reverse().find((s) => s < current - 1e-9) ?? MIN_SPEED;
}

/** A position moved by `delta` seconds, kept inside the audio. */
export function seekBy(position: number, delta: number, duration: number): number {
  return clampPosition((Number.isFinite(position) ? position : 0) + delta, duration);
}

export function clampPosition(position: number, duration: number): number {
  if (!Number.isFinite(position) || position < 0) return 0;
  if (!Number.isFinite(duration) || duration <= 0) return 0;
  return Math.min(position, duration);
}

// ---- keyboard -----------------------------------------------------------------------------

export type PlayerCommand =
  | { kind: 'togglePlay' }
  | { kind: 'seekBy'; seconds: number }
  | { kind: 'seekTo'; where: 'start' | 'end' }
  | { kind: 'speed'; direction: 1 | -1 }
  | { kind: 'toggleFavorite' }
  | { kind: 'toggleMute' }
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'abSwitch' }
  | { kind: 'effects' };

/** What kind of element has the focus when a key is pressed. */
export type FocusKind = 'text-input' | 'button' | 'slider' | 'other';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  focus: FocusKind;
}

/**
 * The player command a key press means, or null to leave the key alone (typing in a field,
 * activating a focused button with Space/Enter, or a chord meant for VS Code).
 */
export function commandForKey(press: KeyPress): PlayerCommand | null {
  if (press.focus === 'text-input') return null;
  // AltGr arrives as Ctrl+Alt on Windows and produces '[' / ']' on many layouts.
  const altGr = press.ctrlKey && press.altKey;
  if ((press.ctrlKey || press.metaKey || press.altKey) && !altGr) return null;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if ((key === ' ' || key === 'Enter') && press.focus === 'button') return null;
  switch (key) {
    case ' ':
    case 'k':
      return { kind: 'togglePlay' };
    case 'ArrowLeft':
      return { kind: 'seekBy', seconds: -SEEK_STEP };
    case 'ArrowRight':
      return { kind: 'seekBy', seconds: SEEK_STEP };
    case 'j':
      return { kind: 'seekBy', seconds: -SEEK_LONG_STEP };
    case 'l':
      return { kind: 'seekBy', seconds: SEEK_LONG_STEP };
    case 'Home':
      return press.focus === 'slider' ? { kind: 'seekTo', where: 'start' } : null;
    case 'End':
      return press.focus === 'slider' ? { kind: 'seekTo', where: 'end' } : null;
    case 'PageDown':
      return press.focus === 'slider' ? { kind: 'seekBy', seconds: -SEEK_LONG_STEP } : null;
    case 'PageUp':
      return press.focus === 'slider' ? { kind: 'seekBy', seconds: SEEK_LONG_STEP } : null;
    case '[':
      return { kind: 'speed', direction: -1 };
    case ']':
      return { kind: 'speed', direction: 1 };
    case 'f':
      return { kind: 'toggleFavorite' };
    case 'm':
      return { kind: 'toggleMute' };
    case 'n':
      return { kind: 'next' };
    case 'p':
      return { kind: 'previous' };
    case 'a':
      return { kind: 'abSwitch' };
    case 'e':
      return { kind: 'effects' };
    default:
      return null;
  }
}

/** Tooltips: what a control does and its keys, e.g. "Play (Space or K)". */
export const SHORTCUTS = {
  play: 'Play (Space or K)',
  pause: 'Pause (Space or K)',
  back: `Back ${SEEK_STEP} seconds (←; J for ${SEEK_LONG_STEP})`,
  forward: `Forward ${SEEK_STEP} seconds (→; L for ${SEEK_LONG_STEP})`,
  slower: 'Slower ([)',
  faster: 'Faster (])',
  speed: 'Playback speed ([ slower, ] faster)',
  favorite: 'Favorite (F)',
  unfavorite: 'Remove from favorites (F)',
  mute: 'Mute (M)',
  unmute: 'Unmute (M)',
  next: 'Next generation in the list (N)',
  previous: 'Previous generation in the list (P)',
  loop: 'Loop',
  ab: 'A/B: switch to the other version at the same position (A)',
  effects: 'Effects: build a chain, preview, save a version (E)',
  waveform: 'Position: click or drag to seek; ←/→ 5 s, PageUp/PageDown 10 s, Home/End',
} as const;

// ---- formatting ---------------------------------------------------------------------------

/** What a screen reader says for the waveform slider: "0:03 of 0:10". */
export function positionText(position: number, duration: number): string {
  return `${formatClock(position)} of ${formatClock(duration)}`;
}

/** A size for the details list; a dash where it is unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  return formatSharedBytes(bytes, '—');
}

export function formatSpeed(speed: number): string {
  return `${Number(speed.toFixed(2))}×`;
}

/** Format facts as the host's `history.audio` reports them. */
export type AudioFormat = AudioFormatInfo;

/** "WAV · PCM 16-bit · 16 kHz · mono". */
export function describeFormat(format: AudioFormat): string {
  const parts: string[] = [format.container === 'unknown' ? 'Unknown format' : format.container.toUpperCase()];
  if (format.encoding)
    parts.push(format.bitsPerSample ? `${format.encoding.toUpperCase()} ${format.bitsPerSample}-bit` : format.encoding.toUpperCase());
  if (format.sampleRate)
    parts.push(format.sampleRate % 1000 === 0 ? `${format.sampleRate / 1000} kHz` : `${(format.sampleRate / 1000).toFixed(1)} kHz`);
  if (format.channels) parts.push(format.channels === 1 ? 'mono' : format.channels === 2 ? 'stereo' : `${format.channels} channels`);
  return parts.join(' · ');
}

/** Why the webview will not play this audio, in words that say what to do; null when it will. */
export function unplayableMessage(format: AudioFormat): string | null {
  if (format.playable) return null;
  const what =
    format.container === 'wav'
      ? `a WAV file with ${format.encoding ?? 'an unsupported'} encoding`
      : format.container === 'unknown'
        ? 'in a format VS Code cannot identify (for example AAC/M4A or Opus)'
        : `${format.container.toUpperCase()}, which VS Code cannot play`;
  return `This audio is ${what}. VS Code plays WAV (PCM or float), MP3, FLAC and OGG/Vorbis only. Use "Export Audio" to play it in another application.`;
}

/** The subset of a generation the details list shows. */
export interface GenerationFacts {
  profileName: string;
  /** The voice's friendly name when known ("slt — US English, female"); else the profile name shows. */
  voice?: string | null;
  engine: string | null;
  model: string | null;
  language: string;
  seed: number | null;
  instruct: string | null;
  createdAt: number;
  status: string;
  error: string | null;
  duration: number | null;
  audioBytes: number | null;
  source: string;
}

export interface DetailRow {
  label: string;
  value: string;
}

/** The metadata rows, in display order; fields without a value are left out. */
export function detailRows(g: GenerationFacts, format: AudioFormat | null, formatTime: (ms: number) => string): DetailRow[] {
  const rows: DetailRow[] = [
    { label: 'Voice', value: g.voice || g.profileName },
    { label: 'Engine', value: g.engine ?? '' },
    { label: 'Model', value: g.model ?? '' },
    { label: 'Language', value: g.language },
    { label: 'Seed', value: g.seed == null ? '' : String(g.seed) },
    { label: 'Instruct', value: g.instruct ?? '' },
    { label: 'Created', value: formatTime(g.createdAt) },
    { label: 'Status', value: g.status },
    { label: 'Error', value: g.status === 'failed' ? (g.error ?? 'No reason was recorded.') : '' },
    { label: 'Duration', value: formatDuration(g.duration) },
    { label: 'File size', value: format ? formatBytes(format.bytes) : g.audioBytes == null ? '' : formatBytes(g.audioBytes) },
    { label: 'Format', value: format ? describeFormat(format) : '' },
    { label: 'Source', value: g.source === 'engine' ? '' : g.source },
  ];
  return rows.filter((r) => r.value !== '');
}

/** "reverb → pitch" from a version's effects chain (whatever shape the engine stored); empty when none. */
export function describeEffects(chain: readonly unknown[] | null): string {
  if (!chain || chain.length === 0) return '';
  return chain
    .map((e) => {
      if (typeof e === 'string') return e;
      if (e && typeof e === 'object') {
        const o = e as { type?: unknown; name?: unknown };
        if (typeof o.type === 'string') return o.type;
        if (typeof o.name === 'string') return o.name;
      }
      return 'effect';
    })
    .join(' → ');
}

// ---- waveform -----------------------------------------------------------------------------

export interface HostPeaks {
  min: number[][];
  max: number[][];
  durationSeconds: number;
}

/**
 * Wavesurfer draws channel 0 above the centre line and channel 1 below it (by magnitude), so
 * the host's per-channel min/max become one upper curve (largest max over channels) and one
 * lower curve (smallest min over channels).
 */
export function toWaveformChannels(peaks: HostPeaks): [number[], number[]] {
  const length = Math.max(0, ...peaks.max.map((c) => c.length), ...peaks.min.map((c) => c.length));
  const top = new Array<number>(length).fill(0);
  const bottom = new Array<number>(length).fill(0);
  for (const channel of peaks.max) for (let i = 0; i < channel.length; i++) if (channel[i] > top[i]) top[i] = channel[i];
  for (const channel of peaks.min) for (let i = 0; i < channel.length; i++) if (channel[i] < bottom[i]) bottom[i] = channel[i];
  return [top, bottom];
}

// ---- live changes -------------------------------------------------------------------------

/** The history's change events as `history.onChanged` delivers them. */
export type HistoryChange =
  | {
      kind: 'entity';
      entity: 'generation' | 'profile' | 'version' | 'story';
      op: 'created' | 'updated' | 'deleted';
      ids: string[];
      generationIds: string[];
    }
  | { kind: 'reload'; reason: string };

export interface ChangeImpact {
  /** The generation on screen was deleted. */
  deleted: boolean;
  /** Re-read the generation (favourite, status, profile name…). */
  generation: boolean;
  /** Re-read its versions (and the audio if the playing version changed). */
  versions: boolean;
  /** Re-read the takes of the same text. */
  takes: boolean;
}

const NO_IMPACT: ChangeImpact = { deleted: false, generation: false, versions: false, takes: false };

/** What a change elsewhere means for the generation on screen and the takes listed beside it. */
export function impactOf(change: HistoryChange, currentId: string | null, takeIds: readonly string[]): ChangeImpact {
  if (currentId === null) return NO_IMPACT;
  if (change.kind === 'reload') return { deleted: false, generation: true, versions: true, takes: true };
  const touchesCurrent = change.generationIds.includes(currentId) || (change.entity === 'generation' && change.ids.includes(currentId));
  const touchesTakes =
    change.generationIds.some((id) => takeIds.includes(id)) ||
    (change.entity === 'generation' && change.ids.some((id) => takeIds.includes(id)));
  switch (change.entity) {
    case 'generation':
      if (change.op === 'deleted' && change.ids.includes(currentId)) return { ...NO_IMPACT, deleted: true };
      // A new generation may be another take of the same text.
      return { deleted: false, generation: touchesCurrent, versions: false, takes: change.op !== 'updated' || touchesTakes };
    case 'version':
      return { ...NO_IMPACT, generation: touchesCurrent, versions: touchesCurrent };
    case 'profile':
      // A renamed profile changes the name shown; a deleted one deletes its generations (reported with them).
      return { ...NO_IMPACT, generation: touchesCurrent || change.op === 'updated', takes: touchesTakes };
    default:
      return NO_IMPACT;
  }
}

// ---- errors -------------------------------------------------------------------------------

/** An RPC failure reduced to what the view needs (`TRPCClientError.data` carries code and reason). */
export interface FailureInfo {
  code?: string;
  reason?: string;
  message: string;
}

export type Problem =
  | { kind: 'gone'; message: string }
  | { kind: 'audio-missing'; message: string }
  | { kind: 'no-audio'; message: string }
  | { kind: 'unplayable'; message: string }
  | { kind: 'error'; message: string };

export function problemOf(failure: FailureInfo): Problem {
  switch (failure.reason) {
    case 'GENERATION_NOT_FOUND':
      return { kind: 'gone', message: 'This generation no longer exists; it was deleted. Pick another one in the History view.' };
    case 'AUDIO_MISSING':
      return { kind: 'audio-missing', message: failure.message };
    case 'NO_AUDIO':
      return { kind: 'no-audio', message: failure.message };
    default:
      return { kind: 'error', message: failure.message || 'Something went wrong; see Output → Voice History for details.' };
  }
}

/** Reads code/reason/message from a thrown value (a TRPCClientError or anything else). */
export function failureOf(error: unknown): FailureInfo {
  if (typeof error === 'object' && error !== null) {
    const e = error as { message?: unknown; data?: { code?: unknown; reason?: unknown } | null };
    return {
      code: typeof e.data?.code === 'string' ? e.data.code : undefined,
      reason: typeof e.data?.reason === 'string' ? e.data.reason : undefined,
      // Shown in the player: sentences only (the host's log has the detail).
      message: plainMessage(typeof e.message === 'string' ? e.message : String(error)),
    };
  }
  return { message: plainMessage(String(error)) };
}

// ---- neighbours in lists ------------------------------------------------------------------

/** The version to play: the one asked for if it still exists, else the default, else the first. */
export function pickVersion<V extends { id: string; isDefault: boolean }>(versions: readonly V[], wanted: string | null): V | null {
  return versions.find((v) => v.id === wanted) ?? versions.find((v) => v.isDefault) ?? versions[0] ?? null;
}
