// GEMM tile programs for the interpreter tests: C = A · B with 128 x 128
// tiles of C, a K loop in steps of 64, f16 or bf16 inputs and f32
// accumulation. Out-of-bounds reads give zero, so no shape needs to be a
// multiple of a tile.

// f16 A (M x K) and B (K x N).
tile.kernel @gemm_nn_f16(%a: !tile.desc<128x64xf16>, %b: !tile.desc<64x128xf16>,
                        %c: !tile.desc<128x128xf32>)
    grid(%c[1] / 128, %c[0] / 128) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %bk = arith.constant 64 : i32
  %bmn = arith.constant 128 : i32
  %m = arith.muli %pm, %bmn : i32
  %n = arith.muli %pn, %bmn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%k, %n] : !tile.desc<64x128xf16> -> tensor<64x128xf16>
    %d = tile.dot %at, %bt, %sum : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  tile.return
}

// f16 A (M x K) and B (N x K, `transpose_b`).
tile.kernel @gemm_nt_f16(%a: !tile.desc<128x64xf16>, %b: !tile.desc<128x64xf16>,
                        %c: !tile.desc<128x128xf32>)
    grid(%c[1] / 128, %c[0] / 128) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %bk = arith.constant 64 : i32
  %bmn = arith.constant 128 : i32
  %m = arith.muli %pm, %bmn : i32
  %n = arith.muli %pn, %bmn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  tile.return
}

// bf16 A (M x K) and B (K x N).
tile.kernel @gemm_nn_bf16(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<64x128xbf16>,
                        %c: !tile.desc<128x128xf32>)
    grid(%c[1] / 128, %c[0] / 128) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %bk = arith.constant 64 : i32
  %bmn = arith.constant 128 : i32
  %m = arith.muli %pm, %bmn : i32
  %n = arith.muli %pn, %bmn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%k, %n] : !tile.desc<64x128xbf16> -> tensor<64x128xbf16>
    %d = tile.dot %at, %bt, %sum : tensor<128x64xbf16>, tensor<64x128xbf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  tile.return
}

// bf16 A (M x K) and B (N x K, `transpose_b`).
tile.kernel @gemm_nt_bf16(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<128x64xbf16>,
                        %c: !tile.desc<128x128xf32>)
    grid(%c[1] / 128, %c[0] / 128) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %bk = arith.constant 64 : i32
  %bmn = arith.constant 128 : i32
  %m = arith.muli %pm, %bmn : i32
  %n = arith.muli %pn, %bmn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  tile.return
}
