//===- Hopper.h - warp-specialized kernels to NVVM --------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The Hopper-specific part of the lowering: roles and register budgets,
// arefs as mbarrier-guarded shared memory, TMA copies, and wgmma.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_TILETONVVM_HOPPER_H
#define KILN_LIB_CONVERSION_TILETONVVM_HOPPER_H

#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {

/// How TMA moves tiles of a descriptor: boxes of the descriptor's block
/// shape, except that the last dimension is cut into chunks of 128 bytes
/// (the span of the 128-byte swizzle that wgmma reads). Chunk c of a tile
/// lands `c * rows * 128` bytes after the tile's first.
struct TmaBox {
  llvm::SmallVector<int64_t> box;
  int64_t swizzle = 128;
  int64_t chunks = 1;
  /// Elements of the last dimension per chunk.
  int64_t chunkElems = 0;
  /// Product of the block's other dimensions: the rows of each chunk.
  int64_t rows = 0;
};

/// The TMA box of `desc`, or an error (through `emitError`) if TMA cannot
/// move its tiles in a layout wgmma reads.
llvm::FailureOr<TmaBox>
getTmaBox(tile::DescType desc,
          llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// True if some op moves tiles of `arg` with TMA, so that the kernel takes a
/// CUtensorMap for it.
bool usesTensorMap(mlir::BlockArgument arg);

/// Replaces each tile.warp_specialize of `fn` by a branch per role on the
/// thread index: each role sets its register budget (setmaxnreg) and runs in
/// an `scf.execute_region` marked with the role's first thread and thread
/// count. A role that holds no tiles (a TMA producer) runs on one elected
/// thread.
mlir::LogicalResult lowerRoles(mlir::Operation *fn, int64_t numThreads);

/// Name of the attribute on a role's scf.execute_region: [first thread,
/// number of threads].
inline constexpr llvm::StringLiteral kRoleAttrName = "kiln.role";

/// Unit attribute on the scf.execute_region of a role that runs on one
/// elected thread.
inline constexpr llvm::StringLiteral kElectedRoleAttrName = "kiln.elected";

/// Patterns for arefs, TMA copies, wgmma and layout-changing tile ops.
void populateHopperPatterns(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_TILETONVVM_HOPPER_H
