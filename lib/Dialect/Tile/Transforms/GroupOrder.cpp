//===- GroupOrder.cpp - CTAs take their tiles in grouped order ------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A kernel whose program instances each compute one tile runs them in the
// order the hardware starts CTAs: x fastest. With x along the columns of C,
// one wave of CTAs takes a few rows of tiles across every column, and reads
// all of B from memory again for each wave. Relabelling the instances, so
// that consecutive CTAs take the tiles of a band of rows column by column
// (the order a persistent kernel walks), keeps the A rows and B columns of a
// wave in L2. Each instance still computes exactly one tile and the program
// ids still cover the grid once, so the kernel computes the same thing.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "TileOrder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#define DEBUG_TYPE "tile-group-order"

namespace kiln::tile {
#define GEN_PASS_DEF_TILEGROUPORDERPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln::tile;

static Value i32Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 32);
}

LogicalResult kiln::tile::checkGroupRows(ModuleOp module, StringRef pass,
                                         int64_t groupRows) {
  if (groupRows >= 1)
    return success();
  return module.emitError()
         << pass << ": group-rows must be at least 1, got " << groupRows;
}

std::pair<Value, Value> kiln::tile::emitGroupedTile(OpBuilder &b, Location loc,
                                                    Value t, Value gx, Value gy,
                                                    int64_t groupRows) {
  Value group = i32Const(b, loc, groupRows);
  Value perGroup = arith::MulIOp::create(b, loc, group, gx);
  Value groupId = arith::DivUIOp::create(b, loc, t, perGroup);
  Value firstRow = arith::MulIOp::create(b, loc, groupId, group);
  Value rowsLeft = arith::SubIOp::create(b, loc, gy, firstRow);
  Value groupSize = arith::MinUIOp::create(b, loc, rowsLeft, group);
  Value inGroup = arith::RemUIOp::create(b, loc, t, perGroup);
  Value row = arith::AddIOp::create(
      b, loc, firstRow, arith::RemUIOp::create(b, loc, inGroup, groupSize));
  Value column = arith::DivUIOp::create(b, loc, inGroup, groupSize);
  return {row, column};
}

namespace {

/// Marks a kernel already relabelled, so that running the pass again does
/// not permute the permutation.
constexpr llvm::StringLiteral kGroupedAttr = "tile.grouped_order";

class TileGroupOrderPass final
    : public kiln::tile::impl::TileGroupOrderPassBase<TileGroupOrderPass> {
public:
  using TileGroupOrderPassBase::TileGroupOrderPassBase;

  void runOnOperation() override {
    if (failed(checkGroupRows(getOperation(), getArgument(), groupRows)))
      return signalPassFailure();
    for (auto kernel : getOperation().getOps<KernelOp>())
      regroup(kernel);
  }

private:
  void regroup(KernelOp kernel) {
    // Persistent kernels walk their tiles in this order already.
    if (kernel.getPersistent() || kernel.getPingpong() ||
        kernel->hasAttr("tile.tile_loop") || kernel->hasAttr(kGroupedAttr))
      return;
    // A third dimension (a batch) keeps its order: each of its planes of
    // tiles is regrouped.
    std::optional<ArrayAttr> grid = kernel.getGrid();
    if (!grid || grid->size() < 2)
      return;
    SmallVector<ProgramIdOp> ids;
    kernel.walk([&](ProgramIdOp id) { ids.push_back(id); });
    if (ids.empty())
      return;

    Location loc = kernel.getLoc();
    OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
    // The launched grid itself (nctaid), not the rule evaluated again: the
    // launcher computes the rule in 64 bits, and a relabelling over any other
    // extents would not be a bijection.
    Value gx = NumProgramsOp::create(b, loc, b.getI32Type(), GridDim::x);
    Value gy = NumProgramsOp::create(b, loc, b.getI32Type(), GridDim::y);
    Value x = ProgramIdOp::create(b, loc, b.getI32Type(), GridDim::x);
    Value y = ProgramIdOp::create(b, loc, b.getI32Type(), GridDim::y);
    // The hardware's order: x fastest.
    Value t =
        arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, y, gx), x);
    auto [row, column] = emitGroupedTile(b, loc, t, gx, gy, groupRows);
    for (ProgramIdOp id : ids) {
      if (id.getDim() == GridDim::z)
        continue;
      id.getResult().replaceAllUsesWith(id.getDim() == GridDim::x ? column
                                                                  : row);
      id.erase();
    }
    kernel->setAttr(kGroupedAttr, UnitAttr::get(kernel.getContext()));
  }
};

} // namespace
