// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s
// RUN: python3 %kiln_src/utils/check-op-examples.py %s %kiln_src/include/kiln/Dialect/Tile/IR/TileOps.td

// Every ```mlir example of TileOps.td appears here, as written there (the
// last RUN line checks it).

// CHECK-LABEL: tile.kernel @scale
// CHECK-SAME: (%[[X:.*]]: !tile.desc<1024xf32>, %[[Y:.*]]: !tile.desc<1024xf32>, %[[ALPHA:.*]]: f32) grid(%[[X]][0] / 1024)
// CHECK: %[[PID:.*]] = program_id x
// CHECK: %[[OFF:.*]] = arith.muli %[[PID]]
// CHECK: %[[T:.*]] = load %[[X]][%[[OFF]]] : !tile.desc<1024xf32> -> tensor<1024xf32>
// CHECK: %[[A:.*]] = splat %[[ALPHA]] : tensor<1024xf32>
// CHECK: %[[R:.*]] = arith.mulf %[[T]], %[[A]]
// CHECK: store %[[R]], %[[Y]][%[[OFF]]] : tensor<1024xf32>, !tile.desc<1024xf32>
// CHECK: return
tile.kernel @scale(%x: !tile.desc<1024xf32>, %y: !tile.desc<1024xf32>,
                   %alpha: f32) grid(%x[0] / 1024) {
  %pid = tile.program_id x
  %c1024 = arith.constant 1024 : i32
  %off = arith.muli %pid, %c1024 : i32
  %t = tile.load %x[%off] : !tile.desc<1024xf32> -> tensor<1024xf32>
  %a = tile.splat %alpha : tensor<1024xf32>
  %r = arith.mulf %t, %a : tensor<1024xf32>
  tile.store %r, %y[%off] : tensor<1024xf32>, !tile.desc<1024xf32>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @grid_forms
// CHECK-SAME: grid(%{{.*}}[1] / 256, %{{.*}} / 128, %{{.*}}[0])
// CHECK-SAME: attributes {consumer_groups = 1 : i64, depth = 3 : i64, num_warps = 8 : i64, persistent, pingpong, tile_shape = array<i64: 64, 128, 0>}
tile.kernel @grid_forms(%c: !tile.desc<128x256xf32>, %rows: i32)
    grid(%c[1] / 256, %rows / 128, %c[0])
    attributes {num_warps = 8, consumer_groups = 1, depth = 3, persistent,
                pingpong, tile_shape = array<i64: 64, 128, 0>} {
  tile.return
}

// -----

// Extents the launcher checks agree.
// CHECK-LABEL: tile.kernel @where
// CHECK-SAME: grid(%[[C:.*]][1], %[[C]][0]) where(%[[A:.*]][1] == %[[B:.*]][1], %[[A]][0] == %[[C]][0], %[[B]][0] == %[[C]][1])
tile.kernel @where(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                   %c: !tile.desc<128x256xf32>)
    grid(%c[1], %c[0]) where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) {
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @constant_grid
// CHECK-SAME: grid(2)
tile.kernel @constant_grid() grid(2) {
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @no_grid
// CHECK-NOT: grid
tile.kernel @no_grid() {
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @program_ids
// CHECK: program_id x
// CHECK: num_programs y
// CHECK: dim %{{.*}}, 1 : !tile.desc<128x64xf16>
// CHECK: block_dim %{{.*}}, 1 : !tile.desc<128x64xf16>
tile.kernel @program_ids(%a: !tile.desc<128x64xf16>) {
  %pid = tile.program_id x
  %n = tile.num_programs y
  %k = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
  tile.return
}

// -----

// tile.block_dim folds to the block extent.
// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s --check-prefix=FOLD
// FOLD-LABEL: tile.kernel @block_dim_folds
// FOLD: %[[C:.*]] = arith.constant 64 : i32
// FOLD: splat %[[C]]
tile.kernel @block_dim_folds(%a: !tile.desc<128x64xf16>, %o: !tile.desc<16xi32>,
                             %i: i32) {
  %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
  %s = tile.splat %bk : tensor<16xi32>
  tile.store %s, %o[%i] : tensor<16xi32>, !tile.desc<16xi32>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @memory
// CHECK: load %{{.*}}[%{{.*}}, %{{.*}}] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
// CHECK: store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : tensor<128x128xf32>, !tile.desc<128x128xf32>
// CHECK: scalar_load %{{.*}}[%{{.*}}] : !tile.desc<16xi32> -> i32
// CHECK: load %{{.*}}[%{{.*}}, %{{.*}}] : !tile.desc<128x64xf16> -> tensor<64x64xf16>
// CHECK: store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : tensor<128x32xf32>, !tile.desc<128x128xf32>
tile.kernel @memory(%a: !tile.desc<128x64xf16>, %out: !tile.desc<128x128xf32>,
                    %offsets: !tile.desc<16xi32>, %m: i32, %k: i32, %n: i32,
                    %e: i32) {
  %t = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %c = arith.constant dense<0.0> : tensor<128x128xf32>
  tile.store %c, %out[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  %start = tile.scalar_load %offsets[%e] : !tile.desc<16xi32> -> i32
  // Parts of the block shape.
  %half = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<64x64xf16>
  %part = arith.constant dense<0.0> : tensor<128x32xf32>
  tile.store %part, %out[%m, %n] : tensor<128x32xf32>, !tile.desc<128x128xf32>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @compute
// CHECK: dot %{{.*}}, %{{.*}}, %{{.*}} transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
// CHECK: dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<128x64xbf16>, tensor<64x128xbf16> -> tensor<128x128xf32>
// CHECK: dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x128xf8E4M3FN>, tensor<64x128xf8E5M2> -> tensor<64x64xf32>
// CHECK: broadcast %{{.*}} dims [0] : tensor<256xf32> -> tensor<128x256xf32>
// CHECK: extract_slice %{{.*}} [0, 64] : tensor<128x256xf32> -> tensor<128x64xf32>
// CHECK: iota : tensor<128xi32>
// CHECK: splat %{{.*}} : tensor<1024xf32>
// CHECK: reduce max %{{.*}} dim 1 : tensor<128x128xf32> -> tensor<128xf32>
// CHECK: reduce sum %{{.*}} dim 0 : tensor<128x256xf32> -> tensor<256xf32>
// CHECK: reduce min %{{.*}} dim 0 : tensor<128xi32> -> tensor<i32>
tile.kernel @compute(%da: !tile.desc<128x64xf16>, %db: !tile.desc<256x64xf16>,
                     %dh: !tile.desc<128x64xbf16>, %dg: !tile.desc<64x128xbf16>,
                     %d8: !tile.desc<64x128xf8E4M3FN>,
                     %d5: !tile.desc<64x128xf8E5M2>,
                     %dbias: !tile.desc<256xf32>, %alpha: f32, %i0: i32) {
  %a = tile.load %da[%i0, %i0] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %b = tile.load %db[%i0, %i0] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %c = arith.constant dense<0.0> : tensor<128x256xf32>
  %d = tile.dot %a, %b, %c transpose_b
      : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  %h = tile.load %dh[%i0, %i0] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
  %g = tile.load %dg[%i0, %i0] : !tile.desc<64x128xbf16> -> tensor<64x128xbf16>
  %c2 = arith.constant dense<0.0> : tensor<128x128xf32>
  %hg = tile.dot %h, %g, %c2 : tensor<128x64xbf16>, tensor<64x128xbf16> -> tensor<128x128xf32>
  %e4 = tile.load %d8[%i0, %i0] : !tile.desc<64x128xf8E4M3FN> -> tensor<64x128xf8E4M3FN>
  %e5 = tile.load %d5[%i0, %i0] : !tile.desc<64x128xf8E5M2> -> tensor<64x128xf8E5M2>
  %c3 = arith.constant dense<0.0> : tensor<64x64xf32>
  %f8 = tile.dot %e4, %e5, %c3 transpose_b : tensor<64x128xf8E4M3FN>, tensor<64x128xf8E5M2> -> tensor<64x64xf32>
  %bias = tile.load %dbias[%i0] : !tile.desc<256xf32> -> tensor<256xf32>
  %rows = tile.broadcast %bias dims [0] : tensor<256xf32> -> tensor<128x256xf32>
  %chunk = tile.extract_slice %rows [0, 64] : tensor<128x256xf32> -> tensor<128x64xf32>
  %i = tile.iota : tensor<128xi32>
  %s1 = tile.splat %alpha : tensor<1024xf32>
  %s = arith.constant dense<1.0> : tensor<128x128xf32>
  %m = tile.reduce max %s dim 1 : tensor<128x128xf32> -> tensor<128xf32>
  %cols = tile.reduce sum %rows dim 0 : tensor<128x256xf32> -> tensor<256xf32>
  %least = tile.reduce min %i dim 0 : tensor<128xi32> -> tensor<i32>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @loops
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (tensor<128x128xf32>)
// CHECK: dot
tile.kernel @loops(%a: !tile.desc<128x64xf16>, %b: !tile.desc<128x64xf16>,
                   %out: !tile.desc<128x128xf32>) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %k = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc = scf.for %kk = %c0 to %k step %c64 iter_args(%acc = %zero) -> (tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%c0, %kk] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%c0, %kk] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %r = tile.dot %at, %bt, %acc transpose_b : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<128x128xf32>
    scf.yield %r : tensor<128x128xf32>
  }
  tile.store %acc, %out[%c0, %c0] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @warp_specialize
// CHECK: %[[REF:.*]] = aref.create arrivals 2
// CHECK: warp_specialize warps [4, 8] regs [40, 232] {
// CHECK:   aref.put %[[REF]], %{{.*}} : !aref.ref<[tensor<128x64xf16>], depth = 2>, tensor<128x64xf16>
// CHECK: }, {
// CHECK:   aref.get %[[REF]] : !aref.ref<[tensor<128x64xf16>], depth = 2> -> tensor<128x64xf16>
// CHECK:   aref.consumed %[[REF]]
// CHECK: }
tile.kernel @warp_specialize(%d: !tile.desc<128x64xf16>, %i0: i32) {
  %ref = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>], depth = 2>
  %a = tile.load %d[%i0, %i0] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    aref.put %ref, %a : !aref.ref<[tensor<128x64xf16>], depth = 2>, tensor<128x64xf16>
  }, {
    %x = aref.get %ref : !aref.ref<[tensor<128x64xf16>], depth = 2> -> tensor<128x64xf16>
    aref.consumed %ref : !aref.ref<[tensor<128x64xf16>], depth = 2>
  }
  tile.return
}

// -----

// The types and attributes print as written.
// CHECK-LABEL: tile.kernel @types
// CHECK-SAME: !tile.desc<128x64xf16>
// CHECK-SAME: !tile.desc<256xf32>
// CHECK-SAME: !tile.desc<2x3x4x5x8xi8>
// CHECK: tensor<1024xf32, #tile.blocked<elems = [4], threads = [32], warps = [4]>>
tile.kernel @types(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256xf32>,
                   %c: !tile.desc<2x3x4x5x8xi8>, %x: f32) {
  %s = tile.splat %x : tensor<1024xf32, #tile.blocked<elems = [4], threads = [32], warps = [4]>>
  tile.return
}


// -----

// A tile of 128 x 256 f32 over the 128 threads of one warp group gives each
// thread 256 elements: the most a layout may hold
// (test/Dialect/Tile/invalid.mlir has 512).
// CHECK-LABEL: tile.kernel @full_registers
// CHECK: tensor<128x256xf32, #tile.blocked<elems = [1, 4], threads = [1, 32], warps = [4, 1]>>
tile.kernel @full_registers(%x: f32) {
  %t = tile.splat %x : tensor<128x256xf32, #tile.blocked<elems = [1, 4], threads = [1, 32], warps = [4, 1]>>
  tile.return
}

// -----

// Budgets may use the whole register file: 128 x 64 + 256 x 224 = 65536.
// Empty roles are allowed.
// CHECK-LABEL: tile.kernel @full_register_file
// CHECK: warp_specialize warps [4, 8] regs [64, 224]
tile.kernel @full_register_file() {
  tile.warp_specialize warps [4, 8] regs [64, 224] {
  }, {
  }
  tile.return
}

// -----

// The Hopper-level ops that aref-pipeline produces.
// CHECK-LABEL: tile.kernel @hopper_level
// CHECK: async_load %{{.*}}[%{{.*}}, %{{.*}}] -> %{{.*}}, %{{.*}}[%{{.*}}] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>], depth = 4>
// CHECK-LABEL: tile.kernel @hopper_mma
// CHECK: mma %{{.*}}, %{{.*}}, %{{.*}} transpose_b : memref<128x64xf16, 3>, memref<256x64xf16, 3> -> tensor<128x256xf32>
// CHECK: mma_wait %{{.*}} {pending = 1 : i64} : tensor<128x256xf32>
tile.kernel @hopper_level(%a: !tile.desc<128x64xf16>, %m: i32, %k: i32, %s: i32,
                          %ph: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>], depth = 4>
  %ba = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<128x64xf16>], depth = 4> -> memref<128x64xf16, 3>
  tile.async_load %a[%m, %k] -> %ba, %r[%s]
      : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>], depth = 4>
  tile.return
}

// -----

tile.kernel @hopper_mma(%s: i32, %ph: i32) {
  %r2 = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 2>
  %ba, %bb = aref.get.enter %r2[%s], %ph : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 2>
      -> memref<128x64xf16, 3>, memref<256x64xf16, 3>
  %c = arith.constant dense<0.0> : tensor<128x256xf32>
  %d = tile.mma %ba, %bb, %c transpose_b
      : memref<128x64xf16, 3>, memref<256x64xf16, 3> -> tensor<128x256xf32>
  %e = tile.mma_wait %d {pending = 1} : tensor<128x256xf32>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @hopper_mma_register_a
// CHECK: mma %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>
tile.kernel @hopper_mma_register_a(%s: i32, %ph: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  %bv = aref.get.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2>
      -> memref<64x64xf16, 3>
  %p = arith.constant dense<1.0> : tensor<64x64xf16>
  %acc = arith.constant dense<0.0> : tensor<64x64xf32>
  %o = tile.mma %p, %bv, %acc
      : tensor<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>
  tile.return
}
