// Import limits against zip bombs and runaway archives. The three user-facing ones map to the
// settings voiceHistory.import.maxTotalMegabytes / maxEntries / maxCompressionRatio.
import { z } from 'zod';

export const DEFAULT_IMPORT_LIMITS = {
  maxTotalMegabytes: 4096,
  maxEntries: 50_000,
  maxCompressionRatio: 100,
  maxManifestMegabytes: 64,
} as const;

export const importLimitsSchema = z
  .object({
    /** Sum of the uncompressed sizes of all entries. */
    maxTotalMegabytes: z.number().positive().max(1_048_576).default(DEFAULT_IMPORT_LIMITS.maxTotalMegabytes),
    maxEntries: z.number().int().positive().max(10_000_000).default(DEFAULT_IMPORT_LIMITS.maxEntries),
    /** Uncompressed : compressed, per entry of 1 MB or more and for the archive as a whole. */
    maxCompressionRatio: z.number().min(1).max(100_000).default(DEFAULT_IMPORT_LIMITS.maxCompressionRatio),
    maxManifestMegabytes: z.number().positive().max(4096).default(DEFAULT_IMPORT_LIMITS.maxManifestMegabytes),
  })
  .strict();
export type ImportLimitsInput = z.input<typeof importLimitsSchema>;
export type ImportLimits = z.output<typeof importLimitsSchema>;

export const MB = 1024 * 1024;

/** The setting a user raises for each limit (named in rejection messages). */
export const LIMIT_SETTINGS = {
  maxTotalMegabytes: 'voiceHistory.import.maxTotalMegabytes',
  maxEntries: 'voiceHistory.import.maxEntries',
  maxCompressionRatio: 'voiceHistory.import.maxCompressionRatio',
} as const;
