// A second thread for the core's WebAssembly kernels. The calling thread lends a fit's kernel (its
// module and shared memory) to the helper, then shares each step's work with it through a
// control block in that memory: the assign step's chunks of points, which both sides take one by
// one until none is left (wasm/assign.wat), or the seeding's last half of each step's candidates
// (wasm/seeding.wat, wasm/flat-seeding.wat). The helper writes only its own scratch and result
// slots, which the caller merges so that the result is the same bit for bit as one thread's.
// A loan can also be one request the helper runs whenever it is free (`offer`), as a whole
// restart of k-means (restart.ts): if the helper has not taken it when the caller wants its
// result, the caller takes it back and runs it itself.
//
// A request the helper has not taken by the time the caller has done its own share is taken back
// and run by the caller (the same kernel on the same slots, so the same result): on a busy machine,
// where the helper may wait for a core for milliseconds, a fit then runs at one thread's speed
// instead of waiting for the helper at every step (measured: 4× slower, before, with a build
// running alongside). The same goes for a loan the helper has not taken yet: the caller does not
// wait for it (a fresh worker takes 35-45 ms to start), it runs every request until the helper
// comes.
//
// Both sides are here and use only WebAssembly and Atomics; making the thread (a worker) and
// posting it each loan is the caller's job (see src/parallel/helper-thread.ts). Kinds of request
// written in TypeScript register their handler (registerHandler), on both threads.
import { KquantError } from './errors.js';
import type { Arena } from './wasm.js';

export type HelperKind = 'assign' | 'seeding' | 'flat-seeding' | 'restart';

/**
 * A fit's kernel lent to the helper: byte offsets of its arrays in `memory`, and sizes. A loan
 * without a module is for a handler written in TypeScript (see registerHandler).
 */
export interface HelperLoan {
  kind: HelperKind;
  module?: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: Record<string, number> & { control: number };
  /** One request, offered (see Helper.offer), rather than a loan for many. */
  once?: boolean;
}

/** A request offered to the helper. */
export interface HelperOffer {
  /**
   * Waits for the helper to finish the request and returns true; or, if it has not taken it (or
   * it failed there), takes it back and returns false: the caller then runs it itself.
   */
  collect(): boolean;
}

/** A thread that can run the kernels: what the core is given to use one. */
export interface Helper {
  /**
   * Lends the thread a fit's kernel; false if it did not take it (then it is not used). A thread
   * may also take it later: its requests meanwhile run on the caller's thread (see join).
   */
  attach(loan: HelperLoan): boolean;
  /** Starts a request whose arguments are in the control block's slots. */
  start(): void;
  /** Waits for the request to finish (its results are then in the slots). */
  join(): void;
  /** Ends the loan: the thread goes back to waiting for the next one. */
  detach(): void;
  /**
   * Posts one request, its slots written, that the helper runs when it is free, without waiting
   * for it to answer (optional: a helper without it takes no offers).
   */
  offer?(loan: HelperLoan): HelperOffer;
}

/** Whether `helper` takes offers (see Helper.offer). */
export function takesOffers(helper: Helper | undefined): helper is Helper & Required<Pick<Helper, 'offer'>> {
  return helper?.offer !== undefined;
}

/**
 * Offers `helper` the loan of the kernel in `arena` (none: false); true if it took it. The arena's
 * memory is then never reused (see Arena.offered).
 */
export function lendArena(helper: Helper, loan: HelperLoan | undefined, arena: Arena): boolean {
  if (loan === undefined) return false;
  arena.offered();
  return helper.attach(loan);
}

/** The control block: CONTROL_INTS int32 (the state, then slots), then CONTROL_FLOATS float64. */
export const CONTROL_INTS = 32;
export const CONTROL_FLOATS = 16;
export const CONTROL_BYTES = 4 * CONTROL_INTS + 8 * CONTROL_FLOATS;

/** Views of a control block's int32 slots (slot 0 is the state) and float64 slots. */
export function controlViews(buffer: ArrayBufferLike, offset: number): { ints: Int32Array; floats: Float64Array } {
  return {
    ints: new Int32Array(buffer, offset, CONTROL_INTS),
    floats: new Float64Array(buffer, offset + 4 * CONTROL_INTS, CONTROL_FLOATS),
  };
}

