;; Greedy k-means++ by passes over the points in blocks (seeding-flat.ts, FlatSeeding): the same
;; arithmetic in the same order as the TypeScript methods, which stay as the reference (tests run
;; both and compare). Compiled into flat-seeding.generated.ts by scripts/build-wasm.mjs.
;;
;; Points, in Z-order, are three arrays of float64 coordinates (xs, ys, zs), with weights w and
;; each point's squared distance to its nearest centre so far in dist. They come in blocks of
;; 64 (the last one shorter, and even: a padding point of weight 0 makes it so), each with its
;; bounding box (lo, hi: 3 float64 a block) and its largest dist (maxd); blocks come in groups of
;; 16 with the same (glo, ghi, gmaxd). A block whose box is no nearer to a point y than its largest
;; dist holds no point nearer to y than to its centre: its gain is 0 and adding y changes none of
;; it, so it is skipped (so is a group). Each step reads two points at once (f64x2): even points
;; in lane 0, odd in lane 1, each lane summed on its own and the two added at the end. Array
;; arguments are byte offsets into the memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $splat (param $array i32) (param $i i32) (result v128)
    (f64x2.splat (f64.load (i32.add (local.get $array) (i32.shl (local.get $i) (i32.const 3))))))

  ;; A box (3 lows at lo, 3 highs at hi) is out of reach of the point (px, py, pz) when its
  ;; squared distance from it, times 0.9999999999, is at least the limit: a margin far above the
  ;; rounding of a squared distance, so the test holds for any coordinates, not only integers.
  ;; (Written out at each use: V8 did not inline it.)

  ;; The working points: point t (of m, n rounded up to even) is row order[t] of points (n·3
  ;; float64) into xs, ys, zs, with its weight into w; the padding point t = n repeats row
  ;; order[n − 1] with weight 0. (Run once a fit: a loop V8 has not optimised yet took 8–13 ms on
  ;; china.jpg's 96,615 colours in a fresh process.)
  ;; Returns the total weight, summed in this order.
  (func (export "gather")
    (param $n i32) (param $m i32) (param $points i32) (param $weights i32) (param $order i32)
    (param $xs i32) (param $ys i32) (param $zs i32) (param $w i32) (result f64)
    (local $t i32) (local $i i32) (local $p i32) (local $o i32) (local $weight f64) (local $total f64)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $t) (local.get $m)))
        (local.set $i (i32.load (i32.add (local.get $order)
          (i32.shl (select (local.get $t) (i32.sub (local.get $n) (i32.const 1)) (i32.lt_u (local.get $t) (local.get $n)))
            (i32.const 2)))))
        (local.set $p (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $o (i32.shl (local.get $t) (i32.const 3)))
        (f64.store (i32.add (local.get $xs) (local.get $o)) (f64.load (local.get $p)))
        (f64.store (i32.add (local.get $ys) (local.get $o)) (f64.load offset=8 (local.get $p)))
        (f64.store (i32.add (local.get $zs) (local.get $o)) (f64.load offset=16 (local.get $p)))
        (local.set $weight (select
          (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3))))
          (f64.const 0)
          (i32.lt_u (local.get $t) (local.get $n))))
        (f64.store (i32.add (local.get $w) (local.get $o)) (local.get $weight))
        (if (i32.lt_u (local.get $t) (local.get $n))
          (then (local.set $total (f64.add (local.get $total) (local.get $weight)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $point)))
    (local.get $total))

  ;; The first of the n points whose running sum of weights w (float64) passes `target`, skipping
  ;; weights ≤ 0 (the last point with weight if none does): pickWeighted of init.ts.
  (func (export "pick") (param $n i32) (param $w i32) (param $target f64) (result i32)
    (local $i i32) (local $weight f64) (local $acc f64) (local $last i32)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $weight (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.gt (local.get $weight) (f64.const 0))
          (then
            (local.set $acc (f64.add (local.get $acc) (local.get $weight)))
            (local.set $last (local.get $i))
            (if (f64.lt (local.get $target) (local.get $acc)) (then (return (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $point)))
    (local.get $last))

;; The potential Σ gpot over the groups, in order (FlatSeeding.potential).
  (func (export "potential") (param $gpot i32) (param $groups i32) (result f64)
    (local $g i32) (local $total f64)
    (block $done (loop $group
      (br_if $done (i32.ge_u (local.get $g) (local.get $groups)))
      (local.set $total (f64.add (local.get $total) (f64.load (i32.add (local.get $gpot) (i32.shl (local.get $g) (i32.const 3))))))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br $group)))
    (local.get $total))

  ;; The working point at `target` of the potential: a group, a block, then a point, with the
  ;; arithmetic and the fallbacks of FlatSeeding.sample (16 blocks a group, 64 points a block).
  (func (export "sample")
    (param $target f64) (param $gpot i32) (param $groups i32) (param $pot i32) (param $blocks i32)
    (param $w i32) (param $dist i32) (param $m i32) (result i32)
    (local $g i32) (local $b i32) (local $last i32) (local $t i32) (local $end i32) (local $found i32)
    (local $v f64) (local $mass f64) (local $acc f64)
    (block $groupFound (loop $group
      (br_if $groupFound (i32.ge_s (local.get $g) (i32.sub (local.get $groups) (i32.const 1))))
      (local.set $v (f64.load (i32.add (local.get $gpot) (i32.shl (local.get $g) (i32.const 3)))))
      (br_if $groupFound (f64.lt (local.get $target) (local.get $v)))
      (local.set $target (f64.sub (local.get $target) (local.get $v)))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br $group)))
    (local.set $b (i32.shl (local.get $g) (i32.const 4)))
    (local.set $last (i32.sub
      (select (local.get $blocks) (i32.add (local.get $b) (i32.const 16))
        (i32.lt_s (local.get $blocks) (i32.add (local.get $b) (i32.const 16))))
      (i32.const 1)))
    (block $blockFound (loop $block
      (br_if $blockFound (i32.ge_s (local.get $b) (local.get $last)))
      (local.set $v (f64.load (i32.add (local.get $pot) (i32.shl (local.get $b) (i32.const 3)))))
      (br_if $blockFound (f64.lt (local.get $target) (local.get $v)))
      (local.set $target (f64.sub (local.get $target) (local.get $v)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $block)))
    ;; Rounding can leave the target past the block's last point: then its last with a share.
    (local.set $found (i32.const -1))
    (local.set $t (i32.shl (local.get $b) (i32.const 6)))
    (local.set $end (i32.add (local.get $t) (i32.const 64)))
    (if (i32.gt_s (local.get $end) (local.get $m)) (then (local.set $end (local.get $m))))
    (block $pointFound (loop $point
      (br_if $pointFound (i32.ge_s (local.get $t) (local.get $end)))
      (local.set $mass (f64.mul
        (f64.load (i32.add (local.get $w) (i32.shl (local.get $t) (i32.const 3))))
        (f64.load (i32.add (local.get $dist) (i32.shl (local.get $t) (i32.const 3))))))
      (if (f64.gt (local.get $mass) (f64.const 0)) (then
        (local.set $acc (f64.add (local.get $acc) (local.get $mass)))
        (local.set $found (local.get $t))
        (br_if $pointFound (f64.lt (local.get $target) (local.get $acc)))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $point)))
    (if (i32.ge_s (local.get $found) (i32.const 0)) (then (return (local.get $found))))
    ;; A block whose potential was rounding dust: the first point with a share anywhere.
    (local.set $t (i32.const 0))
    (block $none (loop $any
      (br_if $none (i32.ge_s (local.get $t) (local.get $m)))
      (if (f64.gt
            (f64.mul
              (f64.load (i32.add (local.get $w) (i32.shl (local.get $t) (i32.const 3))))
              (f64.load (i32.add (local.get $dist) (i32.shl (local.get $t) (i32.const 3)))))
            (f64.const 0))
        (then (return (local.get $t))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $any)))
    (i32.const 0))

    ;; Each point's label (float64, at labels) to out (uint16) at its place in the caller's order:
  ;; out[order[t]] = labels[t] for t < n.
  (func (export "scatter") (param $n i32) (param $order i32) (param $labels i32) (param $out i32)
    (local $t i32)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
        (i32.store16
          (i32.add (local.get $out)
            (i32.shl (i32.load (i32.add (local.get $order) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 1)))
          (i32.trunc_f64_u (f64.load (i32.add (local.get $labels) (i32.shl (local.get $t) (i32.const 3))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $point))))

  ;; The bounding box of each block of 64 points and of each group of 16 blocks: 3 lows at lo
  ;; (glo), 3 highs at hi (ghi); the caller fills lows with +inf and highs with −inf first.
  (func (export "boxes")
    (param $n i32) (param $xs i32) (param $ys i32) (param $zs i32)
    (param $lo i32) (param $hi i32) (param $glo i32) (param $ghi i32)
    (local $t i32) (local $o i32) (local $b i32) (local $g i32) (local $v f64)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
        (local.set $o (i32.shl (local.get $t) (i32.const 3)))
        (local.set $b (i32.mul (i32.shr_u (local.get $t) (i32.const 6)) (i32.const 24)))
        (local.set $g (i32.mul (i32.shr_u (local.get $t) (i32.const 10)) (i32.const 24)))
        (local.set $v (f64.load (i32.add (local.get $xs) (local.get $o))))
        (call $widen (i32.add (local.get $lo) (local.get $b)) (i32.add (local.get $hi) (local.get $b)) (local.get $v))
        (call $widen (i32.add (local.get $glo) (local.get $g)) (i32.add (local.get $ghi) (local.get $g)) (local.get $v))
        (local.set $v (f64.load (i32.add (local.get $ys) (local.get $o))))
        (call $widen (i32.add (local.get $lo) (i32.add (local.get $b) (i32.const 8))) (i32.add (local.get $hi) (i32.add (local.get $b) (i32.const 8))) (local.get $v))
        (call $widen (i32.add (local.get $glo) (i32.add (local.get $g) (i32.const 8))) (i32.add (local.get $ghi) (i32.add (local.get $g) (i32.const 8))) (local.get $v))
        (local.set $v (f64.load (i32.add (local.get $zs) (local.get $o))))
        (call $widen (i32.add (local.get $lo) (i32.add (local.get $b) (i32.const 16))) (i32.add (local.get $hi) (i32.add (local.get $b) (i32.const 16))) (local.get $v))
        (call $widen (i32.add (local.get $glo) (i32.add (local.get $g) (i32.const 16))) (i32.add (local.get $ghi) (i32.add (local.get $g) (i32.const 16))) (local.get $v))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $point))))

  ;; Widens the interval [*lo, *hi] to hold v (a strict comparison each way, as the reference's).
  (func $widen (param $lo i32) (param $hi i32) (param $v f64)
    (if (f64.lt (local.get $v) (f64.load (local.get $lo))) (then (f64.store (local.get $lo) (local.get $v))))
    (if (f64.gt (local.get $v) (f64.load (local.get $hi))) (then (f64.store (local.get $hi) (local.get $v)))))

  ;; Point y becomes centre `label`: every point nearer to it than to its centre so far moves to it
  ;; (dist, and labels as float64). Rewrites the potential Σ w·dist (pot) and maxd of each block it
  ;; reaches, and those of their groups (gpot, gmaxd); returns how many blocks it reached.
  (func (export "add")
    (param $n i32) (param $y i32) (param $label f64) (param $xs i32) (param $ys i32) (param $zs i32)
    (param $w i32) (param $dist i32) (param $labels i32)
    (param $lo i32) (param $hi i32) (param $maxd i32) (param $pot i32)
    (param $glo i32) (param $ghi i32) (param $gmaxd i32) (param $gpot i32) (param $groups i32)
    (result i32)
    (local $cx v128) (local $cy v128) (local $cz v128) (local $l v128) (local $acc v128) (local $top v128)
    (local $d2 v128) (local $old v128) (local $near v128) (local $new v128) (local $t v128)
    (local $px f64) (local $py f64) (local $pz f64) (local $bt f64) (local $bs f64) (local $bl i32) (local $bh i32) (local $top1 f64) (local $sum f64)
    (local $g i32) (local $b i32) (local $bEnd i32) (local $o i32) (local $end i32) (local $reached i32)
    (local.set $cx (call $splat (local.get $xs) (local.get $y)))
    (local.set $cy (call $splat (local.get $ys) (local.get $y)))
    (local.set $cz (call $splat (local.get $zs) (local.get $y)))
    (local.set $px (f64x2.extract_lane 0 (local.get $cx)))
    (local.set $py (f64x2.extract_lane 0 (local.get $cy)))
    (local.set $pz (f64x2.extract_lane 0 (local.get $cz)))
    (local.set $l (f64x2.splat (local.get $label)))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
        (if (i32.eqz (block (result i32)
              (local.set $bl (i32.add (local.get $glo) (i32.mul (local.get $g) (i32.const 24))))
              (local.set $bh (i32.add (local.get $ghi) (i32.mul (local.get $g) (i32.const 24))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load (local.get $bl)) (local.get $px)) (f64.const 0))
                (f64.sub (local.get $px) (f64.load (local.get $bh)))))
              (local.set $bs (f64.mul (local.get $bt) (local.get $bt)))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=8 (local.get $bl)) (local.get $py)) (f64.const 0))
                (f64.sub (local.get $py) (f64.load offset=8 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=16 (local.get $bl)) (local.get $pz)) (f64.const 0))
                (f64.sub (local.get $pz) (f64.load offset=16 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (f64.ge (f64.mul (local.get $bs) (f64.const 0.9999999999)) (f64.load (i32.add (local.get $gmaxd) (i32.shl (local.get $g) (i32.const 3)))))))
          (then
            (local.set $b (i32.shl (local.get $g) (i32.const 4)))
            (local.set $bEnd (i32.add (local.get $b) (i32.const 16)))
            (block $blocksDone
              (loop $block
                (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $bEnd)))
                (local.set $o (i32.shl (local.get $b) (i32.const 9)))
                (br_if $blocksDone (i32.ge_u (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
                (if (i32.eqz (block (result i32)
              (local.set $bl (i32.add (local.get $lo) (i32.mul (local.get $b) (i32.const 24))))
              (local.set $bh (i32.add (local.get $hi) (i32.mul (local.get $b) (i32.const 24))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load (local.get $bl)) (local.get $px)) (f64.const 0))
                (f64.sub (local.get $px) (f64.load (local.get $bh)))))
              (local.set $bs (f64.mul (local.get $bt) (local.get $bt)))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=8 (local.get $bl)) (local.get $py)) (f64.const 0))
                (f64.sub (local.get $py) (f64.load offset=8 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=16 (local.get $bl)) (local.get $pz)) (f64.const 0))
                (f64.sub (local.get $pz) (f64.load offset=16 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (f64.ge (f64.mul (local.get $bs) (f64.const 0.9999999999)) (f64.load (i32.add (local.get $maxd) (i32.shl (local.get $b) (i32.const 3)))))))
                  (then
                    (local.set $reached (i32.add (local.get $reached) (i32.const 1)))
                    (local.set $end (i32.add (local.get $o) (i32.const 512)))
                    (if (i32.gt_u (local.get $end) (i32.shl (local.get $n) (i32.const 3)))
                      (then (local.set $end (i32.shl (local.get $n) (i32.const 3)))))
                    (local.set $acc (f64x2.splat (f64.const 0)))
                    (local.set $top (f64x2.splat (f64.const 0)))
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
                      (local.set $top (f64x2.max (local.get $top) (local.get $new)))
                      (br_if $pairs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
                    (f64.store (i32.add (local.get $pot) (i32.shl (local.get $b) (i32.const 3)))
                      (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
                    (f64.store (i32.add (local.get $maxd) (i32.shl (local.get $b) (i32.const 3)))
                      (f64.max (f64x2.extract_lane 0 (local.get $top)) (f64x2.extract_lane 1 (local.get $top))))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $block)))
            ;; The group's largest dist and potential, over all its blocks, in order.
            (local.set $b (i32.shl (local.get $g) (i32.const 4)))
            (local.set $top1 (f64.const 0))
            (local.set $sum (f64.const 0))
            (block $summed
              (loop $sumBlock
                (br_if $summed (i32.ge_u (local.get $b) (local.get $bEnd)))
                (br_if $summed (i32.ge_u (i32.shl (local.get $b) (i32.const 9)) (i32.shl (local.get $n) (i32.const 3))))
                (local.set $top1 (f64.max (local.get $top1) (f64.load (i32.add (local.get $maxd) (i32.shl (local.get $b) (i32.const 3))))))
                (local.set $sum (f64.add (local.get $sum) (f64.load (i32.add (local.get $pot) (i32.shl (local.get $b) (i32.const 3))))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $sumBlock)))
            (f64.store (i32.add (local.get $gmaxd) (i32.shl (local.get $g) (i32.const 3))) (local.get $top1))
            (f64.store (i32.add (local.get $gpot) (i32.shl (local.get $g) (i32.const 3))) (local.get $sum))))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group)))
    (local.get $reached))

  ;; How much the potential would drop with a centre at point y: Σ w·max(0, dist − d²(x, y)).
  (func (export "gain")
    (param $n i32) (param $y i32) (param $xs i32) (param $ys i32) (param $zs i32) (param $w i32) (param $dist i32)
    (param $lo i32) (param $hi i32) (param $maxd i32) (param $glo i32) (param $ghi i32) (param $gmaxd i32) (param $groups i32)
    (result f64)
    (local $cx v128) (local $cy v128) (local $cz v128) (local $acc v128) (local $zero v128)
    (local $t v128) (local $d2 v128) (local $px f64) (local $py f64) (local $pz f64) (local $bt f64) (local $bs f64) (local $bl i32) (local $bh i32)
    (local $g i32) (local $b i32) (local $bEnd i32) (local $o i32) (local $end i32)
    (local.set $cx (call $splat (local.get $xs) (local.get $y)))
    (local.set $cy (call $splat (local.get $ys) (local.get $y)))
    (local.set $cz (call $splat (local.get $zs) (local.get $y)))
    (local.set $px (f64x2.extract_lane 0 (local.get $cx)))
    (local.set $py (f64x2.extract_lane 0 (local.get $cy)))
    (local.set $pz (f64x2.extract_lane 0 (local.get $cz)))
    (local.set $zero (f64x2.splat (f64.const 0)))
    (local.set $acc (local.get $zero))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
        (if (i32.eqz (block (result i32)
              (local.set $bl (i32.add (local.get $glo) (i32.mul (local.get $g) (i32.const 24))))
              (local.set $bh (i32.add (local.get $ghi) (i32.mul (local.get $g) (i32.const 24))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load (local.get $bl)) (local.get $px)) (f64.const 0))
                (f64.sub (local.get $px) (f64.load (local.get $bh)))))
              (local.set $bs (f64.mul (local.get $bt) (local.get $bt)))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=8 (local.get $bl)) (local.get $py)) (f64.const 0))
                (f64.sub (local.get $py) (f64.load offset=8 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=16 (local.get $bl)) (local.get $pz)) (f64.const 0))
                (f64.sub (local.get $pz) (f64.load offset=16 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (f64.ge (f64.mul (local.get $bs) (f64.const 0.9999999999)) (f64.load (i32.add (local.get $gmaxd) (i32.shl (local.get $g) (i32.const 3)))))))
          (then
            (local.set $b (i32.shl (local.get $g) (i32.const 4)))
            (local.set $bEnd (i32.add (local.get $b) (i32.const 16)))
            (block $blocksDone
              (loop $block
                (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $bEnd)))
                (local.set $o (i32.shl (local.get $b) (i32.const 9)))
                (br_if $blocksDone (i32.ge_u (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
                (if (i32.eqz (block (result i32)
              (local.set $bl (i32.add (local.get $lo) (i32.mul (local.get $b) (i32.const 24))))
              (local.set $bh (i32.add (local.get $hi) (i32.mul (local.get $b) (i32.const 24))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load (local.get $bl)) (local.get $px)) (f64.const 0))
                (f64.sub (local.get $px) (f64.load (local.get $bh)))))
              (local.set $bs (f64.mul (local.get $bt) (local.get $bt)))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=8 (local.get $bl)) (local.get $py)) (f64.const 0))
                (f64.sub (local.get $py) (f64.load offset=8 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (local.set $bt (f64.max (f64.max (f64.sub (f64.load offset=16 (local.get $bl)) (local.get $pz)) (f64.const 0))
                (f64.sub (local.get $pz) (f64.load offset=16 (local.get $bh)))))
              (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $bt) (local.get $bt))))
              (f64.ge (f64.mul (local.get $bs) (f64.const 0.9999999999)) (f64.load (i32.add (local.get $maxd) (i32.shl (local.get $b) (i32.const 3)))))))
                  (then
                    (local.set $end (i32.add (local.get $o) (i32.const 512)))
                    (if (i32.gt_u (local.get $end) (i32.shl (local.get $n) (i32.const 3)))
                      (then (local.set $end (i32.shl (local.get $n) (i32.const 3)))))
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
                      (br_if $pairs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $block)))))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
)
