// Warp-specialized kernels that misuse arefs; protocol.test checks the
// interpreter's error for each. They take no tensors.

// The consumer releases a slot it never got.
tile.kernel @consumed_without_get() {
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<64xf32>], depth = 2>
  %v = arith.constant dense<1.0> : tensor<64xf32>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    aref.put %ref, %v : !aref.ref<[tensor<64xf32>], depth = 2>, tensor<64xf32>
  }, {
    aref.consumed %ref : !aref.ref<[tensor<64xf32>], depth = 2>
  }
  tile.return
}

// The consumer gets twice what the producer puts once.
tile.kernel @get_without_put() {
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<64xf32>], depth = 2>
  %v = arith.constant dense<1.0> : tensor<64xf32>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    aref.put %ref, %v : !aref.ref<[tensor<64xf32>], depth = 2>, tensor<64xf32>
  }, {
    %a = aref.get %ref : !aref.ref<[tensor<64xf32>], depth = 2> -> tensor<64xf32>
    aref.consumed %ref : !aref.ref<[tensor<64xf32>], depth = 2>
    %b = aref.get %ref : !aref.ref<[tensor<64xf32>], depth = 2> -> tensor<64xf32>
    aref.consumed %ref : !aref.ref<[tensor<64xf32>], depth = 2>
  }
  tile.return
}

// The consumer never releases, so the producer's third put finds both slots
// held while the consumer waits for a fourth value.
tile.kernel @never_consumed(%n: i32) {
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<64xf32>], depth = 2>
  %v = arith.constant dense<1.0> : tensor<64xf32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    scf.for %i = %c0 to %n step %c1 : i32 {
      aref.put %ref, %v : !aref.ref<[tensor<64xf32>], depth = 2>, tensor<64xf32>
    }
  }, {
    scf.for %i = %c0 to %n step %c1 : i32 {
      %a = aref.get %ref : !aref.ref<[tensor<64xf32>], depth = 2> -> tensor<64xf32>
    }
  }
  tile.return
}

// Slot and phase come from the arguments, so the verifier cannot check them.
tile.kernel @enter(%slot: i32, %phase: i32) {
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<64xf32>], depth = 2>
  %b = aref.put.enter %ref[%slot], %phase : !aref.ref<[tensor<64xf32>], depth = 2> -> memref<64xf32, 3>
  tile.return
}

// The copy into slot 0's buffer names slot 1's barrier.
tile.kernel @async_load_wrong_slot(%x: !tile.desc<64xf32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<64xf32>], depth = 2>
  %b = aref.put.enter %ref[%c0], %c1 : !aref.ref<[tensor<64xf32>], depth = 2> -> memref<64xf32, 3>
  tile.async_load %x[%c0] -> %b, %ref[%c1]
      : !tile.desc<64xf32>, memref<64xf32, 3>, !aref.ref<[tensor<64xf32>], depth = 2>
  tile.return
}

// Arrives on `full` twice while its copy's bytes are still missing.
tile.kernel @arrival_beyond_expected() {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<64xf32>], depth = 2>
  %b = aref.put.enter %ref[%c0], %c1 : !aref.ref<[tensor<64xf32>], depth = 2> -> memref<64xf32, 3>
  aref.put.exit %ref[%c0] async : !aref.ref<[tensor<64xf32>], depth = 2>
  aref.put.exit %ref[%c0] : !aref.ref<[tensor<64xf32>], depth = 2>
  tile.return
}