/**
 * Slots of an assign request: in the points (to), the chunk size, exact, eps (a float), and the
 * next chunk, which both sides take from atomically; out changed, distances, searches (of the
 * helper's chunks; what each chunk left to the TypeScript settle is in the layout's chunkLeft).
 */
export const ASSIGN = { NEXT: 1, TO: 2, EXACT: 3, CHANGED: 4, CHUNK: 5, DISTANCES: 6, SEARCHES: 7, EPS: 0 } as const;
/** Slots of a seeding request: in chosen and the candidates (ints from CANDIDATES on); out their gains (floats). */
export const SEEDING = { CHOSEN: 1, COUNT: 2, CANDIDATES: 3, MAX: CONTROL_FLOATS } as const;

const STATE = 0;
const WAITING = 0;
const READY = 1;
const RUN = 2;
const DONE = 3;
const EXIT = 4;
/** The helper is running the request (RUN → TAKEN is the helper's claim; RUN → READY the caller's). */
const TAKEN = 5;
/** An offered request failed on the helper (the caller then runs it). */
const FAILED = 6;

// Raised while a side sleeps on the state, so that the other notifies it (notifying costs about
// 0.1 ms, a request about as much: a side that is awake, spinning, needs none).
const HELPER_SLEEPING = CONTROL_INTS - 2;
const CALLER_SLEEPING = CONTROL_INTS - 1;

const JOIN_TIMEOUT = 60_000;
/**
 * How many times a side reads the state, spinning, before it sleeps: about 0.05 ms here (7-10 ns
 * a read). Short: on two cores a spinning side takes a core from V8's compiler and collector
 * threads and from zlib's, which the process needs as much. Against 2 ms, 0.05 ms was 13 ms sooner
 * at china.jpg K = 256, 20 at K = 1024, 23 on flower.jpg K = 256, the same at K = 16 and 32; 0.5
 * and 0.3 ms were no better than 2. Counted, not timed: the `performance` clock costs Node 2.5 ms
 * to load in each thread, and no clock finer than Date.now() is in every runtime.
 */
const SPIN_READS = 4096;

/**
 * Waits while the state is `value`: spins, then sleeps with its `sleeping` slot raised. Returns
 * false after `timeout` ms. (The other side stores the state and then reads `sleeping`; this side
 * stores `sleeping` and then reads the state: one of them sees the other's store.)
 */
function awaitChange(ints: Int32Array, value: number, sleeping: number, timeout = Infinity): boolean {
  for (let spins = 0; spins < SPIN_READS; spins++) if (Atomics.load(ints, STATE) !== value) return true;
  const deadline = Date.now() + timeout;
  while (Atomics.load(ints, STATE) === value) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.store(ints, sleeping, 1);
    Atomics.wait(ints, STATE, value, left === Infinity ? undefined : left);
    Atomics.store(ints, sleeping, 0);
  }
  return true;
}

/** Sets the state, and wakes the other side if it sleeps. */
function setState(ints: Int32Array, value: number, otherSleeping: number): void {
  Atomics.store(ints, STATE, value);
  if (Atomics.load(ints, otherSleeping) !== 0) Atomics.notify(ints, STATE);
}

type Exports = Record<string, (...args: number[]) => number>;
/** Runs one request; `exports` is the loan's kernel (absent for a loan without a module). */
export type Handler = (exports: Exports | undefined, loan: HelperLoan, ints: Int32Array, floats: Float64Array) => void;

/** Makes `handler` run requests of `kind` on this thread (registered by the module that makes such loans). */
export function registerHandler(kind: HelperKind, handler: Handler): void {
  HANDLERS[kind] = handler;
}

function handlerOf(kind: HelperKind): Handler {
  const handler = HANDLERS[kind];
  if (!handler) throw new KquantError('INTERNAL', `No handler for helper requests of kind ${kind}`);
  return handler;
}

/** Instantiates a loan's kernel, if it has one. */
function instantiate(loan: HelperLoan): Exports | undefined {
  return loan.module ? (new WebAssembly.Instance(loan.module, { env: { memory: loan.memory } }).exports as Exports) : undefined;
}

