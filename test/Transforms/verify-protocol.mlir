// RUN: kiln-opt %s -split-input-file -aref-verify-protocol -verify-diagnostics
// The shipped partitioning and pipelining pass the checker: no diagnostic.
// RUN: kiln-opt %kiln_src/examples/gemm.mlir --tile-warp-specialize --aref-pipeline -aref-verify-protocol -o /dev/null 2>&1 | count 0
// A search stopped by max-states says so.
// RUN: kiln-opt %kiln_src/examples/gemm.mlir --tile-warp-specialize --aref-pipeline '-aref-verify-protocol=max-states=5' -o /dev/null 2>&1 | FileCheck %s --check-prefix=INCOMPLETE
// INCOMPLETE: warning: exploration incomplete: stopped after 5 states (max-states) with tile.dim %{{[a-z0-9]+}}, 1 = {{[0-9]+}}; no protocol error found so far
//
// Pipelines produced by `kiln-opt examples/gemm.mlir --tile-warp-specialize
// --aref-pipeline="depth=D mma-overlap=O" --canonicalize --cse`, with
// tile.block_dim folded to constants and the grid clause dropped; the seeded
// bugs edit the f16 kernel at depth 4 (program ids and the output store
// trimmed).

// aref-pipeline depth=4 mma-overlap=true (the shipped configuration): both
// GEMM kernels of examples/gemm.mlir pass.
tile.kernel @gemm_bf16_nt(%arg0: !tile.desc<128x64xbf16>, %arg1: !tile.desc<256x64xbf16>, %arg2: !tile.desc<128x256xbf16>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xbf16>, memref<128x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      tile.async_load %arg1[%4, %arg3] -> %11#1, %0[%7] : !tile.desc<256x64xbf16>, memref<256x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %10 = arith.remui %arg5, %c4_i32 : i32
      %11 = arith.divui %arg5, %c4_i32 : i32
      %12 = arith.andi %11, %c1_i32 : i32
      %13:2 = aref.get.enter %0[%10], %12 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %14 = arith.addi %arg5, %c1_i32 : i32
      %15 = tile.mma %13#0, %13#1, %arg4 transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %16 = tile.mma_wait %15 {pending = 1 : i64} : tensor<128x256xf32>
      %17 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %17 {
        %18 = arith.subi %arg5, %c1_i32 : i32
        %19 = arith.remui %18, %c4_i32 : i32
        aref.get.exit %0[%19] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      }
      scf.yield %16, %14 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %10 = arith.subi %6#1, %c1_i32 : i32
      %11 = arith.remui %10, %c4_i32 : i32
      aref.get.exit %0[%11] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
    }
    %9 = arith.truncf %7 : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %9, %arg2[%3, %4] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  return
}
tile.kernel @gemm_f16_nn(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %4] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
    tile.store %7, %arg2[%3, %4] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  return
}

// -----

// aref-pipeline depth=4 mma-overlap=false: both
// GEMM kernels of examples/gemm.mlir pass.
tile.kernel @gemm_bf16_nt(%arg0: !tile.desc<128x64xbf16>, %arg1: !tile.desc<256x64xbf16>, %arg2: !tile.desc<128x256xbf16>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xbf16>, memref<128x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      tile.async_load %arg1[%4, %arg3] -> %11#1, %0[%7] : !tile.desc<256x64xbf16>, memref<256x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %8 = arith.remui %arg5, %c4_i32 : i32
      %9 = arith.divui %arg5, %c4_i32 : i32
      %10 = arith.andi %9, %c1_i32 : i32
      %11:2 = aref.get.enter %0[%8], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %12 = arith.addi %arg5, %c1_i32 : i32
      %13 = tile.mma %11#0, %11#1, %arg4 transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %14 = tile.mma_wait %13 {pending = 0 : i64} : tensor<128x256xf32>
      aref.get.exit %0[%8] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 4>
      scf.yield %14, %12 : tensor<128x256xf32>, i32
    }
    %7 = arith.truncf %6#0 : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %7, %arg2[%3, %4] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  return
}
tile.kernel @gemm_f16_nn(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %4] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %7 = arith.remui %arg5, %c4_i32 : i32
      %8 = arith.divui %arg5, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10:2 = aref.get.enter %0[%7], %9 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %11 = arith.addi %arg5, %c1_i32 : i32
      %12 = tile.mma %10#0, %10#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %13 = tile.mma_wait %12 {pending = 0 : i64} : tensor<128x256xf32>
      aref.get.exit %0[%7] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      scf.yield %13, %11 : tensor<128x256xf32>, i32
    }
    tile.store %6#0, %arg2[%3, %4] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  return
}

// -----

