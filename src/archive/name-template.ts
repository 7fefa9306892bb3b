// File names for "Export to Folder": a template such as `{profile}/{date}_{title|slug}_{id8}.{ext}`
// filled per generation, made safe on Windows, macOS and Linux, and always inside the chosen
// folder. A template that cannot be made safe (absolute, `..`, unknown placeholders, too long)
// is refused with a message that says how to fix it; values are sanitised silently.
//
// Placeholders (README "Export to Folder" lists the same):
//   {profile} {title} {slug} {text} {id} {id8} {date} {time} {engine} {model} {voice}
//   {language} {index} {ext};  {a|b} is a, or b when a is empty (e.g. {title|slug}).
import type { Generation } from '../history/types';
import { MAX_SEGMENT_BYTES, safeSegment, utf8Bytes } from '../format/file-name';
import { ArchiveError } from './errors';
import { shortId, slugify } from './names';

export { MAX_SEGMENT_BYTES, safeSegment };

export const DEFAULT_NAME_TEMPLATE = '{profile}/{date}_{title|slug}_{id8}.{ext}';

export const NAME_PLACEHOLDERS: Readonly<Record<string, string>> = {
  profile: 'voice profile name',
  title: 'the generation title (empty until titles exist; use {title|slug})',
  slug: 'the text as a short file-safe slug',
  text: 'the first 60 characters of the text',
  id: 'the full generation id',
  id8: 'the first 8 characters of the id',
  date: 'creation date, YYYY-MM-DD (UTC)',
  time: 'creation time, HH-MM-SS (UTC)',
  engine: 'engine id (flite, openai, elevenlabs)',
  model: 'model id',
  voice: 'voice id at the engine',
  language: 'language code',
  index: 'position in the export, 1-based, zero-padded',
  ext: 'file extension of the exported format',
};

/** Longest relative path written: leaves room under Windows' 260 for a typical destination. */
export const MAX_RELATIVE_BYTES = 200;
const MAX_DEPTH = 4;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const bytes = utf8Bytes;

export interface NameFields {
  generation: Pick<Generation, 'id' | 'text' | 'profileName' | 'createdAt' | 'engine' | 'model' | 'language'> & {
    title?: string | null;
    voiceId?: string | null;
  };
  ext: string;
  index: number;
  count: number;
}

function refuse(template: string, why: string): never {
  throw new ArchiveError('not-exportable', `The file name template "${template}" ${why}`);
}

/** Checks a template's shape once, before any file is written. */
export function checkTemplate(template: string): void {
  const t = template.trim();
  if (t === '') refuse(template, `is empty. Use e.g. ${DEFAULT_NAME_TEMPLATE}.`);
  if (/^([/\\]|[a-z]:)/i.test(t) || t.startsWith('~')) {
    refuse(template, 'is an absolute path. Templates name files inside the chosen folder: start with a placeholder or a folder name.');
  }
  const literal = t.replace(PLACEHOLDER, 'x');
  if (literal.split(/[/\\]/).some((seg) => seg.trim() === '..' || seg.trim() === '.')) {
    refuse(template, 'contains "." or ".." as a folder. Names must stay inside the chosen folder; remove it.');
  }
  if (/[{}]/.test(literal)) refuse(template, 'has an unmatched "{" or "}".');
  for (const m of t.matchAll(PLACEHOLDER)) {
    for (const name of m[1]!.split('|')) {
      if (!(name.trim() in NAME_PLACEHOLDERS)) {
        refuse(
          template,
          `uses {${m[1]}}, which is not a placeholder. Known: ${Object.keys(NAME_PLACEHOLDERS)
            .map((k) => `{${k}}`)
            .join(' ')}.`,
        );
      }
    }
  }
  if (t.split(/[/\\]/).filter((s) => s.trim() !== '').length > MAX_DEPTH + 1) {
    refuse(template, `nests more than ${MAX_DEPTH} folders; use fewer "/".`);
  }
}

function value(name: string, f: NameFields): string {
  const g = f.generation;
  const iso = new Date(g.createdAt).toISOString();
  switch (name) {
    case 'profile':
      return g.profileName || 'voice';
    case 'title':
      return g.title ?? '';
    case 'slug':
      return slugify(g.text, 48);
    case 'text':
      return g.text.replace(/\s+/g, ' ').trim().slice(0, 60);
    case 'id':
      return g.id;
    case 'id8':
      return shortId(g.id);
    case 'date':
      return iso.slice(0, 10);
    case 'time':
      return iso.slice(11, 19).replace(/:/g, '-');
    case 'engine':
      return g.engine ?? '';
    case 'model':
      return g.model ?? '';
    case 'voice':
      return g.voiceId ?? '';
    case 'language':
      return g.language ?? '';
    case 'index':
      return String(f.index).padStart(String(f.count).length, '0');
    case 'ext':
      return f.ext;
    default:
      return '';
  }
}

/** The relative path (with "/") for one generation; throws ArchiveError when it cannot be made safe. */
export function renderName(template: string, fields: NameFields): string {
  checkTemplate(template);
  return fillTemplate(template, fields);
}

/** renderName for a template `checkTemplate` has already passed (an export checks it once). */
export function fillTemplate(template: string, fields: NameFields): string {
  let t = template.trim();
  if (!/\{ext\}\s*$/.test(t)) t += '.{ext}';
  // Values never add folders: a "/" inside a profile name is just a character to replace.
  const filled = t.replace(PLACEHOLDER, (_m, names: string) => {
    for (const name of names.split('|')) {
      const v = value(name.trim(), fields).replace(/[/\\]/g, '-');
      if (v.trim() !== '') return v.replace(/\s+/g, ' ');
    }
    return '';
  });
  const segments = filled.split(/[/\\]/).filter((s) => s.trim() !== '');
  const safe = segments.map((s, i) => safeSegment(s, i === segments.length - 1));
  const rel = safe.join('/');
  if (bytes(rel) > MAX_RELATIVE_BYTES) {
    refuse(
      template,
      `gives names of ${bytes(rel)} bytes (e.g. "${rel.slice(0, 60)}…"); keep them under ${MAX_RELATIVE_BYTES}: use fewer folders or shorter placeholders ({slug}, {id8}).`,
    );
  }
  return rel;
}

/** Hands out relative paths unique ignoring case and normalisation; a clash gets -2, -3… before the extension. */
export class UniquePaths {
  private readonly used = new Set<string>();

  take(rel: string): string {
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? rel : rel.replace(/(\.[^./]+)?$/, (ext) => `-${i}${ext}`);
      const key = candidate.normalize('NFC').toLowerCase();
      if (!this.used.has(key)) {
        this.used.add(key);
        return candidate;
      }
    }
  }
}
