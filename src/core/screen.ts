// Storage of the pruned Lloyd's per-point state, in a WebAssembly memory when the screening
// kernel (wasm/screen.wat) can run, so that the kernel reads it in place; in plain typed arrays
// otherwise. The TypeScript screen in lloyd.ts is the reference and runs on either storage.
import { WASM_BASE64 } from './wasm/screen.generated.js';

export type Kernel = 'wasm' | 'js';

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

// wasm32 addresses 4 GiB; keep well inside it.
const MAX_WASM_BYTES = 2 ** 31;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly is missing or refuses it. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether the WebAssembly kernel is available here. */
export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/** Storage for n points and k centres in d dimensions; in WebAssembly memory for kernel 'wasm' when it can. */
export function allocateScreen(n: number, k: number, d: number, kernel: Kernel): ScreenStorage {
  // Largest alignment first: a counter, float64 arrays, then float32 and int32, then uint16.
  const bytes = 8 + 8 * d * (n + k) + 32 * k + 26 * n;
  const module = kernel === 'wasm' && bytes <= MAX_WASM_BYTES ? kernelModule() : null;
  if (!module) {
    return {
      points: new Float64Array(n * d),
      centres: new Float64Array(k * d),
      labels: new Uint16Array(n),
      others: new Uint16Array(2 * n),
      bounds: new Float32Array(4 * n),
      crossers: new Int32Array(n),
      travelled: new Float64Array(k),
      restTravelled: new Float64Array(k),
      half: new Float64Array(k),
      reach: new Float64Array(k),
      screen: undefined,
    };
  }
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const { buffer } = memory;
  let at = 0;
  const take = (size: number): number => {
    const offset = at;
    at += size;
    return offset;
  };
  const counterAt = take(8);
  const pointsAt = take(8 * d * n);
  const centresAt = take(8 * d * k);
  const travelledAt = take(8 * k);
  const restTravelledAt = take(8 * k);
  const halfAt = take(8 * k);
  const reachAt = take(8 * k);
  const boundsAt = take(16 * n);
  const crossersAt = take(4 * n);
  const othersAt = take(4 * n);
  const labelsAt = take(2 * n);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const run = instance.exports.screen as (...args: number[]) => number;
  const counter = new Int32Array(buffer, counterAt, 1);
  return {
    points: new Float64Array(buffer, pointsAt, n * d),
    centres: new Float64Array(buffer, centresAt, k * d),
    labels: new Uint16Array(buffer, labelsAt, n),
    others: new Uint16Array(buffer, othersAt, 2 * n),
    bounds: new Float32Array(buffer, boundsAt, 4 * n),
    crossers: new Int32Array(buffer, crossersAt, n),
    travelled: new Float64Array(buffer, travelledAt, k),
    restTravelled: new Float64Array(buffer, restTravelledAt, k),
    half: new Float64Array(buffer, halfAt, k),
    reach: new Float64Array(buffer, reachAt, k),
    screen: (count, eps) => {
      counter[0] = 0;
      const crossed = run(count, d, eps, labelsAt, othersAt, boundsAt, pointsAt, centresAt, travelledAt,
        restTravelledAt, halfAt, reachAt, crossersAt, counterAt);
      return { crossed, distances: counter[0] };
    },
  };
}
