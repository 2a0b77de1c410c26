;; The screening pass of the pruned Lloyd (lloyd.ts, PrunedLloyd.screen): the same arithmetic in
;; the same order as the TypeScript loop, which stays as the reference (tests run both and compare).
;; Compiled into screen.generated.ts by scripts/build-wasm.mjs (npm run build).
;;
;; Point i has its label a = labels[i]; bounds at 16·i (float32: upper, lower b, lower c, rest);
;; others at 4·i (uint16: b, c); coordinates at 8·d·i (float64). With
;;   u = upper + travelled[a], rest = rest − restTravelled[a], lb = lower b − travelled[b], ...
;; a point is kept when u < max(half[a], min(rest, lb, lc)) − eps. If not, its upper bound is
;; tightened to the exact distance to c_a (stored as upper32 does: nudged up, rounded to float32)
;; and the test is made again. A kept point raises reach[a] to u + rest; the others are appended
;; to crossers. Returns how many crossed; the number of distances computed is added to the int32
;; at `counter`. Array arguments are byte offsets into the imported memory.
(module
  (import "env" "memory" (memory 1))
  (func (export "screen")
    (param $n i32) (param $d i32) (param $eps f64)
    (param $labels i32) (param $others i32) (param $bounds i32) (param $points i32)
    (param $centres i32) (param $travelled i32) (param $restTravelled i32) (param $half i32)
    (param $reach i32) (param $crossers i32) (param $counter i32)
    (result i32)
    (local $i i32) (local $count i32) (local $tightened i32) (local $a8 i32) (local $q i32)
    (local $o i32) (local $ra i32) (local $keep i32) (local $p i32) (local $c i32) (local $end i32)
    (local $u f64) (local $rest f64) (local $lb f64) (local $lc f64) (local $h f64) (local $r f64)
    (local $s f64) (local $diff f64) (local $v f64)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
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
            (local.set $end (i32.add (local.get $p) (i32.shl (local.get $d) (i32.const 3))))
            (local.set $s (f64.const 0))
            (loop $coordinate
              (local.set $diff (f64.sub (f64.load (local.get $p)) (f64.load (local.get $c))))
              (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
              (local.set $c (i32.add (local.get $c) (i32.const 8)))
              (br_if $coordinate (i32.lt_u
                (local.tee $p (i32.add (local.get $p) (i32.const 8)))
                (local.get $end))))
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
    (local.get $count)))
