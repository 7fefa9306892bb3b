/**
 * The files of one export, written under hidden partial names beside their targets and put in
 * place together once every one is complete: a cancelled or failed export leaves none of them
 * (and never replaces an existing file with a half-made one).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { partialPathBeside } from './mixer';

export class StagedFiles {
  private readonly staged = new Map<string, string>();

  /** The partial path to write `target` at (its folder is made). */
  async stage(target: string): Promise<string> {
    if (this.staged.has(target)) throw new Error(`The export writes ${target} twice.`);
    await mkdir(dirname(target), { recursive: true });
    const partial = partialPathBeside(target);
    this.staged.set(target, partial);
    return partial;
  }

  async writeText(target: string, text: string): Promise<void> {
    await writeFile(await this.stage(target), text, 'utf8');
  }

  /** Renames every partial file to its target; returns the targets. */
  async commit(): Promise<string[]> {
    for (const [target, partial] of this.staged) await rename(partial, target);
    const done = [...this.staged.keys()];
    this.staged.clear();
    return done;
  }

  async discard(): Promise<void> {
    await Promise.all([...this.staged.values()].map((p) => rm(p, { force: true })));
    this.staged.clear();
  }
}
