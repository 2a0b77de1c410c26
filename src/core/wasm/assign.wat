;; The assign pass of the pruned Lloyd (lloyd.ts, PrunedLloyd): `screen` and `settle`, the same
;; arithmetic in the same order as the TypeScript methods of those names, which stay as the
;; reference (tests run both and compare everything, down to the distances computed).
;; Compiled into assign.generated.ts by scripts/build-wasm.mjs (npm run build).
;;
;; Point i has its label a = labels[i]; bounds at 16·i (float32: upper, lower b, lower c, rest);
;; others at 4·i (uint16: b, c); coordinates at 8·d·i (float64). Array arguments are byte
;; offsets into the imported memory.
;;
;; screen: over points from..n − 1. With u = upper + travelled[a], rest = rest − restTravelled[a], lb = lower b −
;; travelled[b], ..., a point is kept when u < max(half[a], min(rest, lb, lc)) − eps. If not, its
;; upper bound is tightened to the exact distance to c_a (stored as upper32 does: nudged up,
;; rounded to float32) and the test is made again. A kept point raises reach[a] to u + rest; the
;; others are appended to crossers. Returns how many crossed; the distances computed are added to
;; the int32 at `counter`.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "screen")
    (param $from i32) (param $n i32) (param $d i32) (param $eps f64)
    (param $labels i32) (param $others i32) (param $bounds i32) (param $points i32)
    (param $centres i32) (param $travelled i32) (param $restTravelled i32) (param $half i32)
    (param $reach i32) (param $crossers i32) (param $counter i32)
    (result i32)
    (local $i i32) (local $count i32) (local $tightened i32) (local $a8 i32) (local $q i32)
    (local $o i32) (local $ra i32) (local $keep i32) (local $p i32) (local $c i32) (local $end i32)
    (local $u f64) (local $rest f64) (local $lb f64) (local $lc f64) (local $h f64) (local $r f64)
    (local $s f64) (local $diff f64) (local $v f64)
    (local.set $i (local.get $from))
    (block $done
      (br_if $done (i32.ge_u (local.get $from) (local.get $n)))
      (loop $next
        (local.set $a8 (i32.shl
          (i32.load16_u (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1))))
          (i32.const 3)))
        (local.set $q (i32.add (local.get $bounds) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $o (i32.add (local.get $others) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $u (f64.add
          (f64.promote_f32 (f32.load (local.get $q)))
          (f64.load (i32.add (local.get $travelled) (local.get $a8)))))
        (local.set $rest (f64.sub
          (f64.promote_f32 (f32.load offset=12 (local.get $q)))
          (f64.load (i32.add (local.get $restTravelled) (local.get $a8)))))
        (local.set $lb (f64.sub
          (f64.promote_f32 (f32.load offset=4 (local.get $q)))
          (f64.load (i32.add (local.get $travelled)
            (i32.shl (i32.load16_u (local.get $o)) (i32.const 3))))))
        (local.set $lc (f64.sub
          (f64.promote_f32 (f32.load offset=8 (local.get $q)))
          (f64.load (i32.add (local.get $travelled)
            (i32.shl (i32.load16_u offset=2 (local.get $o)) (i32.const 3))))))
        (local.set $h (f64.load (i32.add (local.get $half) (local.get $a8))))
        ;; keep = u < half − eps, or u below every lower bound − eps: the same test as
        ;; u < max(half, min(rest, lb, lc)) − eps (x ↦ x − eps rounds monotonically), without
        ;; f64.min and f64.max, which V8 compiles to branches that real data mispredicts.
        (local.set $keep (i32.or
          (f64.lt (local.get $u) (f64.sub (local.get $h) (local.get $eps)))
          (i32.and
            (i32.and
              (f64.lt (local.get $u) (f64.sub (local.get $rest) (local.get $eps)))
              (f64.lt (local.get $u) (f64.sub (local.get $lb) (local.get $eps))))
            (f64.lt (local.get $u) (f64.sub (local.get $lc) (local.get $eps))))))
        (if (i32.eqz (local.get $keep))
          (then
            ;; u = |x_i − c_a|, summed over the coordinates in order as dist2 does.
            (local.set $p (i32.add (local.get $points)
              (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 3))))
            (local.set $c (i32.add (local.get $centres)
              (i32.mul (local.get $a8) (local.get $d))))
            (if (i32.eq (local.get $d) (i32.const 3))
              (then
                ;; Colours: unrolled, (x² + y²) + z² as the loop sums it (0 + x² is x²).
                (local.set $diff (f64.sub (f64.load (local.get $p)) (f64.load (local.get $c))))
                (local.set $s (f64.mul (local.get $diff) (local.get $diff)))
                (local.set $diff (f64.sub (f64.load offset=8 (local.get $p)) (f64.load offset=8 (local.get $c))))
                (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
                (local.set $diff (f64.sub (f64.load offset=16 (local.get $p)) (f64.load offset=16 (local.get $c))))
                (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff)))))
              (else
                (local.set $end (i32.add (local.get $p) (i32.shl (local.get $d) (i32.const 3))))
                (local.set $s (f64.const 0))
                (loop $coordinate
                  (local.set $diff (f64.sub (f64.load (local.get $p)) (f64.load (local.get $c))))
                  (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
                  (local.set $c (i32.add (local.get $c) (i32.const 8)))
                  (br_if $coordinate (i32.lt_u
                    (local.tee $p (i32.add (local.get $p) (i32.const 8)))
                    (local.get $end))))))
            (local.set $u (f64.sqrt (local.get $s)))
            (local.set $tightened (i32.add (local.get $tightened) (i32.const 1)))
            ;; bounds[q] = upper32(u − travelled[a])
            (local.set $v (f64.sub (local.get $u)
              (f64.load (i32.add (local.get $travelled) (local.get $a8)))))
            (f32.store (local.get $q) (f32.demote_f64
              (f64.add (local.get $v) (f64.mul (f64.abs (local.get $v)) (f64.const 0x1p-22)))))
            (local.set $keep (i32.or
              (f64.lt (local.get $u) (f64.sub (local.get $h) (local.get $eps)))
              (i32.and
                (i32.and
                  (f64.lt (local.get $u) (f64.sub (local.get $rest) (local.get $eps)))
                  (f64.lt (local.get $u) (f64.sub (local.get $lb) (local.get $eps))))
                (f64.lt (local.get $u) (f64.sub (local.get $lc) (local.get $eps))))))))
        ;; Every point is written to crossers; the count only grows for those that crossed.
        (i32.store
          (i32.add (local.get $crossers) (i32.shl (local.get $count) (i32.const 2)))
          (local.get $i))
        (local.set $count (i32.sub (i32.add (local.get $count) (i32.const 1)) (local.get $keep)))
        ;; reach[a] = max(reach[a], u + rest) for a kept point (reach is never below 0).
        (local.set $r (select
          (f64.add (local.get $u) (local.get $rest)) (f64.const 0) (local.get $keep)))
        (local.set $ra (i32.add (local.get $reach) (local.get $a8)))
        (if (f64.gt (local.get $r) (f64.load (local.get $ra)))
          (then (f64.store (local.get $ra) (local.get $r))))
        (br_if $next (i32.lt_u
          (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (local.get $n)))))
    (i32.store (local.get $counter)
      (i32.add (i32.load (local.get $counter)) (local.get $tightened)))
    (local.get $count))

  ;; Squared distance between 3-D rows at byte offsets p and c: (x² + y²) + z², as dist2.
  (func $dist3 (param $p i32) (param $c i32) (result f64)
    (local $x f64) (local $y f64) (local $z f64)
    (local.set $x (f64.sub (f64.load (local.get $p)) (f64.load (local.get $c))))
    (local.set $y (f64.sub (f64.load offset=8 (local.get $p)) (f64.load offset=8 (local.get $c))))
    (local.set $z (f64.sub (f64.load offset=16 (local.get $p)) (f64.load offset=16 (local.get $c))))
    (f64.add
      (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
      (f64.mul (local.get $z) (local.get $z))))

  ;; upper32 and lower32 of lloyd.ts: a bound nudged outwards, as a float32.
  (func $upper32 (param $v f64) (result f32)
    (f32.demote_f64
      (f64.add (local.get $v) (f64.mul (f64.abs (local.get $v)) (f64.const 0x1p-22)))))
  (func $lower32 (param $v f64) (result f32)
    (local $s f64)
    (local.set $s (f64.sub (local.get $v) (f64.mul (f64.abs (local.get $v)) (f64.const 0x1p-22))))
    (f32.demote_f64 (select
      (local.get $s)
      (f64.const 3.4028234663852886e38)
      (f64.lt (local.get $s) (f64.const 3.4028234663852886e38)))))

  ;; Adds point p (3-D row at byte offset p) with weight w to cluster j's sums and mass.
  (func $moveMass (param $sums i32) (param $mass i32) (param $p i32) (param $j i32) (param $w f64)
    (local $m i32) (local $s i32)
    (local.set $m (i32.add (local.get $mass) (i32.shl (local.get $j) (i32.const 3))))
    (f64.store (local.get $m) (f64.add (f64.load (local.get $m)) (local.get $w)))
    (local.set $s (i32.add (local.get $sums) (i32.mul (local.get $j) (i32.const 24))))
    (f64.store (local.get $s) (f64.add (f64.load (local.get $s))
      (f64.mul (local.get $w) (f64.load (local.get $p)))))
    (f64.store offset=8 (local.get $s) (f64.add (f64.load offset=8 (local.get $s))
      (f64.mul (local.get $w) (f64.load offset=8 (local.get $p)))))
    (f64.store offset=16 (local.get $s) (f64.add (f64.load offset=16 (local.get $s))
      (f64.mul (local.get $w) (f64.load offset=16 (local.get $p))))))

  ;; settle, for d = 3: settles each of the `count` crossers in order (PrunedLloyd.settle; the
  ;; search walks the label's row of nearest centres as walkNearest4 does, and keeps what it
  ;; found as keepSearch does). A point whose walk runs off its row gets the four nearest of all
  ;; scanK centres, the list the TypeScript settle's k-d tree finds; with scanK = 0 it is left as it
  ;; was and listed again at the front of crossers, for that settle. Returns how many
  ;; labels changed; adds the distances, searches and left points to the int32s at counter,
  ;; counter + 4 and counter + 8.
  (func (export "settle")
    (param $count i32) (param $eps f64) (param $exact i32)
    (param $labels i32) (param $others i32) (param $bounds i32) (param $points i32)
    (param $centres i32) (param $travelled i32) (param $restTravelled i32) (param $reach i32)
    (param $crossers i32) (param $weights i32) (param $sums i32) (param $mass i32)
    (param $rowIds i32) (param $rowSuffixMin i32) (param $rowBeyond i32) (param $rowLength i32)
    (param $scanK i32) (param $counter i32)
    (result i32)
    (local $t i32) (local $i i32) (local $p i32) (local $q i32) (local $o i32)
    (local $a i32) (local $b i32) (local $c i32) (local $label i32) (local $changed i32)
    (local $distances i32) (local $searches i32) (local $left i32)
    (local $rest f64) (local $lb f64) (local $lc f64) (local $ua2 f64) (local $u f64)
    (local $best f64) (local $db f64) (local $dc f64) (local $r f64) (local $ra i32)
    ;; the walk
    (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $l4 i32)
    (local $d1 f64) (local $d2 f64) (local $d3 f64) (local $d4 f64)
    (local $wu f64) (local $beyond f64) (local $base i32) (local $tt i32) (local $done i32)
    (local $g f64) (local $sm f64) (local $j i32) (local $dj f64) (local $r4 f64)
    (local $px f64) (local $py f64) (local $pz f64) (local $cj i32) (local $x f64) (local $y f64) (local $z f64)
    (block $finished
      (br_if $finished (i32.eqz (local.get $count)))
      (loop $crosser
        (block $next
          (local.set $i (i32.load (i32.add (local.get $crossers) (i32.shl (local.get $t) (i32.const 2)))))
          (local.set $p (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 24))))
          (local.set $px (f64.load (local.get $p)))
          (local.set $py (f64.load offset=8 (local.get $p)))
          (local.set $pz (f64.load offset=16 (local.get $p)))
          (local.set $q (i32.add (local.get $bounds) (i32.shl (local.get $i) (i32.const 4))))
          (local.set $o (i32.add (local.get $others) (i32.shl (local.get $i) (i32.const 2))))
          (local.set $a (i32.load16_u (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1)))))
          (local.set $b (i32.load16_u (local.get $o)))
          (local.set $c (i32.load16_u offset=2 (local.get $o)))
          (local.set $rest (f64.sub
            (f64.promote_f32 (f32.load offset=12 (local.get $q)))
            (f64.load (i32.add (local.get $restTravelled) (i32.shl (local.get $a) (i32.const 3))))))
          (local.set $lb (f64.sub
            (f64.promote_f32 (f32.load offset=4 (local.get $q)))
            (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $b) (i32.const 3))))))
          (local.set $lc (f64.sub
            (f64.promote_f32 (f32.load offset=8 (local.get $q)))
            (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $c) (i32.const 3))))))
          (local.set $ua2 (block (result f64)
                    ;; $dist3 inlined (V8 does not inline calls between WebAssembly functions)
                    (local.set $cj (i32.add (local.get $centres) (i32.mul (local.get $a) (i32.const 24))))
                    (local.set $x (f64.sub (local.get $px) (f64.load (local.get $cj))))
                    (local.set $y (f64.sub (local.get $py) (f64.load offset=8 (local.get $cj))))
                    (local.set $z (f64.sub (local.get $pz) (f64.load offset=16 (local.get $cj))))
                    (f64.add (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
                      (f64.mul (local.get $z) (local.get $z)))))
          (local.set $u (f64.sqrt (local.get $ua2)))
          (local.set $label (local.get $a))
          (if (f64.lt (f64.add (local.get $u) (local.get $eps)) (local.get $rest))
            (then
              ;; The nearest is a, b or c: measure those whose bounds crossed.
              (local.set $best (local.get $ua2))
              (if (i32.eqz (f64.lt (f64.add (local.get $u) (local.get $eps)) (local.get $lb)))
                (then
                  (local.set $db (block (result f64)
                    ;; $dist3 inlined (V8 does not inline calls between WebAssembly functions)
                    (local.set $cj (i32.add (local.get $centres) (i32.mul (local.get $b) (i32.const 24))))
                    (local.set $x (f64.sub (local.get $px) (f64.load (local.get $cj))))
                    (local.set $y (f64.sub (local.get $py) (f64.load offset=8 (local.get $cj))))
                    (local.set $z (f64.sub (local.get $pz) (f64.load offset=16 (local.get $cj))))
                    (f64.add (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
                      (f64.mul (local.get $z) (local.get $z)))))
                  (local.set $distances (i32.add (local.get $distances) (i32.const 1)))
                  (f32.store offset=4 (local.get $q) (call $lower32 (f64.add
                    (f64.sqrt (local.get $db))
                    (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $b) (i32.const 3)))))))
                  (if (i32.or
                        (f64.lt (local.get $db) (local.get $best))
                        (i32.and (f64.eq (local.get $db) (local.get $best))
                                 (i32.lt_s (local.get $b) (local.get $label))))
                    (then
                      (local.set $best (local.get $db))
                      (local.set $label (local.get $b))))))
              (if (i32.eqz (f64.lt (f64.add (local.get $u) (local.get $eps)) (local.get $lc)))
                (then
                  (local.set $dc (block (result f64)
                    ;; $dist3 inlined (V8 does not inline calls between WebAssembly functions)
                    (local.set $cj (i32.add (local.get $centres) (i32.mul (local.get $c) (i32.const 24))))
                    (local.set $x (f64.sub (local.get $px) (f64.load (local.get $cj))))
                    (local.set $y (f64.sub (local.get $py) (f64.load offset=8 (local.get $cj))))
                    (local.set $z (f64.sub (local.get $pz) (f64.load offset=16 (local.get $cj))))
                    (f64.add (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
                      (f64.mul (local.get $z) (local.get $z)))))
                  (local.set $distances (i32.add (local.get $distances) (i32.const 1)))
                  (f32.store offset=8 (local.get $q) (call $lower32 (f64.add
                    (f64.sqrt (local.get $dc))
                    (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $c) (i32.const 3)))))))
                  (if (i32.or
                        (f64.lt (local.get $dc) (local.get $best))
                        (i32.and (f64.eq (local.get $dc) (local.get $best))
                                 (i32.lt_s (local.get $c) (local.get $label))))
                    (then
                      (local.set $best (local.get $dc))
                      (local.set $label (local.get $c))))))
              (if (i32.ne (local.get $label) (local.get $a))
                (then
                  ;; a swaps places with the winner; the rest bound still covers the same centres.
                  (i32.store16 (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1)))
                    (local.get $label))
                  (if (i32.eq (local.get $label) (local.get $b))
                    (then
                      (i32.store16 (local.get $o) (local.get $a))
                      (f32.store offset=4 (local.get $q) (call $lower32 (f64.add (local.get $u)
                        (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $a) (i32.const 3))))))))
                    (else
                      (i32.store16 offset=2 (local.get $o) (local.get $a))
                      (f32.store offset=8 (local.get $q) (call $lower32 (f64.add (local.get $u)
                        (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $a) (i32.const 3)))))))))
                  (local.set $u (f64.sqrt (local.get $best)))
                  (f32.store (local.get $q) (call $upper32 (f64.sub (local.get $u)
                    (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $label) (i32.const 3)))))))
                  (f32.store offset=12 (local.get $q) (call $lower32 (f64.add (local.get $rest)
                    (f64.load (i32.add (local.get $restTravelled) (i32.shl (local.get $label) (i32.const 3))))))))))
            (else
              ;; The four nearest, walking a's row (walkNearest4).
              (local.set $l1 (local.get $a))
              (local.set $d1 (local.get $ua2))
              (local.set $l2 (i32.const -1))
              (local.set $l3 (i32.const -1))
              (local.set $l4 (i32.const -1))
              (local.set $d2 (f64.const inf))
              (local.set $d3 (f64.const inf))
              (local.set $d4 (f64.const inf))
              (local.set $wu (f64.add (local.get $u) (local.get $eps)))
              (local.set $beyond (f64.load (i32.add (local.get $rowBeyond) (i32.shl (local.get $a) (i32.const 3)))))
              (local.set $base (i32.mul (local.get $a) (local.get $rowLength)))
              (local.set $done (f64.eq (local.get $beyond) (f64.const inf)))
              (local.set $tt (i32.const 0))
              (block $walked
                (br_if $walked (i32.eqz (local.get $rowLength)))
                (loop $step
                  ;; Stop strictly beyond the 4th best: a centre at exactly that distance may still tie.
                  (local.set $sm (f64.load (i32.add (local.get $rowSuffixMin)
                    (i32.shl (i32.add (local.get $base) (local.get $tt)) (i32.const 3)))))
                  (local.set $g (f64.sub
                    (select (local.get $sm) (local.get $beyond) (f64.lt (local.get $sm) (local.get $beyond)))
                    (local.get $wu)))
                  (if (i32.and
                        (f64.gt (local.get $g) (f64.const 0))
                        (f64.gt (f64.mul (local.get $g) (local.get $g)) (local.get $d4)))
                    (then
                      (local.set $done (i32.const 1))
                      (br $walked)))
                  (local.set $j (i32.load (i32.add (local.get $rowIds)
                    (i32.shl (i32.add (local.get $base) (local.get $tt)) (i32.const 2)))))
                  (local.set $dj (block (result f64)
                    ;; $dist3 inlined (V8 does not inline calls between WebAssembly functions)
                    (local.set $cj (i32.add (local.get $centres) (i32.mul (local.get $j) (i32.const 24))))
                    (local.set $x (f64.sub (local.get $px) (f64.load (local.get $cj))))
                    (local.set $y (f64.sub (local.get $py) (f64.load offset=8 (local.get $cj))))
                    (local.set $z (f64.sub (local.get $pz) (f64.load offset=16 (local.get $cj))))
                    (f64.add (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
                      (f64.mul (local.get $z) (local.get $z)))))
                  (if (i32.eqz (i32.or
                        (f64.gt (local.get $dj) (local.get $d4))
                        (i32.and (f64.eq (local.get $dj) (local.get $d4))
                                 (i32.gt_s (local.get $j) (local.get $l4)))))
                    (then
                      (if (i32.or
                            (f64.lt (local.get $dj) (local.get $d3))
                            (i32.and (f64.eq (local.get $dj) (local.get $d3))
                                     (i32.lt_s (local.get $j) (local.get $l3))))
                        (then
                          (local.set $l4 (local.get $l3))
                          (local.set $d4 (local.get $d3))
                          (if (i32.or
                                (f64.lt (local.get $dj) (local.get $d2))
                                (i32.and (f64.eq (local.get $dj) (local.get $d2))
                                         (i32.lt_s (local.get $j) (local.get $l2))))
                            (then
                              (local.set $l3 (local.get $l2))
                              (local.set $d3 (local.get $d2))
                              (if (i32.or
                                    (f64.lt (local.get $dj) (local.get $d1))
                                    (i32.and (f64.eq (local.get $dj) (local.get $d1))
                                             (i32.lt_s (local.get $j) (local.get $l1))))
                                (then
                                  (local.set $l2 (local.get $l1))
                                  (local.set $d2 (local.get $d1))
                                  (local.set $l1 (local.get $j))
                                  (local.set $d1 (local.get $dj)))
                                (else
                                  (local.set $l2 (local.get $j))
                                  (local.set $d2 (local.get $dj)))))
                            (else
                              (local.set $l3 (local.get $j))
                              (local.set $d3 (local.get $dj)))))
                        (else
                          (local.set $l4 (local.get $j))
                          (local.set $d4 (local.get $dj))))))
                  (br_if $step (i32.lt_u
                    (local.tee $tt (i32.add (local.get $tt) (i32.const 1)))
                    (local.get $rowLength)))))
              (if (i32.eqz (local.get $done))
                (then
                  (local.set $g (f64.sub (local.get $beyond) (local.get $wu)))
                  (local.set $done (i32.and
                    (f64.gt (local.get $g) (f64.const 0))
                    (f64.gt (f64.mul (local.get $g) (local.get $g)) (local.get $d4))))))
              (if (i32.eqz (local.get $done))
                (then
                  (if (i32.eqz (local.get $scanK))
                    (then
                      ;; The row ran out: leave the point for the TypeScript settle and its tree.
                      (i32.store (i32.add (local.get $crossers) (i32.shl (local.get $left) (i32.const 2)))
                        (local.get $i))
                      (local.set $left (i32.add (local.get $left) (i32.const 1)))
                      (br $next)))
                  ;; The row ran out: the four nearest of all scanK centres, scanned in index order so
                  ;; that a tie keeps the lower index (strictly nearer displaces), as the tree's list.
                  (local.set $l1 (i32.const -1))
                  (local.set $l2 (i32.const -1))
                  (local.set $l3 (i32.const -1))
                  (local.set $l4 (i32.const -1))
                  (local.set $d1 (f64.const inf))
                  (local.set $d2 (f64.const inf))
                  (local.set $d3 (f64.const inf))
                  (local.set $d4 (f64.const inf))
                  (local.set $j (i32.const 0))
                  (loop $scan
                    (local.set $dj (block (result f64)
                    ;; $dist3 inlined (V8 does not inline calls between WebAssembly functions)
                    (local.set $cj (i32.add (local.get $centres) (i32.mul (local.get $j) (i32.const 24))))
                    (local.set $x (f64.sub (local.get $px) (f64.load (local.get $cj))))
                    (local.set $y (f64.sub (local.get $py) (f64.load offset=8 (local.get $cj))))
                    (local.set $z (f64.sub (local.get $pz) (f64.load offset=16 (local.get $cj))))
                    (f64.add (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
                      (f64.mul (local.get $z) (local.get $z)))))
                    (if (f64.lt (local.get $dj) (local.get $d4))
                      (then
                        (if (f64.lt (local.get $dj) (local.get $d3))
                          (then
                            (local.set $l4 (local.get $l3))
                            (local.set $d4 (local.get $d3))
                            (if (f64.lt (local.get $dj) (local.get $d2))
                              (then
                                (local.set $l3 (local.get $l2))
                                (local.set $d3 (local.get $d2))
                                (if (f64.lt (local.get $dj) (local.get $d1))
                                  (then
                                    (local.set $l2 (local.get $l1))
                                    (local.set $d2 (local.get $d1))
                                    (local.set $l1 (local.get $j))
                                    (local.set $d1 (local.get $dj)))
                                  (else
                                    (local.set $l2 (local.get $j))
                                    (local.set $d2 (local.get $dj)))))
                              (else
                                (local.set $l3 (local.get $j))
                                (local.set $d3 (local.get $dj)))))
                          (else
                            (local.set $l4 (local.get $j))
                            (local.set $d4 (local.get $dj))))))
                    (br_if $scan (i32.lt_u
                      (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                      (local.get $scanK))))))
              (local.set $searches (i32.add (local.get $searches) (i32.const 1)))
              (local.set $label (local.get $l1))
              (i32.store16 (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1)))
                (local.get $l1))
              (local.set $u (f64.sqrt (local.get $d1)))
              ;; keepSearch: the label, the next two and the rest bound from what the walk found.
              (f32.store (local.get $q) (call $upper32 (f64.sub (local.get $u)
                (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $l1) (i32.const 3)))))))
              (if (i32.lt_s (local.get $l2) (i32.const 0))
                (then
                  (i32.store16 (local.get $o) (local.get $l1))
                  (f32.store offset=4 (local.get $q) (f32.const 3.4028234663852886e38)))
                (else
                  (i32.store16 (local.get $o) (local.get $l2))
                  (f32.store offset=4 (local.get $q) (call $lower32 (f64.add (f64.sqrt (local.get $d2))
                    (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $l2) (i32.const 3)))))))))
              (if (i32.lt_s (local.get $l3) (i32.const 0))
                (then
                  (i32.store16 offset=2 (local.get $o) (local.get $l1))
                  (f32.store offset=8 (local.get $q) (f32.const 3.4028234663852886e38)))
                (else
                  (i32.store16 offset=2 (local.get $o) (local.get $l3))
                  (f32.store offset=8 (local.get $q) (call $lower32 (f64.add (f64.sqrt (local.get $d3))
                    (f64.load (i32.add (local.get $travelled) (i32.shl (local.get $l3) (i32.const 3)))))))))
              (local.set $r4 (f64.sqrt (local.get $d4)))
              (f32.store offset=12 (local.get $q) (call $lower32 (f64.add (local.get $r4)
                (f64.load (i32.add (local.get $restTravelled) (i32.shl (local.get $l1) (i32.const 3)))))))
              (local.set $rest (f64.sub (f64.add (local.get $u) (local.get $r4)) (local.get $u)))))
          (local.set $r (f64.add (local.get $u) (local.get $rest)))
          (local.set $ra (i32.add (local.get $reach) (i32.shl (local.get $label) (i32.const 3))))
          (if (f64.gt (local.get $r) (f64.load (local.get $ra)))
            (then (f64.store (local.get $ra) (local.get $r))))
          (if (i32.ne (local.get $label) (local.get $a))
            (then
              (local.set $changed (i32.add (local.get $changed) (i32.const 1)))
              (if (local.get $exact)
                (then
                  (local.set $db (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3)))))
                  (call $moveMass (local.get $sums) (local.get $mass) (local.get $p) (local.get $a)
                    (f64.neg (local.get $db)))
                  (call $moveMass (local.get $sums) (local.get $mass) (local.get $p) (local.get $label)
                    (local.get $db)))))))
        (br_if $crosser (i32.lt_u
          (local.tee $t (i32.add (local.get $t) (i32.const 1)))
          (local.get $count)))))
    (i32.store (local.get $counter) (i32.add (i32.load (local.get $counter)) (local.get $distances)))
    (i32.store offset=4 (local.get $counter) (i32.add (i32.load offset=4 (local.get $counter)) (local.get $searches)))
    (i32.store offset=8 (local.get $counter) (local.get $left))
    (local.get $changed))
  ;; Loops the pruned Lloyd runs once a fit, over every point, in place (lloyd.ts runs the same
  ;; arithmetic in the same order where the kernel does not run). Run once, the TypeScript loops are
  ;; slow before V8 has optimised them: together 8-10 ms on china.jpg in a fresh process.

  ;; Adds each point's weight (weights) and weight × coordinates (points, d float64 a point) to its
  ;; cluster's mass and sums, in point order, as `accumulate` in lloyd-update.ts.
  (func (export "accumulate")
    (param $n i32) (param $d i32) (param $points i32) (param $weights i32) (param $labels i32)
    (param $sums i32) (param $mass i32)
    (local $i i32) (local $t i32) (local $w f64) (local $p i32) (local $s i32) (local $a i32)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (i32.load16_u (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3)))))
        (f64.store (i32.add (local.get $mass) (i32.shl (local.get $a) (i32.const 3)))
          (f64.add (f64.load (i32.add (local.get $mass) (i32.shl (local.get $a) (i32.const 3)))) (local.get $w)))
        (local.set $p (i32.add (local.get $points) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 3))))
        (local.set $s (i32.add (local.get $sums) (i32.shl (i32.mul (local.get $a) (local.get $d)) (i32.const 3))))
        (local.set $t (i32.const 0))
        (block $coordinates
          (loop $coordinate
            (br_if $coordinates (i32.ge_u (local.get $t) (local.get $d)))
            (f64.store (local.get $s)
              (f64.add (f64.load (local.get $s)) (f64.mul (local.get $w) (f64.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $s (i32.add (local.get $s) (i32.const 8)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $coordinate)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $point))))

  ;; Σ weight × squared distance from each point to its label's centre, in point order, each
  ;; distance summed over the coordinates in order (as inertiaOf and dist2).
  (func (export "inertia")
    (param $n i32) (param $d i32) (param $points i32) (param $weights i32) (param $labels i32)
    (param $centres i32) (result f64)
    (local $i i32) (local $t i32) (local $p i32) (local $c i32) (local $s f64) (local $diff f64) (local $total f64)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $points) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 3))))
        (local.set $c (i32.add (local.get $centres) (i32.shl
          (i32.mul (i32.load16_u (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1)))) (local.get $d))
          (i32.const 3))))
        (local.set $s (f64.const 0))
        (local.set $t (i32.const 0))
        (block $coordinates
          (loop $coordinate
            (br_if $coordinates (i32.ge_u (local.get $t) (local.get $d)))
            (local.set $diff (f64.sub (f64.load (local.get $p)) (f64.load (local.get $c))))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $coordinate)))
        (local.set $total (f64.add (local.get $total)
          (f64.mul (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3)))) (local.get $s))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $point)))
    (local.get $total))

  ;; What makes the bounds' margin and the exact sums (boundMargin, exactSums in lloyd.ts): the
  ;; largest |coordinate| of the `count` coordinates at points to out and the sum of the n weights
  ;; (in order) to out + 8 (float64), and whether every coordinate and weight is a finite integer
  ;; (returned, 1 or 0).
  (func (export "scan")
    (param $count i32) (param $points i32) (param $n i32) (param $weights i32) (param $out i32) (result i32)
    (local $p i32) (local $end i32) (local $v f64) (local $max f64) (local $total f64) (local $integral i32)
    (local.set $integral (i32.const 1))
    (local.set $p (local.get $points))
    (local.set $end (i32.add (local.get $points) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $coordinate
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (f64.load (local.get $p)))
        (if (f64.gt (f64.abs (local.get $v)) (local.get $max)) (then (local.set $max (f64.abs (local.get $v)))))
        ;; A finite integer: v − v is 0 (not NaN) and trunc(v) is v.
        (local.set $integral (i32.and (local.get $integral) (i32.and
          (f64.eq (f64.sub (local.get $v) (local.get $v)) (f64.const 0))
          (f64.eq (f64.trunc (local.get $v)) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $coordinate)))
    (local.set $p (local.get $weights))
    (local.set $end (i32.add (local.get $weights) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $weight
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (f64.load (local.get $p)))
        (local.set $total (f64.add (local.get $total) (local.get $v)))
        (local.set $integral (i32.and (local.get $integral) (i32.and
          (f64.eq (f64.sub (local.get $v) (local.get $v)) (f64.const 0))
          (f64.eq (f64.trunc (local.get $v)) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $weight)))
    (f64.store (local.get $out) (local.get $max))
    (f64.store offset=8 (local.get $out) (local.get $total))
    (local.get $integral))

  ;; The first assign step's start (firstAssign in lloyd.ts): each point's label is its hint, or 0
  ;; when the hint is not below k, and both its other centres are that label.
  (func (export "startLabels")
    (param $n i32) (param $k i32) (param $labels i32) (param $others i32)
    (local $i i32) (local $a i32) (local $at i32)
    (block $done
      (loop $point
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 1))))
        (local.set $a (i32.load16_u (local.get $at)))
        (if (i32.ge_u (local.get $a) (local.get $k)) (then
          (local.set $a (i32.const 0))
          (i32.store16 (local.get $at) (i32.const 0))))
        (i32.store (i32.add (local.get $others) (i32.shl (local.get $i) (i32.const 2)))
          (i32.or (local.get $a) (i32.shl (local.get $a) (i32.const 16))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $point))))

  ;; Each centre's m nearest centres (itself among them), by brute force over all k: for centre a,
  ;; labels[a·m + t] and dist2[a·m + t] (byte offsets) hold the t-th nearest, sorted by squared
  ;; distance, then index (the order of insertFound in kdtree.ts), -1 and +inf where k < m. What
  ;; CentreRows.build asks the k-d tree for (rows.ts), without the tree: K² distances. The list
  ;; starts with a and the centres of a's row as it was (`ids`, `length` a row; most are still
  ;; among the nearest), so that nearly every other centre is turned away by one comparison. Each
  ;; centre goes in once: marks[j] = stamp + a + 1 once it is in a's list (stamp: a number no
  ;; earlier call used, e.g. builds so far × k).
  (func $insertNearest
    (param $lrow i32) (param $drow i32) (param $m i32) (param $count i32) (param $j i32) (param $s f64)
    (result i32)
    (local $at i32) (local $prev f64) (local $pl i32)
    (local.set $at (select (local.get $count) (i32.sub (local.get $m) (i32.const 1))
      (i32.lt_u (local.get $count) (local.get $m))))
    (block $placed (loop $shift
      (br_if $placed (i32.eqz (local.get $at)))
      (local.set $prev (f64.load (i32.add (local.get $drow)
        (i32.shl (i32.sub (local.get $at) (i32.const 1)) (i32.const 3)))))
      (local.set $pl (i32.load (i32.add (local.get $lrow)
        (i32.shl (i32.sub (local.get $at) (i32.const 1)) (i32.const 2)))))
      ;; Stop behind an entry nearer, or as near with a lower index.
      (br_if $placed (i32.or (f64.lt (local.get $prev) (local.get $s))
        (i32.and (f64.eq (local.get $prev) (local.get $s)) (i32.lt_s (local.get $pl) (local.get $j)))))
      (f64.store (i32.add (local.get $drow) (i32.shl (local.get $at) (i32.const 3))) (local.get $prev))
      (i32.store (i32.add (local.get $lrow) (i32.shl (local.get $at) (i32.const 2))) (local.get $pl))
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (br $shift)))
    (f64.store (i32.add (local.get $drow) (i32.shl (local.get $at) (i32.const 3))) (local.get $s))
    (i32.store (i32.add (local.get $lrow) (i32.shl (local.get $at) (i32.const 2))) (local.get $j))
    (select (i32.add (local.get $count) (i32.const 1)) (local.get $count)
      (i32.lt_u (local.get $count) (local.get $m))))

  (func (export "nearestRows")
    (param $k i32) (param $d i32) (param $m i32) (param $centres i32) (param $labels i32) (param $dist2 i32)
    (param $ids i32) (param $length i32) (param $marks i32) (param $stamp i32)
    (local $a i32) (local $j i32) (local $t i32) (local $count i32) (local $ca i32) (local $cj i32)
    (local $lrow i32) (local $drow i32) (local $mark i32) (local $seeds i32)
    (local $s f64) (local $diff f64) (local $last f64) (local $lastLabel i32)
    (local $ax f64) (local $ay f64) (local $az f64)
    (block $rows (loop $row
      (br_if $rows (i32.ge_u (local.get $a) (local.get $k)))
      (local.set $lrow (i32.add (local.get $labels) (i32.shl (i32.mul (local.get $a) (local.get $m)) (i32.const 2))))
      (local.set $drow (i32.add (local.get $dist2) (i32.shl (i32.mul (local.get $a) (local.get $m)) (i32.const 3))))
      (local.set $t (i32.const 0))
      (block $filled (loop $fill
        (br_if $filled (i32.ge_u (local.get $t) (local.get $m)))
        (i32.store (i32.add (local.get $lrow) (i32.shl (local.get $t) (i32.const 2))) (i32.const -1))
        (f64.store (i32.add (local.get $drow) (i32.shl (local.get $t) (i32.const 3))) (f64.const inf))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $fill)))
      (local.set $ca (i32.add (local.get $centres) (i32.shl (i32.mul (local.get $a) (local.get $d)) (i32.const 3))))
      (if (i32.eq (local.get $d) (i32.const 3)) (then
        (local.set $ax (f64.load (local.get $ca)))
        (local.set $ay (f64.load offset=8 (local.get $ca)))
        (local.set $az (f64.load offset=16 (local.get $ca)))))
      (local.set $mark (i32.add (i32.add (local.get $stamp) (local.get $a)) (i32.const 1)))
      (local.set $count (i32.const 0))
      (local.set $last (f64.const inf))
      (local.set $lastLabel (i32.const -1))
      ;; Seeds first: t = -1 is a itself, then its row's entries; then every centre in order.
      (local.set $seeds (i32.add (local.get $length) (i32.const 1)))
      (local.set $t (i32.const 0))
      (block $candidates (loop $candidate
        (br_if $candidates (i32.ge_u (local.get $t) (i32.add (local.get $seeds) (local.get $k))))
        (local.set $j
          (if (result i32) (i32.lt_u (local.get $t) (local.get $seeds))
            (then (if (result i32) (i32.eqz (local.get $t))
              (then (local.get $a))
              (else (i32.load (i32.add (local.get $ids)
                (i32.shl (i32.add (i32.mul (local.get $a) (local.get $length)) (i32.sub (local.get $t) (i32.const 1)))
                  (i32.const 2)))))))
            (else (i32.sub (local.get $t) (local.get $seeds)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        ;; A centre already in the list (or an entry out of range) is passed over.
        (br_if $candidate (i32.ge_u (local.get $j) (local.get $k)))
        (br_if $candidate (i32.eq (i32.load (i32.add (local.get $marks) (i32.shl (local.get $j) (i32.const 2))))
          (local.get $mark)))
        (local.set $cj (i32.add (local.get $centres) (i32.shl (i32.mul (local.get $j) (local.get $d)) (i32.const 3))))
        (if (i32.eq (local.get $d) (i32.const 3))
          (then
            ;; (x² + y²) + z², as dist2, with c_a's coordinates in locals.
            (local.set $diff (f64.sub (local.get $ax) (f64.load (local.get $cj))))
            (local.set $s (f64.mul (local.get $diff) (local.get $diff)))
            (local.set $diff (f64.sub (local.get $ay) (f64.load offset=8 (local.get $cj))))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
            (local.set $diff (f64.sub (local.get $az) (f64.load offset=16 (local.get $cj))))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff)))))
          (else (local.set $s (call $squared (local.get $ca) (local.get $cj) (local.get $d)))))
        ;; A full list keeps a candidate only when it is nearer than its last entry, or as near with
        ;; a lower index.
        (if (i32.or (i32.lt_u (local.get $count) (local.get $m))
              (i32.or (f64.lt (local.get $s) (local.get $last))
                (i32.and (f64.eq (local.get $s) (local.get $last)) (i32.lt_s (local.get $j) (local.get $lastLabel)))))
          (then
            (i32.store (i32.add (local.get $marks) (i32.shl (local.get $j) (i32.const 2))) (local.get $mark))
            (local.set $count (call $insertNearest (local.get $lrow) (local.get $drow) (local.get $m)
              (local.get $count) (local.get $j) (local.get $s)))
            (if (i32.eq (local.get $count) (local.get $m)) (then
              (local.set $last (f64.load (i32.add (local.get $drow)
                (i32.shl (i32.sub (local.get $m) (i32.const 1)) (i32.const 3)))))
              (local.set $lastLabel (i32.load (i32.add (local.get $lrow)
                (i32.shl (i32.sub (local.get $m) (i32.const 1)) (i32.const 2)))))))))
        (br $candidate)))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $row))))

  ;; The loops of CentreRows (rows.ts) over the rows, for the kernel's memory; the same arithmetic
  ;; in the same order. $squared: dist2 of rows at byte offsets p and q in d dimensions.
  ;; rowsMoved: moved[j] = |c_j − c_j at the last build| for every centre; returns the largest.
  ;; Also changed[j] (int32) = whether c_j differs from last[j], its place at the last call, which
  ;; it then becomes: rowsRefresh measures again only the rows where a centre changed.
  (func $squared (param $p i32) (param $q i32) (param $d i32) (result f64)
    (local $s f64) (local $diff f64) (local $t i32)
    (if (i32.eq (local.get $d) (i32.const 3))
      (then (return (call $dist3 (local.get $p) (local.get $q)))))
    (block $summed (loop $coordinate
      (br_if $summed (i32.ge_u (local.get $t) (local.get $d)))
      (local.set $diff (f64.sub
        (f64.load (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 3))))
        (f64.load (i32.add (local.get $q) (i32.shl (local.get $t) (i32.const 3))))))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $coordinate)))
    (local.get $s))

  (func (export "rowsMoved")
    (param $k i32) (param $d i32) (param $centres i32) (param $atBuild i32) (param $moved i32)
    (param $last i32) (param $changed i32) (result f64)
    (local $j i32) (local $row i32) (local $v f64) (local $max f64) (local $t i32) (local $c i32) (local $l i32)
    (local $differs i32)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (block $done (loop $centre
      (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
      (local.set $c (i32.add (local.get $centres) (i32.mul (local.get $j) (local.get $row))))
      (local.set $l (i32.add (local.get $last) (i32.mul (local.get $j) (local.get $row))))
      (local.set $differs (i32.const 0))
      (local.set $t (i32.const 0))
      (block $compared (loop $coordinate
        (br_if $compared (i32.ge_u (local.get $t) (local.get $row)))
        (if (f64.ne (f64.load (i32.add (local.get $c) (local.get $t))) (f64.load (i32.add (local.get $l) (local.get $t))))
          (then
            (local.set $differs (i32.const 1))
            (f64.store (i32.add (local.get $l) (local.get $t)) (f64.load (i32.add (local.get $c) (local.get $t))))))
        (local.set $t (i32.add (local.get $t) (i32.const 8)))
        (br $coordinate)))
      (i32.store (i32.add (local.get $changed) (i32.shl (local.get $j) (i32.const 2))) (local.get $differs))
      (local.set $v (f64.sqrt (call $squared
        (i32.add (local.get $centres) (i32.mul (local.get $j) (local.get $row)))
        (i32.add (local.get $atBuild) (i32.mul (local.get $j) (local.get $row)))
        (local.get $d))))
      (f64.store (i32.add (local.get $moved) (i32.shl (local.get $j) (i32.const 3))) (local.get $v))
      (if (f64.gt (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $centre)))
    (local.get $max))

  ;; rowsBuild: each centre's row from its list of nearestRows (m = length + 2 entries at a·m):
  ;; the entries but itself, up to length, into ids; the next one's distance (the first centre
  ;; outside the row) into beyondAtBuild, +inf if none. out[0] gets the sum of the finite ones and
  ;; out[1] how many there are.
  (func (export "rowsBuild")
    (param $k i32) (param $length i32) (param $labels i32) (param $dist2 i32) (param $ids i32)
    (param $beyondAtBuild i32) (param $out i32)
    (local $a i32) (local $s i32) (local $t i32) (local $j i32) (local $m i32) (local $at i32)
    (local $outside f64) (local $sum f64) (local $finite f64)
    (local.set $m (i32.add (local.get $length) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $a) (local.get $k)))
      (local.set $t (i32.const 0))
      (local.set $outside (f64.const inf))
      (local.set $s (i32.mul (local.get $a) (local.get $m)))
      (local.set $at (i32.add (local.get $s) (local.get $m)))
      (block $filled (loop $entry
        (br_if $filled (i32.ge_u (local.get $s) (local.get $at)))
        (local.set $j (i32.load (i32.add (local.get $labels) (i32.shl (local.get $s) (i32.const 2)))))
        (if (i32.ne (local.get $j) (local.get $a)) (then
          (if (i32.eq (local.get $t) (local.get $length)) (then
            (if (i32.ge_s (local.get $j) (i32.const 0)) (then
              (local.set $outside (f64.sqrt
                (f64.load (i32.add (local.get $dist2) (i32.shl (local.get $s) (i32.const 3))))))))
            (br $filled)))
          (i32.store
            (i32.add (local.get $ids)
              (i32.shl (i32.add (i32.mul (local.get $a) (local.get $length)) (local.get $t)) (i32.const 2)))
            (local.get $j))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $entry)))
      (f64.store (i32.add (local.get $beyondAtBuild) (i32.shl (local.get $a) (i32.const 3))) (local.get $outside))
      (if (f64.lt (local.get $outside) (f64.const inf)) (then
        (local.set $sum (f64.add (local.get $sum) (local.get $outside)))
        (local.set $finite (f64.add (local.get $finite) (f64.const 1)))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $row)))
    (f64.store (local.get $out) (local.get $sum))
    (f64.store offset=8 (local.get $out) (local.get $finite)))

  ;; rowsRefresh: the current distance of every entry, the smallest from each entry to the end of
  ;; its row, and the bound for the centres outside: beyond at build − moved[a] − maxMoved. Unless
  ;; `all`, a row where neither its centre nor any entry changed (see rowsMoved) keeps its
  ;; distances and minima, which are then the same.
  (func (export "rowsRefresh")
    (param $k i32) (param $d i32) (param $length i32) (param $centres i32) (param $ids i32)
    (param $dist i32) (param $suffixMin i32) (param $beyond i32) (param $beyondAtBuild i32)
    (param $moved i32) (param $maxMoved f64) (param $changed i32) (param $all i32)
    (local $a i32) (local $t i32) (local $base i32) (local $row i32) (local $at i32) (local $ca i32) (local $cj i32)
    (local $stale i32)
    (local $v f64) (local $min f64) (local $b f64) (local $x f64) (local $y f64) (local $z f64)
    (local $ax f64) (local $ay f64) (local $az f64)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (block $done (loop $centre
      (br_if $done (i32.ge_u (local.get $a) (local.get $k)))
      (local.set $base (i32.mul (local.get $a) (local.get $length)))
      ;; Whether the row must be measured again.
      (local.set $stale (i32.or (local.get $all)
        (i32.load (i32.add (local.get $changed) (i32.shl (local.get $a) (i32.const 2))))))
      (local.set $t (i32.const 0))
      (block $checked (loop $check
        (br_if $checked (i32.or (local.get $stale) (i32.ge_u (local.get $t) (local.get $length))))
        (local.set $stale (i32.load (i32.add (local.get $changed) (i32.shl
          (i32.load (i32.add (local.get $ids) (i32.shl (i32.add (local.get $base) (local.get $t)) (i32.const 2))))
          (i32.const 2)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $check)))
      (if (local.get $stale) (then
      (local.set $ca (i32.add (local.get $centres) (i32.mul (local.get $a) (local.get $row))))
      (if (i32.eq (local.get $d) (i32.const 3)) (then
        (local.set $ax (f64.load (local.get $ca)))
        (local.set $ay (f64.load offset=8 (local.get $ca)))
        (local.set $az (f64.load offset=16 (local.get $ca)))))
      (local.set $t (i32.const 0))
      (block $measured (loop $entry
        (br_if $measured (i32.ge_u (local.get $t) (local.get $length)))
        (local.set $at (i32.add (local.get $base) (local.get $t)))
        (local.set $cj (i32.add (local.get $centres) (i32.mul
          (i32.load (i32.add (local.get $ids) (i32.shl (local.get $at) (i32.const 2))))
          (local.get $row))))
        (if (i32.eq (local.get $d) (i32.const 3))
          (then
            ;; (x² + y²) + z², as dist2, with c_a's coordinates in locals.
            (local.set $x (f64.sub (local.get $ax) (f64.load (local.get $cj))))
            (local.set $y (f64.sub (local.get $ay) (f64.load offset=8 (local.get $cj))))
            (local.set $z (f64.sub (local.get $az) (f64.load offset=16 (local.get $cj))))
            (local.set $v (f64.add (f64.add (f64.mul (local.get $x) (local.get $x)) (f64.mul (local.get $y) (local.get $y)))
              (f64.mul (local.get $z) (local.get $z)))))
          (else (local.set $v (call $squared (local.get $ca) (local.get $cj) (local.get $d)))))
        (f64.store (i32.add (local.get $dist) (i32.shl (local.get $at) (i32.const 3))) (f64.sqrt (local.get $v)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $entry)))
      (local.set $min (f64.const inf))
      (local.set $t (local.get $length))
      (block $suffixed (loop $back
        (br_if $suffixed (i32.eqz (local.get $t)))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (local.set $at (i32.add (local.get $base) (local.get $t)))
        (local.set $v (f64.load (i32.add (local.get $dist) (i32.shl (local.get $at) (i32.const 3)))))
        (if (f64.lt (local.get $v) (local.get $min)) (then (local.set $min (local.get $v))))
        (f64.store (i32.add (local.get $suffixMin) (i32.shl (local.get $at) (i32.const 3))) (local.get $min))
        (br $back)))))
      (local.set $b (f64.load (i32.add (local.get $beyondAtBuild) (i32.shl (local.get $a) (i32.const 3)))))
      (f64.store (i32.add (local.get $beyond) (i32.shl (local.get $a) (i32.const 3)))
        (select
          (f64.const inf)
          (f64.sub
            (f64.sub (local.get $b)
              (f64.load (i32.add (local.get $moved) (i32.shl (local.get $a) (i32.const 3)))))
            (local.get $maxMoved))
          (f64.eq (local.get $b) (f64.const inf))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $centre))))

  ;; The update step's loops over the centres (lloyd-update.ts moveCentres and lloyd.ts
  ;; centresMoved, restShifts, sortMovers), the same arithmetic in the same order. moveCentres:
  ;; each centre with mass moves to sums / mass, shift[j] is how far (0 without mass); returns
  ;; Σ shift².
  (func (export "moveCentres")
    (param $k i32) (param $d i32) (param $centres i32) (param $sums i32) (param $mass i32) (param $shift i32)
    (result f64)
    (local $j i32) (local $t i32) (local $at i32) (local $m f64) (local $s f64) (local $value f64)
    (local $diff f64) (local $total f64)
    (block $done (loop $centre
      (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
      (local.set $m (f64.load (i32.add (local.get $mass) (i32.shl (local.get $j) (i32.const 3)))))
      (if (f64.gt (local.get $m) (f64.const 0))
        (then
          (local.set $s (f64.const 0))
          (local.set $t (i32.const 0))
          (block $moved (loop $coordinate
            (br_if $moved (i32.ge_u (local.get $t) (local.get $d)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $j) (local.get $d)) (local.get $t)) (i32.const 3)))
            (local.set $value (f64.div (f64.load (i32.add (local.get $sums) (local.get $at))) (local.get $m)))
            (local.set $diff (f64.sub (local.get $value) (f64.load (i32.add (local.get $centres) (local.get $at)))))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
            (f64.store (i32.add (local.get $centres) (local.get $at)) (local.get $value))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $coordinate)))
          (f64.store (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 3))) (f64.sqrt (local.get $s)))
          (local.set $total (f64.add (local.get $total) (local.get $s))))
        (else (f64.store (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $centre)))
    (local.get $total))

  ;; Whether mover p comes after mover q: a smaller shift, or the same and a larger index.
  (func $after (param $shift i32) (param $p i32) (param $q i32) (result i32)
    (local $sp f64) (local $sq f64)
    (local.set $sp (f64.load (i32.add (local.get $shift) (i32.shl (local.get $p) (i32.const 3)))))
    (local.set $sq (f64.load (i32.add (local.get $shift) (i32.shl (local.get $q) (i32.const 3)))))
    (i32.or (f64.lt (local.get $sp) (local.get $sq))
      (i32.and (f64.eq (local.get $sp) (local.get $sq)) (i32.gt_s (local.get $p) (local.get $q)))))

  (func $siftDown (param $movers i32) (param $shift i32) (param $root i32) (param $end i32)
    (local $child i32) (local $a i32) (local $b i32)
    (block $done (loop $down
      (local.set $child (i32.add (i32.shl (local.get $root) (i32.const 1)) (i32.const 1)))
      (br_if $done (i32.ge_s (local.get $child) (local.get $end)))
      (if (i32.lt_s (i32.add (local.get $child) (i32.const 1)) (local.get $end)) (then
        (if (call $after (local.get $shift)
              (i32.load (i32.add (local.get $movers) (i32.shl (i32.add (local.get $child) (i32.const 1)) (i32.const 2))))
              (i32.load (i32.add (local.get $movers) (i32.shl (local.get $child) (i32.const 2)))))
          (then (local.set $child (i32.add (local.get $child) (i32.const 1)))))))
      (local.set $a (i32.load (i32.add (local.get $movers) (i32.shl (local.get $child) (i32.const 2)))))
      (local.set $b (i32.load (i32.add (local.get $movers) (i32.shl (local.get $root) (i32.const 2)))))
      (br_if $done (i32.eqz (call $after (local.get $shift) (local.get $a) (local.get $b))))
      (i32.store (i32.add (local.get $movers) (i32.shl (local.get $root) (i32.const 2))) (local.get $a))
      (i32.store (i32.add (local.get $movers) (i32.shl (local.get $child) (i32.const 2))) (local.get $b))
      (local.set $root (local.get $child))
      (br $down))))

  ;; sortMovers: the centres that moved, largest shift first (then lowest index), into movers;
  ;; returns how many. A heap sort: the order is total, so any sort gives the same list.
  (func $sortMovers (param $k i32) (param $shift i32) (param $movers i32) (result i32)
    (local $j i32) (local $count i32) (local $start i32) (local $end i32) (local $v i32)
    (block $listed (loop $centre
      (br_if $listed (i32.ge_u (local.get $j) (local.get $k)))
      (if (f64.gt (f64.load (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 3)))) (f64.const 0)) (then
        (i32.store (i32.add (local.get $movers) (i32.shl (local.get $count) (i32.const 2))) (local.get $j))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $centre)))
    (local.set $start (i32.sub (i32.shr_s (local.get $count) (i32.const 1)) (i32.const 1)))
    (block $heaped (loop $heapify
      (br_if $heaped (i32.lt_s (local.get $start) (i32.const 0)))
      (call $siftDown (local.get $movers) (local.get $shift) (local.get $start) (local.get $count))
      (local.set $start (i32.sub (local.get $start) (i32.const 1)))
      (br $heapify)))
    (local.set $end (i32.sub (local.get $count) (i32.const 1)))
    (block $sorted (loop $pop
      (br_if $sorted (i32.le_s (local.get $end) (i32.const 0)))
      (local.set $v (i32.load (local.get $movers)))
      (i32.store (local.get $movers) (i32.load (i32.add (local.get $movers) (i32.shl (local.get $end) (i32.const 2)))))
      (i32.store (i32.add (local.get $movers) (i32.shl (local.get $end) (i32.const 2))) (local.get $v))
      (call $siftDown (local.get $movers) (local.get $shift) (i32.const 0) (local.get $end))
      (local.set $end (i32.sub (local.get $end) (i32.const 1)))
      (br $pop)))
    (local.get $count))

  ;; centresMoved but for the relocated points: travelled += shift, restShift by restShifts
  ;; (each cluster's drop: the largest shift of a mover near enough to it, through its row when
  ;; the row's bound allows, else through the movers, largest shift first, 48 at most), then
  ;; restTravelled += restShift.
  (func (export "centresMoved")
    (param $k i32) (param $d i32) (param $centres i32) (param $shift i32) (param $travelled i32)
    (param $reach i32) (param $ids i32) (param $dist i32) (param $beyond i32) (param $length i32)
    (param $movers i32) (param $restShift i32) (param $restTravelled i32) (param $eps f64)
    (local $j i32) (local $a i32) (local $t i32) (local $count i32) (local $scanned i32) (local $row i32)
    (local $maxShift f64) (local $sa f64) (local $sj f64) (local $limit f64) (local $limit2 f64) (local $drop f64)
    (local $at i32)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (block $done (loop $centre
      (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
      (local.set $at (i32.add (local.get $travelled) (i32.shl (local.get $j) (i32.const 3))))
      (local.set $sj (f64.load (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 3)))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $sj)))
      (if (f64.gt (local.get $sj) (local.get $maxShift)) (then (local.set $maxShift (local.get $sj))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $centre)))
    (local.set $count (i32.const -1))
    (block $clusters (loop $cluster
      (br_if $clusters (i32.ge_u (local.get $a) (local.get $k)))
      (local.set $sa (f64.load (i32.add (local.get $shift) (i32.shl (local.get $a) (i32.const 3)))))
      (local.set $limit (f64.add
        (f64.add (f64.load (i32.add (local.get $reach) (i32.shl (local.get $a) (i32.const 3)))) (local.get $sa))
        (local.get $eps)))
      (local.set $drop (f64.const 0))
      (if (f64.ge
            (f64.sub (f64.sub (f64.load (i32.add (local.get $beyond) (i32.shl (local.get $a) (i32.const 3)))) (local.get $sa))
              (local.get $maxShift))
            (local.get $limit))
        (then
          (local.set $t (i32.const 0))
          (block $rowDone (loop $entry
            (br_if $rowDone (i32.ge_u (local.get $t) (local.get $length)))
            (local.set $at (i32.add (i32.mul (local.get $a) (local.get $length)) (local.get $t)))
            (local.set $sj (f64.load (i32.add (local.get $shift)
              (i32.shl (i32.load (i32.add (local.get $ids) (i32.shl (local.get $at) (i32.const 2)))) (i32.const 3)))))
            (if (i32.and (f64.gt (local.get $sj) (local.get $drop))
                  (f64.lt
                    (f64.sub (f64.sub (f64.load (i32.add (local.get $dist) (i32.shl (local.get $at) (i32.const 3)))) (local.get $sa))
                      (local.get $sj))
                    (local.get $limit)))
              (then (local.set $drop (local.get $sj))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $entry))))
        (else
          (if (i32.lt_s (local.get $count) (i32.const 0))
            (then (local.set $count (call $sortMovers (local.get $k) (local.get $shift) (local.get $movers)))))
          (local.set $limit2 (f64.mul (local.get $limit) (local.get $limit)))
          (local.set $t (i32.const 0))
          (local.set $scanned (i32.const 0))
          (block $found (loop $mover
            (br_if $found (i32.ge_s (local.get $t) (local.get $count)))
            (local.set $j (i32.load (i32.add (local.get $movers) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br_if $mover (i32.eq (local.get $j) (local.get $a)))
            ;; Past the scan limit, the largest shift not yet ruled out bounds the drop.
            (if (i32.or (i32.eq (local.get $scanned) (i32.const 48))
                  (f64.lt
                    (call $squared
                      (i32.add (local.get $centres) (i32.mul (local.get $a) (local.get $row)))
                      (i32.add (local.get $centres) (i32.mul (local.get $j) (local.get $row)))
                      (local.get $d))
                    (local.get $limit2)))
              (then
                (local.set $drop (f64.load (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 3)))))
                (br $found)))
            (local.set $scanned (i32.add (local.get $scanned) (i32.const 1)))
            (br $mover)))))
      (f64.store (i32.add (local.get $restShift) (i32.shl (local.get $a) (i32.const 3))) (local.get $drop))
      (local.set $at (i32.add (local.get $restTravelled) (i32.shl (local.get $a) (i32.const 3))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $drop)))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $cluster))))

  ;; The helper's share of an assign step merged into this thread's (PrunedLloyd.assignInTwo):
  ;; reach the larger of the two, and, when the sums are exact, the helper's masses and sums added.
  (func (export "mergeHelper")
    (param $k i32) (param $d i32) (param $exact i32) (param $reach i32) (param $helperReach i32)
    (param $mass i32) (param $helperMass i32) (param $sums i32) (param $helperSums i32)
    (local $j i32) (local $at i32) (local $v f64)
    (block $reached (loop $centre
      (br_if $reached (i32.ge_u (local.get $j) (local.get $k)))
      (local.set $at (i32.shl (local.get $j) (i32.const 3)))
      (local.set $v (f64.load (i32.add (local.get $helperReach) (local.get $at))))
      (if (f64.gt (local.get $v) (f64.load (i32.add (local.get $reach) (local.get $at))))
        (then (f64.store (i32.add (local.get $reach) (local.get $at)) (local.get $v))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $centre)))
    (if (local.get $exact) (then
      (local.set $j (i32.const 0))
      (block $massed (loop $cluster
        (br_if $massed (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $at (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (i32.add (local.get $mass) (local.get $at))
          (f64.add (f64.load (i32.add (local.get $mass) (local.get $at))) (f64.load (i32.add (local.get $helperMass) (local.get $at)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cluster)))
      (local.set $j (i32.const 0))
      (block $summed (loop $coordinate
        (br_if $summed (i32.ge_u (local.get $j) (i32.mul (local.get $k) (local.get $d))))
        (local.set $at (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (i32.add (local.get $sums) (local.get $at))
          (f64.add (f64.load (i32.add (local.get $sums) (local.get $at))) (f64.load (i32.add (local.get $helperSums) (local.get $at)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $coordinate))))))

  ;; half[a] = 0.5 × the rows' bound on the distance from c_a to its nearest other centre
  ;; (CentreRows.nearestBound: the smaller of its row's first suffix minimum and beyond[a]).
  (func (export "halves")
    (param $k i32) (param $length i32) (param $suffixMin i32) (param $beyond i32) (param $half i32)
    (local $a i32) (local $first f64) (local $b f64)
    (block $done (loop $centre
      (br_if $done (i32.ge_u (local.get $a) (local.get $k)))
      (local.set $first (if (result f64) (i32.gt_s (local.get $length) (i32.const 0))
        (then (f64.load (i32.add (local.get $suffixMin) (i32.shl (i32.mul (local.get $a) (local.get $length)) (i32.const 3)))))
        (else (f64.const inf))))
      (local.set $b (f64.load (i32.add (local.get $beyond) (i32.shl (local.get $a) (i32.const 3)))))
      (f64.store (i32.add (local.get $half) (i32.shl (local.get $a) (i32.const 3)))
        (f64.mul (f64.const 0.5) (select (local.get $first) (local.get $b) (f64.lt (local.get $first) (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $centre))))
)
