//===- Layouts.h - where each thread's tile elements live -------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Index arithmetic for distributed layouts: for a tile with a layout, which
// element of the tile each of a thread's registers holds.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_TILETONVVM_LAYOUTS_H
#define KILN_LIB_CONVERSION_TILETONVVM_LAYOUTS_H

#include "kiln/Dialect/Tile/IR/TileDialect.h"
#include "mlir/IR/Builders.h"

namespace kiln {

/// The coordinates, within the tile, of every element a thread holds:
/// `coords[r][d]` is the i32 index along dimension `d` of register `r`.
using ElementCoords = llvm::SmallVector<llvm::SmallVector<mlir::Value>>;

/// Emits the coordinates of the elements thread `tid` (i32, counted from
/// the first thread of the layout) holds of a tile of `shape` in `layout`.
ElementCoords emitElementCoords(mlir::OpBuilder &b, mlir::Location loc,
                                tile::DistributedLayoutAttr layout,
                                llvm::ArrayRef<int64_t> shape, mlir::Value tid);

/// How many consecutive registers, starting at any multiple of the result,
/// hold consecutive elements along the last dimension (1 if none do).
int64_t getContiguousRun(tile::DistributedLayoutAttr layout,
                         llvm::ArrayRef<int64_t> shape);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_TILETONVVM_LAYOUTS_H
