// RUN: kiln-opt %s -split-input-file -tile-warp-specialize -verify-diagnostics | FileCheck %s --enable-var-scope
// RUN: kiln-opt %s -split-input-file -tile-warp-specialize="consumer-groups=1" -verify-diagnostics | FileCheck %s --check-prefix=ONE

// A GEMM main loop: the two loads of one iteration share one aref; the
// producer keeps the loads, their address arithmetic and the loop; the
// consumer keeps the dot, the accumulator and the epilogue.
// CHECK-LABEL: tile.kernel @gemm
// CHECK: %[[REF:.*]] = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 1>
// CHECK: warp_specialize warps [4, 8] regs [40, 232] {
// CHECK:   %[[PM:.*]] = tile.program_id y
// CHECK:   %[[M:.*]] = arith.muli %[[PM]]
// CHECK:   scf.for %[[K:.*]] = {{.*}} : i32 {
// CHECK-NEXT: %[[A:.*]] = tile.load %{{.*}}[%[[M]], %[[K]]]
// CHECK-NEXT: %[[B:.*]] = tile.load %{{.*}}[%{{.*}}, %[[K]]]
// CHECK-NEXT: aref.put %[[REF]], %[[A]], %[[B]]
// CHECK-NEXT: }
// CHECK-NOT: tile.dot
// CHECK-NOT: tile.store
// CHECK: }, {
// CHECK:   %[[ACC:.*]] = scf.for {{.*}} iter_args(%[[SUM:.*]] = %{{.*}}) -> (tensor<128x256xf32>)
// CHECK-NEXT: %[[T:.*]]:2 = aref.get %[[REF]]
// CHECK-NEXT: %[[D:.*]] = tile.dot %[[T]]#0, %[[T]]#1, %[[SUM]] transpose_b
// CHECK-NEXT: aref.consumed %[[REF]]
// CHECK-NEXT: scf.yield %[[D]]
// CHECK-NOT: tile.load
// CHECK: tile.store %[[ACC]]
// CHECK: }
// CHECK-NEXT: return

// With one consumer warp group, the consumer gets the registers two would
// share.
// ONE-LABEL: tile.kernel @gemm
// ONE: aref.create arrivals 1
// ONE: warp_specialize warps [4, 4] regs [40, 240]
tile.kernel @gemm(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                  %c: !tile.desc<128x256xf32>) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c128 = arith.constant 128 : i32
  %c256 = arith.constant 256 : i32
  %c64 = arith.constant 64 : i32
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c256 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
    %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// Nothing feeds a dot: the kernel is left as it is.
// CHECK-LABEL: tile.kernel @elementwise
// CHECK-NOT: aref.create
// CHECK-NOT: warp_specialize
// CHECK: load
// CHECK: store
tile.kernel @elementwise(%x: !tile.desc<1024xf32>, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<1024xf32> -> tensor<1024xf32>
  tile.store %t, %x[%i] : tensor<1024xf32>, !tile.desc<1024xf32>
  tile.return
}

// -----

