//===- KernelABI.h - tile.kernel signatures as llvm.func kernels -*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_TILETONVVM_KERNELABI_H
#define KILN_LIB_CONVERSION_TILETONVVM_KERNELABI_H

#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "kiln/Target/KernelMetadata.h"

namespace kiln {

/// Replaces `kernel` by an `llvm.func` kernel with the same body. Descriptor
/// arguments expand to the parameters of abi.h; inside the body, each is
/// packed back into its `!tile.desc` type by an unrealized cast that the
/// lowering patterns unpack. Records the launch metadata, with `smemBytes`
/// of dynamic shared memory, on the function.
llvm::FailureOr<mlir::LLVM::LLVMFuncOp>
convertKernelSignature(tile::KernelOp kernel, int64_t smemBytes);

/// Threads of a kernel: the sum of its roles, or its num_warps.
int64_t getNumThreads(tile::KernelOp kernel);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_TILETONVVM_KERNELABI_H
