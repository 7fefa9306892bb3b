/**
 * Draws a clip's waveform into its canvas: only the part of the clip in view (a 10-minute clip at
 * high zoom would be wider than any canvas may be), from the host's peaks, or from the decoded
 * audio when the host has none (MP3, FLAC, OGG are not measured there).
 */

/** Min/max per slice across the whole (untrimmed) audio, channels folded together. */
export interface ClipPeaks {
  min: Float32Array;
  max: Float32Array;
  durationMs: number;
}

export function foldPeaks(p: { min: number[][]; max: number[][]; durationSeconds: number }): ClipPeaks {
  const n = p.min[0]?.length ?? 0;
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = 0;
    for (let c = 0; c < p.min.length; c++) {
      lo = Math.min(lo, p.min[c]![i] ?? 0);
      hi = Math.max(hi, p.max[c]![i] ?? 0);
    }
    min[i] = lo;
    max[i] = hi;
  }
  return { min, max, durationMs: p.durationSeconds * 1000 };
}

/** Peaks of decoded audio at `buckets` slices (the fallback when the host could not measure the file). */
export function peaksOfBuffer(buffer: AudioBuffer, buckets: number): ClipPeaks {
  const min = new Float32Array(buckets);
  const max = new Float32Array(buckets);
  const per = buffer.length / buckets;
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor(b * per);
      const to = Math.min(data.length, Math.floor((b + 1) * per));
      let lo = min[b]!;
      let hi = max[b]!;
      for (let i = from; i < to; i += 4) {
        const v = data[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[b] = lo;
      max[b] = hi;
    }
  }
  return { min, max, durationMs: buffer.duration * 1000 };
}

export interface DrawInput {
  canvas: HTMLCanvasElement;
  peaks: ClipPeaks;
  /** Audio time at the canvas's left edge, and ms per CSS pixel. */
  fromAudioMs: number;
  msPerPx: number;
  /** Volume scales what is drawn, so a quieter clip looks quieter. */
  gain: number;
  color: string;
}

export function drawWaveform(d: DrawInput): void {
  const { canvas, peaks } = d;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width <= 0 || height <= 0) return;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.fillStyle = d.color;
  const mid = height / 2;
  const n = peaks.min.length;
  const scale = mid * Math.min(1, Math.max(0.05, d.gain));
  for (let x = 0; x < width; x++) {
    const a = d.fromAudioMs + x * d.msPerPx;
    const b = a + d.msPerPx;
    let i = Math.floor((a / peaks.durationMs) * n);
    const j = Math.max(i + 1, Math.ceil((b / peaks.durationMs) * n));
    if (i >= n || j <= 0) continue;
    i = Math.max(0, i);
    let lo = 0;
    let hi = 0;
    for (let k = i; k < Math.min(j, n); k++) {
      lo = Math.min(lo, peaks.min[k]!);
      hi = Math.max(hi, peaks.max[k]!);
    }
    const top = mid - hi * scale;
    const h = Math.max(1, (hi - lo) * scale);
    g.fillRect(x, top, 1, h);
  }
}
