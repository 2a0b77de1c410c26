// Runs a job on worker threads and hands the results on in the order of inputs and K, whatever
// order the threads finish in, so output is the same as serial.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KquantError } from '../core/errors.js';
import { stopGate } from '../io/stop-gate.js';
import {
  failedRow,
  loadInput,
  resultOf,
  writeImage,
  type JobResult,
  type JobSpec,
  type LoadedInput,
  type Task,
} from '../job.js';
import { shareImage, type SharedImage, type WorkerMessage, type WorkerRequest } from './worker.js';

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Workers run from the built JavaScript; from TypeScript sources (tests) the job runs serially. */
export function workerAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

/** Hands results on in slot order (input × K) as they become ready, one at a time. */
class InOrder {
  private readonly ready = new Map<number, JobResult | Promise<JobResult>>();
  private next = 0;
  /** Settles when every result handed in so far has been emitted (rejects when `emit` threw). */
  chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly emit: (result: JobResult) => Promise<void>,
    private readonly fail: (error: unknown) => void,
  ) {}

  put(slot: number, result: JobResult | Promise<JobResult>): void {
    this.ready.set(slot, result);
    this.chain = this.chain.then(() => this.flush()).catch(this.fail);
  }

  private async flush(): Promise<void> {
    while (this.ready.has(this.next)) {
      const result = this.ready.get(this.next)!;
      this.ready.delete(this.next++);
      await this.emit(await result);
    }
  }
}

function startWorkers(count: number, onMessage: (worker: Worker, message: WorkerMessage) => void, fail: (error: unknown) => void): Worker[] {
  const workers: Worker[] = [];
  for (let w = 0; w < count; w++) {
    // The stop gate (io/files.ts): a thread stopping the run keeps the workers from making files.
    const worker = new Worker(WORKER_FILE, { workerData: { stopGate: stopGate() } });
    workers.push(worker);
    worker.on('message', (message: WorkerMessage) => onMessage(worker, message));
    worker.on('error', (error) => fail(new KquantError('INTERNAL', `worker thread failed: ${error.message}`)));
  }
  return workers;
}

