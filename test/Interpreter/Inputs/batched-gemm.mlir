// A batched GEMM over tensors of matrices: C[h] = A[h] B[h]^T for each h.
// A: H x M x K, B: H x N x K, C: H x M x N (f32). The tiles leave out the
// leading 1 of the descriptors' blocks, so each is one matrix's and the
// dot multiplies matrices; the grid has one program per tile and matrix.
tile.kernel @bgemm(%a: !tile.desc<1x128x64xbf16>, %b: !tile.desc<1x256x64xbf16>,
                   %c: !tile.desc<1x128x256xf32>)
    grid(%c[2], %c[1], %c[0])
    where(%a[2] == %b[2], %a[1] == %c[1], %b[1] == %c[2], %a[0] == %b[0],
          %a[0] == %c[0]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %h = tile.program_id z
  %bm = tile.block_dim %a, 1 : !tile.desc<1x128x64xbf16>
  %bn = tile.block_dim %c, 2 : !tile.desc<1x128x256xf32>
  %bk = tile.block_dim %a, 2 : !tile.desc<1x128x64xbf16>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 2 : !tile.desc<1x128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%s = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%h, %m, %k] : !tile.desc<1x128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%h, %n, %k] : !tile.desc<1x256x64xbf16> -> tensor<256x64xbf16>
    %d = tile.dot %at, %bt, %s transpose_b
        : tensor<128x64xbf16>, tensor<256x64xbf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  tile.store %acc, %c[%h, %m, %n] : tensor<128x256xf32>, !tile.desc<1x128x256xf32>
  tile.return
}
