//===- Passes.td - Kiln conversion passes ------------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CONVERSION_PASSES_TD
#define KILN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTileToNVVMPass : Pass<"convert-tile-to-nvvm", "::mlir::ModuleOp"> {
  let summary = "Lowers tile kernels with assigned layouts to LLVM and NVVM";
  let description = [{
    Each `tile.kernel` becomes an `llvm.func` kernel (`nvvm.kernel`,
    `nvvm.maxntid`) whose parameters follow the ABI in
    `runtime/include/kiln/runtime/abi.h`: a `!tile.desc` argument becomes a
    global pointer, its extents and its strides (plus a by-value
    `CUtensorMap` when tiles move with TMA). Tiles, which must carry a
    distributed layout (`tile-assign-layouts`), become per-thread vectors;
    element-wise `arith`/`math` ops on tiles become the same ops on those
    vectors, and loads and stores become vectorized global accesses with
    bounds checks at the edges of the tensor.

    The kernel keeps what the launcher needs as a `kiln.kernel` dictionary:
    name, threads, dynamic shared memory, parameters and grid rule.

    Before:

    ```mlir
    tile.kernel @k(%x: !tile.desc<1024xf32>) grid(%x[0] / 1024) {
      %pid = tile.program_id x
      ...
    }
    ```

    After:

    ```mlir
    llvm.func @k(%x: !llvm.ptr<1>, %x_n: i32)
        attributes {nvvm.kernel, nvvm.maxntid = array<i32: 128, 1, 1>, kiln.kernel = {...}} {
      %pid = nvvm.read.ptx.sreg.ctaid.x : i32
      ...
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
