// RUN: kiln-opt %s -split-input-file -tile-assign-layouts -verify-diagnostics | FileCheck %s

// A 1-D f32 tile over 4 warps: runs of 4 elements (16 bytes) per thread.
// CHECK-LABEL: tile.kernel @vector
// CHECK: load {{.*}} -> tensor<1024xf32, #[[L:tile.blocked<elems = \[4\], threads = \[32\], warps = \[4\]>]]>
// CHECK: splat {{.*}} : tensor<1024xf32, #[[L]]>
// CHECK: arith.mulf {{.*}} : tensor<1024xf32, #[[L]]>
// CHECK: store {{.*}} : tensor<1024xf32, #[[L]]>
tile.kernel @vector(%x: !tile.desc<1024xf32>, %a: f32, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<1024xf32> -> tensor<1024xf32>
  %s = tile.splat %a : tensor<1024xf32>
  %r = arith.mulf %t, %s : tensor<1024xf32>
  tile.store %r, %x[%i] : tensor<1024xf32>, !tile.desc<1024xf32>
  tile.return
}

// -----

// The narrowest element moved through memory sets the run: 8 elements, 16
// bytes of bf16, for both the f32 and the bf16 tile, which share one layout.
// CHECK-LABEL: tile.kernel @mixed
// CHECK: load {{.*}} -> tensor<64x128xf32, #[[L:tile.blocked<elems = \[1, 8\], threads = \[2, 16\], warps = \[4, 1\]>]]>
// CHECK: arith.truncf {{.*}} to tensor<64x128xbf16, #[[L]]>
tile.kernel @mixed(%x: !tile.desc<64x128xf32>, %y: !tile.desc<64x128xbf16>, %i: i32) {
  %t = tile.load %x[%i, %i] : !tile.desc<64x128xf32> -> tensor<64x128xf32>
  %b = arith.truncf %t : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %b, %y[%i, %i] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.return
}

// -----

// num_warps spreads warps over the first dimension; loop-carried tiles and
// their block arguments get the layout too.
// CHECK-LABEL: tile.kernel @loop
// CHECK: arith.constant dense<0.000000e+00> : tensor<32x64xf32, #[[L:tile.blocked<elems = \[1, 4\], threads = \[2, 16\], warps = \[8, 1\]>]]>
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = {{.*}}) -> (tensor<32x64xf32, #[[L]]>)
tile.kernel @loop(%x: !tile.desc<32x64xf32>, %n: i32) attributes {num_warps = 8} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %z = arith.constant dense<0.0> : tensor<32x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %z) -> (tensor<32x64xf32>) : i32 {
    %t = tile.load %x[%k, %c0] : !tile.desc<32x64xf32> -> tensor<32x64xf32>
    %s = arith.addf %acc, %t : tensor<32x64xf32>
    scf.yield %s : tensor<32x64xf32>
  }
  tile.store %r, %x[%c0, %c0] : tensor<32x64xf32>, !tile.desc<32x64xf32>
  tile.return
}

// -----

// A tile smaller than one pass of the threads is replicated.
// CHECK-LABEL: tile.kernel @small
// CHECK: tensor<16xf32, #tile.blocked<elems = [4], threads = [32], warps = [4]>>
tile.kernel @small(%x: !tile.desc<16xf32>, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<16xf32> -> tensor<16xf32>
  tile.store %t, %x[%i] : tensor<16xf32>, !tile.desc<16xf32>
  tile.return
}

// -----

tile.kernel @not_power_of_two(%x: !tile.desc<96xf32>, %i: i32) {
  // expected-error @+1 {{has a tile of shape 'tensor<96xf32>'; tiles held in registers need power-of-two dimensions}}
  %t = tile.load %x[%i] : !tile.desc<96xf32> -> tensor<96xf32>
  tile.store %t, %x[%i] : tensor<96xf32>, !tile.desc<96xf32>
  tile.return
}

// -----

