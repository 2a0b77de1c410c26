;; The passes over every point and every pixel that make the palette (palette.ts): the same
;; arithmetic in the same order as the TypeScript loops there, which stay as the reference and the
;; fallback. They run once a fit, and V8 runs such loops slowly before it has optimised them.
;; Compiled into palette.generated.ts by scripts/build-wasm.mjs. Array arguments are byte offsets
;; into the imported memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; counts[labels[i]] += w[i] for every point, in order (labels uint16, counts float64, zeroed).
  (func (export "tally") (param $n i32) (param $w i32) (param $labels i32) (param $counts i32)
    (local $i i32) (local $c i32)
    (block $done (loop $point
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $c (i32.add (local.get $counts)
        (i32.shl (i32.load16_u (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1)))) (i32.const 3))))
      (f64.store (local.get $c) (f64.add (f64.load (local.get $c))
        (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $point))))

  ;; Σ w[i]·|x_i − c_labels[i]|² (each squared distance summed over the coordinates in order from
  ;; 0), and labels[i] = newIndex[labels[i]] (int32) for every point; returns the sum.
  (func (export "relabel")
    (param $n i32) (param $d i32) (param $points i32) (param $w i32) (param $labels i32) (param $centres i32)
    (param $newIndex i32) (result f64)
    (local $i i32) (local $t i32) (local $j i32) (local $p i32) (local $c i32) (local $at i32)
    (local $e f64) (local $diff f64) (local $sse f64)
    (block $done (loop $point
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $at (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1))))
      (local.set $j (i32.load16_u (local.get $at)))
      (local.set $p (i32.add (local.get $points) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 3))))
      (local.set $c (i32.add (local.get $centres) (i32.shl (i32.mul (local.get $j) (local.get $d)) (i32.const 3))))
      (local.set $e (f64.const 0))
      (local.set $t (i32.const 0))
      (block $summed (loop $coordinate
        (br_if $summed (i32.ge_u (local.get $t) (local.get $d)))
        (local.set $diff (f64.sub
          (f64.load (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 3))))
          (f64.load (i32.add (local.get $c) (i32.shl (local.get $t) (i32.const 3))))))
        (local.set $e (f64.add (local.get $e) (f64.mul (local.get $diff) (local.get $diff))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $coordinate)))
      (local.set $sse (f64.add (local.get $sse)
        (f64.mul (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))) (local.get $e))))
      (i32.store16 (local.get $at)
        (i32.load (i32.add (local.get $newIndex) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $point)))
    (local.get $sse))

  ;; out[p] = table[index[p]] for every pixel (index uint32, table uint16; out uint8 when
  ;; `bytes` is 1, uint16 when 2).
  (func (export "gather")
    (param $count i32) (param $index i32) (param $table i32) (param $out i32) (param $bytes i32)
    (local $p i32) (local $v i32)
    (block $done (loop $pixel
      (br_if $done (i32.ge_u (local.get $p) (local.get $count)))
      (local.set $v (i32.load16_u (i32.add (local.get $table)
        (i32.shl (i32.load (i32.add (local.get $index) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 1)))))
      (if (i32.eq (local.get $bytes) (i32.const 1))
        (then (i32.store8 (i32.add (local.get $out) (local.get $p)) (local.get $v)))
        (else (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 1))) (local.get $v))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pixel))))
)
