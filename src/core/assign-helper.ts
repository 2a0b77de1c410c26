// A second thread for the pruned Lloyd's assign step: while the calling thread screens and settles
// the first half of the points in the kernel (wasm/assign.wat), the helper runs the same kernel on
// the second half, in the same shared memory, with its own reach, sums and counters, which the
// caller merges (a max, and exact sums: the result is the same bit for bit as one thread's).
//
// Both sides are here and use only WebAssembly and Atomics; making the thread (a worker) and
// handing it the module, memory and layout is the caller's job (see src/parallel/assign-thread.ts).
import { KquantError } from './errors.js';

/** Byte offsets in the kernel's memory of what the helper reads and writes, and the sizes. */
export interface AssignLayout {
  n: number;
  k: number;
  d: number;
  row: number;
  labels: number;
  others: number;
  bounds: number;
  points: number;
  centres: number;
  travelled: number;
  restTravelled: number;
  half: number;
  crossers: number;
  weights: number;
  rowIds: number;
  rowSuffixMin: number;
  rowBeyond: number;
  /** The helper's own reach (k), sums (k·d), masses (k) and counters (4 int32). */
  reach: number;
  sums: number;
  mass: number;
  counter: number;
  /** The control block: CONTROL_INTS int32, then eps as a float64. */
  control: number;
}

/** A thread that can run the assign kernel: what lloydAccelerated is given to use one. */
export interface AssignHelper {
  /** Lends the thread the kernel of one fit; false if it did not take it (then it is not used). */
  attach(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: AssignLayout): boolean;
  /** Runs the second half: points from..to − 1. */
  start(from: number, to: number, eps: number, exact: boolean): void;
  /** Waits for the second half; what it did (its crossers left for the caller start at `from`). */
  join(): { changed: number; distances: number; searches: number; left: number };
  /** Ends the loan: the thread goes back to waiting for the next fit. */
  detach(): void;
}

/** Size of the control block in bytes (int32 slots, then a float64). */
export const CONTROL_BYTES = 48;

// Slots of the control block.
const STATE = 0;
const FROM = 1;
const TO = 2;
const EXACT = 3;
const CHANGED = 4;
const LEFT = 5;
const DISTANCES = 6;
const SEARCHES = 7;
const EPS_AT = 40; // bytes

// States.
const WAITING = 0;
const READY = 1;
const RUN = 2;
const DONE = 3;
const EXIT = 4;

/** How long the caller waits for the thread before it gives up on it (ms). */
const ATTACH_TIMEOUT = 2000;
const JOIN_TIMEOUT = 60_000;

/**
 * The helper's side: takes the kernel and serves RUN requests until told to EXIT (then returns,
 * and the thread can take the next fit). Blocks its thread meanwhile.
 */
export function serveAssign(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: AssignLayout): void {
  const control = new Int32Array(memory.buffer, layout.control, CONTROL_BYTES / 4);
  // The caller may have given up waiting already: then it has written EXIT, which stays.
  if (Atomics.compareExchange(control, STATE, WAITING, READY) !== WAITING) return;
  Atomics.notify(control, STATE);
  const { screen, settle } = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<
    string,
    (...args: number[]) => number
  >;
  const eps = new Float64Array(memory.buffer, layout.control + EPS_AT, 1);
  const reach = new Float64Array(memory.buffer, layout.reach, layout.k);
  const sums = new Float64Array(memory.buffer, layout.sums, layout.k * layout.d);
  const mass = new Float64Array(memory.buffer, layout.mass, layout.k);
  const counter = new Int32Array(memory.buffer, layout.counter, 4);
  const L = layout;
  for (;;) {
    const state = Atomics.load(control, STATE);
    if (state === EXIT) return;
    if (state !== RUN) {
      Atomics.wait(control, STATE, state);
      continue;
    }
    const from = control[FROM];
    const crossers = L.crossers + 4 * from;
    reach.fill(0);
    sums.fill(0);
    mass.fill(0);
    counter.fill(0);
    const crossed = screen(from, control[TO], L.d, eps[0], L.labels, L.others, L.bounds, L.points, L.centres,
      L.travelled, L.restTravelled, L.half, L.reach, crossers, L.counter);
    const distances = counter[0];
    counter.fill(0);
    control[CHANGED] = settle(crossed, eps[0], control[EXACT], L.labels, L.others, L.bounds, L.points, L.centres,
      L.travelled, L.restTravelled, L.reach, crossers, L.weights, L.sums, L.mass, L.rowIds, L.rowSuffixMin,
      L.rowBeyond, L.row, L.counter);
    control[DISTANCES] = distances + counter[0];
    control[SEARCHES] = counter[1];
    control[LEFT] = counter[2];
    Atomics.store(control, STATE, DONE);
    Atomics.notify(control, STATE);
  }
}

/**
 * The caller's side of a helper thread, given how to hand it a fit (`post`, e.g. a worker's
 * postMessage of { module, memory, layout }, on which the worker calls serveAssign).
 */
export class AssignThread implements AssignHelper {
  private control: Int32Array | undefined;
  private eps: Float64Array | undefined;

  constructor(private readonly post: (message: { module: WebAssembly.Module; memory: WebAssembly.Memory; layout: AssignLayout }) => void) {}

  attach(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: AssignLayout): boolean {
    const control = new Int32Array(memory.buffer, layout.control, CONTROL_BYTES / 4);
    control.fill(0);
    Atomics.store(control, STATE, WAITING);
    this.post({ module, memory, layout });
    Atomics.wait(control, STATE, WAITING, ATTACH_TIMEOUT);
    if (Atomics.compareExchange(control, STATE, WAITING, EXIT) === WAITING) return false; // too late: it will not start
    this.control = control;
    this.eps = new Float64Array(memory.buffer, layout.control + EPS_AT, 1);
    return true;
  }

  start(from: number, to: number, eps: number, exact: boolean): void {
    const control = this.control!;
    control[FROM] = from;
    control[TO] = to;
    control[EXACT] = exact ? 1 : 0;
    this.eps![0] = eps;
    Atomics.store(control, STATE, RUN);
    Atomics.notify(control, STATE);
  }

  join(): { changed: number; distances: number; searches: number; left: number } {
    const control = this.control!;
    const deadline = Date.now() + JOIN_TIMEOUT;
    while (Atomics.load(control, STATE) === RUN) {
      if (Atomics.wait(control, STATE, RUN, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
        throw new KquantError('INTERNAL', 'The assign helper thread did not answer');
      }
    }
    Atomics.store(control, STATE, READY);
    return { changed: control[CHANGED], distances: control[DISTANCES], searches: control[SEARCHES], left: control[LEFT] };
  }

  detach(): void {
    const control = this.control;
    if (!control) return;
    Atomics.store(control, STATE, EXIT);
    Atomics.notify(control, STATE);
    this.control = undefined;
    this.eps = undefined;
  }
}