// A tile loaded once, before the loop (like attention's Q), gets an aref of
// its own; the loop's tile another. The kernel's own consumer_groups applies.
// CHECK-LABEL: tile.kernel @two_groups
// CHECK-DAG: %[[Q:.*]] = aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>], depth = 1>
// CHECK-DAG: %[[KV:.*]] = aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>], depth = 1>
// CHECK: warp_specialize warps [4, 4]
// CHECK: aref.put
// CHECK: scf.for
// CHECK: aref.put
// CHECK: }, {
// CHECK: aref.get
// CHECK: scf.for
// CHECK: aref.get
// CHECK: tile.dot
// CHECK: aref.consumed
// CHECK: scf.yield
// CHECK: aref.consumed
tile.kernel @two_groups(%q: !tile.desc<64x64xbf16>, %kt: !tile.desc<64x64xbf16>,
                        %o: !tile.desc<64x64xf32>, %n: i32)
    attributes {consumer_groups = 1} {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %qt = tile.load %q[%c0, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %acc = scf.for %j = %c0 to %n step %c64 iter_args(%s = %zero) -> (tensor<64x64xf32>) : i32 {
    %k = tile.load %kt[%j, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %d = tile.dot %qt, %k, %s transpose_b : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  tile.store %acc, %o[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}

// -----

// State the consumer's math carries across iterations (a running row max,
// as attention's softmax) leaves the producer's copy of the loop, with the
// math; state the loads need stays: the offset, and the growing stride the
// offset reads, although no load reads the stride itself.
// CHECK-LABEL: tile.kernel @running_state
// CHECK: warp_specialize
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[OFF:.*]] = %{{.*}}, %{{.*}} = %{{.*}}) -> (i32, i32)
// CHECK-NOT: tile.reduce
// CHECK: tile.load %{{.*}}[%[[OFF]], %{{.*}}]
// CHECK-NOT: tile.reduce
// CHECK: }, {
// CHECK: tile.reduce max
tile.kernel @running_state(%q: !tile.desc<64x64xbf16>, %kt: !tile.desc<64x64xbf16>,
                           %o: !tile.desc<64x64xf32>, %mo: !tile.desc<64xf32>,
                           %n: i32) attributes {consumer_groups = 1} {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %qt = tile.load %q[%c0, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %minf = arith.constant dense<0xFF800000> : tensor<64xf32>
  %res:4 = scf.for %j = %c0 to %n step %c64
      iter_args(%m = %minf, %off = %c0, %acc = %zero, %stride = %c64)
      -> (tensor<64xf32>, i32, tensor<64x64xf32>, i32) : i32 {
    %k = tile.load %kt[%off, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %s = tile.dot %qt, %k, %acc transpose_b : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %mx = tile.reduce max %s dim 1 : tensor<64x64xf32> -> tensor<64xf32>
    %mn = arith.maximumf %m, %mx : tensor<64xf32>
    %next = arith.addi %off, %stride : i32
    %wider = arith.addi %stride, %c64 : i32
    scf.yield %mn, %next, %s, %wider : tensor<64xf32>, i32, tensor<64x64xf32>, i32
  }
  tile.store %res#2, %o[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.store %res#0, %mo[%c0] : tensor<64xf32>, !tile.desc<64xf32>
  tile.return
}

// -----

// With no consumer_groups on the kernel, a tile of 64 rows (one wgmma's M)
// gets one consumer warp group: two would each need 64 rows of their own.
// CHECK-LABEL: tile.kernel @rows64
// CHECK: aref.create arrivals 1
// CHECK: warp_specialize warps [4, 4] regs [40, 240]
tile.kernel @rows64(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<128x64xbf16>,
                    %c: !tile.desc<64x128xf32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = scf.for %k = %c0 to %n step %c64 iter_args(%s = %zero) -> (tensor<64x128xf32>) : i32 {
    %at = tile.load %a[%c0, %k] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %bt = tile.load %b[%c0, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %d = tile.dot %at, %bt, %s transpose_b : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
    scf.yield %d : tensor<64x128xf32>
  }
  tile.store %acc, %c[%c0, %c0] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.return
}

// -----

tile.kernel @part_of_block(%a: !tile.desc<64x64xf16>, %i: i32) {
  // expected-error @+1 {{feeds tile.dot with a part of its descriptor's block 'tensor<64x64xf16>'; the TMA transfer moves whole blocks, so declare the descriptor with the tile's shape}}
  %t = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x32xf16>
  %u = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x32xf16>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %d = tile.dot %t, %u, %zero transpose_b : tensor<64x32xf16>, tensor<64x32xf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @tile_also_in_registers(%a: !tile.desc<64x64xf16>, %i: i32) {
  // expected-error @+1 {{feeds tile.dot and also arith.extf; a tile that the tensor cores read from shared memory cannot also be used in registers (load it twice)}}
  %t = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %d = tile.dot %t, %t, %zero transpose_b : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  %e = arith.extf %t : tensor<64x64xf16> to tensor<64x64xf32>
  tile.return
}