// In a consumer role of two warp groups, the accumulator takes wgmma's
// layout; the epilogue follows it, and the bias row takes the slice of it
// that broadcasting back needs. The producer holds no tiles.
// CHECK-LABEL: tile.kernel @consumer
// CHECK: warp_specialize
// CHECK: }, {
// CHECK: arith.constant dense<0.000000e+00> : tensor<128x256xf32, #[[MMA:tile.mma<warpgroups = 2>]]>
// CHECK: scf.for {{.*}} -> (tensor<128x256xf32, #[[MMA]]>, i32)
// CHECK: tile.mma {{.*}} -> tensor<128x256xf32, #[[MMA]]>
// CHECK: tile.mma_wait {{.*}} : tensor<128x256xf32, #[[MMA]]>
// CHECK: tile.load {{.*}} -> tensor<256xf32, #tile.slice<dim = 0, parent = #[[MMA]]>>
// CHECK: tile.broadcast {{.*}} : tensor<256xf32, #tile.slice<dim = 0, parent = #[[MMA]]>> -> tensor<128x256xf32, #[[MMA]]>
// CHECK: arith.addf {{.*}} : tensor<128x256xf32, #[[MMA]]>
// CHECK: arith.truncf {{.*}} to tensor<128x256xbf16, #[[MMA]]>
// CHECK: tile.store {{.*}} : tensor<128x256xbf16, #[[MMA]]>
tile.kernel @consumer(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<256x64xbf16>,
                      %bias: !tile.desc<256xf32>, %c: !tile.desc<128x256xbf16>, %k_end: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c64 = arith.constant 64 : i32
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
  }, {
    %zero = arith.constant dense<0.0> : tensor<128x256xf32>
    %acc:2 = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero, %n = %c0) -> (tensor<128x256xf32>, i32) : i32 {
      %t:2 = aref.get.enter %r[%c0], %c0 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %d = tile.mma %t#0, %t#1, %sum transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %w = tile.mma_wait %d {pending = 0} : tensor<128x256xf32>
      aref.get.exit %r[%c0] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      %n1 = arith.addi %n, %c1 : i32
      scf.yield %w, %n1 : tensor<128x256xf32>, i32
    }
    %row = tile.load %bias[%c0] : !tile.desc<256xf32> -> tensor<256xf32>
    %rows = tile.broadcast %row dims [0] : tensor<256xf32> -> tensor<128x256xf32>
    %x = arith.addf %acc#0, %rows : tensor<128x256xf32>
    %y = arith.truncf %x : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %y, %c[%c0, %c0] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  tile.return
}

// -----

// A reduction makes the slice of its input's layout.
// CHECK-LABEL: tile.kernel @reduce
// CHECK: reduce max {{.*}} : tensor<64x128xf32, #[[B:tile.blocked<[^>]*>]]> -> tensor<64xf32, #tile.slice<dim = 1, parent = #[[B]]>>
tile.kernel @reduce(%x: !tile.desc<64x128xf32>, %y: !tile.desc<64xf32>, %i: i32) {
  %t = tile.load %x[%i, %i] : !tile.desc<64x128xf32> -> tensor<64x128xf32>
  %m = tile.reduce max %t dim 1 : tensor<64x128xf32> -> tensor<64xf32>
  tile.store %m, %y[%i] : tensor<64xf32>, !tile.desc<64xf32>
  tile.return
}

// -----

// A column sum and a row sum live in different threads; adding them would
// need a layout conversion.
tile.kernel @conflict(%x: !tile.desc<64x128xf32>, %z: !tile.desc<128x64xf32>,
                      %y: !tile.desc<128xf32>, %i: i32) {
  %t = tile.load %x[%i, %i] : !tile.desc<64x128xf32> -> tensor<64x128xf32>
  %u = tile.load %z[%i, %i] : !tile.desc<128x64xf32> -> tensor<128x64xf32>
  %r = tile.reduce sum %t dim 0 : tensor<64x128xf32> -> tensor<128xf32>
  // expected-error @+1 {{needs one tile in two layouts}}
  %q = tile.reduce sum %u dim 1 : tensor<128x64xf32> -> tensor<128xf32>
  %s = arith.addf %r, %q : tensor<128xf32>
  tile.store %s, %y[%i] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}

