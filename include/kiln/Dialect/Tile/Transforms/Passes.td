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

def TileChunkEpiloguePass : Pass<"tile-chunk-epilogue", "::mlir::ModuleOp"> {
  let summary = "Stores accumulator epilogues a column chunk at a time";
  let description = [{
    Runs after `tile-assign-layouts`. An epilogue computes element-wise on
    the accumulator and stores the result; done op by op over the whole
    tile, a thread keeps the accumulator, the row vectors it adds (a bias)
    and each op's result live at once, and ptxas spills. This pass rebuilds
    each `tile.store` of a tile in the accumulator layout whose value comes
    from element-wise ops (`arith`, `math`), splat constants, `tile.splat`
    and `tile.broadcast` as one store per chunk of `columns` columns, each
    computed from `tile.extract_slice`s of the values it starts from (free:
    every thread already holds its part). Row vectors loaded with
    `tile.load` from a tensor the kernel does not store to are loaded per
    chunk, one chunk ahead (before the math and store of the chunk before,
    to hide their latency), and element-wise ops on rows (widening an f16
    bias) run per chunk too.

    A store of a tile that needs no computation, a tile in another layout,
    or one whose columns are not a multiple of the chunk (or not more than
    one chunk) is left as it is. Ops whose values are also used elsewhere
    stay for those uses.

    Before (accumulator layout `#mma` on the 128 x 256 tiles):

    ```mlir
    %row = tile.load %bias[%n] : !tile.desc<256xf32> -> tensor<256xf32, #row>
    %rows = tile.broadcast %row dims [0] : tensor<256xf32, #row> -> tensor<128x256xf32, #mma>
    %x = arith.addf %acc, %rows : tensor<128x256xf32, #mma>
    tile.store %x, %c[%m, %n] : tensor<128x256xf32, #mma>, !tile.desc<128x256xf32>
    ```

    After (`columns=64`, four chunks; the first shown, with the load of the
    second's row):

    ```mlir
    %r0 = tile.load %bias[%n] : !tile.desc<256xf32> -> tensor<64xf32, #row>
    %n1 = arith.addi %n, %c64 overflow<nsw> : i32
    %r1 = tile.load %bias[%n1] : !tile.desc<256xf32> -> tensor<64xf32, #row>
    %a0 = tile.extract_slice %acc [0, 0] : tensor<128x256xf32, #mma> -> tensor<128x64xf32, #mma>
    %b0 = tile.broadcast %r0 dims [0] : tensor<64xf32, #row> -> tensor<128x64xf32, #mma>
    %x0 = arith.addf %a0, %b0 : tensor<128x64xf32, #mma>
    tile.store %x0, %c[%m, %n] : tensor<128x64xf32, #mma>, !tile.desc<128x256xf32>
    ```
  }];
  let options = [
    Option<"columns", "columns", "int64_t", /*default=*/"16",
           "Columns per chunk (a multiple of 8)">,
  ];
  let dependentDialects = ["::kiln::tile::TileDialect",
                           "::mlir::arith::ArithDialect"];
}

def TilePersistentPass : Pass<"tile-persistent", "::mlir::ModuleOp"> {
  let summary = "Makes kernels persistent: one CTA per SM walks the tiles";
  let description = [{
    For each kernel marked `persistent` (or every kernel with `all`), wraps
    the body in a loop over the tiles of its grid: the launcher starts at
    most one CTA per SM, CTA c takes tiles c, c + nctaid, ... in a grouped
    order (`group-rows` rows of tiles at a time, down their columns, so that
    consecutive tiles share rows of A and columns of B in L2), and the
    body's `tile.program_id`/`tile.num_programs` become the tile's
    coordinates and the grid's extents. After partitioning, the producer
    loads the next tile while the consumers store the current one. The
    kernel gets the unit attribute `tile.tile_loop`, and the pass leaves
    kernels that have it alone, so that running it again does not walk
    tiles of tiles.

    Before:

    ```mlir
    tile.kernel @k(...) grid(%c[1], %c[0]) attributes {persistent} {
      %pn = tile.program_id x
      %pm = tile.program_id y
      ...
    }
    ```

    After:

    ```mlir
    tile.kernel @k(...) grid(%c[1], %c[0]) attributes {persistent, tile.tile_loop} {
      %gx = ... ceil(tile.dim %c, 1 / 256) ...
      %gy = ...
      %first = tile.program_id x
      %step = tile.num_programs x
      scf.for %t = %first to %tiles step %step : i32 {
        %pm = ... grouped row of tile %t
        %pn = ... grouped column of tile %t
        ...
      }
    }
    ```
  }];
  let options = [
    Option<"all", "all", "bool", /*default=*/"false",
           "Make every kernel persistent, not only those marked">,
    Option<"groupRows", "group-rows", "int64_t", /*default=*/"8",
           "Rows of tiles a group walks before moving on">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def TileGroupOrderPass : Pass<"tile-group-order", "::mlir::ModuleOp"> {
  let summary = "CTAs of a one-tile-per-CTA kernel take tiles in grouped order";
  let description = [{
    For each kernel that is not persistent and has a two-dimensional grid
    rule, relabels the program instances: CTA `t = y * nx + x` (the order in
    which the hardware starts them) computes the tile that the grouped order
    of `tile-persistent` puts at position `t`, `group-rows` rows of tiles at
    a time, down their columns. A wave of CTAs then shares rows of A and
    columns of B in L2 instead of sweeping every column of B. Every instance
    still computes one tile, and the ids still cover the grid once, so the
    kernel computes the same result. The kernel gets the unit attribute
    `tile.grouped_order`, and the pass leaves kernels that have it alone.

    Before:

    ```mlir
    tile.kernel @k(...) grid(%c[1], %c[0]) {
      %pn = tile.program_id x
      %pm = tile.program_id y
      ...
    }
    ```

    After:

    ```mlir
    tile.kernel @k(...) grid(%c[1], %c[0]) attributes {tile.grouped_order} {
      %gx = tile.num_programs x
      %gy = tile.num_programs y
      %x = tile.program_id x
      %y = tile.program_id y
      %t = y * gx + x
      %pm = ... grouped row of tile %t
      %pn = ... grouped column of tile %t
      ...
    }
    ```
  }];
  let options = [
    Option<"groupRows", "group-rows", "int64_t", /*default=*/"8",
           "Rows of tiles a group takes before moving on">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def TileRetilePass : Pass<"tile-retile", "::mlir::ModuleOp"> {
  let summary = "Rebuilds a tile program for another tile shape";
  let description = [{
    Changes the tile shape of a kernel with one family of `tile.dot`s: the
    M, N and K extents of the dots, and every tile extent tied to them
    (through element-wise ops, loads and stores, broadcasts, reductions and
    loop-carried values), become `m`, `n` and `k`; the descriptors' block
    shapes follow. Offsets and steps written with `tile.block_dim` and grid
    rules written as `%desc[d]` follow too; literal constants do not, so the
    pass refuses a kernel whose loads and stores are offset by a literal
    equal to a tile extent it changes. It also refuses what would change
    the program's meaning or that it cannot relate to a tile: a grid or
    `tile.block_dim` in blocks of a descriptor no load or store moves, a
    grid dividing a scalar by a literal, a reduction along a changed
    extent, and a `tile.program_id` used other than times a
    `tile.block_dim` or as a coordinate along an unchanged extent. A
    kernel's `tile_shape` attribute applies where the options are 0.

    Before (`m=64 n=128 k=64`):

    ```mlir
    %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
    %t = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    ```

    After:

    ```mlir
    %bk = tile.block_dim %a, 1 : !tile.desc<64x64xf16>
    %t = tile.load %a[%m, %k] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    ```
  }];
  let options = [
    Option<"m", "m", "int64_t", /*default=*/"0", "Tile rows (M)">,
    Option<"n", "n", "int64_t", /*default=*/"0", "Tile columns (N)">,
    Option<"k", "k", "int64_t", /*default=*/"0", "Tile depth (K)">,
  ];
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
           "Consumer warp groups (0: the kernel's consumer_groups, else 2 "
           "where every dot has rows in multiples of 128, else 1)">,
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
