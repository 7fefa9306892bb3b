/**
 * What the user does to the shown generation: favourite, copy, export, reveal, delete, go to its
 * source, pick a version or a neighbour. Everything that needs the host (dialogs, clipboard, the
 * tree) is a call on the player router; failures are announced, never thrown.
 */
import type { Render } from './render';
import type { Session } from './session';
import { failureOf } from './state';
import type { Transport } from './transport';

export type Action = 'copy' | 'exportGeneration' | 'exportAudio' | 'reveal' | 'delete';

export class Actions {
  constructor(
    private readonly s: Session,
    private readonly render: Render,
    private readonly transport: Transport,
  ) {}

  async toggleFavorite(): Promise<void> {
    const g = this.s.generation;
    if (!g || this.s.gone) return;
    await this.attempt(async () => {
      this.s.generation = await this.s.rpc.history.setFavorite.mutate({ id: g.id, favorite: !g.isFavorited });
      this.render.favorite();
      this.render.announce(this.s.generation.isFavorited ? 'Added to favorites' : 'Removed from favorites');
    });
  }

  /** Saves the notes typed in the details (nothing when they did not change). */
  async saveNotes(value: string): Promise<void> {
    const g = this.s.generation;
    if (!g || this.s.gone || (g.notes ?? '') === value) return;
    await this.attempt(async () => {
      this.s.generation = await this.s.rpc.player.setNotes.mutate({ id: g.id, notes: value });
      this.render.announce(this.s.generation.notes ? 'Notes saved' : 'Notes cleared');
    });
  }

  async act(what: Action): Promise<void> {
    const { s } = this;
    const g = s.generation;
    if (!g || s.gone) return;
    await this.attempt(async () => {
      switch (what) {
        case 'copy':
          await s.rpc.player.copyText.mutate({ id: g.id });
          this.render.announce('Text copied');
          break;
        case 'reveal': {
          const { revealed } = await s.rpc.player.revealInTree.mutate({ id: g.id });
          if (!revealed) this.render.announce('The History view cannot show this generation with its current filter.');
          break;
        }
        case 'delete': {
          s.deletingId = g.id;
          try {
            const { deleted } = await s.rpc.player.delete.mutate({ id: g.id });
            if (deleted) s.markGone('This generation was deleted.');
          } finally {
            s.deletingId = null;
          }
          break;
        }
        case 'exportGeneration':
        case 'exportAudio': {
          const outcome =
            what === 'exportGeneration'
              ? await s.rpc.archive.exportGeneration.mutate({ id: g.id })
              : await s.rpc.archive.exportAudio.mutate({ id: g.id });
          if (outcome.exported) this.render.announce(`Exported ${outcome.fileName ?? ''}`.trim());
          break;
        }
      }
    });
  }

  async goToSource(): Promise<void> {
    const g = this.s.generation;
    if (!g || this.s.gone) return;
    await this.attempt(() => this.s.rpc.player.goToSource.mutate({ id: g.id }));
  }

  reconcile(): void {
    void this.attempt(() => this.s.rpc.archive.reconcile.mutate());
  }

  /** The next or previous generation of the tree's list; keeps playing if it was. */
  async neighbour(direction: 'next' | 'previous'): Promise<void> {
    const wasPlaying = this.s.wave.playing;
    await this.attempt(async () => {
      const target = direction === 'next' ? await this.s.rpc.player.next.mutate() : await this.s.rpc.player.previous.mutate();
      if (!target) {
        this.render.announce(
          direction === 'next' ? 'This is the last generation in the list.' : 'This is the first generation in the list.',
        );
        return;
      }
      await this.s.show(target.id, { autoplay: wasPlaying, fromHost: true });
    });
  }

  /** The version played before the current one (what A/B switches back to). */
  private otherVersionId: string | null = null;

  /** Plays another version from the same position (A/B comparison), playing on if it was. */
  async switchVersion(versionId: string): Promise<void> {
    const { s } = this;
    if (versionId === s.versionId || !s.generation) return;
    const wasPlaying = s.wave.playing;
    const position = s.wave.time;
    this.otherVersionId = s.versionId;
    s.versionId = versionId;
    s.state.position = position;
    this.render.versions();
    if (wasPlaying) this.transport.markPlayRequested();
    await s.loadAudio(++s.token, { autoplay: wasPlaying, position });
    this.render.announce(`Playing ${s.versions.find((v) => v.id === versionId)?.label ?? 'the version'}`);
  }

  /** A: back to the version heard before this one (else the default, else the next one). */
  async abSwitch(): Promise<void> {
    const { s } = this;
    const others = s.versions.filter((v) => v.id !== s.versionId);
    if (others.length === 0) return this.render.announce('This generation has only one version.');
    const target = others.find((v) => v.id === this.otherVersionId) ?? others.find((v) => v.isDefault) ?? others[0]!;
    await this.switchVersion(target.id);
  }

  async setDefaultVersion(versionId: string): Promise<void> {
    const { s } = this;
    await this.attempt(async () => {
      await s.rpc.versions.setDefault.mutate({ versionId });
      if (s.generation) s.versions = await s.rpc.versions.list.query({ generationId: s.generation.id });
      this.render.versions();
      this.render.announce('Default version set');
    });
  }

  private async attempt(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (e) {
      this.render.announce(failureOf(e).message);
    }
  }
}