// aref-pipeline depth=2 mma-overlap=true: both
// GEMM kernels of examples/gemm.mlir pass.
tile.kernel @gemm_bf16_nt(%arg0: !tile.desc<128x64xbf16>, %arg1: !tile.desc<256x64xbf16>, %arg2: !tile.desc<128x256xbf16>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c2_i32 = arith.constant 2 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c2_i32 : i32
      %8 = arith.divui %arg4, %c2_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xbf16>, memref<128x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      tile.async_load %arg1[%4, %arg3] -> %11#1, %0[%7] : !tile.desc<256x64xbf16>, memref<256x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %10 = arith.remui %arg5, %c2_i32 : i32
      %11 = arith.divui %arg5, %c2_i32 : i32
      %12 = arith.andi %11, %c1_i32 : i32
      %13:2 = aref.get.enter %0[%10], %12 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %14 = arith.addi %arg5, %c1_i32 : i32
      %15 = tile.mma %13#0, %13#1, %arg4 transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %16 = tile.mma_wait %15 {pending = 1 : i64} : tensor<128x256xf32>
      %17 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %17 {
        %18 = arith.subi %arg5, %c1_i32 : i32
        %19 = arith.remui %18, %c2_i32 : i32
        aref.get.exit %0[%19] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      }
      scf.yield %16, %14 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %10 = arith.subi %6#1, %c1_i32 : i32
      %11 = arith.remui %10, %c2_i32 : i32
      aref.get.exit %0[%11] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
    }
    %9 = arith.truncf %7 : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %9, %arg2[%3, %4] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  return
}
tile.kernel @gemm_f16_nn(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c2_i32 = arith.constant 2 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c2_i32 : i32
      %8 = arith.divui %arg4, %c2_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      tile.async_load %arg1[%arg3, %4] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c2_i32 : i32
      %10 = arith.divui %arg5, %c2_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c2_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c2_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
    }
    tile.store %7, %arg2[%3, %4] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  return
}

// -----

// aref-pipeline depth=2 mma-overlap=false: both
// GEMM kernels of examples/gemm.mlir pass.
tile.kernel @gemm_bf16_nt(%arg0: !tile.desc<128x64xbf16>, %arg1: !tile.desc<256x64xbf16>, %arg2: !tile.desc<128x256xbf16>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c2_i32 = arith.constant 2 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c2_i32 : i32
      %8 = arith.divui %arg4, %c2_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xbf16>, memref<128x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      tile.async_load %arg1[%4, %arg3] -> %11#1, %0[%7] : !tile.desc<256x64xbf16>, memref<256x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %8 = arith.remui %arg5, %c2_i32 : i32
      %9 = arith.divui %arg5, %c2_i32 : i32
      %10 = arith.andi %9, %c1_i32 : i32
      %11:2 = aref.get.enter %0[%8], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %12 = arith.addi %arg5, %c1_i32 : i32
      %13 = tile.mma %11#0, %11#1, %arg4 transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %14 = tile.mma_wait %13 {pending = 0 : i64} : tensor<128x256xf32>
      aref.get.exit %0[%8] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 2>
      scf.yield %14, %12 : tensor<128x256xf32>, i32
    }
    %7 = arith.truncf %6#0 : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %7, %arg2[%3, %4] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  return
}
tile.kernel @gemm_f16_nn(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %c2_i32 = arith.constant 2 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c2_i32 : i32
      %8 = arith.divui %arg4, %c2_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      tile.async_load %arg0[%3, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      tile.async_load %arg1[%arg3, %4] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %7 = arith.remui %arg5, %c2_i32 : i32
      %8 = arith.divui %arg5, %c2_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10:2 = aref.get.enter %0[%7], %9 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %11 = arith.addi %arg5, %c1_i32 : i32
      %12 = tile.mma %10#0, %10#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %13 = tile.mma_wait %12 {pending = 0 : i64} : tensor<128x256xf32>
      aref.get.exit %0[%7] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 2>
      scf.yield %13, %11 : tensor<128x256xf32>, i32
    }
    tile.store %6#0, %arg2[%3, %4] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  return
}

// -----

// aref-pipeline depth=1 mma-overlap=false: both
// GEMM kernels of examples/gemm.mlir pass.
tile.kernel @gemm_bf16_nt(%arg0: !tile.desc<128x64xbf16>, %arg1: !tile.desc<256x64xbf16>, %arg2: !tile.desc<128x256xbf16>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.andi %arg4, %c1_i32 : i32
      %8 = arith.xori %7, %c1_i32 : i32
      %9:2 = aref.put.enter %0[%c0_i32], %8 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      aref.put.exit %0[%c0_i32] async : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      tile.async_load %arg0[%3, %arg3] -> %9#0, %0[%c0_i32] : !tile.desc<128x64xbf16>, memref<128x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      tile.async_load %arg1[%4, %arg3] -> %9#1, %0[%c0_i32] : !tile.desc<256x64xbf16>, memref<256x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      %10 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %10 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %8 = arith.andi %arg5, %c1_i32 : i32
      %9:2 = aref.get.enter %0[%c0_i32], %8 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %10 = arith.addi %arg5, %c1_i32 : i32
      %11 = tile.mma %9#0, %9#1, %arg4 transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %12 = tile.mma_wait %11 {pending = 0 : i64} : tensor<128x256xf32>
      aref.get.exit %0[%c0_i32] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      scf.yield %12, %10 : tensor<128x256xf32>, i32
    }
    %7 = arith.truncf %6#0 : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %7, %arg2[%3, %4] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  return
}
tile.kernel @gemm_f16_nn(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.andi %arg4, %c1_i32 : i32
      %8 = arith.xori %7, %c1_i32 : i32
      %9:2 = aref.put.enter %0[%c0_i32], %8 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%c0_i32] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      tile.async_load %arg0[%3, %arg3] -> %9#0, %0[%c0_i32] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      tile.async_load %arg1[%arg3, %4] -> %9#1, %0[%c0_i32] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      %10 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %10 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %7 = arith.andi %arg5, %c1_i32 : i32
      %8:2 = aref.get.enter %0[%c0_i32], %7 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %9 = arith.addi %arg5, %c1_i32 : i32
      %10 = tile.mma %8#0, %8#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %11 = tile.mma_wait %10 {pending = 0 : i64} : tensor<128x256xf32>
      aref.get.exit %0[%c0_i32] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      scf.yield %11, %9 : tensor<128x256xf32>, i32
    }
    tile.store %6#0, %arg2[%3, %4] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  return
}