/** Whole inputs to threads: each thread reads a task's input and makes its K. */
export async function runInWorkers(
  spec: JobSpec,
  tasks: Task[],
  jobs: number,
  emit: (result: JobResult) => Promise<void>,
  onNote: (message: string) => void,
): Promise<void> {
  const perInput = spec.ks.length;
  const queue = [...tasks];
  await new Promise<void>((resolve, reject) => {
    let running = jobs;
    const fail = (error: unknown) => {
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const inOrder = new InOrder(emit, fail);
    const feed = (worker: Worker) => {
      const task = queue.shift();
      if (!task) {
        void worker.terminate();
        if (--running === 0) inOrder.chain.then(resolve, reject);
        return;
      }
      worker.postMessage({ type: 'task', spec, task } satisfies WorkerRequest);
    };
    const workers = startWorkers(
      jobs,
      (worker, message) => {
        if (message.type === 'result') {
          const { task, position, result } = message;
          inOrder.put(task.inputIndex * perInput + task.kIndexes[position], result);
        } else if (message.type === 'note') {
          onNote(message.message);
        } else if (message.type === 'done') {
          feed(worker);
        } else if (message.type === 'error') {
          fail(new KquantError(message.code, message.message));
        } else {
          fail(new KquantError('INTERNAL', `unexpected message from a worker thread: ${message.type}`));
        }
      },
      fail,
    );
    for (const worker of workers) feed(worker);
  });
}

/** One K of one input: what a thread is handed at a time in a sweep. */
interface Unit {
  inputIndex: number;
  kIndex: number;
}

/**
 * A sweep on threads: this thread reads and histograms each input once, while the threads start;
 * the threads share the histogram (shared memory, not a copy a thread) and take one K at a time,
 * whichever is free first, so they finish close together. A thread takes its next K as soon as its fit is
 * done, while zlib's threads encode the last one. The baseline PNG is encoded once, here, on
 * sharp's threads. Rows are made here, in the order of inputs and K.
 */
export async function runSharedInWorkers(
  spec: JobSpec,
  jobs: number,
  emit: (result: JobResult) => Promise<void>,
  onNote: (message: string) => void,
): Promise<void> {
  const perInput = spec.ks.length;
  const queue: Unit[] = [];
  // Only the shared copy of a prepared image is kept (rows need the decoded image and the baseline).
  const inputs = new Map<number, { loaded: Omit<LoadedInput, 'prepared'>; shared: SharedImage; left: number; holders: Set<Worker> }>();
  /** Units handed out and not yet made, by slot (input × K). */
  const handedOut = new Map<number, Unit>();
  const idle: Worker[] = [];
  let loading = true;

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const inOrder = new InOrder(emit, fail);
    const finishIfDone = () => {
      if (failed || loading || queue.length > 0 || handedOut.size > 0) return;
      for (const worker of workers) void worker.terminate();
      inOrder.chain.then(resolve, reject);
    };
    const dispatch = () => {
      while (idle.length > 0 && queue.length > 0) {
        const worker = idle.shift()!;
        const unit = queue.shift()!;
        const slot = unit.inputIndex * perInput + unit.kIndex;
        const state = inputs.get(unit.inputIndex)!;
        if (!state.holders.has(worker)) {
          state.holders.add(worker);
          const image = { type: 'image', id: unit.inputIndex, spec, input: spec.inputs[unit.inputIndex], image: state.shared } as const;
          worker.postMessage(image satisfies WorkerRequest);
        }
        handedOut.set(slot, unit);
        worker.postMessage({ type: 'make', id: unit.inputIndex, k: spec.ks[unit.kIndex], unit: slot } satisfies WorkerRequest);
      }
      finishIfDone();
    };
    const settle = (slot: number, result: (state: InputState) => JobResult | Promise<JobResult>) => {
      const unit = handedOut.get(slot);
      if (!unit) return fail(new KquantError('INTERNAL', `a worker thread answered for work it was not given (${slot})`));
      handedOut.delete(slot);
      const state = inputs.get(unit.inputIndex)!;
      try {
        inOrder.put(slot, result(state));
      } catch (error) {
        return fail(error);
      }
      if (--state.left === 0) {
        for (const holder of state.holders) holder.postMessage({ type: 'forget', id: unit.inputIndex } satisfies WorkerRequest);
        inputs.delete(unit.inputIndex);
      }
      dispatch();
    };
    type InputState = NonNullable<ReturnType<typeof inputs.get>>;
    const workers = startWorkers(
      jobs,
      (worker, message) => {
        if (message.type === 'fitted') {
          // The thread is free; the encoding and writing of its K go on here, on zlib's threads.
          idle.push(worker);
          const { unit: slot, quantized } = message;
          const input = spec.inputs[Math.floor(slot / perInput)];
          settle(slot, (state) =>
            writeImage(spec, input, quantized).then(
              (made) => resultOf(spec, input, state.loaded, { ...made, bytesLength: made.bytes.length }),
              (error: unknown) => ({ row: failedRow(spec, input, spec.ks[slot % perInput], error), decoded: state.loaded.decoded }),
            ),
          );
        } else if (message.type === 'error') {
          fail(new KquantError(message.code, message.message));
        } else {
          fail(new KquantError('INTERNAL', `unexpected message from a worker thread: ${message.type}`));
        }
      },
      fail,
    );
    idle.push(...workers);

    void (async () => {
      for (let inputIndex = 0; inputIndex < spec.inputs.length && !failed; inputIndex++) {
        const input = spec.inputs[inputIndex];
        let loaded: LoadedInput;
        try {
          loaded = await loadInput(spec, input);
        } catch (error) {
          spec.ks.forEach((k, kIndex) => inOrder.put(inputIndex * perInput + kIndex, { row: failedRow(spec, input, k, error) }));
          continue;
        }
        for (const note of loaded.decoded.notes) onNote(note);
        const { decoded, originalPng, startBaseline, prepared } = loaded;
        inputs.set(inputIndex, { loaded: { decoded, originalPng, startBaseline }, shared: shareImage(prepared), left: perInput, holders: new Set() });
        // In the order results are printed, so that they stream. Measured against costliest-first
        // on the china.jpg sweep: the threads finished as close together (K costs are alike),
        // and costliest-first held every line back until the end.
        spec.ks.forEach((_, kIndex) => queue.push({ inputIndex, kIndex }));
        dispatch();
      }
      loading = false;
      finishIfDone();
    })().catch(fail);
  });
}
