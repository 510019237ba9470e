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

/// The box of `arg`'s tensor map (usesTensorMap): getTmaBox for tiles TMA
/// loads, the staged tile for stores planTmaStores staged.
llvm::FailureOr<TmaBox>
getTensorMapBox(mlir::BlockArgument arg,
                llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Attribute on a tile.store that planTmaStores staged: a dictionary of
/// `slot` (byte offset of its tile in shared memory), `wait` (bulk groups
/// the role's elected thread may leave in flight before the role's barrier,
/// or -1: wait for all before writing), `barrier` (named barrier id),
/// `threads` (the role's) and `box_cols` (columns of the boxes the tile is
/// copied out in, side by side in its slot; a box's row of 32, 64 or 128
/// bytes takes the swizzle of its size).
inline constexpr llvm::StringLiteral kTmaStoreAttrName = "kiln.tma_store";

/// For a kernel with `tma_store`: stages the stores of each consumer role
/// whose tiles are accumulators, all stored from one block: each gets a
/// tile of shared memory the role writes and TMA then copies out, so the
/// role goes on to its next tile while the copy drains. `smemBytes` is the
/// shared memory planned for the arefs (planSharedMemory); returns it with
/// the staging tiles. Roles whose stores do not qualify keep direct stores,
/// and so do all where the staging would pass kMaxTmaStoreStagingBytes or
/// not fit the CTA.
int64_t planTmaStores(tile::KernelOp kernel, int64_t smemBytes);

/// Lowers a tile.store that planTmaStores staged: the role writes the tile
/// into its slot (swizzled as the tensor map reads it), and its elected
/// thread issues the bulk tensor copies (see the definition).
void emitTmaStore(mlir::OpBuilder &b, tile::StoreOp op, mlir::Value vector,
                  mlir::ValueRange origin, mlir::Value tensorMap);

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
