;; The Z-order of 3-D points (morton.ts, mortonOrder): the same codes and the same stable radix
;; sort as the TypeScript function, which stays as the reference (tests compare the two) and
;; serves every other d. Compiled into morton.generated.ts by scripts/build-wasm.mjs.
;;
;; Array arguments are byte offsets into the memory: points (n·3 float64), spread (1024 uint32,
;; scratch), codes (n uint32), order and next (n int32 each), counts (2048 int32, scratch).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Codes of 10 bits a coordinate over the points' bounding box, then the permutation sorting
  ;; them; returns the byte offset of the permutation (order or next).
  (func (export "order3")
    (param $n i32) (param $points i32) (param $spread i32) (param $codes i32) (param $order i32)
    (param $next i32) (param $counts i32) (result i32)
    (local $q i32) (local $v i32) (local $b i32) (local $i i32) (local $c i32) (local $p i32)
    (local $x f64) (local $min0 f64) (local $min1 f64) (local $min2 f64)
    (local $max0 f64) (local $max1 f64) (local $max2 f64)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $code i32)
    (local $shift i32) (local $t i32) (local $total i32) (local $swap i32) (local $slot i32)
    ;; spread[q] puts bit b of q at bit 3b.
    (loop $spreadQ
      (local.set $v (i32.const 0))
      (local.set $b (i32.const 0))
      (loop $bit
        (if (i32.and (i32.shr_u (local.get $q) (local.get $b)) (i32.const 1))
          (then (local.set $v (i32.or (local.get $v) (i32.shl (i32.const 1) (i32.mul (local.get $b) (i32.const 3)))))))
        (br_if $bit (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (i32.const 10))))
      (i32.store (i32.add (local.get $spread) (i32.shl (local.get $q) (i32.const 2))) (local.get $v))
      (br_if $spreadQ (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (i32.const 1024))))
    ;; The bounding box, coordinate by coordinate as the reference scans it.
    (local.set $min0 (f64.const inf)) (local.set $min1 (f64.const inf)) (local.set $min2 (f64.const inf))
    (local.set $max0 (f64.const -inf)) (local.set $max1 (f64.const -inf)) (local.set $max2 (f64.const -inf))
    (local.set $i (i32.const 0))
    (block $boxed
      (loop $box
        (br_if $boxed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $x (f64.load (local.get $p)))
        (if (f64.lt (local.get $x) (local.get $min0)) (then (local.set $min0 (local.get $x))))
        (if (f64.gt (local.get $x) (local.get $max0)) (then (local.set $max0 (local.get $x))))
        (local.set $x (f64.load offset=8 (local.get $p)))
        (if (f64.lt (local.get $x) (local.get $min1)) (then (local.set $min1 (local.get $x))))
        (if (f64.gt (local.get $x) (local.get $max1)) (then (local.set $max1 (local.get $x))))
        (local.set $x (f64.load offset=16 (local.get $p)))
        (if (f64.lt (local.get $x) (local.get $min2)) (then (local.set $min2 (local.get $x))))
        (if (f64.gt (local.get $x) (local.get $max2)) (then (local.set $max2 (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $box)))
    (if (f64.gt (local.get $max0) (local.get $min0))
      (then (local.set $s0 (f64.div (f64.const 1023) (f64.sub (local.get $max0) (local.get $min0))))))
    (if (f64.gt (local.get $max1) (local.get $min1))
      (then (local.set $s1 (f64.div (f64.const 1023) (f64.sub (local.get $max1) (local.get $min1))))))
    (if (f64.gt (local.get $max2) (local.get $min2))
      (then (local.set $s2 (f64.div (f64.const 1023) (f64.sub (local.get $max2) (local.get $min2))))))
    ;; Codes: q = min(1023, max(0, floor((x − min)·scale))), interleaved x, y, z from the top bit.
    (local.set $i (i32.const 0))
    (block $coded
      (loop $code
        (br_if $coded (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $code (i32.shl (i32.load (i32.add (local.get $spread) (i32.shl
          (i32.trunc_f64_s (f64.min (f64.const 1023) (f64.max (f64.const 0)
            (f64.floor (f64.mul (f64.sub (f64.load (local.get $p)) (local.get $min0)) (local.get $s0))))))
          (i32.const 2)))) (i32.const 2)))
        (local.set $code (i32.or (local.get $code) (i32.shl (i32.load (i32.add (local.get $spread) (i32.shl
          (i32.trunc_f64_s (f64.min (f64.const 1023) (f64.max (f64.const 0)
            (f64.floor (f64.mul (f64.sub (f64.load offset=8 (local.get $p)) (local.get $min1)) (local.get $s1))))))
          (i32.const 2)))) (i32.const 1))))
        (local.set $code (i32.or (local.get $code) (i32.load (i32.add (local.get $spread) (i32.shl
          (i32.trunc_f64_s (f64.min (f64.const 1023) (f64.max (f64.const 0)
            (f64.floor (f64.mul (f64.sub (f64.load offset=16 (local.get $p)) (local.get $min2)) (local.get $s2))))))
          (i32.const 2))))))
        (i32.store (i32.add (local.get $codes) (i32.shl (local.get $i) (i32.const 2))) (local.get $code))
        (i32.store (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $code)))
    ;; LSD radix sort, three passes of 11 bits (stable).
    (block $sorted
      (loop $pass
        (br_if $sorted (i32.ge_u (local.get $shift) (i32.const 32)))
        (memory.fill (local.get $counts) (i32.const 0) (i32.const 8192))
        (local.set $t (i32.const 0))
        (block $counted
          (loop $count
            (br_if $counted (i32.ge_u (local.get $t) (local.get $n)))
            (local.set $slot (i32.add (local.get $counts) (i32.shl (i32.and (i32.shr_u
              (i32.load (i32.add (local.get $codes) (i32.shl (i32.load (i32.add (local.get $order) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 2))))
              (local.get $shift)) (i32.const 2047)) (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $count)))
        (local.set $total (i32.const 0))
        (local.set $b (i32.const 0))
        (loop $prefix
          (local.set $slot (i32.add (local.get $counts) (i32.shl (local.get $b) (i32.const 2))))
          (local.set $c (i32.load (local.get $slot)))
          (i32.store (local.get $slot) (local.get $total))
          (local.set $total (i32.add (local.get $total) (local.get $c)))
          (br_if $prefix (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (i32.const 2048))))
        (local.set $t (i32.const 0))
        (block $placed
          (loop $place
            (br_if $placed (i32.ge_u (local.get $t) (local.get $n)))
            (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $slot (i32.add (local.get $counts) (i32.shl (i32.and (i32.shr_u
              (i32.load (i32.add (local.get $codes) (i32.shl (local.get $i) (i32.const 2))))
              (local.get $shift)) (i32.const 2047)) (i32.const 2))))
            (i32.store (i32.add (local.get $next) (i32.shl (i32.load (local.get $slot)) (i32.const 2))) (local.get $i))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $place)))
        (local.set $swap (local.get $order))
        (local.set $order (local.get $next))
        (local.set $next (local.get $swap))
        (local.set $shift (i32.add (local.get $shift) (i32.const 11)))
        (br $pass)))
    (local.get $order))
)
