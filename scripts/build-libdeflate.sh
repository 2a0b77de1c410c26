#!/bin/sh
# Builds src/io/wasm/libdeflate.wasm: libdeflate's compressor (vendor/libdeflate, v1.25) and
# kquant's entry points (src/io/wasm/libdeflate.c), for WebAssembly. The .wasm is committed, so
# `npm run build` and CI need no C compiler; run this after changing either source.
# Needs clang and wasm-ld (Debian: apt-get install clang lld).
#
# Changes to libdeflate on the way, each checked to have applied:
# - Functions called many times within one compression are calls instead of inlined (noinline):
#   the binary-tree match finder's two entry points, and four steps of the near-optimal parser.
#   V8 runs a WebAssembly function in its baseline code until a call of it ends, and a compression
#   is one call; a function of its own, called again and again, switches to optimised code within
#   the job. The same bytes. china.jpg's rows at K = 256, level 11, in a fresh process: the match
#   finder's change took them from 77-85 ms to 67-77; the parser's, 3 ms more off.
# - A setter for the parser's most optimisation passes, appended to the compressor (below).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$root/vendor/libdeflate" "$work/libdeflate"
lib="$work/libdeflate/lib"

# "static forceinline <type>" on the line before each entry point: noinline.
mf="$lib/bt_matchfinder.h"
awk '
  { lines[NR] = $0 }
  END {
    for (i = 1; i <= NR; i++) {
      if (i < NR && (lines[i + 1] ~ /^bt_matchfinder_get_matches\(/ || lines[i + 1] ~ /^bt_matchfinder_skip_byte\(/))
        sub(/forceinline/, "__attribute__((noinline))", lines[i])
      print lines[i]
    }
  }' "$mf" > "$mf.new"
mv "$mf.new" "$mf"
test "$(grep -c 'noinline' "$mf")" -eq 2 || { echo "build-libdeflate: the noinline change did not apply" >&2; exit 1; }

# The same for the near-optimal parser's steps, each called a few times a block: without it,
# the cheapest-path search, a third of the time at level 11, runs inlined into a function called
# once a block, in baseline code.
dc="$lib/deflate_compress.c"
for f in deflate_find_min_cost_path deflate_optimize_and_flush_block deflate_flush_block deflate_set_costs_from_codes; do
  awk -v f="$f" '
    { lines[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        if (i < NR && lines[i] == "static void" && index(lines[i + 1], f "(") == 1) lines[i] = "static __attribute__((noinline)) void"
        print lines[i]
      }
    }' "$dc" > "$dc.new"
  mv "$dc.new" "$dc"
done
test "$(grep -c 'noinline' "$dc")" -eq 4 || { echo "build-libdeflate: the parser's noinline change did not apply" >&2; exit 1; }

# A setter for the near-optimal parser's most optimisation passes (levels 10-12 fix it at 2, 4
# and 10), appended to the compressor, whose struct is private to it: kquant's 8-bit PNG rows take
# level 11's match search with level 10's 2 passes (src/io/png.ts says why).
cat >> "$dc" <<'C'

void kquant_set_max_optim_passes(struct libdeflate_compressor *c, unsigned passes)
{
	c->p.n.max_optim_passes = passes;
}
C

clang --target=wasm32 -O2 -ffreestanding -DFREESTANDING -nostdlib -mbulk-memory \
  -I"$work/libdeflate" -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=262144 \
  -o "$root/src/io/wasm/libdeflate.wasm" \
  "$root/src/io/wasm/libdeflate.c" "$lib/deflate_compress.c" "$lib/utils.c"
sha256sum "$root/src/io/wasm/libdeflate.wasm"
