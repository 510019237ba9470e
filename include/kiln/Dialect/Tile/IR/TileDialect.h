//===- TileDialect.h - tile dialect, types and attributes -------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILEDIALECT_H
#define KILN_DIALECT_TILE_IR_TILEDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/TensorEncoding.h"

#include "kiln/Dialect/Tile/IR/TileDialect.h.inc"
#include "kiln/Dialect/Tile/IR/TileEnums.h.inc"

#include "kiln/Dialect/Tile/IR/TileAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "kiln/Dialect/Tile/IR/TileAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "kiln/Dialect/Tile/IR/TileTypes.h.inc"

namespace kiln::tile {
/// Returns the distributed layout of a tensor type, or null if it has none.
DistributedLayoutAttr getLayout(mlir::Type type);

/// The blocked layout Kiln gives a tile of `shape` (every dimension a power
/// of two) spread over `numWarps` warps: runs of up to `vectorElems`
/// contiguous elements per thread along the last dimension, lanes along the
/// last dimensions first, warps along the first dimensions first.
BlockedLayoutAttr getDefaultBlockedLayout(mlir::MLIRContext *ctx,
                                          llvm::ArrayRef<int64_t> shape,
                                          int64_t numWarps,
                                          int64_t vectorElems);

/// The static part of the coordinates of each element a thread holds in
/// `layout`: element coordinate `d` of register `r` is
/// `threadBase[d] + offsets[r][d]` (modulo the extent along dimensions the
/// layout replicates). The thread base is emitted by lowering.
llvm::SmallVector<llvm::SmallVector<int64_t>>
getRegisterOffsets(DistributedLayoutAttr layout, llvm::ArrayRef<int64_t> shape);

/// The rank of the tiles `layout` holds.
int64_t getLayoutRank(DistributedLayoutAttr layout);

/// The extent along `dim` that one pass of `layout`'s threads covers.
int64_t getLayoutCoverage(DistributedLayoutAttr layout, int64_t dim);

/// Where each thread finds, among the registers of its part of a tile of
/// `inputShape` in `layout`, the elements of its part of the slice of
/// `sliceShape` at `offsets` (tile.extract_slice, the slice in the same
/// layout): for each register of the slice, the input's register. None when
/// a thread would need an element that another thread holds, or when the
/// layout cannot hold a tile of either shape.
std::optional<llvm::SmallVector<int64_t>> getSliceRegisters(
    DistributedLayoutAttr layout, llvm::ArrayRef<int64_t> inputShape,
    llvm::ArrayRef<int64_t> sliceShape, llvm::ArrayRef<int64_t> offsets);

/// `type` with `layout` as its encoding.
mlir::RankedTensorType withLayout(mlir::RankedTensorType type,
                                  mlir::Attribute layout);
} // namespace kiln::tile

#endif // KILN_DIALECT_TILE_IR_TILEDIALECT_H
