// Flash-attention forward as a tile program; check.py's attention command
// runs it against NumPy, before and after partitioning.

// O = softmax(Q K^T * scale) V for one head, online softmax over 64-key
// blocks (FlashAttention's forward pass). Q, O: Sq x D; K, V: Sk x D; D <= 64
// (the tile's head dimension; a smaller D reads zeros beyond it). Keys past
// Sk are masked to -inf, so Sk need not be a multiple of 64; Sk >= 1.
tile.kernel @attention_fwd(%q: !tile.desc<64x64xf16>, %k: !tile.desc<64x64xf16>,
                           %v: !tile.desc<64x64xf16>, %o: !tile.desc<64x64xf16>,
                           %scale: f32)
    grid(%q[0] / 64)
    where(%q[1] == %k[1], %k[0] == %v[0], %v[1] == %o[1], %q[0] == %o[0]) {
  %pid = tile.program_id x
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %m = arith.muli %pid, %c64 : i32
  %sk = tile.dim %k, 0 : !tile.desc<64x64xf16>
  %qt = tile.load %q[%m, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %scales = tile.splat %scale : tensor<64x64xf32>
  %limit = tile.splat %sk : tensor<64xi32>
  %lanes = tile.iota : tensor<64xi32>
  %minus_inf = arith.constant dense<0xFF800000> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %res:3 = scf.for %n = %c0 to %sk step %c64
      iter_args(%mi = %m0, %li = %l0, %acc = %zero)
      -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) : i32 {
    %kt = tile.load %k[%n, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    %vt = tile.load %v[%n, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    %qk = tile.dot %qt, %kt, %zero transpose_b
        : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
    %scaled = arith.mulf %qk, %scales : tensor<64x64xf32>
    // Keys n .. n+63 that lie past Sk take no weight.
    %base = tile.splat %n : tensor<64xi32>
    %keys = arith.addi %lanes, %base : tensor<64xi32>
    %valid = arith.cmpi slt, %keys, %limit : tensor<64xi32>
    %valid2 = tile.broadcast %valid dims [0] : tensor<64xi1> -> tensor<64x64xi1>
    %s = arith.select %valid2, %scaled, %minus_inf : tensor<64x64xi1>, tensor<64x64xf32>
    %rowmax = tile.reduce max %s dim 1 : tensor<64x64xf32> -> tensor<64xf32>
    %mnew = arith.maximumf %mi, %rowmax : tensor<64xf32>
    %mb = tile.broadcast %mnew dims [1] : tensor<64xf32> -> tensor<64x64xf32>
    %shifted = arith.subf %s, %mb : tensor<64x64xf32>
    %p = math.exp %shifted : tensor<64x64xf32>
    %dm = arith.subf %mi, %mnew : tensor<64xf32>
    %alpha = math.exp %dm : tensor<64xf32>
    %psum = tile.reduce sum %p dim 1 : tensor<64x64xf32> -> tensor<64xf32>
    %lscaled = arith.mulf %li, %alpha : tensor<64xf32>
    %lnew = arith.addf %lscaled, %psum : tensor<64xf32>
    %ab = tile.broadcast %alpha dims [1] : tensor<64xf32> -> tensor<64x64xf32>
    %accs = arith.mulf %acc, %ab : tensor<64x64xf32>
    %ph = arith.truncf %p : tensor<64x64xf32> to tensor<64x64xf16>
    %accn = tile.dot %ph, %vt, %accs
        : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
    scf.yield %mnew, %lnew, %accn : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  %lb = tile.broadcast %res#1 dims [1] : tensor<64xf32> -> tensor<64x64xf32>
  %out = arith.divf %res#2, %lb : tensor<64x64xf32>
  %outh = arith.truncf %out : tensor<64x64xf32> to tensor<64x64xf16>
  tile.store %outh, %o[%m, %c0] : tensor<64x64xf16>, !tile.desc<64x64xf16>
  tile.return
}

