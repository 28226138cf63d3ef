;; Dot products of one int8 query with many int8 vectors, sixteen lanes at a time (WebAssembly
;; SIMD). `dim` a multiple of 16, every pointer 16-byte aligned.
(module
  ;; The memory is shared (imported), so helper threads running this same module can scan parts
  ;; of the vectors at once (parallel-scan.ts).
  (import "env" "memory" (memory 1 65536 shared))
  ;; out[i] = dot(query, base + i * dim) over int8 vectors, as i32: the approximate first pass.
  ;; `dim` bytes per vector, a multiple of 16. Rows go two at a time, so each 16 query bytes are
  ;; loaded and widened once for both (the scan is bound by loads and widening, not by the dots).
  (func (export "dots_i8") (param $query i32) (param $base i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $i i32) (local $j i32) (local $row i32) (local $acc0 v128) (local $acc1 v128)
    (local $a v128) (local $b v128) (local $ql v128) (local $qh v128)
    (local.set $row (local.get $base))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $dim)))
            (local.set $b (v128.load (i32.add (local.get $query) (local.get $j))))
            (local.set $ql (i16x8.extend_low_i8x16_s (local.get $b)))
            (local.set $qh (i16x8.extend_high_i8x16_s (local.get $b)))
            (local.set $a (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $acc0 (i32x4.add (local.get $acc0)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (local.get $ql))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (local.get $qh)))))
            (local.set $a (v128.load (i32.add (i32.add (local.get $row) (local.get $dim)) (local.get $j))))
            (local.set $acc1 (i32x4.add (local.get $acc1)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (local.get $ql))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (local.get $qh)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
        (i32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc1)) (i32x4.extract_lane 1 (local.get $acc1)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc1)) (i32x4.extract_lane 3 (local.get $acc1)))))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $dim) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; The last row when n is odd.
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $j) (local.get $dim)))
            (local.set $a (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $b (v128.load (i32.add (local.get $query) (local.get $j))))
            (local.set $acc0 (i32x4.add (local.get $acc0)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (i16x8.extend_low_i8x16_s (local.get $b)))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (i16x8.extend_high_i8x16_s (local.get $b))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $tail)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0))))))))
)
