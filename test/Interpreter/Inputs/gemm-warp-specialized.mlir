// The f16 GEMM of gemm.mlir (@gemm_nt_f16) partitioned by hand at aref value
// level, as tile-warp-specialize would: a producer role loads the A and B
// tiles of each K step and puts them into a depth-2 aref; consumer roles get
// them, multiply, and release the slot. Same inputs, same output.

// One consumer role of two warp groups.
tile.kernel @gemm_nt_f16_ws(%a: !tile.desc<128x64xf16>, %b: !tile.desc<128x64xf16>,
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
  %ref = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    scf.for %k = %c0 to %k_end step %bk : i32 {
      %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
      %bt = tile.load %b[%n, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
      aref.put %ref, %at, %bt : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>,
          tensor<128x64xf16>, tensor<128x64xf16>
    }
  }, {
    %zero = arith.constant dense<0.0> : tensor<128x128xf32>
    %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
      %at, %bt = aref.get %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
          -> tensor<128x64xf16>, tensor<128x64xf16>
      %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<128x128xf32>
      aref.consumed %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
      scf.yield %d : tensor<128x128xf32>
    }
    tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  }
  tile.return
}

// Two consumer roles that both receive every put: each computes the whole
// product and stores it to its own output. The second holds two slots
// before releasing either, so the producer waits on both roles.
tile.kernel @gemm_nt_f16_ws_two_consumers(%a: !tile.desc<128x64xf16>, %b: !tile.desc<128x64xf16>,
                                          %c: !tile.desc<128x128xf32>, %c2: !tile.desc<128x128xf32>)
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
  %ref = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4, 4] regs [40, 232, 232] {
    scf.for %k = %c0 to %k_end step %bk : i32 {
      %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
      %bt = tile.load %b[%n, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
      aref.put %ref, %at, %bt : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>,
          tensor<128x64xf16>, tensor<128x64xf16>
    }
  }, {
    %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
      %at, %bt = aref.get %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
          -> tensor<128x64xf16>, tensor<128x64xf16>
      %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<128x128xf32>
      aref.consumed %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
      scf.yield %d : tensor<128x128xf32>
    }
    tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  }, {
    // Releases the previous step's slot after getting the current one.
    %c64 = arith.constant 64 : i32
    %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
      %at, %bt = aref.get %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
          -> tensor<128x64xf16>, tensor<128x64xf16>
      %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<128x128xf32>
      %later = arith.cmpi sge, %k, %c64 : i32
      scf.if %later {
        aref.consumed %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
      }
      scf.yield %d : tensor<128x128xf32>
    }
    %any = arith.cmpi sgt, %k_end, %c0 : i32
    scf.if %any {
      aref.consumed %ref : !aref.ref<[tensor<128x64xf16>, tensor<128x64xf16>], depth = 2>
    }
    tile.store %acc, %c2[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  }
  tile.return
}