// -----

// aref-pipeline depth=1 mma-overlap=true deadlocks once the K loop takes
// two steps: the consumer holds the only slot while its second get.enter
// waits for the producer's second put into that same slot.
tile.kernel @gemm_bf16_nt(%arg0: !tile.desc<128x64xbf16>, %arg1: !tile.desc<256x64xbf16>, %arg2: !tile.desc<128x256xbf16>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
  // expected-error @+2 {{deadlock: every unfinished role is blocked}}
  // expected-note @+1 {{reached after the interleaving role 0 x4, role 1 x2 with tile.dim %arg0, 1 = 128}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.andi %arg4, %c1_i32 : i32
      %8 = arith.xori %7, %c1_i32 : i32
      // expected-note @+1 {{role 0 (4 warps) waits empty[0] parity 0}}
      %9:2 = aref.put.enter %0[%c0_i32], %8 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      aref.put.exit %0[%c0_i32] async : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      tile.async_load %arg0[%3, %arg3] -> %9#0, %0[%c0_i32] : !tile.desc<128x64xbf16>, memref<128x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      tile.async_load %arg1[%4, %arg3] -> %9#1, %0[%c0_i32] : !tile.desc<256x64xbf16>, memref<256x64xbf16, 3>, !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      %10 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %10 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xbf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %10 = arith.andi %arg5, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) waits full[0] parity 1}}
      %11:2 = aref.get.enter %0[%c0_i32], %10 : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1> -> memref<128x64xbf16, 3>, memref<256x64xbf16, 3>
      %12 = arith.addi %arg5, %c1_i32 : i32
      %13 = tile.mma %11#0, %11#1, %arg4 transpose_b : memref<128x64xbf16, 3>, memref<256x64xbf16, 3> -> tensor<128x256xf32>
      %14 = tile.mma_wait %13 {pending = 1 : i64} : tensor<128x256xf32>
      %15 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %15 {
        aref.get.exit %0[%c0_i32] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
      }
      scf.yield %14, %12 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      aref.get.exit %0[%c0_i32] : !aref.ref<[tensor<128x64xbf16>, tensor<256x64xbf16>], depth = 1>
    }
    %9 = arith.truncf %7 : tensor<128x256xf32> to tensor<128x256xbf16>
    tile.store %9, %arg2[%3, %4] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  }
  return
}
tile.kernel @gemm_f16_nn(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c256_i32 = arith.constant 256 : i32
  %c128_i32 = arith.constant 128 : i32
  %c1_i32 = arith.constant 1 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
  // expected-error @+2 {{deadlock: every unfinished role is blocked}}
  // expected-note @+1 {{reached after the interleaving role 0 x4, role 1 x2 with tile.dim %arg0, 1 = 128}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.andi %arg4, %c1_i32 : i32
      %8 = arith.xori %7, %c1_i32 : i32
      // expected-note @+1 {{role 0 (4 warps) waits empty[0] parity 0}}
      %9:2 = aref.put.enter %0[%c0_i32], %8 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%c0_i32] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      tile.async_load %arg0[%3, %arg3] -> %9#0, %0[%c0_i32] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      tile.async_load %arg1[%arg3, %4] -> %9#1, %0[%c0_i32] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      %10 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %10 : i32
    }
  }, {
    %1 = tile.program_id x
    %2 = tile.program_id y
    %3 = arith.muli %2, %c128_i32 : i32
    %4 = arith.muli %1, %c256_i32 : i32
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.andi %arg5, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) waits full[0] parity 1}}
      %10:2 = aref.get.enter %0[%c0_i32], %9 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %11 = arith.addi %arg5, %c1_i32 : i32
      %12 = tile.mma %10#0, %10#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %13 = tile.mma_wait %12 {pending = 1 : i64} : tensor<128x256xf32>
      %14 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %14 {
        aref.get.exit %0[%c0_i32] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
      }
      scf.yield %13, %11 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      aref.get.exit %0[%c0_i32] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 1>
    }
    tile.store %7, %arg2[%3, %4] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  return
}

// -----

