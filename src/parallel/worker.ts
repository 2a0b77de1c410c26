// A worker thread: runs what the pool sends and posts each result back. Either whole inputs
// (`task`: read it and make its K) or the fit of one K at a time of an image the pool read and
// shares (`image`, then `make` for each K, then `forget`).
import { parentPort, workerData } from 'node:worker_threads';
import { KquantError, type KquantErrorCode } from '../core/errors.js';
import type { Histogram } from '../core/histogram.js';
import { useStopGate } from '../io/stop-gate.js';
import type { JobResult, JobSpec, Task } from '../job.js';
import { fitOptionsFrom, quantizeImage, type FitGroup, type PreparedImage, type QuantizedImage } from '../pipeline/quantize.js';

/** A prepared image as it crosses threads: its arrays in shared memory, without the pixels (k-means does not read them). */
export type SharedImage = Omit<PreparedImage, 'pixels'>;

export type WorkerRequest =
  | { type: 'task'; spec: JobSpec; task: Task }
  | { type: 'image'; id: number; spec: JobSpec; input: string; image: SharedImage }
  | { type: 'make'; id: number; k: number; unit: number }
  | { type: 'forget'; id: number };

export type WorkerMessage =
  | { type: 'result'; task: Task; position: number; result: JobResult }
  | { type: 'note'; message: string }
  | { type: 'done' }
  | { type: 'fitted'; unit: number; quantized: QuantizedImage }
  | { type: 'error'; code: KquantErrorCode; message: string };

type Typed = Float32Array | Float64Array | Int32Array | Uint32Array;

/** A copy of `array` in shared memory: posted to any number of threads without copying again. */
function shared<T extends Typed>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}

/** The prepared image with its arrays in shared memory, for `image` requests. */
export function shareImage(image: PreparedImage): SharedImage {
  const h = image.histogram;
  const histogram: Histogram = {
    points: shared(h.points),
    weights: shared(h.weights),
    colours: shared(h.colours),
    index: shared(h.index),
    d: h.d,
    n: h.n,
  };
  const groups: FitGroup[] = image.groups.map((g) => ({
    points: shared(g.points),
    points64: shared(g.points64),
    weights: shared(g.weights),
    d: g.d,
    toHistogram: shared(g.toHistogram),
    pixels: g.pixels,
  }));
  const { width, height, channels, transparentIndex } = image;
  return { width, height, channels, histogram, groups, transparentIndex };
}

const port = parentPort;
if (workerData?.stopGate instanceof SharedArrayBuffer) useStopGate(workerData.stopGate);
if (port) {
  const images = new Map<number, { spec: JobSpec; input: string; prepared: PreparedImage }>();
  const failure = (error: unknown) => {
    const code = error instanceof KquantError ? error.code : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    return { code, message };
  };
  port.on('message', async (request: WorkerRequest) => {
    if (request.type === 'image') {
      const { id, spec, input, image } = request;
      images.set(id, { spec, input, prepared: { ...image, pixels: new Uint8Array(0) } });
      return;
    }
    if (request.type === 'forget') {
      images.delete(request.id);
      return;
    }
    if (request.type === 'make') {
      // Only the fit runs here; the pool's thread encodes and writes, so that this thread is
      // free for the next K at once (an encode awaited here would wait for the next fit to end).
      const held = images.get(request.id);
      try {
        if (!held) throw new KquantError('INTERNAL', `worker thread has no image ${request.id}`);
        const quantized = quantizeImage(held.prepared, { ...fitOptionsFrom(held.spec), k: request.k });
        port.postMessage({ type: 'fitted', unit: request.unit, quantized } satisfies WorkerMessage, [quantized.indices.buffer as ArrayBuffer]);
      } catch (error) {
        port.postMessage({ type: 'error', ...failure(error) } satisfies WorkerMessage);
      }
      return;
    }
    const { spec, task } = request;
    let position = 0;
    try {
      // Loaded on demand: a thread that only fits never loads sharp (about 0.1 s of CPU a thread).
      const { processInput } = await import('../job.js');
      await processInput(
        spec,
        task,
        false,
        async (result) => {
          // Pixels cross threads only with an input's first K, where the report samples them;
          // each result's indices move without a copy.
          if (result.decoded && task.kIndexes[position] !== 0) result.decoded = { ...result.decoded, data: new Uint8Array(0) };
          const transfer: ArrayBuffer[] = [];
          if (result.quantized) transfer.push(result.quantized.indices.buffer as ArrayBuffer);
          // The error itself stays here (its row says it in words): a clone would lose its class.
          delete result.error;
          port.postMessage({ type: 'result', task, position: position++, result } satisfies WorkerMessage, transfer);
        },
        (message) => port.postMessage({ type: 'note', message } satisfies WorkerMessage),
      );
      port.postMessage({ type: 'done' } satisfies WorkerMessage);
    } catch (error) {
      port.postMessage({ type: 'error', ...failure(error) } satisfies WorkerMessage);
    }
  });
}
