// zlib on libuv's threads, a whole stream in one job. Node's asynchronous zlib stops after each
// output chunk (16 KiB by default) until the main thread hands it the next buffer; while the main
// thread runs something long and synchronous, such as a fit, a deflate started beside it stalls
// after its first chunk. (The baseline PNG of china.jpg, started before the fit at K = 16, finished
// only after the image's own encoding.) With one output chunk as large as the stream can be (up to
// MAX_CHUNK), the thread finishes it alone. The bytes are the same: zlib's output does not depend
// on the size of the buffer it writes into.
import { promisify } from 'node:util';
import { deflate, deflateRaw, inflate, type ZlibOptions } from 'node:zlib';

const deflateCallback = promisify(deflate);
const deflateRawCallback = promisify(deflateRaw);
const inflateCallback = promisify(inflate);

/** The largest output chunk asked for (a bigger stream takes more than one job). */
const MAX_CHUNK = 8 << 20;

/** The most bytes deflate makes of `n` bytes, whatever its settings (zlib's conservative deflateBound, with any wrapper). */
export function deflateBound(n: number): number {
  return n + Math.ceil(n / 8) + Math.ceil(n / 64) + 5 + 18;
}

function oneChunk(bytes: number): number {
  return Math.max(64, Math.min(MAX_CHUNK, bytes));
}

/** zlib.deflate on zlib's threads, in one job when the stream fits MAX_CHUNK. */
export function deflateAsync(data: Uint8Array, options: ZlibOptions): Promise<Buffer> {
  return deflateCallback(data, { ...options, chunkSize: oneChunk(deflateBound(data.length)) });
}

/** zlib.deflateRaw on zlib's threads, in one job when the stream fits MAX_CHUNK. */
export function deflateRawAsync(data: Uint8Array, options: ZlibOptions): Promise<Buffer> {
  return deflateRawCallback(data, { ...options, chunkSize: oneChunk(deflateBound(data.length)) });
}

/**
 * zlib.inflate of at most `maxOutputLength` bytes on zlib's threads, in one job whatever the size:
 * the output is one buffer of that length, never chunks joined into a copy (a 24 MP image in
 * 8 MiB chunks peaked 85 MB higher).
 */
export function inflateAsync(data: Uint8Array, maxOutputLength: number): Promise<Buffer> {
  return inflateCallback(data, { maxOutputLength, chunkSize: Math.max(64, maxOutputLength) });
}
