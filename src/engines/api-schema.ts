// Input of the public API's `recordGeneration`: how other extensions and tools put a generation
// they made into the history. Validated here; the extension wires it to the history service.
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { languageSchema, MAX_TEXT_LENGTH } from '../history/schemas';
import { errorMessage } from '../format/errors';

export const PUBLIC_API_VERSION = 1;
export const MAX_RECORDED_AUDIO_BYTES = 200 * 1024 * 1024;

const tooBig = `Audio is limited to ${MAX_RECORDED_AUDIO_BYTES / 1024 / 1024} MB per generation.`;

/** An absolute path from a path or a file: URI; anything else is an issue saying what to pass. */
function toLocalPath(value: string, ctx: z.RefinementCtx): string {
  const windowsDrive = /^[a-zA-Z]:[\\/]/.test(value);
  const scheme = windowsDrive ? undefined : /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(value)?.[1];
  if (scheme !== undefined) {
    if (scheme.toLowerCase() !== 'file') {
      ctx.addIssue({
        code: 'custom',
        message: `Only file: URIs can be recorded (got ${scheme}:). Download the audio first and pass its bytes or a local file path.`,
      });
      return z.NEVER;
    }
    try {
      return fileURLToPath(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a usable file URI (${errorMessage(error)}).` });
      return z.NEVER;
    }
  }
  if (!isAbsolute(value)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is a relative path; pass an absolute file path or a file: URI.` });
    return z.NEVER;
  }
  return value;
}

export type RecordedAudio = { kind: 'bytes'; data: Uint8Array } | { kind: 'file'; path: string };

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'plain'} object`;
  return `a ${typeof value}`;
}

/** Bytes (Uint8Array, Buffer, ArrayBuffer) or a local file given as an absolute path or a file: URI. */
export const recordedAudioSchema = z.unknown().transform((value, ctx): RecordedAudio | undefined => {
  if (value === null || value === undefined) return undefined;
  const bytes = value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : undefined;
  if (bytes) {
    if (bytes.length === 0) ctx.addIssue({ code: 'custom', message: 'The audio is empty (0 bytes).' });
    else if (bytes.length > MAX_RECORDED_AUDIO_BYTES) ctx.addIssue({ code: 'custom', message: tooBig });
    return { kind: 'bytes', data: bytes };
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'The audio location is empty; pass bytes, a file path or a file: URI.' });
      return z.NEVER;
    }
    return { kind: 'file', path: toLocalPath(trimmed, ctx) };
  }
  ctx.addIssue({
    code: 'custom',
    message: `Pass the audio as bytes (Uint8Array, Buffer or ArrayBuffer), an absolute file path or a file: URI (got ${describeValue(value)}).`,
  });
  return z.NEVER;
});

const createdAtSchema = z.union([
  z.number().int().min(0, 'createdAt is milliseconds since 1970 (UTC).'),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.date().transform((d) => d.getTime()),
]);

export const recordGenerationSchema = z
  .object({
    text: z.string().min(1, 'The text is empty; pass the text that was spoken.').max(MAX_TEXT_LENGTH),
    /** Required when status is 'completed'. */
    audio: recordedAudioSchema.optional(),
    /** Display name of the voice profile; defaults to `voice`. */
    profile: z.string().trim().min(1).max(100).nullish(),
    /** The engine's own voice id. */
    voice: z.string().trim().min(1).max(200).nullish(),
    engine: z.string().trim().min(1).max(64).default('external'),
    model: z.string().trim().min(1).max(128).nullish(),
    language: languageSchema.default('en'),
    seed: z.number().int().nullish(),
    instruct: z.string().max(10_000).nullish(),
    settings: z.record(z.string(), z.json()).nullish(),
    /** The API records finished attempts: 'completed' with audio, or 'failed' with an error. */
    status: z
      .enum(['completed', 'failed'], { message: "status is 'completed' (with audio) or 'failed' (with an error)." })
      .default('completed'),
    error: z.string().trim().min(1).max(10_000).nullish(),
    /** When it was generated (ms since 1970, ISO 8601 text or a Date); now when absent. */
    createdAt: createdAtSchema.nullish(),
    /** The generation's id in the caller's system; recording the same one twice is refused. */
    externalId: z.string().trim().min(1).max(200).nullish(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (!input.profile && !input.voice) {
      ctx.addIssue({
        code: 'custom',
        path: ['profile'],
        message: "Name the voice: pass `profile` (a display name) or `voice` (the engine's voice id).",
      });
    }
    if (input.status === 'completed' && !input.audio) {
      ctx.addIssue({
        code: 'custom',
        path: ['audio'],
        message: "A completed generation needs its audio (bytes, a file path or a file: URI); use status 'failed' with an error otherwise.",
      });
    }
    if (input.status === 'failed' && !input.error) {
      ctx.addIssue({ code: 'custom', path: ['error'], message: 'A failed generation needs its error message.' });
    }
  })
  .transform((input) => ({ ...input, profile: (input.profile ?? input.voice) as string }));

export type RecordGenerationInput = z.input<typeof recordGenerationSchema>;
export type RecordGeneration = z.output<typeof recordGenerationSchema>;

/** Thrown by parseRecordGeneration; `message` lists every problem with where it is. */
export class RecordGenerationError extends Error {
  override readonly name = 'RecordGenerationError';
  constructor(readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(`recordGeneration: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

export function parseRecordGeneration(input: unknown): RecordGeneration {
  const parsed = recordGenerationSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new RecordGenerationError(
    parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message:
        issue.code === 'unrecognized_keys'
          ? `${issue.message}. Known fields: ${Object.keys(recordGenerationSchema.in.shape).join(', ')}.`
          : issue.message,
    })),
  );
}
