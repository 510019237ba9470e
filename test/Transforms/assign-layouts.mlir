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
