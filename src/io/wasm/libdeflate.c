/*
 * kquant's entry points into libdeflate (vendor/libdeflate), compiled to WebAssembly by
 * scripts/build-libdeflate.sh into libdeflate.wasm beside this file.
 *
 * One job at a time: input(n) forgets every earlier allocation and returns where the n input bytes
 * go; deflate(at, n, level, passes) compresses them into raw DEFLATE and returns its length (0 when
 * memory ran out), and output() says where it is; passes, when not 0, replaces the level's most
 * optimisation passes of the near-optimal parser (levels 10-12 only). Allocation is a bump
 * pointer over the module's own memory, which grows as a job needs it and is reused by the next.
 */
#include <stddef.h>
#include <stdint.h>
#include "libdeflate.h"

extern unsigned char __heap_base;
static uintptr_t top;
static unsigned char *out;

static void *bump(size_t n) {
  uintptr_t at = (top + 15) & ~(uintptr_t)15;
  if (n > SIZE_MAX - at) return NULL;
  uintptr_t end = at + n;
  size_t have = __builtin_wasm_memory_size(0) * 65536;
  if (end > have) {
    size_t pages = (end - have + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return NULL;
  }
  top = end;
  return (void *)at;
}

static void release(void *p) { (void)p; }

__attribute__((export_name("input"))) unsigned char *input(size_t n) {
  top = (uintptr_t)&__heap_base;
  out = NULL;
  return bump(n);
}

__attribute__((export_name("output"))) unsigned char *output(void) { return out; }

/* Appended to libdeflate's compressor by scripts/build-libdeflate.sh. */
void kquant_set_max_optim_passes(struct libdeflate_compressor *c, unsigned passes);

__attribute__((export_name("deflate"))) size_t deflate(const unsigned char *in, size_t n, int level, unsigned passes) {
  struct libdeflate_options options = { sizeof(options), bump, release };
  struct libdeflate_compressor *c = libdeflate_alloc_compressor_ex(level, &options);
  if (!c) return 0;
  if (passes > 0 && level >= 10) kquant_set_max_optim_passes(c, passes);
  size_t bound = libdeflate_deflate_compress_bound(c, n);
  out = bump(bound);
  if (!out) return 0;
  return libdeflate_deflate_compress(c, in, n, out, bound);
}