// Persistent (tile-persistent, then aref-pipeline at depth 4): the slot
// counter runs on across the tiles that each CTA walks; the checker binds
// M, N and K so that the tile loop and the K loop each run 0..9 times.
tile.kernel @persistent(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %c255_i32 = arith.constant 255 : i32
  %c256_i32 = arith.constant 256 : i32
  %c127_i32 = arith.constant 127 : i32
  %c128_i32 = arith.constant 128 : i32
  %c8_i32 = arith.constant 8 : i32
  %c0_i32 = arith.constant 0 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c64_i32 = arith.constant 64 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.dim %arg2, 1 : !tile.desc<128x256xf32>
    %2 = arith.addi %1, %c255_i32 : i32
    %3 = arith.divui %2, %c256_i32 : i32
    %4 = tile.dim %arg2, 0 : !tile.desc<128x256xf32>
    %5 = arith.addi %4, %c127_i32 : i32
    %6 = arith.divui %5, %c128_i32 : i32
    %7 = arith.muli %3, %6 : i32
    %8 = tile.program_id x
    %9 = tile.num_programs x
    %10 = scf.for %arg3 = %8 to %7 step %9 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %11 = arith.muli %3, %c8_i32 : i32
      %12 = arith.divui %arg3, %11 : i32
      %13 = arith.muli %12, %c8_i32 : i32
      %14 = arith.subi %6, %13 : i32
      %15 = arith.minui %14, %c8_i32 : i32
      %16 = arith.remui %arg3, %11 : i32
      %17 = arith.remui %16, %15 : i32
      %18 = arith.addi %13, %17 : i32
      %19 = arith.divui %16, %15 : i32
      %20 = arith.muli %18, %c128_i32 : i32
      %21 = arith.muli %19, %c256_i32 : i32
      %22 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
      %23 = scf.for %arg5 = %c0_i32 to %22 step %c64_i32 iter_args(%arg6 = %arg4) -> (i32)  : i32 {
        %24 = arith.remui %arg6, %c4_i32 : i32
        %25 = arith.divui %arg6, %c4_i32 : i32
        %26 = arith.andi %25, %c1_i32 : i32
        %27 = arith.xori %26, %c1_i32 : i32
        %28:2 = aref.put.enter %0[%24], %27 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
        aref.put.exit %0[%24] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        tile.async_load %arg0[%20, %arg5] -> %28#0, %0[%24] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        tile.async_load %arg1[%arg5, %21] -> %28#1, %0[%24] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        %29 = arith.addi %arg6, %c1_i32 : i32
        scf.yield %29 : i32
      }
      scf.yield %23 : i32
    }
  }, {
    %1 = tile.dim %arg2, 1 : !tile.desc<128x256xf32>
    %2 = arith.addi %1, %c255_i32 : i32
    %3 = arith.divui %2, %c256_i32 : i32
    %4 = tile.dim %arg2, 0 : !tile.desc<128x256xf32>
    %5 = arith.addi %4, %c127_i32 : i32
    %6 = arith.divui %5, %c128_i32 : i32
    %7 = arith.muli %3, %6 : i32
    %8 = tile.program_id x
    %9 = tile.num_programs x
    %10 = scf.for %arg3 = %8 to %7 step %9 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %11 = arith.muli %3, %c8_i32 : i32
      %12 = arith.divui %arg3, %11 : i32
      %13 = arith.muli %12, %c8_i32 : i32
      %14 = arith.subi %6, %13 : i32
      %15 = arith.minui %14, %c8_i32 : i32
      %16 = arith.remui %arg3, %11 : i32
      %17 = arith.remui %16, %15 : i32
      %18 = arith.addi %13, %17 : i32
      %19 = arith.divui %16, %15 : i32
      %20 = arith.muli %18, %c128_i32 : i32
      %21 = arith.muli %19, %c256_i32 : i32
      %22 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
      %23:2 = scf.for %arg5 = %c0_i32 to %22 step %c64_i32 iter_args(%arg6 = %cst, %arg7 = %arg4) -> (tensor<128x256xf32>, i32)  : i32 {
        %26 = arith.remui %arg7, %c4_i32 : i32
        %27 = arith.divui %arg7, %c4_i32 : i32
        %28 = arith.andi %27, %c1_i32 : i32
        %29:2 = aref.get.enter %0[%26], %28 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
        %30 = arith.addi %arg7, %c1_i32 : i32
        %31 = tile.mma %29#0, %29#1, %arg6 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
        %32 = tile.mma_wait %31 {pending = 1 : i64} : tensor<128x256xf32>
        %33 = arith.cmpi ne, %arg5, %c0_i32 : i32
        scf.if %33 {
          %34 = arith.subi %arg7, %c1_i32 : i32
          %35 = arith.remui %34, %c4_i32 : i32
          aref.get.exit %0[%35] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        }
        scf.yield %32, %30 : tensor<128x256xf32>, i32
      }
      %24 = tile.mma_wait %23#0 {pending = 0 : i64} : tensor<128x256xf32>
      %25 = arith.cmpi ne, %23#1, %arg4 : i32
      scf.if %25 {
        %26 = arith.subi %23#1, %c1_i32 : i32
        %27 = arith.remui %26, %c4_i32 : i32
        aref.get.exit %0[%27] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      tile.store %24, %arg2[%20, %21] : tensor<128x256xf32>, !tile.desc<128x256xf32>
      scf.yield %23#1 : i32
    }
  }
  return
}

// -----

// Two consuming roles of one warp group each, arrivals 2: both release
// every fill.
tile.kernel @broadcast(%arg0: !tile.desc<64x64xf16>, %arg1: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %r = aref.create arrivals 2 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4, 4] regs [24, 160, 160] {
    %end = scf.for %i = %c0 to %arg1 step %c1 iter_args(%n = %c0) -> (i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %ph = arith.xori %p, %c1 : i32
      %b = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      aref.put.exit %r[%s] async : !aref.ref<[tensor<64x64xf16>], depth = 2>
      tile.async_load %arg0[%c0, %c0] -> %b, %r[%s] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %next : i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }
  tile.return
}

// -----

// The producer's first wait on `empty` uses parity 0 instead of
// `((n / D) & 1) ^ 1`: both roles block at once.
tile.kernel @producer_parity_0(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-error @+2 {{deadlock: every unfinished role is blocked}}
  // expected-note @+1 {{reached before any step with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      // expected-note @+1 {{role 0 (4 warps) waits empty[0] parity 0}}
      %11:2 = aref.put.enter %0[%7], %c0_i32 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) waits full[0] parity 0}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// The producer waits with parity 1 on every use: on the second use of a
