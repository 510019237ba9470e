// Attention forward, FlashAttention's online softmax, for a batch of heads:
// for each head h, O[h] = softmax(Q[h] K[h]^T * scale) V[h]; and its causal
// form (attention_causal_fwd). Kiln splits it
// into a TMA producer (Q once, then K and V 64 keys at a time) and two
// consumer warp groups, each with 64 of the CTA's 128 query rows; P V takes
// P from registers, as the first product left it.
//
//   Q, O: H x Sq x D row-major.  K, V: H x Sk x D row-major.  f16, D <= 64
//   (the tile's head dimension; a smaller D reads zeros beyond it, and rows
//   of 2 D bytes must be a multiple of 16: D a multiple of 8).  Sk >= 1.
//   H counts batch and heads together (B x H heads of one layout).
//
// Each tile is one head's: the descriptors read blocks of 1 x 128 x 64 and
// 1 x 64 x 64, and the leading 1 is left out of the tiles, so the products
// are of matrices and nothing crosses into the next head. Keys past Sk take
// no weight (masked to -inf), so Sk need not be a multiple of 64; query rows
// past Sq are not written.
//
//   kilnc examples/attention.mlir -o out/

tile.kernel @attention_fwd(%q: !tile.desc<1x128x64xf16>, %k: !tile.desc<1x64x64xf16>,
                           %v: !tile.desc<1x64x64xf16>, %o: !tile.desc<1x128x64xf16>,
                           %scale: f32)
    grid(%q[1], %q[0])
    where(%q[0] == %k[0], %k[0] == %v[0], %q[0] == %o[0], %q[1] == %o[1],
          %k[1] == %v[1], %q[2] == %k[2], %v[2] == %o[2]) {
  %block = tile.program_id x
  %head = tile.program_id y
  %c0 = arith.constant 0 : i32
  %bq = tile.block_dim %q, 1 : !tile.desc<1x128x64xf16>
  %bk = tile.block_dim %k, 1 : !tile.desc<1x64x64xf16>
  %m = arith.muli %block, %bq : i32
  %sk = tile.dim %k, 1 : !tile.desc<1x64x64xf16>
  %qt = tile.load %q[%head, %m, %c0] : !tile.desc<1x128x64xf16> -> tensor<128x64xf16>
  %scales = tile.splat %scale : tensor<128x64xf32>
  %limit = tile.splat %sk : tensor<64xi32>
  %lanes = tile.iota : tensor<64xi32>
  %minus_inf = arith.constant dense<0xFF800000> : tensor<128x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<128xf32>
  %l0 = arith.constant dense<0.0> : tensor<128xf32>
  %zero = arith.constant dense<0.0> : tensor<128x64xf32>
  %res:3 = scf.for %n = %c0 to %sk step %bk
      iter_args(%mi = %m0, %li = %l0, %acc = %zero)
      -> (tensor<128xf32>, tensor<128xf32>, tensor<128x64xf32>) : i32 {
    %kt = tile.load %k[%head, %n, %c0] : !tile.desc<1x64x64xf16> -> tensor<64x64xf16>
    %vt = tile.load %v[%head, %n, %c0] : !tile.desc<1x64x64xf16> -> tensor<64x64xf16>
    %qk = tile.dot %qt, %kt, %zero transpose_b
        : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
    %scaled = arith.mulf %qk, %scales : tensor<128x64xf32>
    // Keys n .. n+63 that lie past Sk take no weight.
    %base = tile.splat %n : tensor<64xi32>
    %keys = arith.addi %lanes, %base : tensor<64xi32>
    %valid = arith.cmpi slt, %keys, %limit : tensor<64xi32>
    %valid2 = tile.broadcast %valid dims [0] : tensor<64xi1> -> tensor<128x64xi1>
    %s = arith.select %valid2, %scaled, %minus_inf : tensor<128x64xi1>, tensor<128x64xf32>
    %rowmax = tile.reduce max %s dim 1 : tensor<128x64xf32> -> tensor<128xf32>
    %mnew = arith.maximumf %mi, %rowmax : tensor<128xf32>
    %mb = tile.broadcast %mnew dims [1] : tensor<128xf32> -> tensor<128x64xf32>
    %shifted = arith.subf %s, %mb : tensor<128x64xf32>
    %p = math.exp %shifted : tensor<128x64xf32>
    %dm = arith.subf %mi, %mnew : tensor<128xf32>
    %alpha = math.exp %dm : tensor<128xf32>
    %psum = tile.reduce sum %p dim 1 : tensor<128x64xf32> -> tensor<128xf32>
    %lscaled = arith.mulf %li, %alpha : tensor<128xf32>
    %lnew = arith.addf %lscaled, %psum : tensor<128xf32>
    %ab = tile.broadcast %alpha dims [1] : tensor<128xf32> -> tensor<128x64xf32>
    %accs = arith.mulf %acc, %ab : tensor<128x64xf32>
    %ph = arith.truncf %p : tensor<128x64xf32> to tensor<128x64xf16>
    %accn = tile.dot %ph, %vt, %accs
        : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
    scf.yield %mnew, %lnew, %accn : tensor<128xf32>, tensor<128xf32>, tensor<128x64xf32>
  }
  %lb = tile.broadcast %res#1 dims [1] : tensor<128xf32> -> tensor<128x64xf32>
  %out = arith.divf %res#2, %lb fastmath<afn> : tensor<128x64xf32>
  %outh = arith.truncf %out : tensor<128x64xf32> to tensor<128x64xf16>
  tile.store %outh, %o[%head, %m, %c0] : tensor<128x64xf16>, !tile.desc<1x128x64xf16>
  tile.return
}

