// What a caller asks to be spoken: the input of Speak Selection, Generate Speech… (also when
// another extension or a keybinding passes it as the command's argument) and the sample data.
import { z } from 'zod';
import { languageSchema, MAX_TEXT_LENGTH, profileNameSchema } from '../history';
import { sourceDocumentSchema } from './origin';
import { describeIssues } from '../format/issues';

/** ElevenLabs takes 0..4294967295; the others take no seed. */
export const MAX_SEED = 4_294_967_295;

export const generationRequestSchema = z
  .object({
    /** Engine id: 'flite', 'openai', 'elevenlabs'. */
    engine: z.string().trim().min(1, 'Name the engine: flite, openai or elevenlabs.'),
    /** The engine's voice id (Flite `slt`, an OpenAI voice name, an ElevenLabs voice_id). */
    voice: z.string().trim().min(1, "Name the voice (the engine's voice id)."),
    /** Display name of the voice profile when it is created; the engine's voice name by default. */
    profileName: profileNameSchema.optional(),
    text: z
      .string()
      .max(MAX_TEXT_LENGTH, `The text is limited to ${MAX_TEXT_LENGTH.toLocaleString('en')} characters; split it into parts.`)
      .refine((t) => t.trim().length > 0, 'The text is empty; select or type something to speak.'),
    language: languageSchema.optional(),
    /** A seed the user chose; Regenerate keeps it. Without one, engines that take a seed get a random one. */
    seed: z.number().int().min(0).max(MAX_SEED, `The seed is a whole number from 0 to ${MAX_SEED}.`).optional(),
    instruct: z.string().trim().max(10_000).optional(),
    /** Overrides the engine's configured model. */
    model: z.string().trim().min(1).max(128).optional(),
    /** Engine-specific settings (speed, stability, …); the engine checks them. */
    settings: z.record(z.string(), z.json()).optional(),
    /** The document and range the text was taken from (Speak Selection, Generate Script). */
    document: sourceDocumentSchema.optional(),
    /** The script cue this voices (Generate Script): recorded with `document` for change detection. */
    cue: z
      .object({
        textHash: z.string().min(1).max(128),
        speaker: z.string().max(200).nullable(),
        voiceKey: z.string().max(2000),
        lexiconHash: z.string().min(1).max(128).nullable(),
      })
      .strict()
      .optional(),
  })
  .refine((r) => !r.cue || r.document, { message: 'A script cue needs the document it is in.', path: ['document'] })
  .strict();

export type GenerationRequestInput = z.input<typeof generationRequestSchema>;
export type GenerationRequest = z.output<typeof generationRequestSchema>;

/** Thrown for a request that cannot even be recorded (empty text, unknown fields): nothing was stored. */
export class GenerationRequestError extends Error {
  override readonly name = 'GenerationRequestError';
}

export function parseGenerationRequest(input: unknown): GenerationRequest {
  const parsed = generationRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = describeIssues(parsed.error.issues, {
    more: (i) => (i.code === 'unrecognized_keys' ? ` Known fields: ${Object.keys(generationRequestSchema.shape).join(', ')}.` : ''),
  });
  throw new GenerationRequestError(`Cannot generate speech: ${detail}`);
}
