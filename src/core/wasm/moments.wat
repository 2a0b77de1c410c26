;; The checks and the scale of a k-means call (kmeans.ts): whether every coordinate is finite and
;; every weight finite and ≥ 0, the total weight, and meanVariance (the same arithmetic in the same
;; order as the TypeScript function, which stays as the reference and the fallback). Compiled into
;; moments.generated.ts by scripts/build-wasm.mjs. Array arguments are byte offsets into the
;; memory; results go to out: [first bad coordinate or −1, first bad weight or −1] as float64, then
;; the total weight and the mean variance.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func (export "moments") (param $n i32) (param $d i32) (param $x i32) (param $w i32) (param $out i32)
    (local $i i32) (local $t i32) (local $len i32) (local $v f64) (local $total f64) (local $mean f64)
    (local $variance f64) (local $sum f64) (local $p i32) (local $diff f64) (local $row i32)
    (f64.store (local.get $out) (f64.const -1))
    (f64.store offset=8 (local.get $out) (f64.const -1))
    (f64.store offset=16 (local.get $out) (f64.const 0))
    (f64.store offset=24 (local.get $out) (f64.const 0))
    ;; Finite coordinates: v − v is 0 for finite v, NaN for ±inf and NaN.
    (local.set $len (i32.mul (local.get $n) (local.get $d)))
    (block $checked
      (loop $coordinate
        (br_if $checked (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $v (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.ne (f64.sub (local.get $v) (local.get $v)) (f64.const 0))
          (then (f64.store (local.get $out) (f64.convert_i32_u (local.get $i))) (return)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $coordinate)))
    ;; Weights finite and ≥ 0, and their total, in order.
    (local.set $i (i32.const 0))
    (block $weighed
      (loop $weight
        (br_if $weighed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
        (if (i32.or (i32.eqz (f64.ge (local.get $v) (f64.const 0))) (f64.ne (f64.sub (local.get $v) (local.get $v)) (f64.const 0)))
          (then (f64.store offset=8 (local.get $out) (f64.convert_i32_u (local.get $i))) (return)))
        (local.set $total (f64.add (local.get $total) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $weight)))
    (f64.store offset=16 (local.get $out) (local.get $total))
    (if (i32.eqz (f64.gt (local.get $total) (f64.const 0))) (then (return)))
    ;; meanVariance: for each coordinate, the weighted mean, then the weighted variance about it.
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (local.set $t (i32.const 0))
    (loop $axis
      (local.set $mean (f64.const 0))
      (local.set $i (i32.const 0))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 3))))
      (block $meant
        (loop $m
          (br_if $meant (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $mean (f64.add (local.get $mean)
            (f64.mul (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (local.get $row)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $m)))
      (local.set $mean (f64.div (local.get $mean) (local.get $total)))
      (local.set $variance (f64.const 0))
      (local.set $i (i32.const 0))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 3))))
      (block $varied
        (loop $s
          (br_if $varied (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $diff (f64.sub (f64.load (local.get $p)) (local.get $mean)))
          (local.set $variance (f64.add (local.get $variance)
            (f64.mul (f64.mul (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))) (local.get $diff)) (local.get $diff))))
          (local.set $p (i32.add (local.get $p) (local.get $row)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $s)))
      (local.set $sum (f64.add (local.get $sum) (f64.div (local.get $variance) (local.get $total))))
      (br_if $axis (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $d))))
    (f64.store offset=24 (local.get $out) (f64.div (local.get $sum) (f64.convert_i32_u (local.get $d)))))
)
