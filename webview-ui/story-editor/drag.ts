/**
 * Pointer gestures on the timeline: dragging a clip (time and track), dragging a trim handle, and
 * pressing or dragging on the ruler to move the playhead. While a gesture runs only a preview is
 * drawn; when it ends, the one resulting operation goes to the host (through the app).
 */
import { edgesOf, snapStart, snapTime, trimTo, type SnapClip } from './snapping';
import { drawnMs } from './timeline';

export interface DragHost {
  pxPerSecond(): number;
  clips(): readonly (SnapClip & { track: number })[];
  laneCount(): number;
  laneAt(clientY: number): number;
  /** Story time under a client x. */
  timeAt(clientX: number): number;
  preview(itemId: string, change: { startMs: number; track: number; trimStartMs: number; trimEndMs: number }): void;
  commitMove(itemId: string, startMs: number, track: number): void;
  commitTrim(itemId: string, startMs: number, trimStartMs: number, trimEndMs: number): void;
  cancel(): void;
  seek(ms: number, final: boolean): void;
  select(itemId: string): void;
}

/** Pixels the pointer must travel before a press becomes a drag (a click only selects). */
const DRAG_THRESHOLD_PX = 3;

export function attachDrag(area: HTMLElement, ruler: HTMLElement, host: DragHost): void {
  area.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const target = e.target as HTMLElement;
    if (ruler.contains(target)) {
      startSeek(e);
      return;
    }
    const clipEl = target.closest<HTMLElement>('.clip');
    if (!clipEl) return;
    const itemId = clipEl.dataset.item!;
    const clip = host.clips().find((c) => c.itemId === itemId);
    if (!clip) return;
    host.select(itemId);
    const handle = target.classList.contains('handle-start') ? 'start' : target.classList.contains('handle-end') ? 'end' : null;
    e.preventDefault();
    clipEl.focus({ preventScroll: true });
    area.setPointerCapture(e.pointerId);
    const x0 = e.clientX;
    const y0 = e.clientY;
    const grabMs = host.timeAt(e.clientX) - clip.startMs;
    const edges = edgesOf(host.clips(), new Set([itemId]));
    let moved = false;
    let result = { startMs: clip.startMs, track: clip.track, trimStartMs: clip.trimStartMs, trimEndMs: clip.trimEndMs };

    const onMove = (m: PointerEvent): void => {
      if (!moved && Math.abs(m.clientX - x0) < DRAG_THRESHOLD_PX && Math.abs(m.clientY - y0) < DRAG_THRESHOLD_PX) return;
      moved = true;
      const snap = !m.altKey;
      const px = host.pxPerSecond();
      if (handle) {
        const at = snapTime(host.timeAt(m.clientX), edges, px, snap);
        result = { ...trimTo(clip, handle, at), track: clip.track };
      } else {
        const raw = host.timeAt(m.clientX) - grabMs;
        const startMs = snapStart(raw, drawnMs(clip), edges, px, snap);
        const track = Math.min(host.laneCount() - 1, Math.max(0, host.laneAt(m.clientY)));
        result = { ...result, startMs, track };
      }
      host.preview(itemId, result);
    };
    const onUp = (): void => {
      area.removeEventListener('pointermove', onMove);
      area.removeEventListener('pointerup', onUp);
      area.removeEventListener('pointercancel', onCancel);
      if (!moved) return;
      if (handle) host.commitTrim(itemId, result.startMs, result.trimStartMs, result.trimEndMs);
      else if (result.startMs !== clip.startMs || result.track !== clip.track) host.commitMove(itemId, result.startMs, result.track);
      else host.cancel();
    };
    const onCancel = (): void => {
      area.removeEventListener('pointermove', onMove);
      area.removeEventListener('pointerup', onUp);
      area.removeEventListener('pointercancel', onCancel);
      host.cancel();
    };
    area.addEventListener('pointermove', onMove);
    area.addEventListener('pointerup', onUp);
    area.addEventListener('pointercancel', onCancel);
  });

  function startSeek(e: PointerEvent): void {
    e.preventDefault();
    ruler.focus({ preventScroll: true });
    ruler.setPointerCapture(e.pointerId);
    host.seek(Math.max(0, host.timeAt(e.clientX)), true);
    const onMove = (m: PointerEvent): void => host.seek(Math.max(0, host.timeAt(m.clientX)), false);
    const onUp = (u: PointerEvent): void => {
      ruler.removeEventListener('pointermove', onMove);
      ruler.removeEventListener('pointerup', onUp);
      if (u.clientX !== e.clientX) host.seek(Math.max(0, host.timeAt(u.clientX)), true);
    };
    ruler.addEventListener('pointermove', onMove);
    ruler.addEventListener('pointerup', onUp);
  }
}
