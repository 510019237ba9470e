//===- TileOps.h - tile dialect operations ----------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILEOPS_H
#define KILN_DIALECT_TILE_IR_TILEOPS_H

#include "kiln/Dialect/Aref/IR/ArefDialect.h"
#include "kiln/Dialect/Tile/IR/TileDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "kiln/Dialect/Tile/IR/TileOps.h.inc"

namespace kiln::tile {
/// The tile size a grid extent divides by: its `div`, or the block extent of
/// its tensor along its dimension.
int64_t getGridDivisor(KernelOp kernel, GridExtentAttr extent);

/// An error about `op` at a location the user can find: its own, or, where
/// folding left it none (constants merged by canonicalization, or
/// deduplicated across roles), that of its first user or enclosing op that
/// has one.
mlir::InFlightDiagnostic emitLocatedOpError(mlir::Operation *op);

/// Shared memory a kernel with `tma_store` may stage its stores in, all
/// roles together; where they need more, they write global memory directly
/// (the aref slots would lose too much depth).
constexpr int64_t kMaxTmaStoreStagingBytes = 64 * 1024;
/// The alignment of each staged tile (the 128-byte swizzle's atom).
constexpr int64_t kTmaStoreStagingAlign = 1024;

/// Whether `store` may be staged for TMA at all: it writes a tile of 16- or
/// 32-bit elements to a kernel argument that the kernel does not read (a
/// read after a TMA store of the same tile could see the old data: the
/// store completes asynchronously). convert-tile-to-nvvm decides the rest
/// (an accumulator layout, one block; planTmaStores in
/// lib/Conversion/TileToNVVM/Hopper.cpp).
bool mayStageForTmaStore(StoreOp store);

/// The shared memory a staged tile of `type` takes: its bytes, aligned.
int64_t getTmaStoreStagingBytes(mlir::RankedTensorType type);

/// The shared memory the stores of `ws`'s roles take when staged for TMA
/// store; 0 where some store may not be staged or the total passes
/// kMaxTmaStoreStagingBytes.
int64_t getTmaStoreStagingBytes(WarpSpecializeOp ws);
} // namespace kiln::tile

#endif // KILN_DIALECT_TILE_IR_TILEOPS_H