const HANDLERS: Partial<Record<HelperKind, Handler>> = {
  // Chunks of points taken one by one until none is left: each screened, then settled, with the
  // helper's own reach, sums, masses and counters (the caller zeroes nothing of them: this does).
  assign(kernel, { memory, layout: L }, ints, floats) {
    const exports = kernel!;
    const { buffer } = memory;
    new Float64Array(buffer, L.reach, L.k).fill(0);
    new Float64Array(buffer, L.sums, L.k * L.d).fill(0);
    new Float64Array(buffer, L.mass, L.k).fill(0);
    const counter = new Int32Array(buffer, L.counter, 4);
    const chunkLeft = new Int32Array(buffer, L.chunkLeft, L.chunks);
    const n = ints[ASSIGN.TO];
    const chunk = ints[ASSIGN.CHUNK];
    const eps = floats[ASSIGN.EPS];
    let changed = 0;
    let distances = 0;
    let searches = 0;
    // (A request without chunks, as a zeroed control block holds, has nothing to do.)
    for (;;) {
      const c = Atomics.add(ints, ASSIGN.NEXT, 1);
      if (!(chunk > 0 && c < L.chunks && c * chunk < n)) break;
      const from = c * chunk;
      const crossers = L.crossers + 4 * from;
      counter.fill(0);
      const crossed = exports.screen(from, Math.min(n, from + chunk), L.d, eps, L.labels, L.others, L.bounds, L.points,
        L.centres, L.travelled, L.restTravelled, L.half, L.reach, crossers, L.counter);
      distances += counter[0];
      counter.fill(0);
      changed += exports.settle(crossed, eps, ints[ASSIGN.EXACT], L.labels, L.others, L.bounds, L.points,
        L.centres, L.travelled, L.restTravelled, L.reach, crossers, L.weights, L.sums, L.mass, L.rowIds,
        L.rowSuffixMin, L.rowBeyond, L.row, L.scanK, L.counter);
      distances += counter[0];
      searches += counter[1];
      chunkLeft[c] = counter[2];
    }
    ints[ASSIGN.CHANGED] = changed;
    ints[ASSIGN.DISTANCES] = distances;
    ints[ASSIGN.SEARCHES] = searches;
  },
  // The gains of the listed candidates in the block seeding (seeding-flat.ts), which only read.
  'flat-seeding'(kernel, { layout: L }, ints, floats) {
    const exports = kernel!;
    for (let t = 0; t < ints[SEEDING.COUNT]; t++) {
      floats[t] = exports.gain(L.m, ints[SEEDING.CANDIDATES + t], L.xs, L.ys, L.zs, L.w, L.dist, L.lo, L.hi, L.maxd,
        L.glo, L.ghi, L.gmaxd, L.groups);
    }
  },
  // The gains of the listed candidates, with the helper's own centreDist2 scratch.
  seeding(kernel, { layout: L }, ints, floats) {
    const exports = kernel!;
    const chosen = ints[SEEDING.CHOSEN];
    for (let t = 0; t < ints[SEEDING.COUNT]; t++) {
      floats[t] = exports.gain(chosen, ints[SEEDING.CANDIDATES + t], L.d, L.sorted, L.x, L.w, L.ids, L.keys,
        L.heads, L.ends, L.centres, L.centreDist2, L.maxKey);
    }
  },
};

/**
 * The helper's side of a loan: instantiates the kernel and serves requests until told to stop
 * (then returns, and the thread can take the next loan). Blocks its thread meanwhile.
 */
export function serveHelper(loan: HelperLoan): void {
  const { ints, floats } = controlViews(loan.memory.buffer, loan.layout.control);
  if (loan.once) {
    serveOffer(loan, ints, floats);
    return;
  }
  // The caller may have given up waiting already: then it has written EXIT, which stays.
  if (Atomics.compareExchange(ints, STATE, WAITING, READY) !== WAITING) return;
  Atomics.notify(ints, STATE);
  const exports = instantiate(loan);
  const handle = handlerOf(loan.kind);
  for (;;) {
    const state = Atomics.load(ints, STATE);
    if (state === EXIT) return;
    if (state !== RUN) {
      awaitChange(ints, state, HELPER_SLEEPING);
      continue;
    }
    // The caller may have taken the request back (it ran it itself): then wait for the next one.
    if (Atomics.compareExchange(ints, STATE, RUN, TAKEN) !== RUN) continue;
    handle(exports, loan, ints, floats);
    // The caller may have ended the loan meanwhile (it failed between start and join): then stop.
    if (Atomics.compareExchange(ints, STATE, TAKEN, DONE) !== TAKEN) return;
    if (Atomics.load(ints, CALLER_SLEEPING) !== 0) Atomics.notify(ints, STATE);
  }
}

