;; The hashed histogram of an image (histogram.ts, buildHistogram below DIRECT_FROM_PIXELS): the
;; same table, hash and probing as the TypeScript loop, which stays as the reference (tests compare
;; the two) and serves the other cases. Compiled into histogram.generated.ts by
;; scripts/build-wasm.mjs. Array arguments are byte offsets into the memory: pixels (8-bit,
;; `channels` a pixel), table (2^bits int32, filled with −1 here), colours (uint32), counts
;; (float64) and index (uint32 a pixel). The table is at least twice the pixels: it never fills.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Pixels $from to $pixelCount − 1 (the table filled with −1 when $from is 0), $n0 colours found
  ;; before them; returns the number of distinct colours; with rgba 0 the alpha is taken as 255.
  (func (export "hashed")
    (param $pixelCount i32) (param $channels i32) (param $rgba i32) (param $pixels i32) (param $table i32)
    (param $bits i32) (param $colours i32) (param $counts i32) (param $index i32)
    (param $from i32) (param $n0 i32) (result i32)
    (local $p i32) (local $o i32) (local $key i32) (local $lastKey i32) (local $lastIndex i32)
    (local $n i32) (local $slot i32) (local $mask i32) (local $found i32) (local $a i32) (local $at i32)
    (if (i32.eqz (local.get $from))
      (then (memory.fill (local.get $table) (i32.const 255) (i32.shl (i32.const 4) (local.get $bits)))))
    (local.set $p (local.get $from))
    (local.set $n (local.get $n0))
    (local.set $o (i32.mul (local.get $from) (local.get $channels)))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $bits)) (i32.const 1)))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $p) (local.get $pixelCount)))
        (local.set $a (if (result i32) (local.get $rgba)
          (then (i32.load8_u offset=3 (i32.add (local.get $pixels) (local.get $o))))
          (else (i32.const 255))))
        (local.set $at (i32.add (local.get $pixels) (local.get $o)))
        (local.set $key (i32.or (i32.or (i32.or
          (i32.shl (i32.load8_u (local.get $at)) (i32.const 24))
          (i32.shl (i32.load8_u offset=1 (local.get $at)) (i32.const 16)))
          (i32.shl (i32.load8_u offset=2 (local.get $at)) (i32.const 8)))
          (local.get $a)))
        (block $counted
          ;; Runs of one colour skip the table (from the second pixel: any 32 bits can be a key).
          (if (i32.and (i32.eq (local.get $key) (local.get $lastKey)) (i32.ne (local.get $p) (local.get $from)))
            (then
              (local.set $at (i32.add (local.get $counts) (i32.shl (local.get $lastIndex) (i32.const 3))))
              (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.const 1)))
              (br $counted)))
          (local.set $slot (i32.shr_u (i32.mul (local.get $key) (i32.const 0x9e3779b1)) (i32.sub (i32.const 32) (local.get $bits))))
          (loop $probe
            (local.set $found (i32.load (i32.add (local.get $table) (i32.shl (local.get $slot) (i32.const 2)))))
            (if (i32.eq (local.get $found) (i32.const -1))
              (then
                (i32.store (i32.add (local.get $table) (i32.shl (local.get $slot) (i32.const 2))) (local.get $n))
                (i32.store (i32.add (local.get $colours) (i32.shl (local.get $n) (i32.const 2))) (local.get $key))
                (f64.store (i32.add (local.get $counts) (i32.shl (local.get $n) (i32.const 3))) (f64.const 1))
                (local.set $lastIndex (local.get $n))
                (local.set $lastKey (local.get $key))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $counted)))
            (if (i32.eq (i32.load (i32.add (local.get $colours) (i32.shl (local.get $found) (i32.const 2)))) (local.get $key))
              (then
                (local.set $at (i32.add (local.get $counts) (i32.shl (local.get $found) (i32.const 3))))
                (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.const 1)))
                (local.set $lastIndex (local.get $found))
                (local.set $lastKey (local.get $key))
                (br $counted)))
            (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (local.get $mask)))
            (br $probe)))
        (i32.store (i32.add (local.get $index) (i32.shl (local.get $p) (i32.const 2))) (local.get $lastIndex))
        (local.set $o (i32.add (local.get $o) (local.get $channels)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixel)))
    (local.get $n))
)