// Causal: query i sees keys j <= i + Sk - Sq (aligned at the bottom right,
// as FlashAttention 2 does, so that with Sq = Sk each query sees itself and
// the keys before it). The key loop stops at the last key a CTA's rows can
// see; a query that sees no key (only where Sq > Sk) gets zeros.
tile.kernel @attention_causal_fwd(%q: !tile.desc<1x128x64xf16>, %k: !tile.desc<1x64x64xf16>,
                                  %v: !tile.desc<1x64x64xf16>, %o: !tile.desc<1x128x64xf16>,
                                  %scale: f32)
    grid(%q[1], %q[0])
    where(%q[0] == %k[0], %k[0] == %v[0], %q[0] == %o[0], %q[1] == %o[1],
          %k[1] == %v[1], %q[2] == %k[2], %v[2] == %o[2]) {
  %block = tile.program_id x
  %head = tile.program_id y
  %c0 = arith.constant 0 : i32
  %bq = tile.block_dim %q, 1 : !tile.desc<1x128x64xf16>
  %bk = tile.block_dim %k, 1 : !tile.desc<1x64x64xf16>
  %m = arith.muli %block, %bq : i32
  %sq = tile.dim %q, 1 : !tile.desc<1x128x64xf16>
  %sk = tile.dim %k, 1 : !tile.desc<1x64x64xf16>
  // Query i sees keys below i + 1 + shift; the block's last row, m + bq - 1,
  // the most.
  %shift = arith.subi %sk, %sq : i32
  %reach = arith.addi %m, %bq : i32
  %reach2 = arith.addi %reach, %shift : i32
  %n_end = arith.minsi %sk, %reach2 : i32
  %qt = tile.load %q[%head, %m, %c0] : !tile.desc<1x128x64xf16> -> tensor<128x64xf16>
  %scales = tile.splat %scale : tensor<128x64xf32>
  %limit = tile.splat %sk : tensor<64xi32>
  %key_lanes = tile.iota : tensor<64xi32>
  %row_lanes = tile.iota : tensor<128xi32>
  %row_base = arith.addi %m, %shift : i32
  %row_bases = tile.splat %row_base : tensor<128xi32>
  %sees = arith.addi %row_lanes, %row_bases : tensor<128xi32>
  %sees2 = tile.broadcast %sees dims [1] : tensor<128xi32> -> tensor<128x64xi32>
  %minus_inf = arith.constant dense<0xFF800000> : tensor<128x64xf32>
  %minus_inf_rows = arith.constant dense<0xFF800000> : tensor<128xf32>
  %zero_rows = arith.constant dense<0.0> : tensor<128xf32>
  %zero = arith.constant dense<0.0> : tensor<128x64xf32>
  %res:3 = scf.for %n = %c0 to %n_end step %bk
      iter_args(%mi = %minus_inf_rows, %li = %zero_rows, %acc = %zero)
      -> (tensor<128xf32>, tensor<128xf32>, tensor<128x64xf32>) : i32 {
    %kt = tile.load %k[%head, %n, %c0] : !tile.desc<1x64x64xf16> -> tensor<64x64xf16>
    %vt = tile.load %v[%head, %n, %c0] : !tile.desc<1x64x64xf16> -> tensor<64x64xf16>
    %qk = tile.dot %qt, %kt, %zero transpose_b
        : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
    %scaled = arith.mulf %qk, %scales : tensor<128x64xf32>
    // Key j takes weight if j < Sk and j <= i + Sk - Sq.
    %base = tile.splat %n : tensor<64xi32>
    %keys = arith.addi %key_lanes, %base : tensor<64xi32>
    %in_range = arith.cmpi slt, %keys, %limit : tensor<64xi32>
    %in_range2 = tile.broadcast %in_range dims [0] : tensor<64xi1> -> tensor<128x64xi1>
    %keys2 = tile.broadcast %keys dims [0] : tensor<64xi32> -> tensor<128x64xi32>
    %seen = arith.cmpi sle, %keys2, %sees2 : tensor<128x64xi32>
    %valid = arith.andi %in_range2, %seen : tensor<128x64xi1>
    %s = arith.select %valid, %scaled, %minus_inf : tensor<128x64xi1>, tensor<128x64xf32>
    %rowmax = tile.reduce max %s dim 1 : tensor<128x64xf32> -> tensor<128xf32>
    %mnew = arith.maximumf %mi, %rowmax : tensor<128xf32>
    // A row that has seen no key yet keeps max -inf; it subtracts 0
    // instead, so that exp gives 0, not NaN.
    %none = arith.cmpf oeq, %mnew, %minus_inf_rows : tensor<128xf32>
    %mshift = arith.select %none, %zero_rows, %mnew : tensor<128xi1>, tensor<128xf32>
    %mb = tile.broadcast %mshift dims [1] : tensor<128xf32> -> tensor<128x64xf32>
    %shifted = arith.subf %s, %mb : tensor<128x64xf32>
    %p = math.exp %shifted : tensor<128x64xf32>
    %dm = arith.subf %mi, %mshift : tensor<128xf32>
    %alpha = math.exp %dm : tensor<128xf32>
    %psum = tile.reduce sum %p dim 1 : tensor<128x64xf32> -> tensor<128xf32>
    %lscaled = arith.mulf %li, %alpha : tensor<128xf32>
    %lnew = arith.addf %lscaled, %psum : tensor<128xf32>
    %ab = tile.broadcast %alpha dims [1] : tensor<128xf32> -> tensor<128x64xf32>
    %accs = arith.mulf %acc, %ab : tensor<128x64xf32>
    %ph = arith.truncf %p : tensor<128x64xf32> to tensor<128x64xf16>
    %accn = tile.dot %ph, %vt, %accs
        : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
    scf.yield %mnew, %lnew, %accn : tensor<128xf32>, tensor<128xf32>, tensor<128x64xf32>
  }
  // Rows that saw no key: 0, not 0 / 0.
  %empty = arith.cmpf oeq, %res#1, %zero_rows : tensor<128xf32>
  %ones = arith.constant dense<1.0> : tensor<128xf32>
  %l = arith.select %empty, %ones, %res#1 : tensor<128xi1>, tensor<128xf32>
  %lb = tile.broadcast %l dims [1] : tensor<128xf32> -> tensor<128x64xf32>
  %out = arith.divf %res#2, %lb fastmath<afn> : tensor<128x64xf32>
  %outh = arith.truncf %out : tensor<128x64xf32> to tensor<128x64xf16>
  tile.store %outh, %o[%head, %m, %c0] : tensor<128x64xf16>, !tile.desc<1x128x64xf16>
  tile.return
}
