;; The filtering Lloyd's assign step (lloyd-filter.ts, FilterWalk.assign) on 3-D points: the same
;; walk of the k-d tree over the points with lists of candidate centres, the same choices and the
;; same counts as the TypeScript, which stays as the reference (tests compare the two) and serves
;; other dimensions. Compiled into filter.generated.ts by scripts/build-wasm.mjs.
;;
;; Array arguments of `assign` are byte offsets into the memory: the tree's box (f64, 6 a node:
;; low corner, high corner), left and right children (i32, −1 for a leaf), start and end of each
;; node's points (i32), sum (f64, 3 a node) and mass (f64); the points in the tree's order (f64,
;; 3 a point), their weights (f64) and their own indices (order, i32); the state: owner (i32 a
;; node), candidates (i32, k a level), labels (u16, by the points' own index), sums (f64, 3 a
;; centre), mass (f64 a centre) and centres (f64, 3 a centre). The counts go to globals.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (global $box (mut i32) (i32.const 0))
  (global $left (mut i32) (i32.const 0))
  (global $right (mut i32) (i32.const 0))
  (global $start (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $nodeSum (mut i32) (i32.const 0))
  (global $nodeMass (mut i32) (i32.const 0))
  (global $points (mut i32) (i32.const 0))
  (global $weights (mut i32) (i32.const 0))
  (global $order (mut i32) (i32.const 0))
  (global $owner (mut i32) (i32.const 0))
  (global $candidates (mut i32) (i32.const 0))
  (global $labels (mut i32) (i32.const 0))
  (global $sums (mut i32) (i32.const 0))
  (global $mass (mut i32) (i32.const 0))
  (global $centres (mut i32) (i32.const 0))
  (global $margin (mut f64) (f64.const 0))
  (global $changed (mut i32) (i32.const 0))
  (global $evaluations (mut f64) (f64.const 0))
  (global $searched (mut f64) (f64.const 0))

  ;; Node states beside a centre's index (lloyd-filter.ts): no owner known, more than one label.
  (global $UNKNOWN i32 (i32.const -2))
  (global $MIXED i32 (i32.const -1))

  ;; Where the arrays are (once a fit; the update step between assign steps moves only centres).
  (func (export "setup")
    (param $box i32) (param $left i32) (param $right i32) (param $start i32) (param $end i32)
    (param $nodeSum i32) (param $nodeMass i32) (param $points i32) (param $weights i32) (param $order i32)
    (param $owner i32) (param $candidates i32) (param $labels i32) (param $sums i32) (param $mass i32)
    (param $centres i32) (param $margin f64)
    (global.set $box (local.get $box))
    (global.set $left (local.get $left))
    (global.set $right (local.get $right))
    (global.set $start (local.get $start))
    (global.set $end (local.get $end))
    (global.set $nodeSum (local.get $nodeSum))
    (global.set $nodeMass (local.get $nodeMass))
    (global.set $points (local.get $points))
    (global.set $weights (local.get $weights))
    (global.set $order (local.get $order))
    (global.set $owner (local.get $owner))
    (global.set $candidates (local.get $candidates))
    (global.set $labels (local.get $labels))
    (global.set $sums (local.get $sums))
    (global.set $mass (local.get $mass))
    (global.set $centres (local.get $centres))
    (global.set $margin (local.get $margin))
    (global.set $evaluations (f64.const 0))
    (global.set $searched (f64.const 0)))

  ;; One assign step (FilterWalk.assign, sums and masses zeroed by the caller, candidates 0..k−1
  ;; listed at level 0): returns how many labels changed.
  (func (export "assign") (param $k i32) (param $n i32) (result i32)
    (global.set $changed (i32.const 0))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (call $visit (i32.const 0) (i32.const 0) (local.get $k) (global.get $MIXED))))
    (global.get $changed))

  (func (export "evaluations") (result f64) (global.get $evaluations))
  (func (export "searched") (result f64) (global.get $searched))

  ;; FilterWalk.visit: gives node v's points to the nearest of the m candidates listed at `at`.
  (func $visit (param $v i32) (param $at i32) (param $m i32) (param $inherited i32)
    (local $previous i32) (local $b i32) (local $best i32) (local $next i32) (local $kept i32)
    (local $c i32) (local $z i32) (local $passOn i32)
    (local.set $previous
      (select (local.get $inherited) (call $owner (local.get $v)) (i32.ge_s (local.get $inherited) (i32.const 0))))
    (local.set $b (i32.add (global.get $box) (i32.mul (local.get $v) (i32.const 48))))
    (local.set $best (call $nearestToMiddle (local.get $b) (local.get $at) (local.get $m)))
    (local.set $next (i32.add (local.get $at) (local.get $m)))
    (block $done
      (loop $candidate
        (br_if $done (i32.ge_s (local.get $c) (local.get $m)))
        (local.set $z (call $candidateAt (i32.add (local.get $at) (local.get $c))))
        (if (i32.or (i32.eq (local.get $z) (local.get $best))
              (i32.eqz (f64.gt (call $cornerGap (local.get $b) (local.get $z) (local.get $best)) (global.get $margin))))
          (then
            (i32.store (i32.add (global.get $candidates) (i32.shl (i32.add (local.get $next) (local.get $kept)) (i32.const 2)))
              (local.get $z))
            (local.set $kept (i32.add (local.get $kept) (i32.const 1)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $candidate)))
    (if (i32.eq (local.get $kept) (i32.const 1))
      (then (call $giveWhole (local.get $v) (local.get $best) (local.get $previous)) (return)))
    (if (i32.lt_s (call $child (global.get $left) (local.get $v)) (i32.const 0))
      (then (call $settleLeaf (local.get $v) (local.get $next) (local.get $kept)) (return)))
    ;; A node that was one cluster's last time hands that on: its children were not walked then.
    (local.set $passOn (select (local.get $previous) (global.get $MIXED) (i32.ge_s (local.get $previous) (i32.const 0))))
    (call $visit (call $child (global.get $left) (local.get $v)) (local.get $next) (local.get $kept) (local.get $passOn))
    (call $visit (call $child (global.get $right) (local.get $v)) (local.get $next) (local.get $kept) (local.get $passOn))
    (i32.store (i32.add (global.get $owner) (i32.shl (local.get $v) (i32.const 2))) (global.get $MIXED)))

  (func $owner (param $v i32) (result i32)
    (i32.load (i32.add (global.get $owner) (i32.shl (local.get $v) (i32.const 2)))))
  (func $child (param $array i32) (param $v i32) (result i32)
    (i32.load (i32.add (local.get $array) (i32.shl (local.get $v) (i32.const 2)))))
  (func $candidateAt (param $slot i32) (result i32)
    (i32.load (i32.add (global.get $candidates) (i32.shl (local.get $slot) (i32.const 2)))))

  ;; nearestToMiddle3: the candidate nearest the middle of the box at $b (the first on ties).
  (func $nearestToMiddle (param $b i32) (param $at i32) (param $m i32) (result i32)
    (local $x f64) (local $y f64) (local $z3 f64) (local $best i32) (local $bestDist f64)
    (local $c i32) (local $z i32) (local $o i32) (local $dx f64) (local $dy f64) (local $dz f64) (local $s f64)
    (local.set $x (f64.mul (f64.const 0.5) (f64.add (f64.load (local.get $b)) (f64.load offset=24 (local.get $b)))))
    (local.set $y (f64.mul (f64.const 0.5) (f64.add (f64.load offset=8 (local.get $b)) (f64.load offset=32 (local.get $b)))))
    (local.set $z3 (f64.mul (f64.const 0.5) (f64.add (f64.load offset=16 (local.get $b)) (f64.load offset=40 (local.get $b)))))
    (local.set $best (call $candidateAt (local.get $at)))
    (local.set $bestDist (f64.const inf))
    (block $done
      (loop $candidate
        (br_if $done (i32.ge_s (local.get $c) (local.get $m)))
        (local.set $z (call $candidateAt (i32.add (local.get $at) (local.get $c))))
        (local.set $o (i32.add (global.get $centres) (i32.mul (local.get $z) (i32.const 24))))
        (local.set $dx (f64.sub (local.get $x) (f64.load (local.get $o))))
        (local.set $dy (f64.sub (local.get $y) (f64.load offset=8 (local.get $o))))
        (local.set $dz (f64.sub (local.get $z3) (f64.load offset=16 (local.get $o))))
        (local.set $s (f64.add (f64.add (f64.mul (local.get $dx) (local.get $dx)) (f64.mul (local.get $dy) (local.get $dy)))
          (f64.mul (local.get $dz) (local.get $dz))))
        (if (f64.lt (local.get $s) (local.get $bestDist))
          (then (local.set $bestDist (local.get $s)) (local.set $best (local.get $z))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $candidate)))
    (local.get $best))

  ;; cornerGap for d = 3: how much farther centre z is than centre best (squared distances) from
  ;; the corner of the box at $b that leans most towards z.
  (func $cornerGap (param $b i32) (param $z i32) (param $best i32) (result f64)
    (local $oz i32) (local $ob i32) (local $t i32) (local $cz f64) (local $cb f64) (local $corner f64)
    (local $toZ f64) (local $toBest f64)
    (local.set $oz (i32.add (global.get $centres) (i32.mul (local.get $z) (i32.const 24))))
    (local.set $ob (i32.add (global.get $centres) (i32.mul (local.get $best) (i32.const 24))))
    (block $done
      (loop $axis
        (br_if $done (i32.ge_s (local.get $t) (i32.const 3)))
        (local.set $cz (f64.load (i32.add (local.get $oz) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $cb (f64.load (i32.add (local.get $ob) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $corner (f64.load (i32.add (local.get $b)
          (i32.shl (select (i32.add (local.get $t) (i32.const 3)) (local.get $t) (f64.gt (local.get $cz) (local.get $cb))) (i32.const 3)))))
        (local.set $toZ (f64.add (local.get $toZ)
          (f64.mul (f64.sub (local.get $corner) (local.get $cz)) (f64.sub (local.get $corner) (local.get $cz)))))
        (local.set $toBest (f64.add (local.get $toBest)
          (f64.mul (f64.sub (local.get $corner) (local.get $cb)) (f64.sub (local.get $corner) (local.get $cb)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $axis)))
    (f64.sub (local.get $toZ) (local.get $toBest)))

  ;; FilterWalk.giveWhole: node v goes whole to centre j.
  (func $giveWhole (param $v i32) (param $j i32) (param $previous i32)
    (local $at i32) (local $from i32) (local $p i32) (local $last i32) (local $i i32) (local $changed i32)
    (local.set $at (i32.add (global.get $mass) (i32.shl (local.get $j) (i32.const 3))))
    (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
      (f64.load (i32.add (global.get $nodeMass) (i32.shl (local.get $v) (i32.const 3))))))
    (local.set $at (i32.add (global.get $sums) (i32.mul (local.get $j) (i32.const 24))))
    (local.set $from (i32.add (global.get $nodeSum) (i32.mul (local.get $v) (i32.const 24))))
    (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.load (local.get $from))))
    (f64.store offset=8 (local.get $at) (f64.add (f64.load offset=8 (local.get $at)) (f64.load offset=8 (local.get $from))))
    (f64.store offset=16 (local.get $at) (f64.add (f64.load offset=16 (local.get $at)) (f64.load offset=16 (local.get $from))))
    (if (i32.ne (local.get $previous) (local.get $j))
      (then
        (local.set $p (call $child (global.get $start) (local.get $v)))
        (local.set $last (call $child (global.get $end) (local.get $v)))
        (block $done
          (loop $point
            (br_if $done (i32.ge_s (local.get $p) (local.get $last)))
            (local.set $at (i32.add (global.get $labels)
              (i32.shl (i32.load (i32.add (global.get $order) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 1))))
            (if (i32.ne (i32.load16_u (local.get $at)) (local.get $j))
              (then
                (i32.store16 (local.get $at) (local.get $j))
                (local.set $changed (i32.add (local.get $changed) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $point)))
        (global.set $changed (i32.add (global.get $changed) (local.get $changed)))))
    (i32.store (i32.add (global.get $owner) (i32.shl (local.get $v) (i32.const 2))) (local.get $j)))

  ;; FilterWalk.settleLeaf: each point of leaf v takes the nearest of the `kept` candidates at
  ;; `at` (increasing indices: a strict comparison keeps the lowest on ties).
  (func $settleLeaf (param $v i32) (param $at i32) (param $kept i32)
    (local $s i32) (local $e i32) (local $p i32) (local $c i32) (local $z i32) (local $label i32)
    (local $nearest f64) (local $dz f64) (local $o i32) (local $q i32) (local $x f64) (local $y f64) (local $w3 f64)
    (local $d0 f64) (local $d1 f64) (local $d2 f64) (local $slot i32) (local $w f64) (local $common i32) (local $changed i32)
    (local.set $s (call $child (global.get $start) (local.get $v)))
    (local.set $e (call $child (global.get $end) (local.get $v)))
    (local.set $common (i32.const -1))
    (local.set $p (local.get $s))
    (block $done
      (loop $point
        (br_if $done (i32.ge_s (local.get $p) (local.get $e)))
        (local.set $q (i32.add (global.get $points) (i32.mul (local.get $p) (i32.const 24))))
        (local.set $x (f64.load (local.get $q)))
        (local.set $y (f64.load offset=8 (local.get $q)))
        (local.set $w3 (f64.load offset=16 (local.get $q)))
        (local.set $label (i32.const 0))
        (local.set $nearest (f64.const inf))
        (local.set $c (i32.const 0))
        (block $scanned
          (loop $candidate
            (br_if $scanned (i32.ge_s (local.get $c) (local.get $kept)))
            (local.set $z (call $candidateAt (i32.add (local.get $at) (local.get $c))))
            (local.set $o (i32.add (global.get $centres) (i32.mul (local.get $z) (i32.const 24))))
            ;; dist2 of geometry.ts: the squared differences summed in axis order.
            (local.set $d0 (f64.sub (local.get $x) (f64.load (local.get $o))))
            (local.set $d1 (f64.sub (local.get $y) (f64.load offset=8 (local.get $o))))
            (local.set $d2 (f64.sub (local.get $w3) (f64.load offset=16 (local.get $o))))
            (local.set $dz (f64.add (f64.add (f64.mul (local.get $d0) (local.get $d0)) (f64.mul (local.get $d1) (local.get $d1)))
              (f64.mul (local.get $d2) (local.get $d2))))
            (if (f64.lt (local.get $dz) (local.get $nearest))
              (then (local.set $nearest (local.get $dz)) (local.set $label (local.get $z))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $candidate)))
        (local.set $slot (i32.add (global.get $labels)
          (i32.shl (i32.load (i32.add (global.get $order) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 1))))
        (if (i32.ne (i32.load16_u (local.get $slot)) (local.get $label))
          (then
            (i32.store16 (local.get $slot) (local.get $label))
            (local.set $changed (i32.add (local.get $changed) (i32.const 1)))))
        (local.set $w (f64.load (i32.add (global.get $weights) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $o (i32.add (global.get $mass) (i32.shl (local.get $label) (i32.const 3))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $w)))
        (local.set $o (i32.add (global.get $sums) (i32.mul (local.get $label) (i32.const 24))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.mul (local.get $w) (local.get $x))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.mul (local.get $w) (local.get $y))))
        (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.mul (local.get $w) (local.get $w3))))
        (local.set $common
          (select (local.get $label) (global.get $MIXED)
            (i32.or (i32.eq (local.get $p) (local.get $s)) (i32.eq (local.get $common) (local.get $label)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $point)))
    (global.set $changed (i32.add (global.get $changed) (local.get $changed)))
    (global.set $evaluations (f64.add (global.get $evaluations)
      (f64.convert_i32_s (i32.mul (local.get $kept) (i32.sub (local.get $e) (local.get $s))))))
    (global.set $searched (f64.add (global.get $searched) (f64.convert_i32_s (i32.sub (local.get $e) (local.get $s)))))
    (i32.store (i32.add (global.get $owner) (i32.shl (local.get $v) (i32.const 2))) (local.get $common)))
)
