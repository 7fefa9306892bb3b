// What the effects panel publishes for the e2e test and the benchmark (no DOM here: the bench imports it).

/** Timings the e2e test and the benchmark read (ms). */
export interface EffectsMetrics {
  previewClickedAt?: number;
  /** The render's bytes arrived from the host. */
  previewRenderedAt?: number;
  /** The browser decoded them. */
  previewDecodedAt?: number;
  /** The source node was started. */
  previewStartedAt?: number;
  previewFirstAudioMs?: number;
  /** The audio context's own latency to the output (base + output), s; 0 where it reports none. */
  previewOutputLatencyS?: number;
}
