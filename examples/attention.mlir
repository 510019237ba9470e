// Attention forward, FlashAttention's online softmax, for a batch of heads:
// for each head h, O[h] = softmax(Q[h] K[h]^T * scale) V[h]. Kiln splits it
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