// -----

// A column chunk of an accumulator keeps its layout: each thread holds its
// part already.
// CHECK-LABEL: tile.kernel @accumulator_chunk
// CHECK: extract_slice {{.*}} [0, 64] : tensor<64x128xf32, #tile.mma<warpgroups = 1>> -> tensor<64x32xf32, #tile.mma<warpgroups = 1>>
// CHECK: store {{.*}} : tensor<64x32xf32, #tile.mma<warpgroups = 1>>
tile.kernel @accumulator_chunk(%a: !tile.desc<64x64xf16>, %b: !tile.desc<128x64xf16>,
                               %c: !tile.desc<64x128xf32>, %i: i32) {
  %at = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %d = tile.dot %at, %bt, %z transpose_b : tensor<64x64xf16>, tensor<128x64xf16> -> tensor<64x128xf32>
  %s = tile.extract_slice %d [0, 64] : tensor<64x128xf32> -> tensor<64x32xf32>
  tile.store %s, %c[%i, %i] : tensor<64x32xf32>, !tile.desc<64x128xf32>
  tile.return
}

// -----

// Rows of an accumulator over one warp group: its second 64-row block.
// CHECK-LABEL: tile.kernel @accumulator_block
// CHECK: extract_slice {{.*}} [64, 0] : tensor<128x128xf32, #tile.mma<warpgroups = 1>> -> tensor<64x128xf32, #tile.mma<warpgroups = 1>>
tile.kernel @accumulator_block(%a: !tile.desc<128x64xf16>, %b: !tile.desc<128x64xf16>,
                               %c: !tile.desc<128x128xf32>, %i: i32) {
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<128x128xf32>
  %d = tile.dot %at, %bt, %z transpose_b : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<128x128xf32>
  %s = tile.extract_slice %d [64, 0] : tensor<128x128xf32> -> tensor<64x128xf32>
  tile.store %s, %c[%i, %i] : tensor<64x128xf32>, !tile.desc<128x128xf32>
  tile.return
}

// -----

// The same over two warp groups: the second block lies with the second.
tile.kernel @accumulator_rows(%a: !tile.desc<256x64xf16>, %b: !tile.desc<128x64xf16>,
                              %c: !tile.desc<256x128xf32>, %i: i32)
    attributes {num_warps = 8} {
  %at = tile.load %a[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<256x128xf32>
  %d = tile.dot %at, %bt, %z transpose_b : tensor<256x64xf16>, tensor<128x64xf16> -> tensor<256x128xf32>
  // expected-error @+1 {{takes a part that the threads do not each already hold in #tile.mma<warpgroups = 2>; only such parts (column chunks of an accumulator, for instance) are supported}}
  %s = tile.extract_slice %d [128, 0] : tensor<256x128xf32> -> tensor<128x128xf32>
  tile.return
}

// -----

// A column chunk that does not start at a multiple of 8 columns.
tile.kernel @accumulator_odd(%a: !tile.desc<64x64xf16>, %b: !tile.desc<128x64xf16>,
                             %c: !tile.desc<64x128xf32>, %i: i32) {
  %at = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %d = tile.dot %at, %bt, %z transpose_b : tensor<64x64xf16>, tensor<128x64xf16> -> tensor<64x128xf32>
  // expected-error @+1 {{takes a part that the threads do not each already hold in #tile.mma<warpgroups = 1>}}
  %s = tile.extract_slice %d [0, 4] : tensor<64x128xf32> -> tensor<64x32xf32>
  tile.return
}

// -----

// A blocked tile: a quarter of it lies with other threads.
tile.kernel @blocked_part(%x: !tile.desc<1024xf32>, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<1024xf32> -> tensor<1024xf32>
  // expected-error @+1 {{takes a part that the threads do not each already hold in #tile.blocked<elems = [4], threads = [32], warps = [4]>}}
  %s = tile.extract_slice %t [256] : tensor<1024xf32> -> tensor<256xf32>
  tile.store %s, %x[%i] : tensor<256xf32>, !tile.desc<1024xf32>
  tile.return
}
