// `npm run bench -- scripts`: what Generate Script adds over the engine, and how fast an edit marks
// a cue stale. The same 100 cues are spoken by Flite directly (the reference, measured in the same
// run) and through Generate Script (queue, history rows, audio files, script cues, the story); the
// ratio is the overhead. edit_to_stale is the keystroke handler's work on a 200-line script (shift
// the recorded lines, parse the document again, match the cues): the part the extension controls
// between the keystroke and the decoration (VS Code's own painting comes on top).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FliteEngine } from '../../src/engines/flite';
import { EngineCatalog } from '../../src/generation/engines';
import { laneConcurrency, ScriptRun } from '../../src/generation/script-run';
import { cueLenses, shiftLines } from '../../src/generation/script-lines';
import { openHistory } from '../../src/history';
import { parseScript } from '../../src/script/parse';
import { median, time } from './stats';
import { fliteBenchOptions } from './worker-bundle';

const never = new AbortController().signal;

function script(cues: number, edited?: number): string {
  const front = ['---', 'cues: line', 'speakers:', '  ALICE: slt', '  BOB: rms', '---'];
  const body = Array.from({ length: cues }, (_, i) =>
    i === edited
      ? `ALICE: This line was edited a moment ago.`
      : `${i % 2 === 0 ? 'ALICE' : 'BOB'}: Line ${i + 1}, spoken for the benchmark of scripts.`,
  );
  return [...front, ...body, ''].join('\n');
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  const root = resolve(import.meta.dirname, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-scripts-'));
  const cues = quick ? 10 : 100;
  const rounds = quick ? 1 : 3;
  try {
    const options = await fliteBenchOptions(root, work);
    const engine = new FliteEngine(options);
    const catalog = new EngineCatalog([{ id: 'flite', displayName: 'Flite', create: () => engine, keep: true }]);
    try {
      await engine.synthesize({ text: 'Warm up.', voice: 'slt' }, never);
      const parsed = parseScript(script(cues), { fileName: 'bench.md' });
      const direct: number[] = [];
      const queued: number[] = [];
      for (let round = 0; round < rounds; round++) {
        direct.push(
          await time(async () => {
            for (const cue of parsed.cues) await engine.synthesize({ text: cue.text, voice: cue.speaker === 'BOB' ? 'rms' : 'slt' }, never);
          }),
        );
        const storageDir = join(work, `storage-${round}`);
        const history = await openHistory({ storageDir, checkOnOpen: false, tuning: { compactOnClose: false } });
        try {
          queued.push(
            await time(async () => {
              const r = await ScriptRun.prepare(
                {
                  history,
                  engines: catalog,
                  lexicon: null,
                  defaults: { engine: 'flite', voiceOf: () => 'slt' },
                  concurrency: (engine) => laneConcurrency(engine, 2),
                },
                { uri: 'file:///bench/bench.md', name: 'bench.md', script: parsed },
              );
              const result = await r.run();
              if (result.rendered !== cues) throw new Error(`rendered ${result.rendered} of ${cues}`);
            }),
          );
        } finally {
          await history.close();
        }
      }

      // The keystroke handler on a 200-line script with every cue voiced.
      const text = script(200);
      const records = parseScript(text, { fileName: 'bench.md' }).cues.map((c, i) => ({
        generationId: `g${i}`,
        documentUri: 'file:///bench/bench.md',
        startLine: c.startLine,
        endLine: c.endLine,
        textHash: c.textHash,
        speaker: c.speaker,
        voiceKey: 'engine=flite;voice=slt',
        lexiconHash: null,
        status: 'completed' as const,
        takes: 1,
        createdAt: i,
      }));
      const editedText = script(200, 120);
      const stale: number[] = [];
      for (let i = 0; i < (quick ? 3 : 50); i++) {
        stale.push(
          await time(() => {
            const shifted = shiftLines(records, { startLine: 126, endLine: 126, endCharacter: 40, newLineCount: 1 });
            const lenses = cueLenses(parseScript(editedText, { fileName: 'bench.md' }).cues, shifted);
            if (lenses.filter((l) => l.stale).length !== 1) throw new Error('the edited cue was not marked stale');
          }),
        );
      }
      const queuedMs = median(queued);
      const directMs = median(direct);
      return {
        'scripts.flite_100_cues_ms': Math.round(queuedMs),
        'scripts.flite_100_cues_direct_ms': Math.round(directMs),
        'scripts.flite_100_cues_ratio': Math.round((queuedMs / directMs) * 1000) / 1000,
        'scripts.edit_to_stale_ms': Math.round(median(stale) * 100) / 100,
      };
    } finally {
      await engine.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Runnable on its own: node --import tsx test/bench/scripts.bench.ts
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  run().then((results) => console.log(JSON.stringify(results, null, 2)));
}
