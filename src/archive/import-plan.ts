// What an import will write, fully validated and with its audio staged in a temp folder, before
// anything touches the history. One plan per archive or audio file: all of it or none of it.
import type { GenerationSource, GenerationStatus, JsonObject } from '../history/types';
import type { AudioProbe } from './audio-probe';

export interface PlannedProfile {
  name: string;
  description: string | null;
  language: string;
  engine: string | null;
  voiceId: string | null;
  /** The voice's default effects; kept only when the import creates the profile. */
  effectsChain?: unknown[] | null;
}

export interface PlannedPreset {
  name: string;
  description: string | null;
  effectsChain: unknown[];
}

export interface PlannedVersion {
  /** Key within the plan (the archive's version id, or a made-up one). */
  key: string;
  label: string;
  isDefault: boolean;
  effectsChain: unknown[] | null;
  sourceKey: string | null;
  /** Staged copy of the audio (deleted with the staging folder). */
  stagedPath: string;
  /** Measured from the audio itself. */
  probe: AudioProbe;
  sha256: string;
  /** Original time of the version (our archives); the generation's time when absent. */
  createdAt?: number | null;
  /** The seed a take was spoken with, and its measured loudness (our archives since version 2). */
  seed?: number | null;
  loudnessLufs?: number | null;
}

export interface PlannedGeneration {
  key: string;
  /** Name of the plan profile this generation belongs to. */
  profileName: string;
  text: string;
  language: string;
  engine: string | null;
  model: string | null;
  status: GenerationStatus;
  error: string | null;
  favorite: boolean;
  source: GenerationSource;
  externalId: string | null;
  settings: JsonObject | null;
  seed: number | null;
  instruct: string | null;
  createdAt: number | null;
  /** Oldest first; sources come before the versions made from them. */
  versions: PlannedVersion[];
  /** The user's title, notes and tags (our archives since version 2). */
  title?: string | null;
  notes?: string | null;
  tags?: string[];
}

export interface PlannedStory {
  name: string;
  description: string | null;
  /** Original time of the story (our archives); kept when the story is created here. */
  createdAt?: number | null;
  items: Array<{
    generationKey: string;
    versionKey: string | null;
    startMs: number;
    track: number;
    trimStartMs: number;
    trimEndMs: number;
    volume: number;
    fadeInMs?: number;
    fadeOutMs?: number;
  }>;
  /** Tracks whose settings differ from the defaults. */
  tracks?: Array<{ track: number; name: string | null; mute: boolean; solo: boolean; gain: number }>;
}

export interface ImportPlan {
  /** The file the plan came from (for messages). */
  label: string;
  profiles: Map<string, PlannedProfile>;
  generations: PlannedGeneration[];
  stories: PlannedStory[];
  /** User effect presets; one whose name exists here already is left as it is. */
  presets?: PlannedPreset[];
  /** What the file lists but could not be imported (e.g. a version whose audio is not in the archive), for the user. */
  leftOut?: string[];
}

export function defaultVersion(g: PlannedGeneration): PlannedVersion | undefined {
  return g.versions.find((v) => v.isDefault) ?? g.versions[0];
}

/** Orders versions so each comes after the version it was made from (stable otherwise). */
export function sourcesFirst(versions: PlannedVersion[]): PlannedVersion[] {
  const byKey = new Map(versions.map((v) => [v.key, v]));
  const out: PlannedVersion[] = [];
  const placed = new Set<string>();
  const place = (v: PlannedVersion, depth: number) => {
    if (placed.has(v.key) || depth > versions.length) return;
    const source = v.sourceKey ? byKey.get(v.sourceKey) : undefined;
    if (source) place(source, depth + 1);
    placed.add(v.key);
    out.push(v);
  };
  versions.forEach((v) => place(v, 0));
  return out;
}
