// The script cue a generation voices: recorded with the generation (Generate Script), listed per
// document for change detection and the editor's lenses, and moved along when lines move. One
// part of the history service.
import { z } from 'zod';
import type { Writer } from '../store/database';
import { idSchema } from './schemas';
import { parse, type HistoryAccess } from './service-support';
import type { GenerationStatus, ScriptCueRecord } from './types';

const hashSchema = z.string().min(1).max(128);
const lineSchema = z.number().int().min(0);

export const scriptCueSchema = z
  .object({
    /** The document's URI as text (`file:///…`, `untitled:…`). */
    documentUri: z.string().min(1).max(4096),
    startLine: lineSchema,
    endLine: lineSchema,
    textHash: hashSchema,
    speaker: z.string().max(200).nullable(),
    /** The voice the cue's speaker maps to, as a stable key (engine, voice, profile, language, preset). */
    voiceKey: z.string().max(2000),
    lexiconHash: hashSchema.nullable(),
  })
  .strict()
  .refine((c) => c.endLine >= c.startLine, { message: 'endLine must not come before startLine' });
export type ScriptCueInput = z.input<typeof scriptCueSchema>;

const moveSchema = z.array(z.object({ generationId: idSchema, startLine: lineSchema, endLine: lineSchema }).strict()).max(100_000);
export type ScriptCueMove = z.input<typeof moveSchema>[number];

/** Inside the transaction that creates the generation. */
export function insertScriptCue(w: Writer, generationId: string, cue: z.output<typeof scriptCueSchema>): void {
  w.run(
    `INSERT INTO script_cues (generation_id, document_uri, start_line, end_line, text_hash, speaker, voice_key, lexicon_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [generationId, cue.documentUri, cue.startLine, cue.endLine, cue.textHash, cue.speaker, cue.voiceKey, cue.lexiconHash],
  );
}

export function parseScriptCue(input: unknown): z.output<typeof scriptCueSchema> {
  return parse(scriptCueSchema, input, 'script cue');
}

export class ScriptCueRecords {
  constructor(private readonly h: HistoryAccess) {}

  /** Every generation recorded for the document, in line order, newest first on a line. */
  async listForDocument(documentUri: string): Promise<ScriptCueRecord[]> {
    const uri = parse(z.string().min(1), documentUri, 'document URI');
    return this.h.read((r) =>
      r
        .rows(
          `SELECT c.generation_id, c.start_line, c.end_line, c.text_hash, c.speaker, c.voice_key, c.lexicon_hash, g.status, g.created_at,
             (SELECT count(*) FROM generation_versions v WHERE v.generation_id = c.generation_id)
           FROM script_cues c JOIN generations g ON g.id = c.generation_id
           WHERE c.document_uri = ? ORDER BY c.start_line, g.created_at DESC, g.seq DESC`,
          [uri],
        )
        .map((row): ScriptCueRecord => ({
          generationId: row[0] as string,
          documentUri: uri,
          startLine: row[1] as number,
          endLine: row[2] as number,
          textHash: row[3] as string,
          speaker: row[4] as string | null,
          voiceKey: row[5] as string,
          lexiconHash: row[6] as string | null,
          status: row[7] as GenerationStatus,
          createdAt: row[8] as number,
          takes: row[9] as number,
        })),
    );
  }

  /** Records where cues are now (they moved with their lines); unknown ids are skipped. */
  async move(moves: ScriptCueMove[]): Promise<number> {
    const list = parse(moveSchema, moves, 'cue moves');
    if (list.length === 0) return 0;
    const moved = await this.h.write((w) => {
      const ids: string[] = [];
      for (const m of list) {
        if (
          w.run('UPDATE script_cues SET start_line = ?, end_line = ? WHERE generation_id = ? AND NOT (start_line = ? AND end_line = ?)', [
            m.startLine,
            m.endLine,
            m.generationId,
            m.startLine,
            m.endLine,
          ])
        )
          ids.push(m.generationId);
      }
      return ids;
    });
    this.h.changed('generation', 'updated', moved);
    return moved.length;
  }
}
