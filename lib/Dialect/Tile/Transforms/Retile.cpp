//===- Retile.cpp - rebuild a tile program for another tile shape ---------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Tile extents that must be equal form classes: the dims of the operands of
// an element-wise op, a tile and the block of the descriptor it moves
// through, the matching dims of dot operands, broadcast and reduce inputs and
// outputs, loop-carried values. Changing the M, N and K classes of the dots
// and retyping every value and descriptor in them gives the same program
// over another tile shape.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"

#define DEBUG_TYPE "tile-retile"

namespace kiln::tile {
#define GEN_PASS_DEF_TILERETILEPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln::tile;

namespace {

/// One extent: dimension `dim` of a tile value or of a descriptor's block.
using Extent = std::pair<Value, unsigned>;

int64_t getExtentSize(Extent e) {
  if (auto desc = dyn_cast<DescType>(e.first.getType()))
    return desc.getBlockShape()[e.second];
  return cast<RankedTensorType>(e.first.getType()).getDimSize(e.second);
}

class ExtentClasses {
public:
  void join(Extent a, Extent b) { classes.unionSets(a, b); }
  void joinAll(Value a, Value b) {
    auto ta = cast<RankedTensorType>(a.getType());
    for (unsigned d = 0; d < ta.getRank(); ++d)
      join({a, d}, {b, d});
  }
  Extent leader(Extent e) {
    classes.insert(e);
    return classes.getLeaderValue(e);
  }
  bool same(Extent a, Extent b) { return leader(a) == leader(b); }
  /// Descriptor extents that a tile.load or tile.store ties to a tile: only
  /// these follow the tile when it is retiled.
  void markMoved(Extent e) { moved.insert(e); }
  /// Leading block dimensions of 1 that a tile.load or tile.store leaves out
  /// of its tile (a head of a tensor of heads): no tile extent, so retiling
  /// keeps them at 1, and grids and block_dim reading them keep their
  /// meaning.
  void markKept(Extent e) { kept.insert(e); }
  /// Whether retiling knows what `e` becomes: it follows a tile or stays.
  bool isKnown(Extent e) const { return moved.contains(e) || kept.contains(e); }

private:
  llvm::EquivalenceClasses<Extent> classes;
  llvm::DenseSet<Extent> moved, kept;
};

bool isTile(Value v) { return isa<RankedTensorType>(v.getType()); }

/// Ties the extents every op of the kernel says are equal.
LogicalResult collect(KernelOp kernel, ExtentClasses &classes) {
  WalkResult result = kernel.walk([&](Operation *op) -> WalkResult {
    Dialect *dialect = op->getDialect();
    if (isa<WarpSpecializeOp>(op) ||
        (dialect && dialect->getNamespace() == "aref"))
      return op->emitOpError()
             << "is already partitioned; retile the tile program first";
    if (isa<LoadOp, StoreOp>(op)) {
      auto load = dyn_cast<LoadOp>(op);
      auto store = dyn_cast<StoreOp>(op);
      Value desc = load ? load.getDesc() : store.getDesc();
      Value tile = load ? load.getResult() : store.getValue();
      // A part of a block has no extent retiling could scale with it. A
      // tile may leave out leading block dimensions of 1, which stay 1.
      auto tileType = cast<RankedTensorType>(tile.getType());
      auto descType = cast<DescType>(desc.getType());
      if (descType.getReducedBlockShape(tileType.getRank()) !=
          tileType.getShape())
        return op->emitOpError()
               << "moves a part of its descriptor's block; retiling needs "
                  "whole blocks";
      unsigned lead = descType.getRank() - tileType.getRank();
      for (unsigned d = 0; d < lead; ++d)
        classes.markKept({desc, d});
      for (unsigned d = 0; d < tileType.getRank(); ++d) {
        classes.join({tile, d}, {desc, d + lead});
        classes.markMoved({desc, d + lead});
      }
    } else if (isa<ExtractSliceOp>(op)) {
      return op->emitOpError()
             << "has static offsets that retiling cannot scale";
    } else if (auto dot = dyn_cast<DotOp>(op)) {
      unsigned am = dot.getTransposeA() ? 1 : 0, ak = 1 - am;
      unsigned bk = dot.getTransposeB() ? 1 : 0, bn = 1 - bk;
      classes.joinAll(dot.getAcc(), dot.getResult());
      classes.join({dot.getA(), am}, {dot.getResult(), 0});
      classes.join({dot.getB(), bn}, {dot.getResult(), 1});
      classes.join({dot.getA(), ak}, {dot.getB(), bk});
    } else if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      unsigned in = 0;
      for (unsigned d = 0; d < broadcast.getType().getRank(); ++d)
        if (!llvm::is_contained(broadcast.getDims(), int64_t(d)))
          classes.join({broadcast.getInput(), in++}, {broadcast.getResult(), d});
    } else if (auto reduce = dyn_cast<ReduceOp>(op)) {
      unsigned out = 0;
      for (unsigned d = 0; d < reduce.getInput().getType().getRank(); ++d)
        if (d != reduce.getDim())
          classes.join({reduce.getInput(), d}, {reduce.getResult(), out++});
    } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      for (auto [init, arg, res, yielded] :
           llvm::zip(loop.getInitArgs(), loop.getRegionIterArgs(),
                     loop.getResults(), loop.getYieldedValues()))
        if (isTile(init)) {
          classes.joinAll(init, arg);
          classes.joinAll(init, res);
          classes.joinAll(init, yielded);
        }
    } else if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      for (auto [i, res] : llvm::enumerate(ifOp.getResults()))
        if (isTile(res))
          for (Region *r : {&ifOp.getThenRegion(), &ifOp.getElseRegion()})
            if (!r->empty())
              classes.joinAll(res, r->front().getTerminator()->getOperand(i));
    } else if (op->hasTrait<OpTrait::Elementwise>()) {
      Value first;
      for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
        if (isTile(v)) {
          if (first)
            classes.joinAll(first, v);
          else
            first = v;
        }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// The descriptor and dimension a coordinate operand of a load, store or
/// scalar load addresses; none for other operands.
static std::optional<Extent> coordinateExtent(OpOperand &use) {
  Operation *user = use.getOwner();
  Value desc;
  OperandRange coords = user->getOperands().take_front(0);
  if (auto load = dyn_cast<LoadOp>(user)) {
    desc = load.getDesc();
    coords = load.getCoords();
  } else if (auto store = dyn_cast<StoreOp>(user)) {
    desc = store.getDesc();
    coords = store.getCoords();
  } else if (auto scalar = dyn_cast<ScalarLoadOp>(user)) {
    desc = scalar.getDesc();
    coords = scalar.getCoords();
  }
  if (!desc || coords.empty() ||
      use.getOperandNumber() < coords.getBeginOperandIndex())
    return std::nullopt;
  return Extent{desc, use.getOperandNumber() - coords.getBeginOperandIndex()};
}

/// Retiling keeps a program's meaning only where what each program instance
/// computes follows the tile. Refuses:
/// - block_dim reads of descriptors no load or store ties to a tile;
/// - reductions along a retiled extent (each tile's partial result would
///   change);
/// - loops whose induction variable is a coordinate along a retiled extent
///   but steps by something other than a tile.block_dim of it;
/// - program ids used other than times a tile.block_dim, times a literal
///   that is no tile extent retiling changes, or as a coordinate along an
///   extent that does not change; and, for the first use, a grid whose
///   rule for that dimension does not count blocks of that extent;
/// - num_programs.
LogicalResult checkMeaningKept(KernelOp kernel, ExtentClasses &classes,
                               const llvm::DenseMap<Extent, int64_t> &oldSize) {
  auto retiled = [&](Extent e) { return oldSize.count(classes.leader(e)); };
  auto isOldSize = [&](Value v) {
    APInt c;
    if (!matchPattern(v, m_ConstantInt(&c)))
      return false;
    for (auto &entry : oldSize)
      if (c.getSExtValue() == entry.second)
        return true;
    return false;
  };
  std::optional<ArrayAttr> grid = kernel.getGrid();
  // The grid rule of dimension d counts tiles of extent `e`.
  auto gridCounts = [&](GridDim d, Extent e) {
    unsigned i = static_cast<unsigned>(d);
    if (!grid || i >= grid->size())
      return false;
    auto rule = cast<GridExtentAttr>((*grid)[i]);
    if (rule.isConstant() || !rule.getDim() || rule.getDiv())
      return false;
    Value arg = kernel.getBody().getArgument(*rule.getArg());
    return classes.same({arg, unsigned(*rule.getDim())}, e);
  };
  WalkResult result = kernel.walk([&](Operation *op) -> WalkResult {
    if (auto bd = dyn_cast<BlockDimOp>(op)) {
      Extent e = {bd.getDesc(), unsigned(bd.getIndex())};
      if (!classes.isKnown(e))
        return op->emitOpError()
               << "reads the block of a descriptor that no tile.load or "
                  "tile.store moves along dimension "
               << bd.getIndex()
               << "; retiling cannot tell whether it follows the tile";
      return WalkResult::advance();
    }
    if (auto reduce = dyn_cast<ReduceOp>(op)) {
      if (retiled({reduce.getInput(), unsigned(reduce.getDim())}))
        return op->emitOpError()
               << "reduces along dimension " << reduce.getDim()
               << ", a tile extent retiling changes: each program's partial "
                  "result would cover other elements";
      return WalkResult::advance();
    }
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      for (OpOperand &use : loop.getInductionVar().getUses()) {
        std::optional<Extent> e = coordinateExtent(use);
        if (!e || !retiled(*e))
          continue;
        auto step = loop.getStep().getDefiningOp<BlockDimOp>();
        if (!step ||
            !classes.same({step.getDesc(), unsigned(step.getIndex())}, *e))
          return op->emitOpError()
                 << "steps a coordinate along a tile extent retiling changes "
                    "by something other than tile.block_dim of that extent; "
                    "tiles would be skipped or counted twice";
      }
      return WalkResult::advance();
    }
    if (isa<NumProgramsOp>(op))
      return op->emitOpError()
             << "counts the programs, which retiling changes; it cannot tell "
                "what the program does with the count";
    auto id = dyn_cast<ProgramIdOp>(op);
    if (!id)
      return WalkResult::advance();
    for (OpOperand &use : id.getResult().getUses()) {
      Operation *user = use.getOwner();
      if (isa<arith::MulIOp>(user)) {
        Value factor = user->getOperand(1 - use.getOperandNumber());
        if (auto bd = factor.getDefiningOp<BlockDimOp>()) {
          Extent e = {bd.getDesc(), unsigned(bd.getIndex())};
          if (retiled(e) && !gridCounts(id.getDim(), e))
            return user->emitOpError()
                   << "steps program_id " << stringifyGridDim(id.getDim())
                   << " by blocks of a tile extent retiling changes, but "
                      "the grid rule of that dimension does not count "
                      "those blocks (write it as %desc[dim] of that extent)";
          continue;
        }
        if (!isOldSize(factor) && matchPattern(factor, m_Constant()))
          continue;
      }
      if (std::optional<Extent> e = coordinateExtent(use))
        if (!retiled(*e))
          continue;
      return user->emitOpError()
             << "uses tile.program_id other than as a multiple of "
                "tile.block_dim or of a literal that is no retiled extent, "
                "or as a coordinate along an extent retiling keeps; which "
                "elements a program computes would change with the tile";
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

class TileRetilePass final
    : public kiln::tile::impl::TileRetilePassBase<TileRetilePass> {
public:
  using TileRetilePassBase::TileRetilePassBase;

  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<KernelOp>()) {
      int64_t shape[3] = {m, n, k};
      if (std::optional<ArrayRef<int64_t>> own = kernel.getTileShape())
        for (int i = 0; i < 3; ++i)
          if (shape[i] == 0)
            shape[i] = (*own)[i];
      if (!shape[0] && !shape[1] && !shape[2])
        continue;
      if (failed(retile(kernel, shape)))
        return signalPassFailure();
    }
  }

private:
  LogicalResult retile(KernelOp kernel, const int64_t shape[3]);
};

LogicalResult TileRetilePass::retile(KernelOp kernel, const int64_t shape[3]) {
  SmallVector<DotOp> dots;
  kernel.walk([&](DotOp dot) { dots.push_back(dot); });
  if (dots.empty())
    return kernel.emitOpError()
           << "has no tile.dot, so it has no M, N and K to retile";
  ExtentClasses classes;
  if (failed(collect(kernel, classes)))
    return failure();

  // The M, N and K classes of the first dot; every dot must share them.
  DotOp first = dots.front();
  Extent targets[3] = {
      {first.getResult(), 0},
      {first.getResult(), 1},
      {first.getA(), first.getTransposeA() ? 0u : 1u}};
  for (DotOp dot : dots) {
    Extent mine[3] = {{dot.getResult(), 0},
                      {dot.getResult(), 1},
                      {dot.getA(), dot.getTransposeA() ? 0u : 1u}};
    for (int i = 0; i < 3; ++i)
      if (!classes.same(mine[i], targets[i]))
        return dot.emitOpError()
               << "has other M, N or K extents than the first tile.dot; "
                  "retiling needs one family of dots";
  }
  llvm::DenseMap<Extent, int64_t> newSize;
  llvm::DenseMap<Extent, int64_t> oldSize;
  for (int i = 0; i < 3; ++i) {
    Extent leader = classes.leader(targets[i]);
    if (shape[i] > 0 && shape[i] != getExtentSize(targets[i])) {
      if (newSize.count(leader))
        return kernel.emitOpError()
               << "ties two of M, N and K together; they cannot be retiled "
                  "separately";
      newSize[leader] = shape[i];
      oldSize[leader] = getExtentSize(targets[i]);
    }
  }
  if (newSize.empty())
    return success();

  auto resize = [&](Value v, ArrayRef<int64_t> old) {
    SmallVector<int64_t> dims(old);
    for (unsigned d = 0; d < dims.size(); ++d) {
      auto it = newSize.find(classes.leader({v, d}));
      if (it != newSize.end())
        dims[d] = it->second;
    }
    return dims;
  };

  // Literal offsets would keep the old tile shape: refuse them.
  auto literalSize = [&](Value coord, Extent extent) -> std::optional<int64_t> {
    auto it = oldSize.find(classes.leader(extent));
    if (it == oldSize.end())
      return std::nullopt;
    Operation *def = coord.getDefiningOp();
    if (!isa_and_nonnull<arith::MulIOp>(def))
      return std::nullopt;
    for (Value operand : def->getOperands()) {
      APInt c;
      if (matchPattern(operand, m_ConstantInt(&c)) &&
          c.getSExtValue() == it->second)
        return it->second;
    }
    return std::nullopt;
  };
  WalkResult literals = kernel.walk([&](Operation *op) -> WalkResult {
    for (OpOperand &use : op->getOpOperands())
      if (std::optional<Extent> e = coordinateExtent(use))
        if (std::optional<int64_t> size = literalSize(use.get(), *e))
          return op->emitOpError()
                 << "is offset by a literal multiple of " << *size
                 << ", a tile extent retiling changes; compute the offset "
                    "with tile.block_dim";
    return WalkResult::advance();
  });
  if (literals.wasInterrupted())
    return failure();
  ArrayRef<Attribute> grid;
  if (std::optional<ArrayAttr> rule = kernel.getGrid())
    grid = rule->getValue();
  for (Attribute a : grid) {
    auto e = cast<GridExtentAttr>(a);
    if (e.isConstant())
      continue;
    Value arg = kernel.getBody().getArgument(*e.getArg());
    if (!e.getDim()) {
      // A count of tiles made from a scalar by a literal divisor: whether
      // that divisor is a tile extent cannot be told.
      if (e.getDiv() && *e.getDiv() > 1)
        return kernel.emitOpError()
               << "divides argument #" << *e.getArg() << " by " << *e.getDiv()
               << " in its grid; retiling cannot tell whether that is a "
                  "tile extent";
      continue;
    }
    Extent extent = {arg, unsigned(*e.getDim())};
    // Without a divisor the grid divides by the descriptor's block, which
    // follows the tile only where loads or stores tie it to one.
    if (!e.getDiv() && !classes.isKnown(extent))
      return kernel.emitOpError()
             << "counts its grid in blocks of argument #" << *e.getArg()
             << ", which no tile.load or tile.store moves; retiling cannot "
                "tell whether those blocks follow the tile";
    if (!e.getDiv())
      continue;
    auto it = oldSize.find(classes.leader(extent));
    if (it != oldSize.end())
      return kernel.emitOpError()
             << "divides its grid by " << *e.getDiv()
             << ", a tile extent retiling changes; write the grid as "
                "%desc[dim] so that it follows the tile";
  }
  if (failed(checkMeaningKept(kernel, classes, oldSize)))
    return failure();

  // Retype the descriptors, then every tile.
  Block &body = kernel.getBody().front();
  SmallVector<Type> inputs;
  for (BlockArgument arg : body.getArguments()) {
    if (auto desc = dyn_cast<DescType>(arg.getType()))
      arg.setType(DescType::get(kernel.getContext(),
                                resize(arg, desc.getBlockShape()),
                                desc.getElementType()));
    inputs.push_back(arg.getType());
  }
  kernel.setFunctionType(
      FunctionType::get(kernel.getContext(), inputs, TypeRange()));
  SmallVector<Value> tiles;
  kernel.walk([&](Operation *op) {
    for (Region &r : op->getRegions())
      for (Block &b : r)
        for (BlockArgument arg : b.getArguments())
          if (isTile(arg))
            tiles.push_back(arg);
    for (Value v : op->getResults())
      if (isTile(v))
        tiles.push_back(v);
  });
  for (Value v : tiles) {
    auto type = cast<RankedTensorType>(v.getType());
    auto retyped = RankedTensorType::get(resize(v, type.getShape()),
                                         type.getElementType(),
                                         type.getEncoding());
    if (retyped == type)
      continue;
    if (auto constant = v.getDefiningOp<arith::ConstantOp>()) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense || !dense.isSplat())
        return constant.emitOpError()
               << "is a constant tile that is not a splat; it cannot change "
                  "shape";
      constant.setValueAttr(dense.resizeSplat(retyped));
    }
    v.setType(retyped);
  }
  return success();
}

} // namespace
