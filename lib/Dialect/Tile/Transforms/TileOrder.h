//===- TileOrder.h - grid extents and the grouped tile order ----*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Shared by tile-persistent (a CTA walks tiles in this order) and
// tile-group-order (CTAs of a one-tile-per-CTA grid take them in it).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_DIALECT_TILE_TRANSFORMS_TILEORDER_H
#define KILN_LIB_DIALECT_TILE_TRANSFORMS_TILEORDER_H

#include "kiln/Dialect/Tile/IR/TileOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln::tile {

/// Fails, with an error naming `pass`, unless `groupRows` is at least 1 (a
/// group of no rows divides by zero).
mlir::LogicalResult checkGroupRows(mlir::ModuleOp module, llvm::StringRef pass,
                                   int64_t groupRows);

/// The (row, column) of tile `t` of a grid of `gx` columns and `gy` rows of
/// tiles in grouped order: `groupRows` rows at a time, down the columns of
/// the group, so that consecutive tiles share rows of A and columns of B in
/// L2. A bijection of [0, gx * gy); the last group may have fewer rows.
std::pair<mlir::Value, mlir::Value>
emitGroupedTile(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                mlir::Value gx, mlir::Value gy, int64_t groupRows);

} // namespace kiln::tile

#endif // KILN_LIB_DIALECT_TILE_TRANSFORMS_TILEORDER_H
