// Where a generation came from, kept in its `settings` under one key (`origin`) because the
// history has no columns for it: the source document and range (Speak Selection), whether the
// seed was chosen by the user, and which generation a regenerated take repeats. The rest of
// `settings` is what the engine applied.
import { z } from 'zod';
import type { Generation } from '../history';

/** Settings as the history stores them: JSON. */
export type JsonSettings = Record<string, z.infer<ReturnType<typeof z.json>>>;

/** Engines and APIs hand over `unknown` values; keep what JSON can hold (drops undefined). */
export function toJsonSettings(value: Record<string, unknown>): JsonSettings {
  return JSON.parse(JSON.stringify(value)) as JsonSettings;
}

export const ORIGIN_KEY = 'origin';

/** A range in a text document, 0-based like the editor API (the UI shows lines 1-based). */
export const sourceDocumentSchema = z.object({
  /** The document's URI as text (`file:///…`, `untitled:…`). */
  uri: z.string().min(1),
  startLine: z.number().int().min(0),
  startCharacter: z.number().int().min(0),
  endLine: z.number().int().min(0),
  endCharacter: z.number().int().min(0),
});
export type SourceDocument = z.infer<typeof sourceDocumentSchema>;

export const originSchema = z.object({
  document: sourceDocumentSchema.optional(),
  /** 'fixed': the user chose the seed, so Regenerate keeps it; 'random': Regenerate picks a new one. */
  seed: z.enum(['fixed', 'random']).optional(),
  /** The generation this one is a new take of. */
  regeneratedFrom: z.string().optional(),
});
export type GenerationOrigin = z.infer<typeof originSchema>;

/** The origin recorded on a generation, or undefined when it has none (imports, API, older rows). */
export function originOf(g: Pick<Generation, 'settings'>): GenerationOrigin | undefined {
  const raw = g.settings?.[ORIGIN_KEY];
  if (raw === undefined) return undefined;
  const parsed = originSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The engine's own settings of a generation (everything but the origin). */
export function engineSettingsOf(g: Pick<Generation, 'settings'>): JsonSettings {
  const { [ORIGIN_KEY]: _origin, ...rest } = g.settings ?? {};
  return toJsonSettings(rest);
}

/** Settings to store: what the engine applied plus the origin (left out when empty). */
export function withOrigin(settings: Record<string, unknown>, origin: GenerationOrigin | undefined): JsonSettings {
  const clean = Object.fromEntries(Object.entries(origin ?? {}).filter(([, v]) => v !== undefined));
  return toJsonSettings(Object.keys(clean).length > 0 ? { ...settings, [ORIGIN_KEY]: clean } : settings);
}

/** "narration.md:7" or "narration.md:7-9" (1-based lines), for rows and tooltips. */
export function sourceLabel(document: SourceDocument): string {
  const name = baseName(document.uri);
  // A selection that ends at the start of a line does not include that line.
  const lastLine = document.endLine > document.startLine && document.endCharacter === 0 ? document.endLine - 1 : document.endLine;
  return lastLine > document.startLine ? `${name}:${document.startLine + 1}-${lastLine + 1}` : `${name}:${document.startLine + 1}`;
}

/** Schemes a recorded source may be opened from: imported data could name any URI, so only documents of this machine or its remote. */
export const OPENABLE_SOURCE_SCHEMES: readonly string[] = ['file', 'untitled', 'vscode-remote'];

/** True when the recorded document is one the editor may open (a link, Go to Source). */
export function isOpenableSource(document: SourceDocument): boolean {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(document.uri)?.[1]?.toLowerCase();
  return scheme !== undefined && OPENABLE_SOURCE_SCHEMES.includes(scheme);
}

/** The recorded source document when it can be opened, else undefined. */
export function openableSourceOf(g: Pick<Generation, 'settings'>): SourceDocument | undefined {
  const document = originOf(g)?.document;
  return document && isOpenableSource(document) ? document : undefined;
}

/** A link target that opens the document at the range's first line (VS Code reads `#L<line>`). */
export function sourceLink(document: SourceDocument): string {
  return `${document.uri.replace(/#.*$/, '')}#L${document.startLine + 1}`;
}

function baseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.split(/[/\\]/).filter(Boolean).at(-1) ?? path;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
