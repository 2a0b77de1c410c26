;; The k-d tree of the filtering Lloyd over 3-D points (point-tree.ts, PointTree's constructor):
;; the same gather into Morton order, the same splits where the codes' highest differing bit
;; changes, and the same boxes, sums and masses, node for node; the TypeScript stays as the
;; reference (tests compare the two) and serves other dimensions. Compiled into
;; point-tree.generated.ts by scripts/build-wasm.mjs. Array arguments are byte offsets into the
;; memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (global $sorted (mut i32) (i32.const 0))
  (global $start (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $left (mut i32) (i32.const 0))
  (global $right (mut i32) (i32.const 0))
  (global $nodes (mut i32) (i32.const 0))
  (global $cap (mut i32) (i32.const 0))
  (global $deepest (mut i32) (i32.const 0))

  ;; Fewest points a node splits (point-tree.ts, LEAF_SIZE).
  (global $LEAF_SIZE (mut i32) (i32.const 8))

  ;; build: gathers the n points (3 f64 each), weights and Morton codes (u32) by `order` (i32) into
  ;; treePoints, treeWeights and sorted, then splits [0, n) into nodes (start, end, left, right:
  ;; i32, room for `cap`). Returns the number of nodes, or −1 when more than `cap` were needed.
  (func (export "build")
    (param $n i32) (param $points i32) (param $weights i32) (param $order i32) (param $codes i32)
    (param $sorted i32) (param $treePoints i32) (param $treeWeights i32)
    (param $start i32) (param $end i32) (param $left i32) (param $right i32) (param $cap i32) (param $leafSize i32)
    (result i32)
    (local $p i32) (local $i i32) (local $from i32) (local $to i32)
    (block $done
      (loop $gather
        (br_if $done (i32.ge_s (local.get $p) (local.get $n)))
        (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $p) (i32.const 2)))))
        (i32.store (i32.add (local.get $sorted) (i32.shl (local.get $p) (i32.const 2)))
          (i32.load (i32.add (local.get $codes) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $from (i32.add (local.get $points) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $to (i32.add (local.get $treePoints) (i32.mul (local.get $p) (i32.const 24))))
        (f64.store (local.get $to) (f64.load (local.get $from)))
        (f64.store offset=8 (local.get $to) (f64.load offset=8 (local.get $from)))
        (f64.store offset=16 (local.get $to) (f64.load offset=16 (local.get $from)))
        (f64.store (i32.add (local.get $treeWeights) (i32.shl (local.get $p) (i32.const 3)))
          (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $gather)))
    (global.set $sorted (local.get $sorted))
    (global.set $start (local.get $start))
    (global.set $end (local.get $end))
    (global.set $left (local.get $left))
    (global.set $right (local.get $right))
    (global.set $cap (local.get $cap))
    (global.set $LEAF_SIZE (local.get $leafSize))
    (global.set $nodes (i32.const 0))
    (global.set $deepest (i32.const 0))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (drop (call $split (i32.const 0) (local.get $n) (i32.const 1)))))
    (if (result i32) (i32.gt_s (global.get $nodes) (global.get $cap))
      (then (i32.const -1))
      (else (global.get $nodes))))

  ;; Nodes on the longest path from the root, after build.
  (func (export "depth") (result i32) (global.get $deepest))

  (func $setAt (param $array i32) (param $v i32) (param $value i32)
    (i32.store (i32.add (local.get $array) (i32.shl (local.get $v) (i32.const 2))) (local.get $value)))
  (func $code (param $p i32) (result i32)
    (i32.load (i32.add (global.get $sorted) (i32.shl (local.get $p) (i32.const 2)))))

  ;; PointTree's split: node for [s, e) at `level`, parents before children. Past `cap` nodes it
  ;; only counts (build then reports −1).
  (func $split (param $s i32) (param $e i32) (param $level i32) (result i32)
    (local $v i32) (local $differ i32) (local $bit i32) (local $lo i32) (local $hi i32) (local $mid i32)
    (local $l i32) (local $r i32)
    (local.set $v (global.get $nodes))
    (global.set $nodes (i32.add (local.get $v) (i32.const 1)))
    (if (i32.ge_s (local.get $v) (global.get $cap)) (then (return (local.get $v))))
    (call $setAt (global.get $start) (local.get $v) (local.get $s))
    (call $setAt (global.get $end) (local.get $v) (local.get $e))
    (if (i32.gt_s (local.get $level) (global.get $deepest)) (then (global.set $deepest (local.get $level))))
    (local.set $differ (i32.xor (call $code (local.get $s)) (call $code (i32.sub (local.get $e) (i32.const 1)))))
    (if (i32.or (i32.le_s (i32.sub (local.get $e) (local.get $s)) (global.get $LEAF_SIZE)) (i32.eqz (local.get $differ)))
      (then
        (call $setAt (global.get $left) (local.get $v) (i32.const -1))
        (call $setAt (global.get $right) (local.get $v) (i32.const -1))
        (return (local.get $v))))
    ;; The codes share every bit above `bit`: bit `bit` is 0 for a prefix of them, then 1.
    (local.set $bit (i32.shl (i32.const 1) (i32.sub (i32.const 31) (i32.clz (local.get $differ)))))
    (local.set $lo (i32.add (local.get $s) (i32.const 1)))
    (local.set $hi (i32.sub (local.get $e) (i32.const 1)))
    (block $found
      (loop $search
        (br_if $found (i32.ge_s (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (if (i32.and (call $code (local.get $mid)) (local.get $bit))
          (then (local.set $hi (local.get $mid)))
          (else (local.set $lo (i32.add (local.get $mid) (i32.const 1)))))
        (br $search)))
    (local.set $l (call $split (local.get $s) (local.get $lo) (i32.add (local.get $level) (i32.const 1))))
    (local.set $r (call $split (local.get $lo) (local.get $e) (i32.add (local.get $level) (i32.const 1))))
    (call $setAt (global.get $left) (local.get $v) (local.get $l))
    (call $setAt (global.get $right) (local.get $v) (local.get $r))
    (local.get $v))

  ;; summarize: each node's box (6 f64: lowest coordinates, then highest), sum (3 f64) and mass,
  ;; children before parents (a leaf from its points, in their order; a parent from its children).
  (func (export "summarize")
    (param $nodes i32) (param $treePoints i32) (param $treeWeights i32) (param $start i32) (param $end i32)
    (param $left i32) (param $right i32) (param $box i32) (param $sum i32) (param $mass i32)
    (local $v i32) (local $l i32) (local $r i32) (local $p i32) (local $e i32) (local $q i32) (local $w f64)
    (local $lo0 f64) (local $lo1 f64) (local $lo2 f64) (local $hi0 f64) (local $hi1 f64) (local $hi2 f64)
    (local $m f64) (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $x f64) (local $y f64) (local $z f64)
    (local $bv i32) (local $bl i32) (local $br i32) (local $sv i32) (local $sl i32) (local $sr i32)
    (local.set $v (i32.sub (local.get $nodes) (i32.const 1)))
    (block $done
      (loop $node
        (br_if $done (i32.lt_s (local.get $v) (i32.const 0)))
        (local.set $l (i32.load (i32.add (local.get $left) (i32.shl (local.get $v) (i32.const 2)))))
        (local.set $r (i32.load (i32.add (local.get $right) (i32.shl (local.get $v) (i32.const 2)))))
        (local.set $bv (i32.add (local.get $box) (i32.mul (local.get $v) (i32.const 48))))
        (local.set $sv (i32.add (local.get $sum) (i32.mul (local.get $v) (i32.const 24))))
        (if (i32.lt_s (local.get $l) (i32.const 0))
          (then
            ;; boundingBox, then the mass and the sum, one point after another.
            (local.set $lo0 (f64.const inf)) (local.set $lo1 (f64.const inf)) (local.set $lo2 (f64.const inf))
            (local.set $hi0 (f64.const -inf)) (local.set $hi1 (f64.const -inf)) (local.set $hi2 (f64.const -inf))
            (local.set $m (f64.const 0)) (local.set $s0 (f64.const 0)) (local.set $s1 (f64.const 0)) (local.set $s2 (f64.const 0))
            (local.set $p (i32.load (i32.add (local.get $start) (i32.shl (local.get $v) (i32.const 2)))))
            (local.set $e (i32.load (i32.add (local.get $end) (i32.shl (local.get $v) (i32.const 2)))))
            (block $leafDone
              (loop $point
                (br_if $leafDone (i32.ge_s (local.get $p) (local.get $e)))
                (local.set $q (i32.add (local.get $treePoints) (i32.mul (local.get $p) (i32.const 24))))
                (local.set $x (f64.load (local.get $q)))
                (local.set $y (f64.load offset=8 (local.get $q)))
                (local.set $z (f64.load offset=16 (local.get $q)))
                (if (f64.lt (local.get $x) (local.get $lo0)) (then (local.set $lo0 (local.get $x))))
                (if (f64.gt (local.get $x) (local.get $hi0)) (then (local.set $hi0 (local.get $x))))
                (if (f64.lt (local.get $y) (local.get $lo1)) (then (local.set $lo1 (local.get $y))))
                (if (f64.gt (local.get $y) (local.get $hi1)) (then (local.set $hi1 (local.get $y))))
                (if (f64.lt (local.get $z) (local.get $lo2)) (then (local.set $lo2 (local.get $z))))
                (if (f64.gt (local.get $z) (local.get $hi2)) (then (local.set $hi2 (local.get $z))))
                (local.set $w (f64.load (i32.add (local.get $treeWeights) (i32.shl (local.get $p) (i32.const 3)))))
                (local.set $m (f64.add (local.get $m) (local.get $w)))
                (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $w) (local.get $x))))
                (local.set $s1 (f64.add (local.get $s1) (f64.mul (local.get $w) (local.get $y))))
                (local.set $s2 (f64.add (local.get $s2) (f64.mul (local.get $w) (local.get $z))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $point)))
            (f64.store (local.get $bv) (local.get $lo0))
            (f64.store offset=8 (local.get $bv) (local.get $lo1))
            (f64.store offset=16 (local.get $bv) (local.get $lo2))
            (f64.store offset=24 (local.get $bv) (local.get $hi0))
            (f64.store offset=32 (local.get $bv) (local.get $hi1))
            (f64.store offset=40 (local.get $bv) (local.get $hi2))
            (f64.store (i32.add (local.get $mass) (i32.shl (local.get $v) (i32.const 3))) (local.get $m))
            (f64.store (local.get $sv) (local.get $s0))
            (f64.store offset=8 (local.get $sv) (local.get $s1))
            (f64.store offset=16 (local.get $sv) (local.get $s2)))
          (else
            (local.set $bl (i32.add (local.get $box) (i32.mul (local.get $l) (i32.const 48))))
            (local.set $br (i32.add (local.get $box) (i32.mul (local.get $r) (i32.const 48))))
            (local.set $sl (i32.add (local.get $sum) (i32.mul (local.get $l) (i32.const 24))))
            (local.set $sr (i32.add (local.get $sum) (i32.mul (local.get $r) (i32.const 24))))
            (f64.store (i32.add (local.get $mass) (i32.shl (local.get $v) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $mass) (i32.shl (local.get $l) (i32.const 3))))
                (f64.load (i32.add (local.get $mass) (i32.shl (local.get $r) (i32.const 3))))))
            (f64.store (local.get $sv) (f64.add (f64.load (local.get $sl)) (f64.load (local.get $sr))))
            (f64.store offset=8 (local.get $sv) (f64.add (f64.load offset=8 (local.get $sl)) (f64.load offset=8 (local.get $sr))))
            (f64.store offset=16 (local.get $sv) (f64.add (f64.load offset=16 (local.get $sl)) (f64.load offset=16 (local.get $sr))))
            (f64.store (local.get $bv) (f64.min (f64.load (local.get $bl)) (f64.load (local.get $br))))
            (f64.store offset=8 (local.get $bv) (f64.min (f64.load offset=8 (local.get $bl)) (f64.load offset=8 (local.get $br))))
            (f64.store offset=16 (local.get $bv) (f64.min (f64.load offset=16 (local.get $bl)) (f64.load offset=16 (local.get $br))))
            (f64.store offset=24 (local.get $bv) (f64.max (f64.load offset=24 (local.get $bl)) (f64.load offset=24 (local.get $br))))
            (f64.store offset=32 (local.get $bv) (f64.max (f64.load offset=32 (local.get $bl)) (f64.load offset=32 (local.get $br))))
            (f64.store offset=40 (local.get $bv) (f64.max (f64.load offset=40 (local.get $bl)) (f64.load offset=40 (local.get $br))))))
        (local.set $v (i32.sub (local.get $v) (i32.const 1)))
        (br $node))))
)
