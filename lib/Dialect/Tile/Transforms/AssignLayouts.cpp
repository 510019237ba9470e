//===- AssignLayouts.cpp - give every tile a distributed layout -----------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Layouts spread from anchors along the ops that relate them:
// - tensor-core results (tile.dot, tile.mma) and their accumulators take the
//   wgmma accumulator layout of the role's warp groups;
// - element-wise ops, scf.for/scf.if/scf.yield and aref payloads tie their
//   tiles to one layout;
// - tile.broadcast ties its input to the slice of its result's layout, and
//   tile.reduce its result to the slice of its input's layout;
// - tile.extract_slice keeps its input's layout (its verifier then asks that
//   each thread already hold its part of the result).
// Tiles that no anchor reaches get a blocked layout for their shape, which
// then spreads the same way. A tile that two rules would give different
// layouts is an error at the op that joins them.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/MathExtras.h"

#define DEBUG_TYPE "tile-assign-layouts"

namespace kiln::tile {
#define GEN_PASS_DEF_TILEASSIGNLAYOUTSPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln::tile;

namespace {

/// Narrowest element, in bytes, of the tiles a region moves through global
/// memory: runs of 16 bytes of it make the widest accesses.
int64_t getNarrowestMemoryElement(Region &region) {
  int64_t bytes = 4;
  region.walk([&](Operation *op) {
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

bool isTile(Value v) { return isa<RankedTensorType>(v.getType()); }

/// Spreads layouts over the tiles of one group of threads: a kernel that is
/// not warp-specialized, or one role of one that is.
class LayoutAssigner {
public:
  LayoutAssigner(Region &region, int64_t numWarps)
      : region(region), numWarps(numWarps),
        vectorElems(16 / getNarrowestMemoryElement(region)) {}

  LogicalResult run() {
    // Tensor-core accumulators first: their layout is fixed by the hardware.
    WalkResult anchors = region.walk([&](Operation *op) {
      if (!isa<DotOp, MmaOp>(op))
        return WalkResult::advance();
      if (numWarps % 4 != 0) {
        op->emitOpError() << "runs on " << numWarps
                          << " warps; tensor cores need whole warp groups";
        return WalkResult::interrupt();
      }
      auto mma = MmaLayoutAttr::get(op->getContext(), numWarps / 4);
      if (failed(assign(op->getResult(0), mma, op)))
        return WalkResult::interrupt();
      // wgmma reads an A in registers as an accumulator of its rows is laid
      // out (attention's P·V takes P as the previous dot left it).
      if (auto mmaOp = dyn_cast<MmaOp>(op))
        if (isTile(mmaOp.getA()) && failed(assign(mmaOp.getA(), mma, op)))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (anchors.wasInterrupted() || failed(spread()))
      return failure();
    // Then blocked layouts for whatever is left, one value at a time so that
    // each choice spreads before the next.
    SmallVector<std::pair<Value, Operation *>> all;
    region.walk([&](Operation *op) {
      for (Region &r : op->getRegions())
        for (Block &block : r)
          for (BlockArgument arg : block.getArguments())
            if (isTile(arg))
              all.push_back({arg, op});
      for (Value result : op->getResults())
        if (isTile(result))
          all.push_back({result, op});
    });
    for (auto [value, op] : all) {
      if (layouts.count(value))
        continue;
      FailureOr<Attribute> blocked = getBlocked(value, op);
      if (failed(blocked) || failed(assign(value, *blocked, op)) ||
          failed(spread()))
        return failure();
    }
    return apply();
  }

private:
  FailureOr<Attribute> getBlocked(Value value, Operation *where) {
    auto type = cast<RankedTensorType>(value.getType());
    for (int64_t d : type.getShape())
      if (!llvm::isPowerOf2_64(d))
        return where->emitOpError()
               << "has a tile of shape " << type
               << "; tiles held in registers need power-of-two dimensions";
    if (type.getRank() == 0)
      return where->emitOpError() << "has a rank-0 tile, which has no layout "
                                     "yet; reduce into a 1-element tile";
    return Attribute(getDefaultBlockedLayout(
        value.getContext(), type.getShape(), numWarps, vectorElems));
  }

  /// Records `layout` for `value`; an error if it already has another.
  LogicalResult assign(Value value, Attribute layout, Operation *where) {
    auto [it, inserted] = layouts.try_emplace(value, layout);
    if (inserted) {
      changed = true;
      return success();
    }
    if (it->second == layout)
      return success();
    return where->emitOpError()
           << "needs one tile in two layouts, " << it->second << " and "
           << layout << "; converting between them is not supported yet";
  }

  /// Ties values to one layout if any of them has one.
  LogicalResult tie(ArrayRef<Value> values, Operation *where) {
    Attribute known;
    for (Value v : values)
      if (auto it = layouts.find(v); it != layouts.end())
        known = it->second;
    if (!known)
      return success();
    for (Value v : values)
      if (failed(assign(v, known, where)))
        return failure();
    return success();
  }

  LogicalResult visit(Operation *op) {
    if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      if (broadcast.getDims().size() != 1)
        return success();
      int64_t dim = broadcast.getDims()[0];
      auto it = layouts.find(broadcast.getResult());
      if (it != layouts.end())
        return assign(broadcast.getInput(),
                      SliceLayoutAttr::get(op->getContext(), dim,
                                           cast<DistributedLayoutAttr>(
                                               it->second)),
                      op);
      auto in = layouts.find(broadcast.getInput());
      if (in != layouts.end())
        if (auto slice = dyn_cast<SliceLayoutAttr>(in->second);
            slice && slice.getDim() == dim)
          return assign(broadcast.getResult(), slice.getParent(), op);
      return success();
    }
    if (auto reduce = dyn_cast<ReduceOp>(op)) {
      auto in = layouts.find(reduce.getInput());
      if (in != layouts.end())
        return assign(reduce.getResult(),
                      SliceLayoutAttr::get(
                          op->getContext(), reduce.getDim(),
                          cast<DistributedLayoutAttr>(in->second)),
                      op);
      auto out = layouts.find(reduce.getResult());
      if (out != layouts.end())
        if (auto slice = dyn_cast<SliceLayoutAttr>(out->second);
            slice && slice.getDim() == static_cast<int64_t>(reduce.getDim()))
          return assign(reduce.getInput(), slice.getParent(), op);
      return success();
    }
    if (auto slice = dyn_cast<ExtractSliceOp>(op))
      return tie({slice.getInput(), slice.getResult()}, op);
    if (auto dot = dyn_cast<DotOp>(op))
      return tie({dot.getAcc(), dot.getResult()}, op);
    if (auto mma = dyn_cast<MmaOp>(op))
      return tie({mma.getAcc(), mma.getResult()}, op);
    if (auto wait = dyn_cast<MmaWaitOp>(op))
      return tie({wait.getAcc(), wait.getResult()}, op);
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      for (auto [init, arg, result, yielded] :
           llvm::zip(loop.getInitArgs(), loop.getRegionIterArgs(),
                     loop.getResults(), loop.getYieldedValues()))
        if (isTile(init) &&
            failed(tie({init, arg, result, yielded}, op)))
          return failure();
      return success();
    }
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      for (auto [i, result] : llvm::enumerate(ifOp.getResults())) {
        if (!isTile(result))
          continue;
        SmallVector<Value> tied = {result};
        for (Region *r : {&ifOp.getThenRegion(), &ifOp.getElseRegion()})
          if (!r->empty())
            tied.push_back(r->front().getTerminator()->getOperand(i));
        if (failed(tie(tied, op)))
          return failure();
      }
      return success();
    }
    // Element-wise arith and math ops: all their tiles share a layout.
    if (op->hasTrait<OpTrait::Elementwise>()) {
      SmallVector<Value> tiles;
      for (Value v : op->getOperands())
        if (isTile(v))
          tiles.push_back(v);
      for (Value v : op->getResults())
        if (isTile(v))
          tiles.push_back(v);
      return tie(tiles, op);
    }
    return success();
  }

  /// Applies the rules until nothing changes.
  LogicalResult spread() {
    while (changed) {
      changed = false;
      WalkResult result = region.walk([&](Operation *op) {
        return failed(visit(op)) ? WalkResult::interrupt()
                                 : WalkResult::advance();
      });
      if (result.wasInterrupted())
        return failure();
    }
    return success();
  }

  /// Writes the layouts into the types.
  /// The tiles in program order: errors then name the first tile the
  /// program shows, the same one every run (the map's order is by address).
  SmallVector<Value> tilesInOrder() {
    SmallVector<Value> order;
    llvm::DenseSet<Value> seen;
    auto add = [&](Value v) {
      if (layouts.count(v) && seen.insert(v).second)
        order.push_back(v);
    };
    for (Block &block : region)
      for (BlockArgument arg : block.getArguments())
        add(arg);
    region.walk<WalkOrder::PreOrder>([&](Operation *op) {
      for (Value v : op->getResults())
        add(v);
      for (Region &r : op->getRegions())
        for (Block &block : r)
          for (BlockArgument arg : block.getArguments())
            add(arg);
    });
    for (auto &entry : layouts)
      add(entry.first);
    return order;
  }

  LogicalResult apply() {
    for (Value value : tilesInOrder()) {
      Attribute layout = layouts.lookup(value);
      auto type = cast<RankedTensorType>(value.getType());
      auto distributed = cast<DistributedLayoutAttr>(layout);
      // Canonicalization merges constants into ones without a location.
      Operation *where = value.getDefiningOp()
                             ? value.getDefiningOp()
                             : value.getParentBlock()->getParentOp();
      if (failed(distributed.verifyShape(
              type.getShape(), [&] { return emitLocatedOpError(where); })))
        return failure();
      RankedTensorType laidOut = withLayout(type, layout);
      value.setType(laidOut);
      // A constant's value carries its type too.
      if (auto constant = value.getDefiningOp<arith::ConstantOp>())
        if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
          constant.setValueAttr(dense.reshape(laidOut));
    }
    return success();
  }

  Region &region;
  int64_t numWarps;
  int64_t vectorElems;
  llvm::DenseMap<Value, Attribute> layouts;
  bool changed = false;
};

/// Gives each role its own copy of the tile constants defined above it
/// (canonicalization hoists them), so that each role lays them out for its
/// own threads.
void sinkConstantsIntoRoles(WarpSpecializeOp ws) {
  for (Region &role : ws.getRoles()) {
    if (role.empty())
      continue;
    SmallVector<OpOperand *> uses;
    role.walk([&](Operation *op) {
      for (OpOperand &use : op->getOpOperands()) {
        auto constant = use.get().getDefiningOp<arith::ConstantOp>();
        if (constant && isTile(use.get()) &&
            !role.isAncestor(constant->getParentRegion()))
          uses.push_back(&use);
      }
    });
    OpBuilder b = OpBuilder::atBlockBegin(&role.front());
    llvm::DenseMap<Operation *, Value> copies;
    for (OpOperand *use : uses) {
      Operation *constant = use->get().getDefiningOp();
      Value &copy = copies[constant];
      if (!copy)
        copy = b.clone(*constant)->getResult(0);
      use->set(copy);
    }
  }
  // The originals are dead once every role has its copy.
  auto kernel = ws->getParentOfType<KernelOp>();
  for (auto constant :
       llvm::make_early_inc_range(kernel.getBody().getOps<arith::ConstantOp>()))
    if (isTile(constant.getResult()) && constant->use_empty())
      constant->erase();
}

class TileAssignLayoutsPass final
    : public kiln::tile::impl::TileAssignLayoutsPassBase<
          TileAssignLayoutsPass> {
public:
  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<KernelOp>()) {
      auto roles = kernel.getBody().getOps<WarpSpecializeOp>();
      if (roles.empty()) {
        if (failed(LayoutAssigner(kernel.getBody(), kernel.getNumWarpsOrDefault())
                       .run()))
          return signalPassFailure();
        continue;
      }
      for (WarpSpecializeOp ws : roles) {
        sinkConstantsIntoRoles(ws);
        for (auto [region, warps] : llvm::zip(ws.getRoles(), ws.getWarps()))
          if (failed(LayoutAssigner(region, warps).run()))
            return signalPassFailure();
      }
    }
  }
};

} // namespace
