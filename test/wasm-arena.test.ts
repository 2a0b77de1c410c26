// Arenas hand their memory on: a released arena's memory goes to the next one made on the thread,
// zeroed (grown when it must be), and nothing else is reused.
import { describe, expect, it } from 'vitest';
import { Arena } from '../src/core/wasm.js';
import { WASM_BASE64 as SHARED_KERNEL } from '../src/core/wasm/moments.generated.js';
import { WASM_BASE64 as PLAIN_KERNEL } from '../src/io/wasm/png-rows.generated.js';

describe('Arena memories', () => {
  it.each([
    ['shared', SHARED_KERNEL, true],
    ['plain', PLAIN_KERNEL, false],
  ] as const)('a %s arena reuses a released memory, zeroed, and grows it when it must', (_, kernel, shared) => {
    const first = new Arena(300_000, kernel, 'wasm', shared);
    expect(first.exports).toBeDefined();
    first.f64(30_000).fill(7);
    // Not released: the next arena gets a memory of its own.
    const other = new Arena(100_000, kernel, 'wasm', shared);
    expect(other.memory).not.toBe(first.memory);
    first.release();
    first.release(); // twice is once
    const second = new Arena(201_000, kernel, 'wasm', shared);
    expect(second.memory).toBe(first.memory);
    expect(second.f64(25_000).every((v) => v === 0)).toBe(true);
    second.u8(1000).fill(255);
    // It hands out what was asked for, not the rest of the (larger) memory.
    expect(() => second.u8(1)).toThrow('Arena overflow');
    second.release();
    // Bigger than the memory: grown, and zero throughout.
    const third = new Arena(1_000_000, kernel, 'wasm', shared);
    expect(third.memory).toBe(first.memory);
    expect(third.buffer.byteLength).toBeGreaterThanOrEqual(1_000_000);
    expect(third.u8(1_000_000).every((v) => v === 0)).toBe(true);
    // Its kernel runs on the grown memory.
    expect(third.exports).toBeDefined();
    third.release();
    other.release();
  });

  it('keeps a memory offered to another thread: release() does not hand it on', () => {
    const lent = new Arena(100_000, SHARED_KERNEL, 'wasm', true);
    lent.offered();
    lent.release();
    const next = new Arena(100_000, SHARED_KERNEL, 'wasm', true);
    expect(next.memory).not.toBe(lent.memory);
    next.release();
  });

  it('plain arenas (no kernel) have nothing to hand on', () => {
    const arena = new Arena(1000, SHARED_KERNEL, 'js');
    expect(arena.memory).toBeUndefined();
    arena.release();
    expect(new Arena(1000, SHARED_KERNEL, 'js').f64(10).every((v) => v === 0)).toBe(true);
  });
});