/**
 * The helper's side of an offer: runs it unless the caller has taken it back (then it is EXIT).
 * A failure is the caller's to see: it then runs the request itself.
 */
function serveOffer(loan: HelperLoan, ints: Int32Array, floats: Float64Array): void {
  if (Atomics.compareExchange(ints, STATE, RUN, TAKEN) !== RUN) return;
  let outcome = DONE;
  try {
    handlerOf(loan.kind)(instantiate(loan), loan, ints, floats);
  } catch {
    outcome = FAILED;
  }
  Atomics.store(ints, STATE, outcome);
  if (Atomics.load(ints, CALLER_SLEEPING) !== 0) Atomics.notify(ints, STATE);
}

/**
 * The caller's side of a helper thread, given how to post it a loan (e.g. a worker's postMessage;
 * the worker calls serveHelper on it).
 */
export class HelperThread implements Helper {
  private ints: Int32Array | undefined;
  private floats: Float64Array | undefined;
  private loan: HelperLoan | undefined;
  /** This thread's instance of the lent kernel, made when it first runs a request itself. */
  private local: Exports | undefined;
  /** Requests this thread ran itself because the helper had not taken them (for tests and benchmarks). */
  takenBack = 0;

  constructor(private readonly post: (loan: HelperLoan) => void) {}

  /**
   * Posts the loan and returns at once: until the helper has taken it (it may still be starting,
   * or busy with an earlier loan), `join` runs each request on this thread.
   */
  attach(loan: HelperLoan): boolean {
    const { ints, floats } = controlViews(loan.memory.buffer, loan.layout.control);
    ints.fill(0);
    Atomics.store(ints, STATE, WAITING);
    this.post(loan);
    this.ints = ints;
    this.floats = floats;
    this.loan = loan;
    this.local = undefined;
    return true;
  }

  start(): void {
    const ints = this.ints!;
    // The helper has not taken the loan yet: join runs this request here.
    if (Atomics.load(ints, STATE) === WAITING) return;
    setState(ints, RUN, HELPER_SLEEPING);
  }

  join(): void {
    const ints = this.ints!;
    const state = Atomics.compareExchange(ints, STATE, RUN, READY);
    if (state === RUN || state === WAITING || state === READY) {
      // Not taken yet (or not started, the helper not there then): run it here rather than wait
      // for the helper to get a core.
      const loan = this.loan!;
      this.local ??= instantiate(loan);
      handlerOf(loan.kind)(this.local, loan, ints, this.floats!);
      this.takenBack++;
      return;
    }
    if (!awaitChange(ints, TAKEN, CALLER_SLEEPING, JOIN_TIMEOUT)) throw new KquantError('INTERNAL', 'The helper thread did not answer');
    // No need to wake the helper: it waits for RUN or EXIT, and both notify it if it sleeps.
    Atomics.store(ints, STATE, READY);
  }

  offer(loan: HelperLoan): HelperOffer {
    const { ints } = controlViews(loan.memory.buffer, loan.layout.control);
    // The request's slots are the caller's, written before this.
    ints[HELPER_SLEEPING] = 0;
    ints[CALLER_SLEEPING] = 0;
    Atomics.store(ints, STATE, RUN);
    this.post({ ...loan, once: true });
    return {
      collect: () => {
        // Not taken yet: taken back, for this thread to run rather than wait for the helper to get a core.
        if (Atomics.compareExchange(ints, STATE, RUN, EXIT) !== RUN) {
          if (!awaitChange(ints, TAKEN, CALLER_SLEEPING, JOIN_TIMEOUT)) throw new KquantError('INTERNAL', 'The helper thread did not answer');
          if (Atomics.load(ints, STATE) === DONE) return true;
        }
        this.takenBack++;
        return false;
      },
    };
  }

  detach(): void {
    const ints = this.ints;
    if (!ints) return;
    setState(ints, EXIT, HELPER_SLEEPING);
    this.ints = undefined;
    this.floats = undefined;
    this.loan = undefined;
    this.local = undefined;
  }
}
