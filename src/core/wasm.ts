// WebAssembly kernels of the core (src/core/wasm/*.wat, compiled at build time into base64
// modules) and the memory they work in. A kernel's arrays live in its instance's memory so it
// reads them in place; where WebAssembly is unavailable, the same arrays are made in an ordinary
// buffer and the TypeScript loops (the reference the kernels are tested against) run instead.

/** Which loops run the hot passes: the WebAssembly kernels, or the TypeScript reference. */
export type Kernel = 'wasm' | 'js';

// wasm32 addresses 4 GiB; keep well inside it.
const MAX_WASM_BYTES = 2 ** 31;

const compiled = new Map<string, WebAssembly.Module | null>();

/** The module in `base64`, compiled once; null where WebAssembly is missing or refuses it. */
export function compileModule(base64: string): WebAssembly.Module | null {
  let module = compiled.get(base64);
  if (module === undefined) {
    try {
      const text = atob(base64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    compiled.set(base64, module);
  }
  return module;
}

// Memories of released arenas, kept for the next arena on this thread (see Arena.release): a
// fresh memory costs a page fault at each first touch of 4 KiB (about 2 µs here), and a fit's
// arenas one after another (histogram, moments, Morton order, seeding, Lloyd) touched about 20 MB
// on china.jpg. Reused, they are zeroed instead (about 10 GB/s).
const freeMemories = { shared: [] as WebAssembly.Memory[], plain: [] as WebAssembly.Memory[] };
const PAGE = 65536;
/** The most pages a shared memory here can grow to (MAX_WASM_BYTES). */
const MAX_SHARED_PAGES = 32768;

/** A memory of at least `bytes`, zeroed: a released one (grown if need be) or a new one. */
function takeMemory(bytes: number, shared: boolean): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  const free = shared ? freeMemories.shared : freeMemories.plain;
  const memory = free.pop();
  if (!memory) {
    return new WebAssembly.Memory(shared ? { initial: pages, maximum: MAX_SHARED_PAGES, shared: true } : { initial: pages });
  }
  const have = memory.buffer.byteLength / PAGE;
  if (have < pages) memory.grow(pages - have);
  // Pages beyond the old size are new, hence zero. Zeroed as 32-bit words, whole pages: on a
  // shared memory V8 fills a Uint8Array byte by byte, 4× slower (8.5 MB: 2.3 ms against 0.6).
  new Uint32Array(memory.buffer, 0, (Math.min(Math.ceil(bytes / PAGE), have) * PAGE) / 4).fill(0);
  return memory;
}

/** Whether the kernel in `base64` runs here. */
export function kernelAvailable(base64: string): boolean {
  return compileModule(base64) !== null;
}

/**
 * Typed arrays carved one after another out of one buffer, each at a multiple of 8 bytes: a
 * kernel instance's memory (then `exports` holds its functions and `offset` gives an array's
 * address in it), or a plain buffer.
 */
export class Arena {
  readonly buffer: ArrayBuffer;
  readonly exports: Record<string, (...args: number[]) => number> | undefined;
  private at = 0;
  /** Bytes asked for: what take() hands out (a reused memory is zeroed that far, and may be larger). */
  private readonly size: number;

  /** The kernel's module and memory (undefined for a plain arena): what a second thread needs to run it too. */
  readonly module: WebAssembly.Module | undefined;
  readonly memory: WebAssembly.Memory | undefined;
  private readonly shared: boolean;
  private released = false;
  private lent = false;

  /**
   * An arena of `bytes` for the kernel in `base64` (or plain, for 'js' or when it cannot run);
   * `shared` for a kernel whose memory is shared between threads (it declares it so).
   */
  constructor(bytes: number, base64: string, kernel: Kernel, shared = false) {
    const module = kernel === 'wasm' && bytes <= MAX_WASM_BYTES ? compileModule(base64) : null;
    this.shared = shared;
    this.size = bytes;
    if (module) {
      const memory = takeMemory(bytes, shared);
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      this.buffer = memory.buffer as ArrayBuffer;
      this.exports = instance.exports as Record<string, (...args: number[]) => number>;
      this.module = module;
      this.memory = memory;
    } else {
      this.buffer = new ArrayBuffer(bytes);
      this.exports = undefined;
      this.module = undefined;
      this.memory = undefined;
    }
  }

  /**
   * Hands the memory on to the next arena made on this thread (zeroed then). Only once nothing
   * reads or writes this arena's arrays any more, on any thread: a result read from them must be
   * copied out first. A memory ever offered to another thread (see `offered`) is kept instead.
   */
  release(): void {
    if (this.released || this.lent || !this.memory) return;
    this.released = true;
    (this.shared ? freeMemories.shared : freeMemories.plain).push(this.memory);
  }

  /**
   * Marks the memory as offered to another thread (a helper's loan): release() then never hands it
   * on, as a loan the thread takes late, after the caller gave up on it, may still read it.
   */
  offered(): void {
    this.lent = true;
  }

  /** Bytes an arena needs for arrays of these byte lengths. */
  static size(...lengths: number[]): number {
    let total = 0;
    for (const length of lengths) total += Math.ceil(length / 8) * 8;
    return total;
  }

  private take(bytes: number): number {
    const offset = this.at;
    this.at += Math.ceil(bytes / 8) * 8;
    if (this.at > this.size) throw new RangeError('Arena overflow');
    return offset;
  }

  f64(count: number): Float64Array {
    return new Float64Array(this.buffer, this.take(8 * count), count);
  }

  f32(count: number): Float32Array {
    return new Float32Array(this.buffer, this.take(4 * count), count);
  }

  i32(count: number): Int32Array {
    return new Int32Array(this.buffer, this.take(4 * count), count);
  }

  u32(count: number): Uint32Array {
    return new Uint32Array(this.buffer, this.take(4 * count), count);
  }

  u8(count: number): Uint8Array {
    return new Uint8Array(this.buffer, this.take(count), count);
  }

  u16(count: number): Uint16Array {
    return new Uint16Array(this.buffer, this.take(2 * count), count);
  }

  /** A copy of `values` here: an array of the same type and length, filled with them. */
  copy<T extends Float64Array | Int32Array | Uint32Array>(values: T): T {
    const Typed = values.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => T;
    const copied = new Typed(this.buffer, this.take(values.byteLength), values.length);
    copied.set(values);
    return copied;
  }
}
