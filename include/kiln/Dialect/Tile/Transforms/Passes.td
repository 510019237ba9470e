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

def TileWarpSpecializePass
    : Pass<"tile-warp-specialize", "::mlir::ModuleOp"> {
  let summary = "Splits a tile program into a TMA producer and MMA consumers";
  let description = [{
    Task-aware partitioning (the Tawa paper's core step). The loads whose
    tiles feed `tile.dot` operands, with the address arithmetic and loop
    control they need, go to a producer role of one warp group; everything
    else (the dots, element-wise math, reductions, the epilogue and its
    stores) goes to a consumer role of `consumer-groups` warp groups, which
    split the rows of the tile. Loop control is duplicated. The loads of one
    loop iteration (one block) share one aref: the producer `aref.put`s them
    where they were loaded; the consumer `aref.get`s them there and releases
    the slot (`aref.consumed`) after the last op that uses them.

    A kernel with no load feeding a dot is left unchanged. Options set on a
    kernel (`consumer_groups`) apply where the pass option is 0.

    Before:

    ```mlir
    %acc = scf.for %k = %c0 to %K step %c64 iter_args(%c = %zero) -> (tensor<128x256xf32>) : i32 {
      %a = tile.load %A[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
      %b = tile.load %B[%n, %k] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
      %d = tile.dot %a, %b, %c transpose_b : ...
      scf.yield %d : tensor<128x256xf32>
    }
    tile.store %acc, %C[%m, %n] : ...
    ```

    After:

    ```mlir
    %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 1>
    tile.warp_specialize warps [4, 8] regs [40, 232] {
      scf.for %k = %c0 to %K step %c64 : i32 {
        %a = tile.load %A[%m, %k] ...
        %b = tile.load %B[%n, %k] ...
        aref.put %r, %a, %b : ...
      }
    }, {
      %acc = scf.for %k = %c0 to %K step %c64 iter_args(%c = %zero) -> (tensor<128x256xf32>) : i32 {
        %a, %b = aref.get %r : ...
        %d = tile.dot %a, %b, %c transpose_b : ...
        aref.consumed %r : ...
        scf.yield %d : tensor<128x256xf32>
      }
      tile.store %acc, %C[%m, %n] : ...
    }
    ```
  }];
  let options = [
    Option<"consumerGroups", "consumer-groups", "int64_t", /*default=*/"0",
           "Consumer warp groups (0: the kernel's consumer_groups, else 2)">,
    Option<"producerRegisters", "producer-registers", "int64_t",
           /*default=*/"40", "Registers per producer thread">,
    Option<"consumerRegisters", "consumer-registers", "int64_t",
           /*default=*/"0",
           "Registers per consumer thread (0: the most the register file "
           "leaves, at most 240)">,
  ];
  let dependentDialects = ["::kiln::aref::ArefDialect",
                           "::kiln::tile::TileDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // KILN_DIALECT_TILE_TRANSFORMS_PASSES_TD
