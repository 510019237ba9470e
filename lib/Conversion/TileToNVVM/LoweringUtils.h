//===- LoweringUtils.h - helpers shared by Kiln's lowerings -----*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_TILETONVVM_LOWERINGUTILS_H
#define KILN_LIB_CONVERSION_TILETONVVM_LOWERINGUTILS_H

#include "kiln/Dialect/Tile/IR/TileDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln {

/// The run-time pieces of a `!tile.desc` inside a lowered kernel (see
/// runtime/include/kiln/runtime/abi.h).
struct DescValues {
  /// Generic pointer to the by-value CUtensorMap, or null without TMA.
  mlir::Value tensorMap;
  /// `!llvm.ptr<1>` to element (0, ..., 0).
  mlir::Value base;
  /// One i32 extent per dimension.
  llvm::SmallVector<mlir::Value> extents;
  /// One i64 stride, in elements, per dimension but the last.
  llvm::SmallVector<mlir::Value> strides;
};

/// Reads the pieces of a descriptor that kernel lowering packed into an
/// unrealized cast.
DescValues unpackDesc(mlir::Value desc);

/// Erases the casts that packed descriptors once nothing uses them.
void eraseDescriptorCasts(mlir::ModuleOp module);

mlir::Value emitI32(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// x + y and x * y for index arithmetic, which never wraps (coordinates
/// and offsets of tensors below 2^31 elements per dimension): `nsw` lets
/// LLVM fold the sign extensions of addresses into immediate offsets.
mlir::Value emitAddNsw(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y);
mlir::Value emitMulNsw(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y);
mlir::Value emitBlockId(mlir::OpBuilder &b, mlir::Location loc,
                        tile::GridDim dim);
mlir::Value emitGridDim(mlir::OpBuilder &b, mlir::Location loc,
                        tile::GridDim dim);

/// The index of the current thread among the threads that hold `op`'s
/// tiles: within the CTA, or within the role of a warp-specialized kernel.
mlir::Value emitLayoutThreadId(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Operation *op);

/// Sign-extends or truncates an i32 to integer type `to`.
mlir::Value castInteger(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        mlir::Type to);

/// `base[d] + offset[d]` per dimension.
llvm::SmallVector<mlir::Value> offsetCoords(mlir::OpBuilder &b,
                                            mlir::Location loc,
                                            mlir::ValueRange base,
                                            mlir::ValueRange offset);

/// True (i1) where the `run` elements starting at `coords` along the last
/// dimension all lie inside the tensor.
mlir::Value emitInBounds(mlir::OpBuilder &b, mlir::Location loc,
                         const DescValues &desc, mlir::ValueRange coords,
                         int64_t run);

/// `!llvm.ptr<1>` to the element at `coords`.
mlir::Value emitElementAddress(mlir::OpBuilder &b, mlir::Location loc,
                               const DescValues &desc, mlir::ValueRange coords,
                               mlir::Type elementType);

/// Loads one element where `cond` holds, zero elsewhere.
mlir::Value emitMaskedLoad(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value addr, mlir::Value cond,
                           mlir::Type elementType);

/// Loads `run` consecutive elements along the last dimension starting at
/// `coords`: 16-byte (or narrower) vector accesses where in bounds and
/// aligned, single masked elements elsewhere.
llvm::SmallVector<mlir::Value> emitRunLoad(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           const DescValues &desc,
                                           mlir::ValueRange coords,
                                           int64_t run, mlir::Type elementType);

/// Stores consecutive elements along the last dimension starting at
/// `coords`, dropping those outside the tensor.
void emitRunStore(mlir::OpBuilder &b, mlir::Location loc,
                  const DescValues &desc, mlir::ValueRange coords,
                  llvm::ArrayRef<mlir::Value> elems);

/// Elements per vector access of a run of `run` elements: the run, capped
/// at 16 bytes, a power of two that divides it.
int64_t getVectorWidth(int64_t run, mlir::Type elementType);

/// True (i1) where the tile of `shape` at `origin` lies inside the tensor.
mlir::Value emitTileInBounds(mlir::OpBuilder &b, mlir::Location loc,
                             const DescValues &desc, mlir::ValueRange origin,
                             llvm::ArrayRef<int64_t> shape);

/// True (i1) where vector accesses of `width` elements starting at `coords`
/// are aligned (base, strides and the last coordinate; see the definition).
mlir::Value emitAligned(mlir::OpBuilder &b, mlir::Location loc,
                        const DescValues &desc, mlir::ValueRange coords,
                        int64_t width, mlir::Type elementType);

/// The address of each vector access (getVectorWidth elements) of a run of
/// `run` elements starting at `coords`.
llvm::SmallVector<mlir::Value>
emitRunAddresses(mlir::OpBuilder &b, mlir::Location loc, const DescValues &desc,
                 mlir::ValueRange coords, int64_t run, mlir::Type elementType);

/// Stores a run at the addresses emitRunAddresses gave, without checks: the
/// caller has established that it lies inside the tensor and is aligned.
void emitRunStoreAt(mlir::OpBuilder &b, mlir::Location loc,
                    llvm::ArrayRef<mlir::Value> addresses,
                    llvm::ArrayRef<mlir::Value> elems);

/// The scalar elements of a 1-D vector.
llvm::SmallVector<mlir::Value> unpackVector(mlir::OpBuilder &b,
                                            mlir::Location loc,
                                            mlir::Value vector);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_TILETONVVM_LOWERINGUTILS_H
