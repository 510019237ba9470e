//===- SharedMemory.h - where arefs live in shared memory -------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_TILETONVVM_SHAREDMEMORY_H
#define KILN_LIB_CONVERSION_TILETONVVM_SHAREDMEMORY_H

#include "kiln/Dialect/Aref/IR/ArefDialect.h"
#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "mlir/IR/Builders.h"

namespace kiln {

/// Alignment of every slot buffer: a 128-byte-swizzled tile repeats every
/// 8 rows of 128 bytes, and TMA and wgmma agree on the swizzle only from
/// such a boundary.
inline constexpr int64_t kSwizzleAtomBytes = 1024;

/// Where each part of one aref lives, relative to the aref's base:
/// `depth` slots of buffers, then `depth` full barriers, then `depth` empty
/// barriers (8 bytes each).
struct ArefLayout {
  /// Offset of payload i within a slot.
  llvm::SmallVector<int64_t> payloadOffsets;
  int64_t slotStride = 0;
  int64_t fullBarriers = 0;
  int64_t emptyBarriers = 0;
  /// Bytes of the whole aref, rounded up to kSwizzleAtomBytes if it has
  /// buffers (which then start at a multiple of it).
  int64_t size = 0;
};

ArefLayout getArefLayout(aref::RefType type);

/// Name of the attribute that records an aref's offset in dynamic shared
/// memory on its aref.create.
inline constexpr llvm::StringLiteral kSmemOffsetAttrName = "kiln.smem_offset";

/// Places every aref of `kernel` in dynamic shared memory, records each
/// offset on its aref.create, and returns the bytes to request at launch
/// (including the slack that aligning the base at run time needs).
int64_t planSharedMemory(tile::KernelOp kernel);

/// `!llvm.ptr<3>` to the kernel's dynamic shared memory, rounded up to
/// kSwizzleAtomBytes at run time.
mlir::Value emitSharedMemoryBase(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Operation *inKernel);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_TILETONVVM_SHAREDMEMORY_H
