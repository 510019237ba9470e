//===- TileTypes.td - tile dialect types -------------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILETYPES_TD
#define KILN_DIALECT_TILE_IR_TILETYPES_TD

include "kiln/Dialect/Tile/IR/TileBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Tile_DescType : Tile_Type<"Desc", "desc"> {
  let summary = "A global tensor, seen through tiles of a fixed shape";
  let description = [{
    A descriptor of a tensor in global memory. The type fixes the element
    type, the rank and the *block shape*: the shape of the tiles that
    `tile.load` reads and `tile.store` writes through it. The extents and
    strides of the tensor itself are run-time values (`tile.dim`). The
    innermost dimension is contiguous; the launcher checks that every other
    stride is a multiple of 16 bytes, which the tensor-memory accelerator
    requires.

    At run time a descriptor is a pointer, the extents and the strides, plus a
    `CUtensorMap` built on the host when the kernel moves tiles with TMA.

    Leading block dimensions of extent 1 may be left out of the tiles: a
    tensor of heads, rows and columns read in blocks of one head gives
    matrix tiles (`!tile.desc<1x64x64xf16>` loads `tensor<64x64xf16>`), so
    batched kernels multiply 2-D tiles, and each tile stays within its head.

    Example:

    ```mlir
    !tile.desc<128x64xf16>   // 2-D f16 tensor read in 128 x 64 tiles
    !tile.desc<256xf32>      // 1-D f32 tensor read in tiles of 256
    !tile.desc<1x64x64xf16>  // 3-D tensor read one 64 x 64 matrix at a time
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$blockShape,
                        "::mlir::Type":$elementType);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The rank of the global tensor (and of its tiles).
    int64_t getRank() const { return getBlockShape().size(); }
    /// The tensor type of one tile.
    ::mlir::RankedTensorType getTileType() const;
    /// The block shape without its first `dropped` dimensions, if those are
    /// all 1: the shape of a rank-reduced tile.
    ::std::optional<::llvm::ArrayRef<int64_t>>
    getReducedBlockShape(int64_t rank) const;
  }];
}

#endif // KILN_DIALECT_TILE_IR_TILETYPES_TD
