// C = SiLU(A · B + bias) in one kernel: the epilogue is written in the tile
// program, element-wise on the accumulator, and Kiln runs it on the
// accumulator fragments in registers before the store.
//
//   A: M x K bf16 row-major.  B: N x K bf16 row-major (K contiguous).
//   bias: N f32.  C: M x N bf16 row-major.
//
//   kilnc examples/gemm-epilogue.mlir -o out/

tile.kernel @gemm_bias_silu(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<256x64xbf16>,
                            %bias: !tile.desc<256xf32>, %c: !tile.desc<128x256xbf16>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1], %bias[0] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = tile.block_dim %a, 0 : !tile.desc<128x64xbf16>
  %bn = tile.block_dim %c, 1 : !tile.desc<128x256xbf16>
  %bk = tile.block_dim %a, 1 : !tile.desc<128x64xbf16>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<256x64xbf16> -> tensor<256x64xbf16>
    %d = tile.dot %at, %bt, %sum transpose_b
        : tensor<128x64xbf16>, tensor<256x64xbf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  // Epilogue: bias add and SiLU, x * sigmoid(x) = x / (1 + exp(-x)). The
  // division may be approximate (fastmath<afn>: div.approx.f32, a few
  // instructions instead of IEEE division's dozen), as Triton's `/` is; the
  // result is rounded to bf16 anyway. Without the flag it is IEEE.
  %row = tile.load %bias[%n] : !tile.desc<256xf32> -> tensor<256xf32>
  %rows = tile.broadcast %row dims [0] : tensor<256xf32> -> tensor<128x256xf32>
  %x = arith.addf %acc, %rows : tensor<128x256xf32>
  %negx = arith.negf %x : tensor<128x256xf32>
  %e = math.exp %negx : tensor<128x256xf32>
  %one = arith.constant dense<1.0> : tensor<128x256xf32>
  %den = arith.addf %one, %e : tensor<128x256xf32>
  %y = arith.divf %x, %den fastmath<afn> : tensor<128x256xf32>
  %out = arith.truncf %y : tensor<128x256xf32> to tensor<128x256xbf16>
  tile.store %out, %c[%m, %n] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  tile.return
}
