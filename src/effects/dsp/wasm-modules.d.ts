// The Emscripten modules we load have no type declarations of their own; this is the part we use.

interface EmscriptenHeaps {
  HEAPF32: Float32Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

declare module '@echogarden/sonic-wasm' {
  export interface SonicModule extends EmscriptenHeaps {
    _sonicCreateStream(sampleRate: number, channels: number): number;
    _sonicDestroyStream(stream: number): void;
    _sonicSetSpeed(stream: number, speed: number): void;
    _sonicSetPitch(stream: number, pitch: number): void;
    _sonicSetQuality(stream: number, quality: number): void;
    _sonicWriteFloatToStream(stream: number, samples: number, frames: number): number;
    _sonicFlushStream(stream: number): number;
    _sonicSamplesAvailable(stream: number): number;
    _sonicReadFloatFromStream(stream: number, samples: number, maxFrames: number): number;
  }
  const factory: (module?: { wasmBinary?: Uint8Array }) => Promise<SonicModule>;
  export default factory;
}

declare module '@echogarden/speex-resampler-wasm' {
  export interface SpeexModule extends EmscriptenHeaps {
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errorPointer: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_process_float(
      state: number,
      channel: number,
      input: number,
      inputLengthPointer: number,
      output: number,
      outputLengthPointer: number,
    ): number;
  }
  const factory: (module?: { wasmBinary?: Uint8Array }) => Promise<SpeexModule>;
  export default factory;
}
