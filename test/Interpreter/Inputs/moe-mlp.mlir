// A mixture-of-experts grouped GEMM and a gated MLP projection as tile
// programs; check.py's moe and mlp commands run them against NumPy, before
// and after partitioning and pipelining.

// Mixture-of-experts grouped GEMM, with tokens grouped by expert and each
// group padded to whole 64-row blocks: C[rows of block b] = A[rows of b] ·
// W[e]^T where e = block_expert[b]. W holds the experts' N x K matrices one
// above the other ((E * N) x K). A tile of W that runs past expert e's N rows
// only feeds columns of C past N, which are not stored.
tile.kernel @moe_gemm(%a: !tile.desc<64x64xbf16>, %w: !tile.desc<128x64xbf16>,
                      %block_expert: !tile.desc<1xi32>,
                      %c: !tile.desc<64x128xbf16>)
    grid(%c[1], %block_expert[0] / 1)
    where(%a[1] == %w[1], %a[0] == %c[0]) {
  %pn = tile.program_id x
  %pb = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %e = tile.scalar_load %block_expert[%pb] : !tile.desc<1xi32> -> i32
  %n_total = tile.dim %c, 1 : !tile.desc<64x128xbf16>
  %m = arith.muli %pb, %c64 : i32
  %n = arith.muli %pn, %c128 : i32
  %expert_row = arith.muli %e, %n_total : i32
  %wrow = arith.addi %expert_row, %n : i32
  %k_end = tile.dim %a, 1 : !tile.desc<64x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<64x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %wt = tile.load %w[%wrow, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %d = tile.dot %at, %wt, %sum transpose_b
        : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
    scf.yield %d : tensor<64x128xf32>
  }
  %out = arith.truncf %acc : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %out, %c[%m, %n] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.return
}

// The gated MLP's first half, H = silu(X Wg^T) * (X Wu^T): two dots share
// each tile of X, and the gate is applied to the accumulators.
// X: M x K; Wg, Wu: N x K; H: M x N; bf16.
tile.kernel @gated_mlp(%x: !tile.desc<64x64xbf16>, %wg: !tile.desc<128x64xbf16>,
                       %wu: !tile.desc<128x64xbf16>, %h: !tile.desc<64x128xbf16>)
    grid(%h[1], %h[0])
    where(%x[1] == %wg[1], %x[1] == %wu[1], %wg[0] == %wu[0],
          %x[0] == %h[0], %wg[0] == %h[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c64 : i32
  %n = arith.muli %pn, %c128 : i32
  %k_end = tile.dim %x, 1 : !tile.desc<64x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc:2 = scf.for %k = %c0 to %k_end step %c64 iter_args(%g = %zero, %u = %zero)
      -> (tensor<64x128xf32>, tensor<64x128xf32>) : i32 {
    %xt = tile.load %x[%m, %k] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %gt = tile.load %wg[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %ut = tile.load %wu[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %g2 = tile.dot %xt, %gt, %g transpose_b
        : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
    %u2 = tile.dot %xt, %ut, %u transpose_b
        : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
    scf.yield %g2, %u2 : tensor<64x128xf32>, tensor<64x128xf32>
  }
  // silu(g) = g / (1 + exp(-g))
  %one = arith.constant dense<1.0> : tensor<64x128xf32>
  %neg = arith.negf %acc#0 : tensor<64x128xf32>
  %e = math.exp %neg : tensor<64x128xf32>
  %den = arith.addf %one, %e : tensor<64x128xf32>
  %silu = arith.divf %acc#0, %den : tensor<64x128xf32>
  %gated = arith.mulf %silu, %acc#1 : tensor<64x128xf32>
  %out = arith.truncf %gated : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %out, %h[%m, %n] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.return
}
