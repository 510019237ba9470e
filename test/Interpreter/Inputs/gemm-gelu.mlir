// C = gelu(scale[row] * (A·B) + bias[col]), GELU's tanh approximation, with an
// f16 bias widened to f32 and an f16 result: a fused epilogue with a
// per-row and a per-column vector, for tile-chunk-epilogue's tests.
//
//   A: M x K f16 row-major.  B: N x K f16 row-major (K contiguous).
//   scale: M f32.  bias: N f16.  C: M x N f16 row-major.
tile.kernel @gemm_scale_bias_gelu(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                                  %scale: !tile.desc<128xf32>, %bias: !tile.desc<256xf16>,
                                  %c: !tile.desc<128x256xf16>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1], %bias[0] == %c[1], %scale[0] == %c[0]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = tile.block_dim %a, 0 : !tile.desc<128x64xf16>
  %bn = tile.block_dim %c, 1 : !tile.desc<128x256xf16>
  %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
    %d = tile.dot %at, %bt, %sum transpose_b
        : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  %s = tile.load %scale[%m] : !tile.desc<128xf32> -> tensor<128xf32>
  %ss = tile.broadcast %s dims [1] : tensor<128xf32> -> tensor<128x256xf32>
  %row = tile.load %bias[%n] : !tile.desc<256xf16> -> tensor<256xf16>
  %rowf = arith.extf %row : tensor<256xf16> to tensor<256xf32>
  %rows = tile.broadcast %rowf dims [0] : tensor<256xf32> -> tensor<128x256xf32>
  %x0 = arith.mulf %acc, %ss : tensor<128x256xf32>
  %x = arith.addf %x0, %rows : tensor<128x256xf32>
  // gelu(x) = 0.5 x (1 + tanh(t)) = x / (1 + exp(-2 t)) with
  // t = sqrt(2 / pi) (x + 0.044715 x^3); the second form has no
  // cancellation where x is very negative.
  %one = arith.constant dense<1.0> : tensor<128x256xf32>
  %k0 = arith.constant dense<-1.5957691216> : tensor<128x256xf32>
  %k1 = arith.constant dense<0.044715> : tensor<128x256xf32>
  %x2 = arith.mulf %x, %x : tensor<128x256xf32>
  %x3 = arith.mulf %x2, %x : tensor<128x256xf32>
  %t0 = arith.mulf %x3, %k1 : tensor<128x256xf32>
  %t1 = arith.addf %x, %t0 : tensor<128x256xf32>
  %t2 = arith.mulf %t1, %k0 : tensor<128x256xf32>
  %e = math.exp %t2 : tensor<128x256xf32>
  %den = arith.addf %e, %one : tensor<128x256xf32>
  %y = arith.divf %x, %den fastmath<afn> : tensor<128x256xf32>
  %out = arith.truncf %y : tensor<128x256xf32> to tensor<128x256xf16>
  tile.store %out, %c[%m, %n] : tensor<128x256xf16>, !tile.desc<128x256xf16>
  tile.return
}