// slot it overwrites contents the consumer has not released.
tile.kernel @producer_parity_1(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 0 x19 with tile.dim %arg0, 1 = 320}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %c1_i32 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      // expected-error @+1 {{write before consumed: the copy writes slot 0}}
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) is about to run 'aref.get.enter'}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// The consumer never releases the slots of its loop (get.exit missing).
tile.kernel @missing_get_exit(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+2 {{role 0 (4 warps) has finished}}
  // expected-note @+1 {{reached after the interleaving role 0 x8, role 1 x5 with tile.dim %arg0, 1 = 128}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-error @+1 {{role 1 (8 warps) ends holding slot 0}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// `empty` expects 3 arrivals; the consumer's 2 warp groups give 2.
tile.kernel @arrivals_3(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  // expected-error @+1 {{arrival-count mismatch: aref.create expects 3 arrivals on each empty barrier, but the consuming role gives 2 per release}}
  %0 = aref.create arrivals 3 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        // expected-note @+1 {{role 1 (8 warps) releases with 2 warp groups}}
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// `empty` expects 1 arrival; the consumer's 2 warp groups give 2.
tile.kernel @arrivals_1(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  // expected-error @+1 {{arrival-count mismatch: aref.create expects 1 arrival on each empty barrier, but the consuming role gives 2 per release}}
  %0 = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        // expected-note @+1 {{role 1 (8 warps) releases with 2 warp groups}}
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// Two consuming roles of one warp group each with arrivals 1: the first
// release frees the slot under the second role's wgmma.
tile.kernel @broadcast_arrivals_1(%arg0: !tile.desc<64x64xf16>, %arg1: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  // expected-note @+3 {{role 0 (4 warps) has finished}}
  // expected-note @+2 {{role 1 (4 warps) has finished}}
  // expected-note @+1 {{reached after the interleaving role 0 x3, role 1 x3, role 2 x2 with %arg1 = 1}}
  tile.warp_specialize warps [4, 4, 4] regs [24, 160, 160] {
    %end = scf.for %i = %c0 to %arg1 step %c1 iter_args(%n = %c0) -> (i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %ph = arith.xori %p, %c1 : i32
      %b = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      aref.put.exit %r[%s] async : !aref.ref<[tensor<64x64xf16>], depth = 2>
      tile.async_load %arg0[%c0, %c0] -> %b, %r[%s] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %next : i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      // expected-error @+1 {{arrival-count mismatch: tile.mma reads slot 0, but empty[0] completed the phase that frees this fill before role 2}}
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }
  tile.return
}

// -----

// arrivals 1 for roles of 2 and 1 warp groups: the 2-group role over-
// arrives.
tile.kernel @over_arrival(%arg0: !tile.desc<64x64xf16>, %arg1: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  // expected-note @+2 {{role 0 (4 warps) has finished}}
  // expected-note @+1 {{reached after the interleaving role 0 x3, role 1 x3 with %arg1 = 1}}
  tile.warp_specialize warps [4, 8, 4] regs [24, 160, 160] {
    %end = scf.for %i = %c0 to %arg1 step %c1 iter_args(%n = %c0) -> (i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %ph = arith.xori %p, %c1 : i32
      %b = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      aref.put.exit %r[%s] async : !aref.ref<[tensor<64x64xf16>], depth = 2>
      tile.async_load %arg0[%c0, %c0] -> %b, %r[%s] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %next : i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      // expected-error @+1 {{arrival-count mismatch: the 2 warp groups of role 1}}
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      // expected-note @+1 {{role 2 (4 warps) is about to run 'aref.get.enter'}}
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }
  tile.return
}

// -----

// Persistent, the consumer restarts its slot counter at every tile: its
// second tile reads slots the producer has not refilled.
tile.kernel @persistent_counter_reset(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %c255_i32 = arith.constant 255 : i32
  %c256_i32 = arith.constant 256 : i32
  %c127_i32 = arith.constant 127 : i32
  %c128_i32 = arith.constant 128 : i32
  %c8_i32 = arith.constant 8 : i32
  %c0_i32 = arith.constant 0 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c64_i32 = arith.constant 64 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 0 x4, role 1 x5 with tile.dim %arg0, 1 = 64, tile.dim %arg2, 0 = 256, tile.dim %arg2, 1 = 256}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %1 = tile.dim %arg2, 1 : !tile.desc<128x256xf32>
    %2 = arith.addi %1, %c255_i32 : i32
    %3 = arith.divui %2, %c256_i32 : i32
    %4 = tile.dim %arg2, 0 : !tile.desc<128x256xf32>
    %5 = arith.addi %4, %c127_i32 : i32
    %6 = arith.divui %5, %c128_i32 : i32
    %7 = arith.muli %3, %6 : i32
    %8 = tile.program_id x
    %9 = tile.num_programs x
    %10 = scf.for %arg3 = %8 to %7 step %9 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %11 = arith.muli %3, %c8_i32 : i32
      %12 = arith.divui %arg3, %11 : i32
      %13 = arith.muli %12, %c8_i32 : i32
      %14 = arith.subi %6, %13 : i32
      %15 = arith.minui %14, %c8_i32 : i32
      %16 = arith.remui %arg3, %11 : i32
      %17 = arith.remui %16, %15 : i32
      %18 = arith.addi %13, %17 : i32
      %19 = arith.divui %16, %15 : i32
      %20 = arith.muli %18, %c128_i32 : i32
      %21 = arith.muli %19, %c256_i32 : i32
      %22 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
      %23 = scf.for %arg5 = %c0_i32 to %22 step %c64_i32 iter_args(%arg6 = %arg4) -> (i32)  : i32 {
        %24 = arith.remui %arg6, %c4_i32 : i32
        %25 = arith.divui %arg6, %c4_i32 : i32
        %26 = arith.andi %25, %c1_i32 : i32
        %27 = arith.xori %26, %c1_i32 : i32
        // expected-note @+1 {{role 0 (4 warps) is about to run 'aref.put.enter'}}
        %28:2 = aref.put.enter %0[%24], %27 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
        aref.put.exit %0[%24] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        tile.async_load %arg0[%20, %arg5] -> %28#0, %0[%24] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        tile.async_load %arg1[%arg5, %21] -> %28#1, %0[%24] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        %29 = arith.addi %arg6, %c1_i32 : i32
        scf.yield %29 : i32
      }
      scf.yield %23 : i32
    }
  }, {
    %1 = tile.dim %arg2, 1 : !tile.desc<128x256xf32>
    %2 = arith.addi %1, %c255_i32 : i32
    %3 = arith.divui %2, %c256_i32 : i32
    %4 = tile.dim %arg2, 0 : !tile.desc<128x256xf32>
    %5 = arith.addi %4, %c127_i32 : i32
    %6 = arith.divui %5, %c128_i32 : i32
    %7 = arith.muli %3, %6 : i32
    %8 = tile.program_id x
    %9 = tile.num_programs x
    %10 = scf.for %arg3 = %8 to %7 step %9 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %11 = arith.muli %3, %c8_i32 : i32
      %12 = arith.divui %arg3, %11 : i32
      %13 = arith.muli %12, %c8_i32 : i32
      %14 = arith.subi %6, %13 : i32
      %15 = arith.minui %14, %c8_i32 : i32
      %16 = arith.remui %arg3, %11 : i32
      %17 = arith.remui %16, %15 : i32
      %18 = arith.addi %13, %17 : i32
      %19 = arith.divui %16, %15 : i32
      %20 = arith.muli %18, %c128_i32 : i32
      %21 = arith.muli %19, %c256_i32 : i32
      %22 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
      %23:2 = scf.for %arg5 = %c0_i32 to %22 step %c64_i32 iter_args(%arg6 = %cst, %arg7 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
        %26 = arith.remui %arg7, %c4_i32 : i32
        %27 = arith.divui %arg7, %c4_i32 : i32
        %28 = arith.andi %27, %c1_i32 : i32
        %29:2 = aref.get.enter %0[%26], %28 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
        %30 = arith.addi %arg7, %c1_i32 : i32
        // expected-error @+1 {{read before full: tile.mma reads slot 0}}
        %31 = tile.mma %29#0, %29#1, %arg6 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
        %32 = tile.mma_wait %31 {pending = 1 : i64} : tensor<128x256xf32>
        %33 = arith.cmpi ne, %arg5, %c0_i32 : i32
        scf.if %33 {
          %34 = arith.subi %arg7, %c1_i32 : i32
          %35 = arith.remui %34, %c4_i32 : i32
          aref.get.exit %0[%35] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        }
        scf.yield %32, %30 : tensor<128x256xf32>, i32
      }
      %24 = tile.mma_wait %23#0 {pending = 0 : i64} : tensor<128x256xf32>
      %25 = arith.cmpi ne, %23#1, %arg4 : i32
      scf.if %25 {
        %26 = arith.subi %23#1, %c1_i32 : i32
        %27 = arith.remui %26, %c4_i32 : i32
        aref.get.exit %0[%27] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      tile.store %24, %arg2[%20, %21] : tensor<128x256xf32>, !tile.desc<128x256xf32>
      scf.yield %23#1 : i32
    }
  }
  return
}

// -----

// Two consuming roles of one warp group each, arrivals 3: no set of
// roles gives 3.
tile.kernel @broadcast_arrivals_3(%arg0: !tile.desc<64x64xf16>, %arg1: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{arrival-count mismatch: aref.create expects 3 arrivals on each empty barrier, but no set of the consuming roles gives that many}}
  %r = aref.create arrivals 3 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4, 4] regs [24, 160, 160] {
    %end = scf.for %i = %c0 to %arg1 step %c1 iter_args(%n = %c0) -> (i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %ph = arith.xori %p, %c1 : i32
      %b = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      aref.put.exit %r[%s] async : !aref.ref<[tensor<64x64xf16>], depth = 2>
      tile.async_load %arg0[%c0, %c0] -> %b, %r[%s] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %next : i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      // expected-note @+1 {{role 1 (4 warps) releases with 1 warp group}}
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }, {
    %acc:2 = scf.for %i = %c0 to %arg1 step %c1 iter_args(%c = %zero, %n = %c0) -> (tensor<64x64xf32>, i32) : i32 {
      %s = arith.remui %n, %c2 : i32
      %u = arith.divui %n, %c2 : i32
      %p = arith.andi %u, %c1 : i32
      %b = aref.get.enter %r[%s], %p : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
      %d = tile.mma %b, %b, %c : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
      %e = tile.mma_wait %d {pending = 0} : tensor<64x64xf32>
      // expected-note @+1 {{role 2 (4 warps) releases with 1 warp group}}
      aref.get.exit %r[%s] : !aref.ref<[tensor<64x64xf16>], depth = 2>
      %next = arith.addi %n, %c1 : i32
      scf.yield %e, %next : tensor<64x64xf32>, i32
    }
  }
  tile.return
}

// -----

// The consumer reads past the depth: slot `n mod (D + 1)`.
tile.kernel @slot_mod_depth_plus_1(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %c5_i32 = arith.constant 5 : i32
      %9 = arith.remui %arg5, %c5_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-error @+1 {{slot `x remui 5` reaches 4, outside the aref's 4 slots}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// The consumer's slot `n & 7` leaves the aref at n = 4.
tile.kernel @slot_past_depth(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 0 x16, role 1 x12 with tile.dim %arg0, 1 = 320}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      // expected-note @+1 {{role 0 (4 warps) is about to run 'aref.put.enter'}}
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %c7_i32 = arith.constant 7 : i32
      %9 = arith.andi %arg5, %c7_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-error @+1 {{slot 4 is outside the aref's 4 slots}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// The consumer waits with the producer's parity: its first get.enter passes
// before the producer filled the slot.
tile.kernel @consumer_parity(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 1 x2 with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      // expected-note @+1 {{role 0 (4 warps) is about to run 'aref.put.enter'}}
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      %flip = arith.xori %11, %c1_i32 : i32
      %12:2 = aref.get.enter %0[%9], %flip : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      // expected-error @+1 {{read before full: tile.mma reads slot 0 before the producer filled it}}
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// The slot is released right after tile.mma, before tile.mma_wait.
tile.kernel @release_before_wait(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+2 {{role 0 (4 warps) has finished}}
  // expected-note @+1 {{reached after the interleaving role 0 x4, role 1 x3 with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %7 = arith.remui %arg5, %c4_i32 : i32
      %8 = arith.divui %arg5, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10:2 = aref.get.enter %0[%7], %9 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %11 = arith.addi %arg5, %c1_i32 : i32
      %12 = tile.mma %10#0, %10#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      // expected-error @+1 {{release before the wgmma retired: slot 0 is given back while a tile.mma reading it is in flight}}
      aref.get.exit %0[%7] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %13 = tile.mma_wait %12 {pending = 0 : i64} : tensor<128x256xf32>
      scf.yield %13, %11 : tensor<128x256xf32>, i32
    }
  }
  return
}

// -----

// Without mma-overlap, waiting with pending = 1 leaves the MMA that reads
// the slot being released in flight.
tile.kernel @release_in_flight(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+2 {{role 0 (4 warps) has finished}}
  // expected-note @+1 {{reached after the interleaving role 0 x4, role 1 x3 with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %7 = arith.remui %arg5, %c4_i32 : i32
      %8 = arith.divui %arg5, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10:2 = aref.get.enter %0[%7], %9 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %11 = arith.addi %arg5, %c1_i32 : i32
      %12 = tile.mma %10#0, %10#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %13 = tile.mma_wait %12 {pending = 1 : i64} : tensor<128x256xf32>
      // expected-error @+1 {{release before the wgmma retired: slot 0 is given back while a tile.mma reading it is in flight}}
      aref.get.exit %0[%7] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      scf.yield %13, %11 : tensor<128x256xf32>, i32
    }
  }
  return
}

// -----

// The copy of B completes on slot 0's barrier whatever the slot: the bytes
// armed by put.exit ... async on the other slots never come.
tile.kernel @copy_to_wrong_slot(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 0 x8 with tile.dim %arg0, 1 = 128}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      // expected-error @+1 {{expect_tx mismatch: the copy writes the buffer of slot 1 but completes its 32768 bytes on full[0]}}
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%c0_i32] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) is about to run 'aref.get.enter'}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// B is never copied: `full` waits for its bytes.
tile.kernel @missing_copy(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-error @+3 {{deadlock: every unfinished role is blocked; expect_tx mismatch}}
  // expected-note @+2 {{role 0 (4 warps) has finished}}
  // expected-note @+1 {{reached after the interleaving role 0 x3 with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) waits full[0] parity 0}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// put.exit without `async`: the phase completes before the copies land.
tile.kernel @put_exit_not_async(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 0 x3 with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      aref.put.exit %0[%7] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      // expected-error @+1 {{write after publish: the copy writes slot 0 after full[0] completed the phase of this fill}}
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) is about to run 'aref.get.enter'}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// The producer never publishes (put.exit missing).
tile.kernel @missing_put_exit(%arg0: !tile.desc<128x64xf16>, %arg1: !tile.desc<64x256xf16>, %arg2: !tile.desc<128x256xf32>) {
  %c64_i32 = arith.constant 64 : i32
  %c1_i32 = arith.constant 1 : i32
  %c4_i32 = arith.constant 4 : i32
  %cst = arith.constant dense<0.000000e+00> : tensor<128x256xf32>
  %c0_i32 = arith.constant 0 : i32
  %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  // expected-note @+1 {{reached after the interleaving role 0 x3 with tile.dim %arg0, 1 = 64}}
  warp_specialize warps [4, 8] regs [40, 232] {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %c0_i32) -> (i32)  : i32 {
      %7 = arith.remui %arg4, %c4_i32 : i32
      %8 = arith.divui %arg4, %c4_i32 : i32
      %9 = arith.andi %8, %c1_i32 : i32
      %10 = arith.xori %9, %c1_i32 : i32
      // expected-error @+1 {{role 0 (4 warps) ends holding slot 0}}
      %11:2 = aref.put.enter %0[%7], %10 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      tile.async_load %arg0[%c0_i32, %arg3] -> %11#0, %0[%7] : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      tile.async_load %arg1[%arg3, %c0_i32] -> %11#1, %0[%7] : !tile.desc<64x256xf16>, memref<64x256xf16, 3>, !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      %12 = arith.addi %arg4, %c1_i32 : i32
      scf.yield %12 : i32
    }
  }, {
    %5 = tile.dim %arg0, 1 : !tile.desc<128x64xf16>
    %6:2 = scf.for %arg3 = %c0_i32 to %5 step %c64_i32 iter_args(%arg4 = %cst, %arg5 = %c0_i32) -> (tensor<128x256xf32>, i32)  : i32 {
      %9 = arith.remui %arg5, %c4_i32 : i32
      %10 = arith.divui %arg5, %c4_i32 : i32
      %11 = arith.andi %10, %c1_i32 : i32
      // expected-note @+1 {{role 1 (8 warps) waits full[0] parity 0}}
      %12:2 = aref.get.enter %0[%9], %11 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
      %13 = arith.addi %arg5, %c1_i32 : i32
      %14 = tile.mma %12#0, %12#1, %arg4 : memref<128x64xf16, 3>, memref<64x256xf16, 3> -> tensor<128x256xf32>
      %15 = tile.mma_wait %14 {pending = 1 : i64} : tensor<128x256xf32>
      %16 = arith.cmpi ne, %arg3, %c0_i32 : i32
      scf.if %16 {
        %17 = arith.subi %arg5, %c1_i32 : i32
        %18 = arith.remui %17, %c4_i32 : i32
        aref.get.exit %0[%18] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      }
      scf.yield %15, %13 : tensor<128x256xf32>, i32
    }
    %7 = tile.mma_wait %6#0 {pending = 0 : i64} : tensor<128x256xf32>
    %8 = arith.cmpi ne, %6#1, %c0_i32 : i32
    scf.if %8 {
      %9 = arith.subi %6#1, %c1_i32 : i32
      %10 = arith.remui %9, %c4_i32 : i32
      aref.get.exit %0[%10] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    }
  }
  return
}

