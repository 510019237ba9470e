// Three arefs filled in loops (a persistent kernel loops over all of them) and
// one filled once: the automatic depth must leave room for each aref's
// barriers and alignment, not only for its slots (found by fuzzing).
tile.kernel @k(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<64x64xbf16>, %v: !tile.desc<64x64xbf16>, %c: !tile.desc<64x64xf32>)
    grid(%c[1], %c[0]) attributes {consumer_groups = 1} {
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c3 = arith.constant 3 : i32
  %bm = tile.block_dim %a, 0 : !tile.desc<64x64xbf16>
  %m = arith.muli %pm, %bm : i32
  %bk = tile.block_dim %b, 0 : !tile.desc<64x64xbf16>
  %kend = tile.dim %b, 0 : !tile.desc<64x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x64xf32>
  %at = tile.load %a[%m, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %r = scf.for %o = %c0 to %c3 step %c1 iter_args(%acc0 = %z) -> (tensor<64x64xf32>) : i32 {
    %inner = scf.for %k = %c0 to %kend step %bk iter_args(%acc = %acc0) -> (tensor<64x64xf32>) : i32 {
      %bt = tile.load %b[%k, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
      %p = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      %ph = arith.truncf %p : tensor<64x64xf32> to tensor<64x64xbf16>
      %vt = tile.load %v[%k, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
      %d = tile.dot %ph, %vt, %acc transpose_b : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      scf.yield %d : tensor<64x64xf32>
    }
    %ih = arith.truncf %inner : tensor<64x64xf32> to tensor<64x64xbf16>
    %vt2 = tile.load %v[%c0, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %d2 = tile.dot %ih, %vt2, %inner : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %d2 : tensor<64x64xf32>
  }
  tile.store %r, %c[%m, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}
