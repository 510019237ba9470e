//===- Persistent.cpp - one CTA per SM walking the tiles ------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Turns a kernel whose program instances each compute one tile into a
// persistent kernel: the launcher starts at most one CTA per SM, and each
// CTA walks the tiles t = ctaid, ctaid + nctaid, ... in a grouped order that
// keeps a band of tile rows in L2. A third grid dimension (a batch of
// matrices, the heads of attention) is walked outermost: the tiles of one
// matrix, in grouped order, then those of the next. Partitioning later
// duplicates the tile loop into every role, so the producer runs ahead into the
// next tile while the consumers store the current one.
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
  if (!grid)
    return kernel.emitOpError()
           << "can be made persistent only with a grid rule (the tiles it "
              "walks)";
  bool usesZ = false;
  kernel.walk([&](Operation *op) {
    if (auto id = dyn_cast<ProgramIdOp>(op))
      usesZ |= id.getDim() == GridDim::z;
    if (auto n = dyn_cast<NumProgramsOp>(op))
      usesZ |= n.getDim() == GridDim::z;
  });
  if (usesZ && grid->size() < 3)
    return kernel.emitOpError() << "uses program_id z without a third grid "
                                   "dimension to walk";

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
  Value gz = extents.size() > 2 ? extents[2] : Value();
  Value plane = arith::MulIOp::create(b, loc, gx, gy);
  Value tiles = gz ? arith::MulIOp::create(b, loc, plane, gz) : plane;
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
  Value tile = loop.getInductionVar(), pz;
  if (gz) {
    pz = arith::DivUIOp::create(b, loc, tile, plane);
    tile = arith::RemUIOp::create(b, loc, tile, plane);
  }
  auto [pm, pn] = emitGroupedTile(b, loc, tile, gx, gy, groupRows);

  // The body's program ids are now the tile's coordinates.
  SmallVector<Operation *> replaced;
  loopBody->walk([&](Operation *op) {
    if (op == first.getDefiningOp() || op == stride.getDefiningOp())
      return;
    if (auto id = dyn_cast<ProgramIdOp>(op)) {
      GridDim d = id.getDim();
      id.getResult().replaceAllUsesWith(d == GridDim::x   ? pn
                                        : d == GridDim::y ? pm
                                                          : pz);
      replaced.push_back(op);
    } else if (auto n = dyn_cast<NumProgramsOp>(op)) {
      GridDim d = n.getDim();
      n.getResult().replaceAllUsesWith(d == GridDim::x   ? gx
                                       : d == GridDim::y ? gy
                                                         : gz);
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
