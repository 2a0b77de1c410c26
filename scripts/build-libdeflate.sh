#!/bin/sh
# Builds src/io/wasm/libdeflate.wasm: libdeflate's compressor (vendor/libdeflate, v1.25) and
# kquant's entry points (src/io/wasm/libdeflate.c), for WebAssembly. The .wasm is committed, so
# `npm run build` and CI need no C compiler; run this after changing either source.
# Needs clang and wasm-ld (Debian: apt-get install clang lld).
#
# One change to libdeflate on the way, checked to have applied: the binary-tree match finder's two
# entry points are calls instead of inlined (noinline). V8 runs a WebAssembly function in its
# baseline code until a call of it ends, and a compression is one call; with the match finder a
# function of its own, called once a byte, it switches to optimised code within the job. The same
# bytes; china.jpg's rows at K = 256, level 11, in a fresh process: 67-77 ms instead of 77-85.
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

clang --target=wasm32 -O2 -ffreestanding -DFREESTANDING -nostdlib -mbulk-memory \
  -I"$work/libdeflate" -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=262144 \
  -o "$root/src/io/wasm/libdeflate.wasm" \
  "$root/src/io/wasm/libdeflate.c" "$lib/deflate_compress.c" "$lib/utils.c"
sha256sum "$root/src/io/wasm/libdeflate.wasm"
