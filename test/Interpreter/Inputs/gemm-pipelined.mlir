// The f16 GEMM of gemm.mlir (@gemm_nt_f16) at aref lowering level, as
// aref-pipeline produces it, with K steps of 32 so that a depth-2 ring wraps
// several times. Producer use u of slot s = i mod 2 (u = i / 2) waits on
// `empty` with parity (u & 1) ^ 1 and fills the slot with two TMA copies that
// complete `full` by their bytes; the consumer waits on `full` with parity
// u & 1, issues the MMA, and releases the previous step's slot once
// `mma_wait {pending = 1}` has retired the MMA that read it. The consumer has
// two warp groups, so each release is two arrivals on `empty`.
//
// protocol.test seeds bugs into this file with sed: keep the
// lines it matches (marked PRODUCER-PHASE, RELEASE-PREVIOUS, ARRIVALS).

tile.kernel @gemm_nt_f16_pipelined(%a: !tile.desc<128x32xf16>, %b: !tile.desc<128x32xf16>,
                                   %c: !tile.desc<128x128xf32>)
    grid(%c[1] / 128, %c[0] / 128) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %depth = arith.constant 2 : i32
  %bk = arith.constant 32 : i32
  %bmn = arith.constant 128 : i32
  %m = arith.muli %pm, %bmn : i32
  %n = arith.muli %pn, %bmn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x32xf16>
  %steps = arith.ceildivsi %k_end, %bk : i32
  // ARRIVALS
  %ref = aref.create arrivals 2 : !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    scf.for %i = %c0 to %steps step %c1 : i32 {
      %slot = arith.remsi %i, %depth : i32
      %use = arith.divsi %i, %depth : i32
      %parity = arith.andi %use, %c1 : i32
      // PRODUCER-PHASE
      %phase = arith.xori %parity, %c1 : i32
      %ba, %bb = aref.put.enter %ref[%slot], %phase : !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
          -> memref<128x32xf16, 3>, memref<128x32xf16, 3>
      %k = arith.muli %i, %bk : i32
      tile.async_load %a[%m, %k] -> %ba, %ref[%slot]
          : !tile.desc<128x32xf16>, memref<128x32xf16, 3>, !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
      tile.async_load %b[%n, %k] -> %bb, %ref[%slot]
          : !tile.desc<128x32xf16>, memref<128x32xf16, 3>, !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
      aref.put.exit %ref[%slot] async : !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
    }
  }, {
    %zero = arith.constant dense<0.0> : tensor<128x128xf32>
    %acc = scf.for %i = %c0 to %steps step %c1 iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
      %slot = arith.remsi %i, %depth : i32
      %use = arith.divsi %i, %depth : i32
      %phase = arith.andi %use, %c1 : i32
      %ba, %bb = aref.get.enter %ref[%slot], %phase : !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
          -> memref<128x32xf16, 3>, memref<128x32xf16, 3>
      %d = tile.mma %ba, %bb, %sum transpose_b
          : memref<128x32xf16, 3>, memref<128x32xf16, 3> -> tensor<128x128xf32>
      %e = tile.mma_wait %d {pending = 1} : tensor<128x128xf32>
      %has_previous = arith.cmpi sgt, %i, %c0 : i32
      scf.if %has_previous {
        %previous = arith.subi %i, %c1 : i32
        %previous_slot = arith.remsi %previous, %depth : i32
        // RELEASE-PREVIOUS
        aref.get.exit %ref[%previous_slot] : !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
      }
      scf.yield %e : tensor<128x128xf32>
    }
    %done = tile.mma_wait %acc {pending = 0} : tensor<128x128xf32>
    %any = arith.cmpi sgt, %steps, %c0 : i32
    scf.if %any {
      %last = arith.subi %steps, %c1 : i32
      %last_slot = arith.remsi %last, %depth : i32
      aref.get.exit %ref[%last_slot] : !aref.ref<[tensor<128x32xf16>, tensor<128x32xf16>], depth = 2>
    }
    tile.store %done, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  }
  tile.return
}
