//===- Interpreter.h - a CPU interpreter for tile programs ------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Runs a `tile.kernel` on the CPU over its whole grid, one program instance
// after another, with the tile dialect's semantics: out-of-bounds loads read
// zero, out-of-bounds stores are dropped, narrow floats round on every
// conversion and element-wise result, `tile.dot` accumulates in f32 with K
// summed in order. It is the numerical oracle of the test suite.
//
// Warp-specialized programs run each role of `tile.warp_specialize` as its
// own process over the arefs: value-level arefs as bounded FIFOs, lowering-
// level arefs with their full/empty mbarriers modelled phase by phase. The
// scheduler is round-robin over the live roles of a program instance, each
// running until it blocks or finishes, so a run is deterministic; when every
// live role is blocked the run stops with a "deadlock" error that lists where
// each role waits and the state of the barrier it waits on.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INTERPRETER_INTERPRETER_H
#define KILN_INTERPRETER_INTERPRETER_H

#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "kiln/Interpreter/Numerics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <optional>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln::interp {

/// A global tensor in host memory: what a `!tile.desc` argument refers to.
/// Strides count elements; `rowMajor` gives the C-order ones.
struct HostTensor {
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<int64_t> strides;
  std::vector<Element> data;

  /// A zero-filled C-order tensor.
  static HostTensor rowMajor(mlir::Type elementType,
                             llvm::ArrayRef<int64_t> shape);
  /// Elements of the logical tensor (the product of the extents).
  int64_t getNumElements() const;
  /// The position in `data` of the element at multi-index `index`.
  int64_t getOffset(llvm::ArrayRef<int64_t> index) const;
};

/// One kernel argument: the tensor of a `!tile.desc` parameter (not owned;
/// stores write into it) or the value of a scalar parameter.
struct KernelArg {
  HostTensor *tensor = nullptr;
  Element scalar;

  static KernelArg ofTensor(HostTensor &tensor) {
    KernelArg arg;
    arg.tensor = &tensor;
    return arg;
  }
  static KernelArg ofScalar(Element value) {
    KernelArg arg;
    arg.scalar = value;
    return arg;
  }
};

/// Program instances along x, y and z.
using Grid = std::array<int64_t, 3>;

/// How `runKernel` runs.
struct RunOptions {
  /// The grid to run; the kernel's `grid(...)` rule when unset.
  std::optional<Grid> grid;
  /// Ops the whole run may execute before it stops with an error, so that a
  /// runaway loop ends.
  uint64_t maxSteps = 100'000'000;
};

/// The grid the launcher computes from `kernel`'s `grid(...)` rule for
/// `args` (one program without a rule). `args` must match the signature.
Grid computeGrid(tile::KernelOp kernel, llvm::ArrayRef<KernelArg> args);

/// Checks that `args` fit `kernel`'s signature (a tensor of the descriptor's
/// element type and rank for each `!tile.desc`, strides inside the data).
/// Emits an error at the kernel on a mismatch.
mlir::LogicalResult checkArguments(tile::KernelOp kernel,
                                   llvm::ArrayRef<KernelArg> args);

/// Runs `kernel` over its grid with `args`, writing through the tensors'
/// stores. Errors (unsupported ops, undefined behaviour such as a division
/// by zero, deadlocks, the step budget) are emitted as diagnostics at the op
/// concerned, through the context's diagnostic handler.
mlir::LogicalResult runKernel(tile::KernelOp kernel,
                              llvm::ArrayRef<KernelArg> args,
                              const RunOptions &options = {});

/// Adds the dialects that tile programs are written in (tile, aref, arith,
/// math, scf, and the upstream dialects whose ops the interpreter reports as
/// unsupported rather than failing to parse).
void registerInterpreterDialects(mlir::DialectRegistry &registry);

} // namespace kiln::interp

#endif // KILN_INTERPRETER_INTERPRETER_H
