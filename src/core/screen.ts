// Storage of the pruned Lloyd's per-point state, in the memory of the screening kernel
// (wasm/screen.wat) when it runs here. The TypeScript screen in lloyd.ts is the reference.
import { Arena, kernelAvailable, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/screen.generated.js';

export interface ScreenStorage {
  /** Working copy of the points, n·d. */
  points: Float64Array;
  /** Centres, k·d. */
  centres: Float64Array;
  labels: Uint16Array;
  /** The second and third nearest centres of point i, at 2i and 2i + 1. */
  others: Uint16Array;
  /** Stored bounds of point i at 4i: upper (label), lower (second), lower (third), lower (rest). */
  bounds: Float32Array;
  crossers: Int32Array;
  travelled: Float64Array;
  restTravelled: Float64Array;
  half: Float64Array;
  reach: Float64Array;
  /**
   * The compiled screen over this storage (see PrunedLloyd.screen), or undefined for the
   * TypeScript one: returns how many crossed, and the distances it computed.
   */
  screen: ((n: number, eps: number) => { crossed: number; distances: number }) | undefined;
}

/** Whether the screening kernel runs here. */
export function wasmKernelAvailable(): boolean {
  return kernelAvailable(WASM_BASE64);
}

/** Storage for n points and k centres in d dimensions; in the kernel's memory for kernel 'wasm' when it can. */
export function allocateScreen(n: number, k: number, d: number, kernel: Kernel): ScreenStorage {
  const bytes = Arena.size(4, 8 * d * n, 8 * d * k, 8 * k, 8 * k, 8 * k, 8 * k, 16 * n, 4 * n, 4 * n, 2 * n);
  const arena = new Arena(bytes, WASM_BASE64, kernel);
  const counter = arena.i32(1);
  const storage: ScreenStorage = {
    points: arena.f64(n * d),
    centres: arena.f64(k * d),
    travelled: arena.f64(k),
    restTravelled: arena.f64(k),
    half: arena.f64(k),
    reach: arena.f64(k),
    bounds: arena.f32(4 * n),
    crossers: arena.i32(n),
    others: arena.u16(2 * n),
    labels: arena.u16(n),
    screen: undefined,
  };
  const run = arena.exports?.screen;
  if (run) {
    const s = storage;
    storage.screen = (count, eps) => {
      counter[0] = 0;
      const crossed = run(count, d, eps, s.labels.byteOffset, s.others.byteOffset, s.bounds.byteOffset,
        s.points.byteOffset, s.centres.byteOffset, s.travelled.byteOffset, s.restTravelled.byteOffset,
        s.half.byteOffset, s.reach.byteOffset, s.crossers.byteOffset, counter.byteOffset);
      return { crossed, distances: counter[0] };
    };
  }
  return storage;
}
