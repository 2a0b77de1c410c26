;; The gain of a k-means++ candidate (init.ts, Seeding.gainOf): the same arithmetic in the same
;; order as the TypeScript method, which stays as the reference (tests run both and compare).
;; Compiled into seeding.generated.ts by scripts/build-wasm.mjs (npm run build).
;;
;; Centre j's members are ids[heads[j] .. ends[j]) with their squared distances to it in keys
;; (descending by bucket when `sorted`); rows are d float64 coordinates. The gain of a centre at
;; row y is Σ w[i] · (cx − d²(x_i, y)) over the members nearer to y than to their centre. Only
;; members with cx > d²(c_j, y) / 4 can be nearer; in a sorted list the scan stops at the first
;; member whose bucket is below that limit's. Array arguments are byte offsets into the memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The bucket of a squared distance: the top bits of its float32 form (see init.ts, coarse).
  (func $coarse (param $key f64) (result i32)
    (i32.shr_u (i32.reinterpret_f32 (f32.demote_f64 (local.get $key))) (i32.const 20)))

  ;; Squared distance between the d-coordinate rows at byte offsets a and b, summed in order.
  (func $dist2 (param $a i32) (param $b i32) (param $d i32) (result f64)
    (local $s f64) (local $end i32) (local $diff f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $d) (i32.const 3))))
    (loop $coordinate
      (local.set $diff (f64.sub (f64.load (local.get $a)) (f64.load (local.get $b))))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $diff) (local.get $diff))))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (br_if $coordinate (i32.lt_u
        (local.tee $a (i32.add (local.get $a) (i32.const 8)))
        (local.get $end))))
    (local.get $s))

  (func (export "gain")
    (param $chosen i32) (param $y i32) (param $d i32) (param $sorted i32)
    (param $x i32) (param $w i32) (param $ids i32) (param $keys i32) (param $heads i32)
    (param $ends i32) (param $centres i32) (param $centreDist2 i32) (param $maxKey i32)
    (result f64)
    (local $row i32) (local $py i32) (local $j i32) (local $t i32) (local $end i32) (local $i i32)
    (local $limit i32) (local $half2 f64) (local $cx f64) (local $dy f64) (local $gain f64)
    (local $pi i32) (local $dx f64) (local $dd f64) (local $dz f64)
    (local $y0 f64) (local $y1 f64) (local $y2 f64)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (local.set $py (i32.add (local.get $x) (i32.mul (local.get $y) (local.get $row))))
    (if (i32.eq (local.get $d) (i32.const 3))
      (then
        (local.set $y0 (f64.load (local.get $py)))
        (local.set $y1 (f64.load offset=8 (local.get $py)))
        (local.set $y2 (f64.load offset=16 (local.get $py)))))
    ;; centreDist2[j] = d²(c_j, y)
    (block $measured
      (br_if $measured (i32.eqz (local.get $chosen)))
      (if (i32.eq (local.get $d) (i32.const 3))
        (then
          ;; d = 3 unrolled (the call is not inlined): (x² + y²) + z², as dist2.
          (local.set $pi (local.get $centres))
          (loop $centre3
            (local.set $dx (f64.sub (f64.load (local.get $pi)) (local.get $y0)))
            (local.set $dd (f64.sub (f64.load offset=8 (local.get $pi)) (local.get $y1)))
            (local.set $dz (f64.sub (f64.load offset=16 (local.get $pi)) (local.get $y2)))
            (f64.store
              (i32.add (local.get $centreDist2) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add
                (f64.add
                  (f64.mul (local.get $dx) (local.get $dx))
                  (f64.mul (local.get $dd) (local.get $dd)))
                (f64.mul (local.get $dz) (local.get $dz))))
            (local.set $pi (i32.add (local.get $pi) (i32.const 24)))
            (br_if $centre3 (i32.lt_u
              (local.tee $j (i32.add (local.get $j) (i32.const 1)))
              (local.get $chosen)))))
        (else
          (loop $centre
            (f64.store
              (i32.add (local.get $centreDist2) (i32.shl (local.get $j) (i32.const 3)))
              (call $dist2
                (i32.add (local.get $centres) (i32.mul (local.get $j) (local.get $row)))
                (local.get $py) (local.get $d)))
            (br_if $centre (i32.lt_u
              (local.tee $j (i32.add (local.get $j) (i32.const 1)))
              (local.get $chosen)))))))
    (local.set $j (i32.const 0))
    (block $clusters
      (br_if $clusters (i32.eqz (local.get $chosen)))
      (loop $cluster
        (local.set $half2 (f64.mul
          (f64.load (i32.add (local.get $centreDist2) (i32.shl (local.get $j) (i32.const 3))))
          (f64.const 0.25)))
        (if (f64.gt
              (f64.load (i32.add (local.get $maxKey) (i32.shl (local.get $j) (i32.const 3))))
              (local.get $half2))
          (then
            (local.set $limit (call $coarse (local.get $half2)))
            (local.set $t (i32.load (i32.add (local.get $heads) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $j) (i32.const 2)))))
            (block $members
              (br_if $members (i32.ge_s (local.get $t) (local.get $end)))
              (loop $member
                (local.set $cx (f64.load (i32.add (local.get $keys) (i32.shl (local.get $t) (i32.const 3)))))
                (if (f64.le (local.get $cx) (local.get $half2))
                  (then
                    ;; Out of y's reach; in a sorted list so is every later member, once past
                    ;; the limit's bucket.
                    (br_if $members (i32.and
                      (local.get $sorted)
                      (i32.lt_u (call $coarse (local.get $cx)) (local.get $limit)))))
                  (else
                    (local.set $i (i32.load (i32.add (local.get $ids) (i32.shl (local.get $t) (i32.const 2)))))
                    (local.set $pi (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $row))))
                    (if (i32.eq (local.get $d) (i32.const 3))
                      (then
                        ;; d = 3 unrolled (the call is not inlined): (x² + y²) + z², as dist2.
                        (local.set $dx (f64.sub (f64.load (local.get $pi)) (local.get $y0)))
                        (local.set $dd (f64.sub (f64.load offset=8 (local.get $pi)) (local.get $y1)))
                        (local.set $dz (f64.sub (f64.load offset=16 (local.get $pi)) (local.get $y2)))
                        (local.set $dy (f64.add
                          (f64.add
                            (f64.mul (local.get $dx) (local.get $dx))
                            (f64.mul (local.get $dd) (local.get $dd)))
                          (f64.mul (local.get $dz) (local.get $dz)))))
                      (else
                        (local.set $dy (call $dist2 (local.get $pi) (local.get $py) (local.get $d)))))
                    ;; gain += w[i] · (cx − dy) when dy < cx, without a branch (adding +0 to a
                    ;; gain that is never −0 leaves it as it is).
                    (local.set $gain (f64.add (local.get $gain)
                      (select
                        (f64.mul
                          (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3))))
                          (f64.sub (local.get $cx) (local.get $dy)))
                        (f64.const 0)
                        (f64.lt (local.get $dy) (local.get $cx)))))))
                (br_if $member (i32.lt_s
                  (local.tee $t (i32.add (local.get $t) (i32.const 1)))
                  (local.get $end)))))))
        (br_if $cluster (i32.lt_u
          (local.tee $j (i32.add (local.get $j) (i32.const 1)))
          (local.get $chosen)))))
    (local.get $gain)))
