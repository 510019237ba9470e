// RUN: kiln-opt %s --kiln-hopper-pipeline | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(kiln-hopper-pipeline{chip=sm_90a})' | FileCheck %s
// Another chip is refused, as kilnc --target refuses it.
// RUN: not kiln-opt %s --pass-pipeline='builtin.module(kiln-hopper-pipeline{chip=sm_80})' 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: kiln-hopper-pipeline: chip 'sm_80' is not supported; Kiln compiles for sm_90a

// The shipped pipeline leaves nothing but LLVM and NVVM ops: no tile, scf,
// arith, vector or unrealized casts survive.
// CHECK-LABEL: llvm.func @axpy
// CHECK-SAME: nvvm.kernel
// CHECK-NOT: tile.
// CHECK-NOT: scf.
// CHECK-NOT: arith.
// CHECK-NOT: vector.
// CHECK-NOT: unrealized_conversion_cast
// CHECK: nvvm.read.ptx.sreg.ctaid.x
// CHECK: llvm.load {{.*}} -> vector<4xf32>
// CHECK: llvm.fmul
// CHECK: llvm.store {{.*}} : vector<4xf32>, !llvm.ptr<1>
// CHECK: llvm.return
tile.kernel @axpy(%x: !tile.desc<2048xf32>, %y: !tile.desc<2048xf32>,
                  %alpha: f32) grid(%x[0] / 2048) {
  %pid = tile.program_id x
  %block = arith.constant 2048 : i32
  %offset = arith.muli %pid, %block : i32
  %xt = tile.load %x[%offset] : !tile.desc<2048xf32> -> tensor<2048xf32>
  %yt = tile.load %y[%offset] : !tile.desc<2048xf32> -> tensor<2048xf32>
  %a = tile.splat %alpha : tensor<2048xf32>
  %ax = arith.mulf %a, %xt : tensor<2048xf32>
  %r = arith.addf %ax, %yt : tensor<2048xf32>
  tile.store %r, %y[%offset] : tensor<2048xf32>, !tile.desc<2048xf32>
  tile.return
}
