;; PNG scanlines (png-rows.ts): packing an indexed image and filtering rows, the same bytes as the
;; TypeScript functions of those names, which stay as the reference (tests compare the two on
;; every depth and filter); and undoing the filters of a PNG being read (png-read.ts). Compiled
;; into png-rows.generated.ts by scripts/build-wasm.mjs.
;; Array arguments are byte offsets into the memory.
(module
  (import "env" "memory" (memory 1))

  ;; pack: `height` rows of `width` indices (bytes at $indices), relabelled through the 256-byte
  ;; table at $map, packed at $depth bits a pixel (first pixel in the high bits) into rows of
  ;; $rowBytes at $rows + rowBytes (the row before, all zeros, is the caller's).
  (func (export "pack")
    (param $indices i32) (param $width i32) (param $height i32) (param $depth i32) (param $map i32)
    (param $rows i32) (param $rowBytes i32)
    (local $y i32) (local $src i32) (local $dst i32) (local $end i32) (local $x i32) (local $j i32)
    (local $perByte i32) (local $byte i32)
    (local.set $perByte (i32.div_u (i32.const 8) (local.get $depth)))
    (block $rowsDone
      (br_if $rowsDone (i32.eqz (local.get $height)))
      (loop $row
        (local.set $src (i32.add (local.get $indices) (i32.mul (local.get $y) (local.get $width))))
        (local.set $dst (i32.add (local.get $rows)
          (i32.mul (i32.add (local.get $y) (i32.const 1)) (local.get $rowBytes))))
        (local.set $end (i32.add (local.get $src) (local.get $width)))
        (if (i32.eq (local.get $depth) (i32.const 8))
          (then
            (block $bytesDone
              (br_if $bytesDone (i32.ge_u (local.get $src) (local.get $end)))
              (loop $byte8
                (i32.store8 (local.get $dst)
                  (i32.load8_u (i32.add (local.get $map) (i32.load8_u (local.get $src)))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
                (br_if $byte8 (i32.lt_u
                  (local.tee $src (i32.add (local.get $src) (i32.const 1)))
                  (local.get $end))))))
          (else
            (local.set $x (i32.const 0))
            (block $packedDone
              (br_if $packedDone (i32.ge_u (local.get $x) (local.get $width)))
              (loop $packed
                (local.set $byte (i32.const 0))
                (local.set $j (i32.const 0))
                (loop $pixel
                  (local.set $byte (i32.or
                    (i32.shl (local.get $byte) (local.get $depth))
                    (select
                      (i32.load8_u (i32.add (local.get $map)
                        (i32.load8_u (i32.add (local.get $src) (local.get $j)))))
                      (i32.const 0)
                      (i32.lt_u (i32.add (local.get $x) (local.get $j)) (local.get $width)))))
                  (br_if $pixel (i32.lt_u
                    (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                    (local.get $perByte))))
                (i32.store8 (local.get $dst) (local.get $byte))
                (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
                (local.set $src (i32.add (local.get $src) (local.get $perByte)))
                (br_if $packed (i32.lt_u
                  (local.tee $x (i32.add (local.get $x) (local.get $perByte)))
                  (local.get $width)))))))
        (br_if $row (i32.lt_u
          (local.tee $y (i32.add (local.get $y) (i32.const 1)))
          (local.get $height))))))

;; The Paeth predictor of 16 bytes at once, each with its left (a), above (b) and above-left (c)
  ;; byte: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c| in 16 bits; a if pa ≤ pb and pa ≤ pc,
  ;; else b if pb ≤ pc, else c (the choice made on both halves, then narrowed to 8-bit masks).
  (func $paeth16 (param $a v128) (param $b v128) (param $c v128) (result v128)
    (local $bc v128) (local $ac v128) (local $pa v128) (local $pb v128) (local $pc v128)
    (local $useALow v128) (local $useBLow v128)
    ;; low half
    (local.set $bc (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $b)) (i16x8.extend_low_i8x16_u (local.get $c))))
    (local.set $ac (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $a)) (i16x8.extend_low_i8x16_u (local.get $c))))
    (local.set $pa (i16x8.abs (local.get $bc)))
    (local.set $pb (i16x8.abs (local.get $ac)))
    (local.set $pc (i16x8.abs (i16x8.add (local.get $bc) (local.get $ac))))
    (local.set $useALow (v128.and (i16x8.le_s (local.get $pa) (local.get $pb)) (i16x8.le_s (local.get $pa) (local.get $pc))))
    (local.set $useBLow (i16x8.le_s (local.get $pb) (local.get $pc)))
    ;; high half
    (local.set $bc (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $b)) (i16x8.extend_high_i8x16_u (local.get $c))))
    (local.set $ac (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $a)) (i16x8.extend_high_i8x16_u (local.get $c))))
    (local.set $pa (i16x8.abs (local.get $bc)))
    (local.set $pb (i16x8.abs (local.get $ac)))
    (local.set $pc (i16x8.abs (i16x8.add (local.get $bc) (local.get $ac))))
    (v128.bitselect
      (local.get $a)
      (v128.bitselect (local.get $b) (local.get $c)
        (i8x16.narrow_i16x8_s (local.get $useBLow) (i16x8.le_s (local.get $pb) (local.get $pc))))
      (i8x16.narrow_i16x8_s (local.get $useALow)
        (v128.and (i16x8.le_s (local.get $pa) (local.get $pb)) (i16x8.le_s (local.get $pa) (local.get $pc))))))

  ;; The average predictor of 16 bytes: (a + b) >> 1, the rounding-up average less the odd bit.
  (func $average16 (param $a v128) (param $b v128) (result v128)
    (i8x16.sub (i8x16.avgr_u (local.get $a) (local.get $b))
      (v128.and (v128.xor (local.get $a) (local.get $b)) (i8x16.splat (i32.const 1)))))

  ;; Adds the magnitudes of 16 filtered bytes (|v| as a signed byte, read unsigned: 128 for 0x80)
  ;; to the four sums of $sums.
  (func $addMagnitudes (param $sums v128) (param $v v128) (result v128)
    (i32x4.add (local.get $sums)
      (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (i8x16.abs (local.get $v))))))

  (func $total (param $sums v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sums)) (i32x4.extract_lane 1 (local.get $sums)))
      (i32.add (i32x4.extract_lane 2 (local.get $sums)) (i32x4.extract_lane 3 (local.get $sums)))))

  ;; The filter type whose output has the smallest sum of magnitudes (a byte v counts v below 128,
  ;; 256 − v from 128) on the row at $cur, the row above at $prev: the lowest type on ties. The
  ;; byte to the left is $bpp bytes back (one pixel), zero in the first pixel. Filtering reads only
  ;; the unfiltered bytes, so 16 go at a time past the first pixel; the rest one by one.
  (func $best (param $cur i32) (param $prev i32) (param $n i32) (param $bpp i32) (result i32)
    (local $i i32) (local $x i32) (local $a i32) (local $b i32) (local $c i32) (local $v i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $s4 i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $best i32) (local $min i32)
    (local $xv v128) (local $av v128) (local $bv v128) (local $cv v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $v4 v128)
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.and (i32.ge_u (local.get $i) (local.get $bpp)) (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
          (then
            (local.set $xv (v128.load (i32.add (local.get $cur) (local.get $i))))
            (local.set $bv (v128.load (i32.add (local.get $prev) (local.get $i))))
            (local.set $av (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
            (local.set $cv (v128.load (i32.sub (i32.add (local.get $prev) (local.get $i)) (local.get $bpp))))
            (local.set $v0 (call $addMagnitudes (local.get $v0) (local.get $xv)))
            (local.set $v1 (call $addMagnitudes (local.get $v1) (i8x16.sub (local.get $xv) (local.get $av))))
            (local.set $v2 (call $addMagnitudes (local.get $v2) (i8x16.sub (local.get $xv) (local.get $bv))))
            (local.set $v3 (call $addMagnitudes (local.get $v3)
              (i8x16.sub (local.get $xv) (call $average16 (local.get $av) (local.get $bv)))))
            (local.set $v4 (call $addMagnitudes (local.get $v4)
              (i8x16.sub (local.get $xv) (call $paeth16 (local.get $av) (local.get $bv) (local.get $cv)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $byte)))
        (local.set $x (i32.load8_u (i32.add (local.get $cur) (local.get $i))))
        (local.set $b (i32.load8_u (i32.add (local.get $prev) (local.get $i))))
        (if (i32.ge_u (local.get $i) (local.get $bpp))
          (then
            (local.set $a (i32.load8_u (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
            (local.set $c (i32.load8_u (i32.sub (i32.add (local.get $prev) (local.get $i)) (local.get $bpp))))))
        ;; None
        (local.set $s0 (i32.add (local.get $s0)
          (select (local.get $x) (i32.sub (i32.const 256) (local.get $x)) (i32.lt_u (local.get $x) (i32.const 128)))))
        ;; Sub
        (local.set $v (i32.and (i32.sub (local.get $x) (local.get $a)) (i32.const 255)))
        (local.set $s1 (i32.add (local.get $s1)
          (select (local.get $v) (i32.sub (i32.const 256) (local.get $v)) (i32.lt_u (local.get $v) (i32.const 128)))))
        ;; Up
        (local.set $v (i32.and (i32.sub (local.get $x) (local.get $b)) (i32.const 255)))
        (local.set $s2 (i32.add (local.get $s2)
          (select (local.get $v) (i32.sub (i32.const 256) (local.get $v)) (i32.lt_u (local.get $v) (i32.const 128)))))
        ;; Average
        (local.set $v (i32.and
          (i32.sub (local.get $x) (i32.shr_u (i32.add (local.get $a) (local.get $b)) (i32.const 1)))
          (i32.const 255)))
        (local.set $s3 (i32.add (local.get $s3)
          (select (local.get $v) (i32.sub (i32.const 256) (local.get $v)) (i32.lt_u (local.get $v) (i32.const 128)))))
        ;; Paeth
        (local.set $v (i32.and (i32.sub (local.get $x) (call $paeth (local.get $a) (local.get $b) (local.get $c))) (i32.const 255)))
        (local.set $s4 (i32.add (local.get $s4)
          (select (local.get $v) (i32.sub (i32.const 256) (local.get $v)) (i32.lt_u (local.get $v) (i32.const 128)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $byte)))
    (local.set $s0 (i32.add (local.get $s0) (call $total (local.get $v0))))
    (local.set $s1 (i32.add (local.get $s1) (call $total (local.get $v1))))
    (local.set $s2 (i32.add (local.get $s2) (call $total (local.get $v2))))
    (local.set $s3 (i32.add (local.get $s3) (call $total (local.get $v3))))
    (local.set $s4 (i32.add (local.get $s4) (call $total (local.get $v4))))
    (local.set $min (local.get $s0))
    (if (i32.lt_u (local.get $s1) (local.get $min)) (then (local.set $best (i32.const 1)) (local.set $min (local.get $s1))))
    (if (i32.lt_u (local.get $s2) (local.get $min)) (then (local.set $best (i32.const 2)) (local.set $min (local.get $s2))))
    (if (i32.lt_u (local.get $s3) (local.get $min)) (then (local.set $best (i32.const 3)) (local.set $min (local.get $s3))))
    (if (i32.lt_u (local.get $s4) (local.get $min)) (then (local.set $best (i32.const 4)) (local.set $min (local.get $s4))))
    (local.get $best))

  ;; The Paeth predictor of one byte: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c|; a if pa ≤ pb
  ;; and pa ≤ pc, else b if pb ≤ pc, else c.
  (func $paeth (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local $pa i32) (local $pb i32) (local $pc i32)
    (local.set $pa (i32.sub (local.get $b) (local.get $c)))
    (local.set $pa (select (local.get $pa) (i32.sub (i32.const 0) (local.get $pa)) (i32.ge_s (local.get $pa) (i32.const 0))))
    (local.set $pb (i32.sub (local.get $a) (local.get $c)))
    (local.set $pb (select (local.get $pb) (i32.sub (i32.const 0) (local.get $pb)) (i32.ge_s (local.get $pb) (i32.const 0))))
    (local.set $pc (i32.sub (i32.add (local.get $a) (local.get $b)) (i32.shl (local.get $c) (i32.const 1))))
    (local.set $pc (select (local.get $pc) (i32.sub (i32.const 0) (local.get $pc)) (i32.ge_s (local.get $pc) (i32.const 0))))
    (select (local.get $a)
      (select (local.get $b) (local.get $c) (i32.le_s (local.get $pb) (local.get $pc)))
      (i32.and (i32.le_s (local.get $pa) (local.get $pb)) (i32.le_s (local.get $pa) (local.get $pc)))))

  ;; Writes the row at $cur filtered with $type (0-4) to $out (the row above at $prev; the byte to
  ;; the left is $bpp bytes back, 0 in the first pixel): 16 bytes at a time past the first pixel.
  (func $row (param $type i32) (param $cur i32) (param $prev i32) (param $n i32) (param $bpp i32) (param $out i32)
    (local $i i32) (local $x i32) (local $a i32) (local $b i32) (local $c i32) (local $p i32)
    (local $xv v128) (local $av v128) (local $bv v128) (local $pv v128)
    (if (i32.eqz (local.get $type))
      (then
        (memory.copy (local.get $out) (local.get $cur) (local.get $n))
        (return)))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.and (i32.ge_u (local.get $i) (local.get $bpp)) (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
          (then
            (local.set $xv (v128.load (i32.add (local.get $cur) (local.get $i))))
            (local.set $av (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
            (local.set $bv (v128.load (i32.add (local.get $prev) (local.get $i))))
            (local.set $pv
              (if (result v128) (i32.eq (local.get $type) (i32.const 1))
                (then (local.get $av))
                (else (if (result v128) (i32.eq (local.get $type) (i32.const 2))
                  (then (local.get $bv))
                  (else (if (result v128) (i32.eq (local.get $type) (i32.const 3))
                    (then (call $average16 (local.get $av) (local.get $bv)))
                    (else (call $paeth16 (local.get $av) (local.get $bv)
                      (v128.load (i32.sub (i32.add (local.get $prev) (local.get $i)) (local.get $bpp)))))))))))
            (v128.store (i32.add (local.get $out) (local.get $i)) (i8x16.sub (local.get $xv) (local.get $pv)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $byte)))
        (local.set $x (i32.load8_u (i32.add (local.get $cur) (local.get $i))))
        (local.set $b (i32.load8_u (i32.add (local.get $prev) (local.get $i))))
        (local.set $a (i32.const 0))
        (local.set $c (i32.const 0))
        (if (i32.ge_u (local.get $i) (local.get $bpp))
          (then
            (local.set $a (i32.load8_u (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
            (local.set $c (i32.load8_u (i32.sub (i32.add (local.get $prev) (local.get $i)) (local.get $bpp))))))
        (local.set $p
          (if (result i32) (i32.eq (local.get $type) (i32.const 1))
            (then (local.get $a))
            (else (if (result i32) (i32.eq (local.get $type) (i32.const 2))
              (then (local.get $b))
              (else (if (result i32) (i32.eq (local.get $type) (i32.const 3))
                (then (i32.shr_u (i32.add (local.get $a) (local.get $b)) (i32.const 1)))
                (else (call $paeth (local.get $a) (local.get $b) (local.get $c)))))))))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (i32.sub (local.get $x) (local.get $p)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $byte))))

  ;; filter: PNG scanlines of the packed rows at $rows (the first, all zeros, is the row above the
  ;; first; $bpp bytes a pixel, 1 for indexed rows): each row's filter type byte, then the row
  ;; filtered, into $out. $mode is the filter type of every row (0-4), or 5 for libpng's
  ;; minimum-sum choice row by row.
  (func (export "filter")
    (param $mode i32) (param $rows i32) (param $rowBytes i32) (param $height i32) (param $bpp i32) (param $out i32)
    (local $y i32) (local $prev i32) (local $at i32) (local $type i32)
    (block $done
      (br_if $done (i32.eqz (local.get $height)))
      (loop $line
        (local.set $prev (i32.add (local.get $rows) (i32.mul (local.get $y) (local.get $rowBytes))))
        (local.set $at (i32.add (local.get $out) (i32.mul (local.get $y) (i32.add (local.get $rowBytes) (i32.const 1)))))
        (local.set $type (local.get $mode))
        (if (i32.eq (local.get $mode) (i32.const 5))
          (then (local.set $type (call $best
            (i32.add (local.get $prev) (local.get $rowBytes)) (local.get $prev) (local.get $rowBytes) (local.get $bpp)))))
        (i32.store8 (local.get $at) (local.get $type))
        (call $row (local.get $type) (i32.add (local.get $prev) (local.get $rowBytes)) (local.get $prev)
          (local.get $rowBytes) (local.get $bpp) (i32.add (local.get $at) (i32.const 1)))
        (br_if $line (i32.lt_u
          (local.tee $y (i32.add (local.get $y) (i32.const 1)))
          (local.get $height))))))

;; unfilter: undoes the PNG filters of $height scanlines at $raw (each a filter type byte, then
  ;; $stride bytes, $bpp bytes a pixel) in place: row y is rebuilt at $raw + y × stride, over bytes
  ;; already read (png-read.ts, unfilterRows, is the reference). Returns 0 on a filter type above
  ;; 4, else 1. Each row is its own call, so the rows after the first few run optimised code.
  (func (export "unfilter") (param $raw i32) (param $stride i32) (param $height i32) (param $bpp i32) (result i32)
    (local $y i32) (local $src i32) (local $dst i32) (local $type i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $dst (i32.add (local.get $raw) (i32.mul (local.get $y) (local.get $stride))))
        (local.set $src (i32.add (i32.add (local.get $dst) (local.get $y)) (i32.const 1)))
        (local.set $type (i32.load8_u (i32.sub (local.get $src) (i32.const 1))))
        (if (i32.gt_u (local.get $type) (i32.const 4)) (then (return (i32.const 0))))
        (call $unfilterRow (local.get $type) (local.get $src) (local.get $dst) (local.get $stride) (local.get $bpp)
          (i32.eqz (local.get $y)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows)))
    (i32.const 1))

;; One row of unfilter: the filtered bytes at $src, rebuilt at $dst (below $src), the row above
  ;; at $dst − $stride (not read when $first: zeros). One loop a filter type, with the first
  ;; pixel's bytes (no left byte) apart.
  (func $unfilterRow (param $type i32) (param $src i32) (param $dst i32) (param $stride i32) (param $bpp i32) (param $first i32)
    (local $i i32) (local $up i32) (local $a i32) (local $b i32) (local $c i32) (local $head i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $p i32)
    (local.set $up (i32.sub (local.get $dst) (local.get $stride)))
    (local.set $head (select (local.get $bpp) (local.get $stride) (i32.lt_u (local.get $bpp) (local.get $stride))))
    ;; On the first row the row above is zeros: Up is None, Paeth is Sub.
    (if (local.get $first)
      (then
        (if (i32.eq (local.get $type) (i32.const 2)) (then (local.set $type (i32.const 0))))
        (if (i32.eq (local.get $type) (i32.const 4)) (then (local.set $type (i32.const 1))))))
    (if (i32.eqz (local.get $type))
      (then (memory.copy (local.get $dst) (local.get $src) (local.get $stride)) (return)))
    (if (i32.eq (local.get $type) (i32.const 2))
      (then
        ;; Up: no byte depends on this row's, so 16 at a time (each load comes before its store,
        ;; and the stores land on bytes already loaded).
        (block $end
          (loop $vector
            (br_if $end (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $stride)))
            (v128.store (i32.add (local.get $dst) (local.get $i))
              (i8x16.add (v128.load (i32.add (local.get $src) (local.get $i))) (v128.load (i32.add (local.get $up) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vector)))
        (block $end
          (loop $byte
            (br_if $end (i32.ge_u (local.get $i) (local.get $stride)))
            (i32.store8 (i32.add (local.get $dst) (local.get $i))
              (i32.add (i32.load8_u (i32.add (local.get $src) (local.get $i))) (i32.load8_u (i32.add (local.get $up) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $byte)))
        (return)))
    ;; The first pixel: no left byte (nor above-left), so Sub copies, Average adds half the byte
    ;; above, Paeth the byte above.
    (block $end
      (loop $byte
        (br_if $end (i32.ge_u (local.get $i) (local.get $head)))
        (local.set $b (if (result i32) (local.get $first)
          (then (i32.const 0))
          (else (i32.load8_u (i32.add (local.get $up) (local.get $i))))))
        (i32.store8 (i32.add (local.get $dst) (local.get $i))
          (i32.add (i32.load8_u (i32.add (local.get $src) (local.get $i)))
            (select (i32.const 0)
              (select (i32.shr_u (local.get $b) (i32.const 1)) (local.get $b) (i32.eq (local.get $type) (i32.const 3)))
              (i32.eq (local.get $type) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $byte)))
    (if (i32.eq (local.get $type) (i32.const 1))
      (then
        (block $end
          (loop $byte
            (br_if $end (i32.ge_u (local.get $i) (local.get $stride)))
            (i32.store8 (i32.add (local.get $dst) (local.get $i))
              (i32.add (i32.load8_u (i32.add (local.get $src) (local.get $i)))
                (i32.load8_u (i32.sub (i32.add (local.get $dst) (local.get $i)) (local.get $bpp)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $byte)))
        (return)))
    (if (i32.eq (local.get $type) (i32.const 3))
      (then
        (if (local.get $first)
          (then
            (block $end
              (loop $byte
                (br_if $end (i32.ge_u (local.get $i) (local.get $stride)))
                (i32.store8 (i32.add (local.get $dst) (local.get $i))
                  (i32.add (i32.load8_u (i32.add (local.get $src) (local.get $i)))
                    (i32.shr_u (i32.load8_u (i32.sub (i32.add (local.get $dst) (local.get $i)) (local.get $bpp))) (i32.const 1))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $byte)))
            (return)))
        (block $end
          (loop $byte
            (br_if $end (i32.ge_u (local.get $i) (local.get $stride)))
            (i32.store8 (i32.add (local.get $dst) (local.get $i))
              (i32.add (i32.load8_u (i32.add (local.get $src) (local.get $i)))
                (i32.shr_u
                  (i32.add (i32.load8_u (i32.sub (i32.add (local.get $dst) (local.get $i)) (local.get $bpp)))
                    (i32.load8_u (i32.add (local.get $up) (local.get $i))))
                  (i32.const 1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $byte)))
        (return)))
    ;; Paeth, below the first row ($paeth inlined: V8 does not inline calls between WebAssembly
    ;; functions, and photos filter many of their rows by Paeth).
    (block $end
      (loop $byte
        (br_if $end (i32.ge_u (local.get $i) (local.get $stride)))
        (local.set $a (i32.load8_u (i32.sub (i32.add (local.get $dst) (local.get $i)) (local.get $bpp))))
        (local.set $b (i32.load8_u (i32.add (local.get $up) (local.get $i))))
        (local.set $c (i32.load8_u (i32.sub (i32.add (local.get $up) (local.get $i)) (local.get $bpp))))
        (local.set $pa (i32.sub (local.get $b) (local.get $c)))
        (local.set $pa (select (local.get $pa) (i32.sub (i32.const 0) (local.get $pa)) (i32.ge_s (local.get $pa) (i32.const 0))))
        (local.set $pb (i32.sub (local.get $a) (local.get $c)))
        (local.set $pb (select (local.get $pb) (i32.sub (i32.const 0) (local.get $pb)) (i32.ge_s (local.get $pb) (i32.const 0))))
        (local.set $pc (i32.sub (i32.add (local.get $a) (local.get $b)) (i32.shl (local.get $c) (i32.const 1))))
        (local.set $pc (select (local.get $pc) (i32.sub (i32.const 0) (local.get $pc)) (i32.ge_s (local.get $pc) (i32.const 0))))
        (local.set $p (select (local.get $a)
          (select (local.get $b) (local.get $c) (i32.le_s (local.get $pb) (local.get $pc)))
          (i32.and (i32.le_s (local.get $pa) (local.get $pb)) (i32.le_s (local.get $pa) (local.get $pc)))))
        (i32.store8 (i32.add (local.get $dst) (local.get $i))
          (i32.add (i32.load8_u (i32.add (local.get $src) (local.get $i))) (local.get $p)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $byte))))

  ;; Adler-32 (RFC 1950) of `length` bytes at `data`: the sums in int64, reduced every 65,536
  ;; bytes (b then stays below 2^41), so the same value as the reduction every 2,048 bytes of
  ;; deflate-parts.ts.
  (func (export "adler32") (param $data i32) (param $length i32) (result i32)
    (local $a i64) (local $b i64) (local $p i32) (local $end i32) (local $run i32)
    (local.set $a (i64.const 1))
    (local.set $p (local.get $data))
    (local.set $end (i32.add (local.get $data) (local.get $length)))
    (block $done
      (loop $runs
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $run (i32.add (local.get $p) (i32.const 65536)))
        (if (i32.gt_u (local.get $run) (local.get $end)) (then (local.set $run (local.get $end))))
        (loop $bytes
          (local.set $a (i64.add (local.get $a) (i64.load8_u (local.get $p))))
          (local.set $b (i64.add (local.get $b) (local.get $a)))
          (br_if $bytes (i32.lt_u
            (local.tee $p (i32.add (local.get $p) (i32.const 1)))
            (local.get $run))))
        (local.set $a (i64.rem_u (local.get $a) (i64.const 65521)))
        (local.set $b (i64.rem_u (local.get $b) (i64.const 65521)))
        (br $runs)))
    (i32.wrap_i64 (i64.or (i64.shl (local.get $b) (i64.const 16)) (local.get $a))))

  ;; How often each pair of indices touches (n·n uint32 at counts, zeroed by the caller: counts[a·n
  ;; + b] for a pixel a with b to its left, and again for b above it) and how often each index
  ;; occurs (n uint32 at frequency, zeroed), over `pixels` bytes at `indices`, rows of `width`.
  (func (export "adjacency")
    (param $indices i32) (param $width i32) (param $pixels i32) (param $n i32) (param $counts i32) (param $frequency i32)
    (local $p i32) (local $x i32) (local $row i32) (local $a i32) (local $slot i32)
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $p) (local.get $pixels)))
        (local.set $a (i32.load8_u (i32.add (local.get $indices) (local.get $p))))
        (local.set $slot (i32.add (local.get $frequency) (i32.shl (local.get $a) (i32.const 2))))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (local.set $row (i32.add (local.get $counts) (i32.shl (i32.mul (local.get $a) (local.get $n)) (i32.const 2))))
        (if (i32.gt_u (local.get $x) (i32.const 0))
          (then
            (local.set $slot (i32.add (local.get $row) (i32.shl
              (i32.load8_u (i32.sub (i32.add (local.get $indices) (local.get $p)) (i32.const 1))) (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))))
        (if (i32.ge_u (local.get $p) (local.get $width))
          (then
            (local.set $slot (i32.add (local.get $row) (i32.shl
              (i32.load8_u (i32.sub (i32.add (local.get $indices) (local.get $p)) (local.get $width))) (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (if (i32.eq (local.get $x) (local.get $width)) (then (local.set $x (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixel))))

  ;; The palette chains of palette-order.ts. costs: n·n int32, costs[a·n + b] the cost of b after a.

  ;; Touching as a cost: −(counts[a·n + b] + counts[b·n + a]) (the most touching first), from the
  ;; uint32 counts of `adjacency`.
  (func (export "touchCosts") (param $n i32) (param $counts i32) (param $costs i32)
    (local $a i32) (local $b i32)
    (block $rows
      (loop $row
        (br_if $rows (i32.ge_u (local.get $a) (local.get $n)))
        (local.set $b (i32.const 0))
        (block $cells
          (loop $cell
            (br_if $cells (i32.ge_u (local.get $b) (local.get $n)))
            (i32.store
              (i32.add (local.get $costs) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $n)) (local.get $b)) (i32.const 2)))
              (i32.sub (i32.const 0) (i32.add
                (i32.load (i32.add (local.get $counts) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $n)) (local.get $b)) (i32.const 2))))
                (i32.load (i32.add (local.get $counts) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $n)) (local.get $a)) (i32.const 2)))))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $cell)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $row))))

  ;; Squared RGBA distance as a cost, from the palette (4 bytes a colour).
  (func (export "colourCosts") (param $n i32) (param $palette i32) (param $costs i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $diff i32)
    (block $rows
      (loop $row
        (br_if $rows (i32.ge_u (local.get $a) (local.get $n)))
        (local.set $b (i32.const 0))
        (block $cells
          (loop $cell
            (br_if $cells (i32.ge_u (local.get $b) (local.get $n)))
            (local.set $d (i32.const 0))
            (local.set $c (i32.const 0))
            (block $channels
              (loop $channel
                (br_if $channels (i32.ge_u (local.get $c) (i32.const 4)))
                (local.set $diff (i32.sub
                  (i32.load8_u (i32.add (local.get $palette) (i32.add (i32.shl (local.get $a) (i32.const 2)) (local.get $c))))
                  (i32.load8_u (i32.add (local.get $palette) (i32.add (i32.shl (local.get $b) (i32.const 2)) (local.get $c))))))
                (local.set $d (i32.add (local.get $d) (i32.mul (local.get $diff) (local.get $diff))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $channel)))
            (i32.store
              (i32.add (local.get $costs) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $n)) (local.get $b)) (i32.const 2)))
              (local.get $d))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $cell)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $row))))

  ;; A greedy chain through all n colours from `first`: each next colour is the unused one of least
  ;; cost from the last, the lowest index on ties. chain (n uint8): the colours in chain order;
  ;; used (n bytes, zeroed by the caller).
  (func (export "chain") (param $n i32) (param $costs i32) (param $first i32) (param $used i32) (param $chain i32)
    (local $length i32) (local $current i32) (local $j i32) (local $best i32) (local $bestCost i32)
    (local $cost i32) (local $row i32) (local $any i32)
    (local.set $current (local.get $first))
    (i32.store8 (local.get $chain) (local.get $first))
    (i32.store8 (i32.add (local.get $used) (local.get $first)) (i32.const 1))
    (local.set $length (i32.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $length) (local.get $n)))
        (local.set $row (i32.add (local.get $costs) (i32.shl (i32.mul (local.get $current) (local.get $n)) (i32.const 2))))
        (local.set $any (i32.const 0))
        (local.set $j (i32.const 0))
        (block $scanned
          (loop $scan
            (br_if $scanned (i32.ge_u (local.get $j) (local.get $n)))
            (if (i32.eqz (i32.load8_u (i32.add (local.get $used) (local.get $j))))
              (then
                (local.set $cost (i32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                (if (i32.or (i32.eqz (local.get $any)) (i32.lt_s (local.get $cost) (local.get $bestCost)))
                  (then
                    (local.set $any (i32.const 1))
                    (local.set $bestCost (local.get $cost))
                    (local.set $best (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $scan)))
        (i32.store8 (i32.add (local.get $chain) (local.get $length)) (local.get $best))
        (i32.store8 (i32.add (local.get $used) (local.get $best)) (i32.const 1))
        (local.set $current (local.get $best))
        (local.set $length (i32.add (local.get $length) (i32.const 1)))
        (br $step))))
)
