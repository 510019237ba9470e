//===- Tiles.h - semantics of the tile ops on arrays ------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_INTERPRETER_TILES_H
#define KILN_LIB_INTERPRETER_TILES_H

#include "Values.h"

namespace kiln::interp {

/// Steps the C-order multi-index `index` within `shape` to the next element
/// (back to all zeros after the last).
void incrementIndex(llvm::MutableArrayRef<int64_t> index,
                    llvm::ArrayRef<int64_t> shape);

/// Fills `block` (its shape set) from `tensor` at element coordinates
/// `coords`; elements outside the tensor read as zero (`tile.load`,
/// `tile.async_load`).
void loadBlock(const HostTensor &tensor, llvm::ArrayRef<int64_t> coords,
               Array &block);

/// Writes `block` into `tensor` at `coords`, dropping elements outside the
/// tensor (`tile.store`).
void storeBlock(HostTensor &tensor, llvm::ArrayRef<int64_t> coords,
                const Array &block);

/// The element at `coords`, or zero outside the tensor (`tile.scalar_load`).
Element loadElement(const HostTensor &tensor, llvm::ArrayRef<int64_t> coords);

/// The 1-D tile 0, 1, 2, ... of `type` (`tile.iota`).
Array iota(mlir::RankedTensorType type);

/// `input` repeated along the result dimensions `dims` (`tile.broadcast`).
Array broadcast(const Array &input, mlir::RankedTensorType type,
                llvm::ArrayRef<int64_t> dims);

/// The part of `input` of `type`'s shape at `offsets` (`tile.extract_slice`).
Array extractSlice(const Array &input, mlir::RankedTensorType type,
                   llvm::ArrayRef<int64_t> offsets);

/// Sum, maximum or minimum of `input` along `dim` (`tile.reduce`). Float
/// sums accumulate in order in the element type; integer max and min are
/// signed.
Array reduce(tile::ReduceKind kind, const Array &input, int64_t dim);

/// op(A)·op(B) + acc with products and sums in f32, K summed in order
/// (`tile.dot`, `tile.mma`).
Array matmul(const Array &a, const Array &b, const Array &acc,
             bool transposeA, bool transposeB);

} // namespace kiln::interp

#endif // KILN_LIB_INTERPRETER_TILES_H
