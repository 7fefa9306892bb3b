/**
 * What the player's parts share (render, transport, actions, live updates, and the app that
 * loads generations): what is on screen, the page's saved state, and the way to the host.
 */
import type { TRPCClient } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { PlayerRouter } from '../../src/player/router';
import type { Layout } from './layout';
import type { PersistedState } from './state';
import type { Waveform } from './waveform';

type Outputs = inferRouterOutputs<PlayerRouter>;
export type Generation = Outputs['history']['get'];
export type Version = Outputs['versions']['list'][number];
export type AudioInfo = Outputs['history']['audio'];
export type SourceInfo = NonNullable<Outputs['player']['source']>;
export type PlayerClient = TRPCClient<PlayerRouter>;

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface ShowOptions {
  autoplay: boolean;
  versionId?: string | null;
  position?: number;
  /** The host asked (Play in the tree): it already knows what the player shows. */
  fromHost?: boolean;
  /** Reopening after the view was hidden: a deleted item means "nothing selected", not an error. */
  restoring?: boolean;
  /** Open the effects panel once the generation shows. */
  effects?: boolean;
}

/** Timings the benchmark and the e2e tests read from the page (epoch ms, same clock as the workbench). */
export interface PlayerMetrics {
  /**
   * VS Code starting the webview's document, VS Code having written our page into it (its first
   * line runs), the bundle's first line, and the first frame on screen (after `load`).
   */
  documentStartAt?: number;
  htmlStartAt?: number;
  scriptStartAt?: number;
  firstPaintAt?: number;
  /** The generation text the first frame showed ('' for the empty state). */
  firstPaintText?: string;
  playRequestedAt?: number;
  playingAt?: number;
  /** Play request → `playing`, in ms. */
  startMs?: number;
  loadedId?: string;
  loadedVersionId?: string | null;
  loadedUrl?: string;
}

export const now = (): number => performance.timeOrigin + performance.now();

export interface Session {
  readonly ui: Layout;
  readonly wave: Waveform;
  readonly rpc: PlayerClient;
  readonly state: PersistedState;
  readonly metrics: PlayerMetrics;
  generation: Generation | null;
  versions: Version[];
  versionId: string | null;
  audio: AudioInfo | null;
  takes: Generation[];
  /** Where the text was spoken from, when it was (for Go to Source). */
  source: SourceInfo | null;
  /** The voice's friendly name ("slt — US English, female"), once the host said it. */
  voice: string | null;
  /** Increases with every load; work started under an older token drops its result. */
  token: number;
  /** The shown generation was deleted: only the message remains. */
  gone: boolean;
  /** The generation this page is deleting itself (its own Delete button): not "deleted elsewhere". */
  deletingId: string | null;

  show(id: string, opts: ShowOptions): Promise<void>;
  loadAudio(token: number, opts: { autoplay: boolean; position: number }): Promise<void>;
  loadTakes(token: number): Promise<void>;
  /** Tells the host what is on screen (it does not see the page). */
  report(generationId: string | null, versionId: string | null): void;
  /** Shows only a message: the generation is gone. */
  markGone(message: string): void;
  /** Drops the saved item (it no longer exists). */
  forget(): void;
  save(): void;
}
