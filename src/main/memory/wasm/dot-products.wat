;; Dot products of one query with many vectors, 4 float lanes at a time (WebAssembly SIMD).
;; Vectors are f32, `dim` a multiple of 16, every pointer 16-byte aligned.
(module
  (memory (export "memory") 1)
  ;; out[i] = dot(query, base + i * dim) for i in [0, n)
  (func (export "dots") (param $query i32) (param $base i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $i i32) (local $j i32) (local $row i32) (local $bytes i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $sum v128)
    (local.set $bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $row (local.get $base))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (v128.const f32x4 0 0 0 0))
        (local.set $b (v128.const f32x4 0 0 0 0))
        (local.set $c (v128.const f32x4 0 0 0 0))
        (local.set $d (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $cols
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $a (f32x4.add (local.get $a)
              (f32x4.mul (v128.load (i32.add (local.get $row) (local.get $j)))
                         (v128.load (i32.add (local.get $query) (local.get $j))))))
            (local.set $b (f32x4.add (local.get $b)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=16 (i32.add (local.get $query) (local.get $j))))))
            (local.set $c (f32x4.add (local.get $c)
              (f32x4.mul (v128.load offset=32 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=32 (i32.add (local.get $query) (local.get $j))))))
            (local.set $d (f32x4.add (local.get $d)
              (f32x4.mul (v128.load offset=48 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=48 (i32.add (local.get $query) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 64)))
            (br $cols)))
        (local.set $sum (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (f32x4.add (local.get $c) (local.get $d))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
            (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
)
