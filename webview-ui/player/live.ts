/**
 * Live updates: open requests from the host (the tree's Play, its selection) and what changes in
 * the history while the player shows a generation (favourite, new versions, takes, a deletion).
 */
import type { Render } from './render';
import type { Generation, Session } from './session';
import { failureOf, impactOf, pickVersion, problemOf, type HistoryChange } from './state';

/** Bursts (an import, a bulk delete) become one refresh. */
const BATCH_MS = 50;

export class LiveUpdates {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: HistoryChange[] = [];

  constructor(
    private readonly s: Session,
    private readonly render: Render,
  ) {}

  subscribe(): void {
    const { rpc } = this.s;
    rpc.player.onOpenRequest.subscribe(undefined, {
      onData: (request) =>
        void this.s.show(request.generationId, { autoplay: request.autoplay, fromHost: true, effects: request.effects === true }),
      onError: (e) => this.render.announce(failureOf(e).message),
    });
    rpc.history.onChanged.subscribe(undefined, {
      onData: (change) => {
        this.pending.push(change as HistoryChange);
        this.timer ??= setTimeout(() => void this.apply(), BATCH_MS);
      },
      onError: (e) => this.render.announce(`Live updates stopped: ${failureOf(e).message}`),
    });
  }

  private async apply(): Promise<void> {
    const { s } = this;
    this.timer = undefined;
    const changes = this.pending.splice(0);
    const g = s.generation;
    if (!g || s.gone) return;
    const takeIds = s.takes.map((t) => t.id);
    const impact = { deleted: false, generation: false, versions: false, takes: false };
    for (const change of changes) {
      const i = impactOf(change, g.id, takeIds);
      impact.deleted ||= i.deleted;
      impact.generation ||= i.generation;
      impact.versions ||= i.versions;
      impact.takes ||= i.takes;
    }
    if (impact.deleted) {
      // Deleted in this window (the tree, a command): the user did it, so move on to its neighbour.
      if (s.deletingId !== g.id) await this.moveOnFrom(g.id);
      return;
    }
    const token = s.token;
    if (impact.generation) {
      try {
        const fresh = await s.rpc.history.get.query({ id: g.id });
        if (token !== s.token) return;
        const audioChanged = fresh.audioPath !== g.audioPath || fresh.status !== g.status;
        s.generation = fresh;
        this.render.generation();
        if (audioChanged && !impact.versions) impact.versions = true;
      } catch (e) {
        // Only another window's change arrives as a reload: there, "elsewhere" is the truth.
        if (problemOf(failureOf(e)).kind === 'gone') {
          s.markGone('This generation was deleted elsewhere.');
          return;
        }
      }
    }
    if (impact.versions) {
      try {
        s.versions = await s.rpc.versions.list.query({ generationId: g.id });
      } catch {
        s.versions = [];
      }
      if (token !== s.token) return;
      const keep = s.versions.find((v) => v.id === s.versionId);
      const needsAudio = !keep || !s.audio;
      if (!keep) s.versionId = pickVersion(s.versions, null)?.id ?? null;
      this.render.versions();
      if (needsAudio) await s.loadAudio(++s.token, { autoplay: false, position: 0 });
    }
    if (impact.takes) void s.loadTakes(s.token);
  }

  /** The shown generation was deleted here: show the row that took its place (or the previous one), else nothing. */
  private async moveOnFrom(deletedId: string): Promise<void> {
    const { s } = this;
    const token = ++s.token;
    s.wave.pause();
    let target: Generation | null = null;
    try {
      target = (await s.rpc.player.next.mutate()) ?? (await s.rpc.player.previous.mutate());
    } catch {
      /* nothing to move to */
    }
    if (token !== s.token) return; // the user picked another row meanwhile
    if (target && target.id !== deletedId) return s.show(target.id, { autoplay: false, fromHost: true });
    s.forget();
    this.render.empty('Nothing selected.');
  }
}
