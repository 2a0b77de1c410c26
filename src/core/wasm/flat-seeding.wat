;; Greedy k-means++ by plain passes over every point (seeding-flat.ts, FlatSeeding): the same
;; arithmetic in the same order as the TypeScript methods, which stay as the reference (tests run
;; both and compare). Compiled into flat-seeding.generated.ts by scripts/build-wasm.mjs.
;;
;; Points are three arrays of float64 coordinates (xs, ys, zs), with weights w and each point's
;; squared distance to its nearest centre so far in dist; n is even (a padding point of weight 0
;; makes it so), and each step reads two points at once (f64x2): even points in lane 0, odd points
;; in lane 1, each lane summed on its own and the two lanes added at the end. Array arguments are
;; byte offsets into the memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $splat (param $array i32) (param $i i32) (result v128)
    (f64x2.splat (f64.load (i32.add (local.get $array) (i32.shl (local.get $i) (i32.const 3))))))

  ;; Point y becomes centre `label`: every point nearer to it than to its centre so far moves to it
  ;; (dist and labels, labels as float64). Writes each block's potential Σ w·dist (blocks of 256
  ;; points, the last one shorter) to pot.
  (func (export "add")
    (param $n i32) (param $y i32) (param $label f64) (param $xs i32) (param $ys i32) (param $zs i32)
    (param $w i32) (param $dist i32) (param $labels i32) (param $pot i32)
    (local $cx v128) (local $cy v128) (local $cz v128) (local $l v128) (local $acc v128)
    (local $d2 v128) (local $old v128) (local $near v128) (local $new v128) (local $t v128)
    (local $o i32) (local $end i32) (local $blockEnd i32)
    (local.set $cx (call $splat (local.get $xs) (local.get $y)))
    (local.set $cy (call $splat (local.get $ys) (local.get $y)))
    (local.set $cz (call $splat (local.get $zs) (local.get $y)))
    (local.set $l (f64x2.splat (local.get $label)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $blockEnd (i32.add (local.get $o) (i32.const 2048)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        (local.set $acc (f64x2.splat (f64.const 0)))
        (loop $pairs
          (local.set $t (f64x2.sub (v128.load align=8 (i32.add (local.get $xs) (local.get $o))) (local.get $cx)))
          (local.set $d2 (f64x2.mul (local.get $t) (local.get $t)))
          (local.set $t (f64x2.sub (v128.load align=8 (i32.add (local.get $ys) (local.get $o))) (local.get $cy)))
          (local.set $d2 (f64x2.add (local.get $d2) (f64x2.mul (local.get $t) (local.get $t))))
          (local.set $t (f64x2.sub (v128.load align=8 (i32.add (local.get $zs) (local.get $o))) (local.get $cz)))
          (local.set $d2 (f64x2.add (local.get $d2) (f64x2.mul (local.get $t) (local.get $t))))
          (local.set $old (v128.load align=8 (i32.add (local.get $dist) (local.get $o))))
          (local.set $near (f64x2.lt (local.get $d2) (local.get $old)))
          (local.set $new (v128.bitselect (local.get $d2) (local.get $old) (local.get $near)))
          (v128.store align=8 (i32.add (local.get $dist) (local.get $o)) (local.get $new))
          (v128.store align=8 (i32.add (local.get $labels) (local.get $o))
            (v128.bitselect (local.get $l) (v128.load align=8 (i32.add (local.get $labels) (local.get $o))) (local.get $near)))
          (local.set $acc (f64x2.add (local.get $acc)
            (f64x2.mul (v128.load align=8 (i32.add (local.get $w) (local.get $o))) (local.get $new))))
          (br_if $pairs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $blockEnd))))
        (f64.store (local.get $pot)
          (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
        (local.set $pot (i32.add (local.get $pot) (i32.const 8)))
        (br $blocks))))

  ;; How much the potential would drop with a centre at point y: Σ w·max(0, dist − d²(x, y)).
  (func (export "gain")
    (param $n i32) (param $y i32) (param $xs i32) (param $ys i32) (param $zs i32) (param $w i32) (param $dist i32)
    (result f64)
    (local $cx v128) (local $cy v128) (local $cz v128) (local $acc v128) (local $zero v128)
    (local $t v128) (local $d2 v128) (local $o i32) (local $end i32)
    (local.set $cx (call $splat (local.get $xs) (local.get $y)))
    (local.set $cy (call $splat (local.get $ys) (local.get $y)))
    (local.set $cz (call $splat (local.get $zs) (local.get $y)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $zero (f64x2.splat (f64.const 0)))
    (local.set $acc (local.get $zero))
    (loop $pairs
      (local.set $t (f64x2.sub (v128.load align=8 (i32.add (local.get $xs) (local.get $o))) (local.get $cx)))
      (local.set $d2 (f64x2.mul (local.get $t) (local.get $t)))
      (local.set $t (f64x2.sub (v128.load align=8 (i32.add (local.get $ys) (local.get $o))) (local.get $cy)))
      (local.set $d2 (f64x2.add (local.get $d2) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $t (f64x2.sub (v128.load align=8 (i32.add (local.get $zs) (local.get $o))) (local.get $cz)))
      (local.set $d2 (f64x2.add (local.get $d2) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $acc (f64x2.add (local.get $acc)
        (f64x2.mul
          (v128.load align=8 (i32.add (local.get $w) (local.get $o)))
          (f64x2.max
            (f64x2.sub (v128.load align=8 (i32.add (local.get $dist) (local.get $o))) (local.get $d2))
            (local.get $zero)))))
      (br_if $pairs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
)
