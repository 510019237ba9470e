// C = A · B on the tensor cores, with no synchronization in the program:
// Kiln splits it into a TMA producer warp group and wgmma consumer warp
// groups connected by an aref.
//
//   A: M x K row-major.  B: N x K row-major (K contiguous, `transpose_b`) or
//   K x N row-major.  C: M x N row-major.  f16 or bf16 in, f32 accumulation.
//
// Tiles of 128 x 256 (BM x BN), 64 deep (BK). Out-of-bounds reads give zero,
// so K need not be a multiple of 64 and M, N need not be multiples of the
// tile; out-of-bounds writes are dropped.
//
//   kilnc examples/gemm.mlir -o out/

// bf16 A and B (N x K), bf16 C.
tile.kernel @gemm_bf16_nt(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<256x64xbf16>,
                          %c: !tile.desc<128x256xbf16>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) {
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
  %out = arith.truncf %acc : tensor<128x256xf32> to tensor<128x256xbf16>
  tile.store %out, %c[%m, %n] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  tile.return
}

// f16 A and B (K x N), f32 C.
tile.kernel @gemm_f16_nn(%a: !tile.desc<128x64xf16>, %b: !tile.desc<64x256xf16>,
                         %c: !tile.desc<128x256xf32>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[0], %a[0] == %c[0], %b[1] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = tile.block_dim %a, 0 : !tile.desc<128x64xf16>
  %bn = tile.block_dim %c, 1 : !tile.desc<128x256xf32>
  %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%k, %n] : !tile.desc<64x256xf16> -> tensor<64x256xf16>
    %d = tile.dot %at, %bt, %sum : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// 8-bit floats (e4m3) A and B (N x K: wgmma reads 8-bit operands K-major
// only), f32 C; tiles 128 deep, 128 bytes of K per row.
tile.kernel @gemm_e4m3_nt(%a: !tile.desc<128x128xf8E4M3FN>, %b: !tile.desc<256x128xf8E4M3FN>,
                          %c: !tile.desc<128x256xf32>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = tile.block_dim %a, 0 : !tile.desc<128x128xf8E4M3FN>
  %bn = tile.block_dim %c, 1 : !tile.desc<128x256xf32>
  %bk = tile.block_dim %a, 1 : !tile.desc<128x128xf8E4M3FN>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x128xf8E4M3FN>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x128xf8E4M3FN> -> tensor<128x128xf8E4M3FN>
    %bt = tile.load %b[%n, %k] : !tile.desc<256x128xf8E4M3FN> -> tensor<256x128xf8E4M3FN>
    %d = tile.dot %at, %bt, %sum transpose_b
        : tensor<128x128xf8E4M3FN>, tensor<256x128xf8E4M3FN> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}
