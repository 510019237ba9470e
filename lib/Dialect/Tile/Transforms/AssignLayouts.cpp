//===- AssignLayouts.cpp - give every tile a distributed layout -----------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#define DEBUG_TYPE "tile-assign-layouts"

namespace kiln::tile {
#define GEN_PASS_DEF_TILEASSIGNLAYOUTSPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln::tile;

namespace {

/// Narrowest element, in bytes, of the tiles a kernel moves through memory:
/// runs of 16 bytes of it make the widest global accesses.
int64_t getNarrowestMemoryElement(KernelOp kernel) {
  int64_t bytes = 4;
  kernel.walk([&](Operation *op) {
    Type t;
    if (auto load = dyn_cast<LoadOp>(op))
      t = load.getResult().getType().getElementType();
    else if (auto store = dyn_cast<StoreOp>(op))
      t = store.getValue().getType().getElementType();
    else
      return;
    bytes = std::min<int64_t>(bytes, (t.getIntOrFloatBitWidth() + 7) / 8);
  });
  return bytes;
}

/// Assigns one blocked layout per tile shape to a kernel that is not
/// warp-specialized.
class BlockedAssigner {
public:
  BlockedAssigner(KernelOp kernel)
      : kernel(kernel), numWarps(kernel.getNumWarpsOrDefault()),
        vectorElems(16 / getNarrowestMemoryElement(kernel)) {}

  LogicalResult run() {
    WalkResult result = kernel.walk([&](Operation *op) -> WalkResult {
      if (isa<DotOp, BroadcastOp, ReduceOp>(op))
        return op->emitOpError()
               << "needs a warp-specialized kernel or a tensor-core layout; "
                  "in a kernel without tile.dot only element-wise tiles are "
                  "lowered so far (issue #3 adds the rest)";
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (failed(assign(arg, op)))
              return WalkResult::interrupt();
      for (Value result : op->getResults())
        if (failed(assign(result, op)))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

private:
  LogicalResult assign(Value value, Operation *where) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || type.getEncoding())
      return success();
    for (int64_t d : type.getShape())
      if (!llvm::isPowerOf2_64(d))
        return where->emitOpError()
               << "has a tile of shape " << type
               << "; tiles held in registers need power-of-two dimensions";
    BlockedLayoutAttr &layout = layouts[type.getShape()];
    if (!layout)
      layout = getDefaultBlockedLayout(kernel.getContext(), type.getShape(),
                                       numWarps, vectorElems);
    RankedTensorType laidOut = withLayout(type, layout);
    value.setType(laidOut);
    // A constant's value carries its type too.
    if (auto constant = value.getDefiningOp<arith::ConstantOp>())
      if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
        constant.setValueAttr(dense.reshape(laidOut));
    return success();
  }

  KernelOp kernel;
  int64_t numWarps;
  int64_t vectorElems;
  llvm::DenseMap<ArrayRef<int64_t>, BlockedLayoutAttr> layouts;
};

class TileAssignLayoutsPass final
    : public kiln::tile::impl::TileAssignLayoutsPassBase<
          TileAssignLayoutsPass> {
public:
  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<KernelOp>()) {
      bool specialized = !kernel.getOps<WarpSpecializeOp>().empty();
      if (specialized)
        continue;
      if (failed(BlockedAssigner(kernel).run()))
        return signalPassFailure();
    }
  }
};

} // namespace
