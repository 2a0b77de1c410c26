// libdeflate's compressor (Eric Biggers, MIT; vendor/libdeflate, v1.25) in WebAssembly: DEFLATE
// from a whole buffer, with the near-optimal parsing of its levels 10-12. On kquant's indexed rows
// it writes 2-10% fewer bytes than the best of node's zlib over palette orders, filters and
// strategies (china.jpg K = 128: a PNG of 114,662 bytes against 121,085), where zlib's levels
// differ by a fraction of that.
//
// It runs on the calling thread, synchronously: for china.jpg's rows at K = 256 in a fresh
// process, 49-56 ms at level 11 with 2 optimisation passes (as the encoder runs it), 62-69 with
// the level's 4. One instance a thread, made on first use; its memory grows to the largest job
// (about 10 MB for those rows) and is reused.
import { compileModule } from '../core/wasm.js';
import { adler32 } from './png-rows.js';
import { WASM_BASE64 } from './wasm/libdeflate.generated.js';

interface Exports {
  memory: WebAssembly.Memory;
  input(bytes: number): number;
  deflate(at: number, bytes: number, level: number, passes: number): number;
  output(): number;
}

let instance: Exports | null | undefined;

function exports(): Exports | null {
  if (instance === undefined) {
    const module = compileModule(WASM_BASE64);
    instance = module ? (new WebAssembly.Instance(module, {}).exports as unknown as Exports) : null;
  }
  return instance;
}

/**
 * `data` as a zlib stream (RFC 1950) at libdeflate's `level` (1-12), the same bytes as its
 * libdeflate_zlib_compress; undefined where WebAssembly cannot run it or its memory cannot grow to
 * the job. `passes` (optional, levels 10-12) caps the near-optimal parser's optimisation passes
 * (the levels' own caps are 2, 4 and 10; each pass prices the literals and matches by the
 * previous pass's Huffman codes and finds the cheapest path again).
 */
export function libdeflateZlib(data: Uint8Array, level: number, passes?: number): Buffer | undefined {
  if (!Number.isInteger(level) || level < 1 || level > 12) throw new RangeError(`libdeflate's level is an integer from 1 to 12, not ${level}`);
  if (passes !== undefined && (level < 10 || !Number.isInteger(passes) || passes < 1 || passes > 100)) {
    throw new RangeError(`optimisation passes are for levels 10-12, from 1 to 100, not ${passes} at level ${level}`);
  }
  const lib = exports();
  if (!lib) return undefined;
  const at = lib.input(data.length);
  if (at === 0) return undefined;
  new Uint8Array(lib.memory.buffer, at, data.length).set(data);
  const length = lib.deflate(at, data.length, level, passes ?? 0);
  if (length === 0) return undefined;
  const out = Buffer.alloc(2 + length + 4);
  // CMF: deflate with a 32 KiB window; FLG: libdeflate's hint of the level, and the check bits.
  const header = 0x7800 | ((level < 2 ? 0 : level < 6 ? 1 : level < 8 ? 2 : 3) << 6);
  out.writeUInt16BE(header + 31 - (header % 31), 0);
  out.set(new Uint8Array(lib.memory.buffer, lib.output(), length), 2);
  out.writeUInt32BE(adler32(data), 2 + length);
  return out;
}
