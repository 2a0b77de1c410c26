// The gate every thread of the process passes to make a temporary file (see files.ts), in shared
// memory so that worker threads pass the same one. Slot STOPPING is set when the run is being
// stopped: no temporary file may be made after it. Slot MAKING counts the writers between checking
// it and having made their file. A run that stops sets STOPPING, waits for MAKING to drop to 0 and
// only then sweeps the folders: a worker thread's temporary file is then either never made, or
// made and found. (Its own module, without sharp, for worker threads that only fit.)

const STOPPING = 0;
const MAKING = 1;
let gate = new Int32Array(new SharedArrayBuffer(8));

/** The gate's memory, for worker threads to pass on (see useStopGate). */
export function stopGate(): SharedArrayBuffer {
  return gate.buffer as SharedArrayBuffer;
}

/** Makes this thread pass the gate in `buffer` (a worker thread, given its parent's stopGate()). */
export function useStopGate(buffer: SharedArrayBuffer): void {
  gate = new Int32Array(buffer);
}

/** Closes the gate: from now on no thread makes a temporary file. */
export function stopMakingTemporaryFiles(): void {
  Atomics.store(gate, STOPPING, 1);
}

/** Writers of any thread that passed the gate and have not made their temporary file yet. */
export function temporaryFilesBeingMade(): number {
  return Atomics.load(gate, MAKING);
}

/** Runs `make` (which creates a temporary file) unless the gate is closed, then throws `stopped()`. */
export async function passStopGate<T>(make: () => Promise<T>, stopped: () => Error): Promise<T> {
  Atomics.add(gate, MAKING, 1);
  try {
    if (Atomics.load(gate, STOPPING)) throw stopped();
    return await make();
  } finally {
    Atomics.sub(gate, MAKING, 1);
  }
}