// -----

// Cannot check: a loop step known only at run time.
tile.kernel @step(%a: !tile.desc<64x64xf16>) {
  %c0 = arith.constant 0 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    %k = tile.dim %a, 1 : !tile.desc<64x64xf16>
    // expected-error @+1 {{cannot check: the step of a loop that holds aref operations must be a compile-time constant}}
    scf.for %i = %c0 to %k step %k : i32 {
      %b = aref.put.enter %r[%c0], %c0 : !aref.ref<[tensor<64x64xf16>], depth = 1> -> memref<64x64xf16, 3>
      aref.put.exit %r[%c0] async : !aref.ref<[tensor<64x64xf16>], depth = 1>
      tile.async_load %a[%c0, %c0] -> %b, %r[%c0] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 1>
    }
  }, {
  }
  tile.return
}

// -----

// Cannot check: a slot read from memory.
tile.kernel @data(%a: !tile.desc<64x64xf16>, %o: !tile.desc<16xi32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    // expected-note @+1 {{'tile.scalar_load' gives it}}
    %s = tile.scalar_load %o[%c0] : !tile.desc<16xi32> -> i32
    // expected-error @+1 {{cannot check: the slot depends on a value the protocol checker cannot evaluate}}
    %b = aref.put.enter %r[%s], %c1 : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
    aref.put.exit %r[%s] async : !aref.ref<[tensor<64x64xf16>], depth = 2>
    tile.async_load %a[%c0, %c0] -> %b, %r[%s] : !tile.desc<64x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
  }, {
  }
  tile.return
}

