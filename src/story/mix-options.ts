/**
 * What a story export is written as and how loud: the choices the Export Story command offers,
 * checked by zod where they cross into the mix worker.
 */
import { z } from 'zod';
import { MP3_BITRATES } from '../audio/encode/protocol';

export const mixTargetSchema = z.discriminatedUnion('codec', [
  z.object({ codec: z.literal('wav'), bits: z.union([z.literal(16), z.literal(24)]) }),
  z.object({ codec: z.literal('flac'), bits: z.union([z.literal(16), z.literal(24)]) }),
  z.object({
    codec: z.literal('mp3'),
    kbps: z.union(MP3_BITRATES.map((k) => z.literal(k)) as [z.ZodLiteral<64>, ...z.ZodLiteral<(typeof MP3_BITRATES)[number]>[]]),
  }),
  /** libvorbis VBR quality, −0.1 (smallest) to 1 (best). */
  z.object({ codec: z.literal('ogg'), quality: z.number().min(-0.1).max(1) }),
]);
export type MixTarget = z.infer<typeof mixTargetSchema>;

export const mixLevelSchema = z.object({
  /**
   * limit: a look-ahead limiter holds peaks under the ceiling (one pass unless a loudness target is set);
   * peak: one gain for the whole story so its true peak lands at the ceiling (never above it, even for a loudness target);
   * none: the plain sum (clipped only where it passes full scale).
   */
  mode: z.enum(['limit', 'peak', 'none']),
  /** True-peak ceiling in dBTP (default −1). */
  truePeakDb: z.number().min(-20).max(0).optional(),
  /** Integrated loudness target in LUFS (EBU R128), measured in a first pass over the mix. */
  loudnessLufs: z.number().min(-40).max(-5).optional(),
});
export type MixLevel = z.infer<typeof mixLevelSchema>;

export const FILE_EXTENSIONS: Readonly<Record<MixTarget['codec'], string>> = { wav: 'wav', flac: 'flac', mp3: 'mp3', ogg: 'ogg' };
