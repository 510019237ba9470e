//===- Passes.td - tile dialect passes ---------------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_TRANSFORMS_PASSES_TD
#define KILN_DIALECT_TILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileAssignLayoutsPass : Pass<"tile-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "Gives every tile a distributed layout over the CTA's threads";
  let description = [{
    Before lowering, each tensor value of a kernel gets an encoding that says
    which thread holds which elements. In a kernel that is not
    warp-specialized, every tile of one shape gets the same blocked layout
    over the kernel's `num_warps` warps: each thread holds runs of contiguous
    elements along the last dimension, as long as one 16-byte access of the
    narrowest element type the kernel loads or stores.

    Before:

    ```mlir
    %t = tile.load %x[%off] : !tile.desc<1024xf32> -> tensor<1024xf32>
    ```

    After:

    ```mlir
    %t = tile.load %x[%off] : !tile.desc<1024xf32>
        -> tensor<1024xf32, #tile.blocked<elems = [4], threads = [32], warps = [4]>>
    ```
  }];
  let dependentDialects = ["::kiln::tile::TileDialect"];
}

#endif // KILN_DIALECT_TILE_TRANSFORMS_PASSES_TD
