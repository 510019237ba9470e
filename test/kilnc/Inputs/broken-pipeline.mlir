// A hand-pipelined kernel whose producer starts with the wrong parity: its
// first wait on an empty slot blocks forever. kilnc must refuse it.
tile.kernel @broken(%a: !tile.desc<64x64xf16>, %c: !tile.desc<64x64xf32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c64 = arith.constant 64 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    %end = scf.for %k = %c0 to %n step %c64 iter_args(%u = %c0) -> (i32) : i32 {
      %s = arith.remui %u, %c2 : i32
      %round = arith.divui %u, %c2 : i32
      // The bug: the producer's parity is (round & 1), not (round & 1) ^ 1.
      %ph = arith.andi %round, %c1 : i32
      %buf = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      aref.put.exit %r[%s] async : !aref.ref<[tensor<64x64xf16>], depth = 2>
      tile.async_load %a[%c0, %k] -> %buf, %r[%s] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %u, %c1 : i32
      scf.yield %next : i32
    }
  }, {
    %zero = arith.constant dense<0.0> : tensor<64x64xf32>
    %acc:2 = scf.for %k = %c0 to %n step %c64 iter_args(%sum = %zero, %u = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %u, %c2 : i32
      %round = arith.divui %u, %c2 : i32
      %ph = arith.andi %round, %c1 : i32
      %buf = aref.get.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %buf, %buf, %sum transpose_b : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %w = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %u, %c1 : i32
      scf.yield %w, %next : tensor<64x64xf32>, i32
    }
    tile.store %acc#0, %c[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  }
  tile.return
}