// -----

// Cannot check: aref operations in a region the checker does not follow.
tile.kernel @region(%a: !tile.desc<64x64xf16>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    // expected-error @+1 {{cannot check: 'scf.execute_region' holds aref or MMA operations; the protocol checker follows only scf.for and scf.if}}
    scf.execute_region {
      %b = aref.put.enter %r[%c0], %c1 : !aref.ref<[tensor<64x64xf16>], depth = 1> -> memref<64x64xf16, 3>
      aref.put.exit %r[%c0] async : !aref.ref<[tensor<64x64xf16>], depth = 1>
      scf.yield
    }
  }, {
  }
  tile.return
}

// -----

// The value level is not checked.
tile.kernel @value_level(%a: !tile.desc<128x64xf16>) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %a[%c0, %c0] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %ref = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    aref.put %ref, %t : !aref.ref<[tensor<128x64xf16>], depth = 2>, tensor<128x64xf16>
  }, {
    %x = aref.get %ref : !aref.ref<[tensor<128x64xf16>], depth = 2> -> tensor<128x64xf16>
    aref.consumed %ref : !aref.ref<[tensor<128x64xf16>], depth = 2>
  }
  tile.return
}

// -----

// Outside every role: a get that nothing puts would wait forever on the
// GPU, and the checker explores only roles, so the kernel is refused.
tile.kernel @outside_roles(%i: i32) {
  %c0 = arith.constant 0 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  // expected-error @+1 {{'aref.get.enter' op is outside every tile.warp_specialize role; arefs carry data between roles, and only there is their protocol checked}}
  %b = aref.get.enter %r[%c0], %c0 : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
  aref.get.exit %r[%c0] : !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.return
}
