//===- Persistent.cpp - one CTA per SM walking the tiles ------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Turns a kernel whose program instances each compute one tile into a
// persistent kernel: the launcher starts at most one CTA per SM, and each
// CTA walks the tiles t = ctaid, ctaid + nctaid, ... in a grouped order that
// keeps a band of tile rows in L2. Partitioning later duplicates the tile
// loop into every role, so the producer runs ahead into the next tile while
// the consumers store the current one.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "TileOrder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "tile-persistent"

namespace kiln::tile {
#define GEN_PASS_DEF_TILEPERSISTENTPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln::tile;

namespace {

/// Marks a kernel whose body this pass already wrapped in the tile loop, so
/// that running the pass again leaves it alone rather than walking tiles of
/// tiles.
constexpr llvm::StringLiteral kTileLoopAttr = "tile.tile_loop";

Value i32Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 32);
}

/// ceil(a / d) for non-negative a and positive d.
Value ceilDiv(OpBuilder &b, Location loc, Value a, int64_t d) {
  Value bumped = arith::AddIOp::create(b, loc, a, i32Const(b, loc, d - 1));
  return arith::DivUIOp::create(b, loc, bumped, i32Const(b, loc, d));
}

/// The extent of one grid dimension, computed in the kernel from its
/// arguments exactly as the launcher computes it.
Value emitGridExtent(OpBuilder &b, Location loc, KernelOp kernel,
                     GridExtentAttr extent) {
  if (extent.isConstant())
    return i32Const(b, loc, *extent.getValue());
  Value arg = kernel.getBody().getArgument(*extent.getArg());
  int64_t div = getGridDivisor(kernel, extent);
  if (std::optional<int64_t> dim = extent.getDim())
    return ceilDiv(b, loc,
                   DimOp::create(b, loc, b.getI32Type(), arg, uint64_t(*dim)),
                   div);
  Value scalar = arg;
  if (scalar.getType() != b.getI32Type())
    scalar = arith::TruncIOp::create(b, loc, b.getI32Type(), scalar);
  return ceilDiv(b, loc, scalar, div);
}

class TilePersistentPass final
    : public kiln::tile::impl::TilePersistentPassBase<TilePersistentPass> {
public:
  using TilePersistentPassBase::TilePersistentPassBase;

  void runOnOperation() override {
    if (failed(checkGroupRows(getOperation(), getArgument(), groupRows)))
      return signalPassFailure();
    for (auto kernel : getOperation().getOps<KernelOp>()) {
      if (!all && !kernel.getPersistent() && !kernel.getPingpong())
        continue;
      if (kernel->hasAttr(kTileLoopAttr))
        continue;
      if (failed(makePersistent(kernel)))
        return signalPassFailure();
    }
  }

private:
  LogicalResult makePersistent(KernelOp kernel);
};

LogicalResult TilePersistentPass::makePersistent(KernelOp kernel) {
  std::optional<ArrayAttr> grid = kernel.getGrid();
  if (!grid || grid->size() > 2)
    return kernel.emitOpError()
           << "can be made persistent only with a grid rule of one or two "
              "dimensions (tiles along x, and y)";
  bool usesZ = false;
  kernel.walk([&](Operation *op) {
    if (auto id = dyn_cast<ProgramIdOp>(op))
      usesZ |= id.getDim() == GridDim::z;
    if (auto n = dyn_cast<NumProgramsOp>(op))
      usesZ |= n.getDim() == GridDim::z;
  });
  if (usesZ)
    return kernel.emitOpError() << "uses program_id z; a persistent kernel "
                                   "walks a grid of at most two dimensions";

  Block &body = kernel.getBody().front();
  Operation *terminator = body.getTerminator();
  Location loc = kernel.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  SmallVector<Value> extents;
  for (Attribute a : *grid)
    extents.push_back(
        emitGridExtent(b, loc, kernel, cast<GridExtentAttr>(a)));
  Value gx = extents[0];
  Value gy = extents.size() > 1 ? extents[1] : i32Const(b, loc, 1);
  Value tiles = arith::MulIOp::create(b, loc, gx, gy);
  Value first = ProgramIdOp::create(b, loc, b.getI32Type(), GridDim::x);
  Value stride = NumProgramsOp::create(b, loc, b.getI32Type(), GridDim::x);
  auto loop = scf::ForOp::create(b, loc, first, tiles, stride);

  // The old body, minus the new header, goes into the loop.
  Block *loopBody = loop.getBody();
  for (Operation &op : llvm::make_early_inc_range(llvm::make_range(
           std::next(loop->getIterator()), terminator->getIterator())))
    op.moveBefore(loopBody->getTerminator());

  // Grouped order, so consecutive CTAs share rows of A and columns of B in
  // L2.
  b.setInsertionPointToStart(loopBody);
  auto [pm, pn] =
      emitGroupedTile(b, loc, loop.getInductionVar(), gx, gy, groupRows);

  // The body's program ids are now the tile's coordinates.
  SmallVector<Operation *> replaced;
  loopBody->walk([&](Operation *op) {
    if (op == first.getDefiningOp() || op == stride.getDefiningOp())
      return;
    if (auto id = dyn_cast<ProgramIdOp>(op)) {
      id.getResult().replaceAllUsesWith(id.getDim() == GridDim::x ? pn : pm);
      replaced.push_back(op);
    } else if (auto n = dyn_cast<NumProgramsOp>(op)) {
      n.getResult().replaceAllUsesWith(n.getDim() == GridDim::x ? gx : gy);
      replaced.push_back(op);
    }
  });
  for (Operation *op : replaced)
    op->erase();
  kernel.setPersistent(true);
  kernel->setAttr(kTileLoopAttr, UnitAttr::get(kernel.getContext()));
  return success();
}

} // namespace
