//===- WarpSpecialize.cpp - split tile programs into producer and consumers ===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Task-aware partitioning: the loads that feed tensor-core operands (and the
// address arithmetic and loop control they need) go to a producer role;
// everything else goes to the consumer role. Arefs carry the loaded tiles.
//
// The consumer keeps the original program, with each group of loads replaced
// by an aref.get. The producer is a copy of the program from which all but
// the loads, their address arithmetic and their control flow is pruned.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "kiln/Dialect/Tile/IR/HopperLimits.h"
#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"

#define DEBUG_TYPE "tile-warp-specialize"

namespace kiln::tile {
#define GEN_PASS_DEF_TILEWARPSPECIALIZEPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

namespace {

/// The loads of one block whose tiles feed tensor-core operands: they share
/// one aref.
struct LoadGroup {
  SmallVector<LoadOp> loads;
};

/// True if `use` is the A or B operand of a tile.dot.
bool isDotOperand(OpOperand &use) {
  return isa<DotOp>(use.getOwner()) && use.getOperandNumber() < 2;
}

/// Finds the loads that feed tile.dot operands, grouped by block in program
/// order. Fails (with a diagnostic) on a load that feeds a dot and something
/// else: its tile would be needed in registers too.
FailureOr<llvm::MapVector<Block *, LoadGroup>>
findTensorCoreLoads(KernelOp kernel) {
  llvm::MapVector<Block *, LoadGroup> groups;
  WalkResult result = kernel.walk([&](LoadOp load) {
    Value tile = load.getResult();
    if (llvm::none_of(tile.getUses(), isDotOperand))
      return WalkResult::advance();
    for (OpOperand &use : tile.getUses())
      if (!isDotOperand(use)) {
        load.emitOpError()
            << "feeds tile.dot and also " << use.getOwner()->getName()
            << "; a tile that the tensor cores read from shared memory cannot "
               "also be used in registers (load it twice)";
        return WalkResult::interrupt();
      }
    RankedTensorType type = load.getType();
    if (load.getDesc().getType().getReducedBlockShape(type.getRank()) !=
        type.getShape()) {
      load.emitOpError()
          << "feeds tile.dot with a part of its descriptor's block "
          << load.getDesc().getType().getTileType()
          << "; the TMA transfer moves whole blocks, so declare the "
             "descriptor with the tile's shape";
      return WalkResult::interrupt();
    }
    groups[load->getBlock()].loads.push_back(load);
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  return groups;
}

/// The last op of `block` that uses (directly or in a nested region) one of
/// `values`.
Operation *findLastUser(Block *block, ValueRange values) {
  Operation *last = nullptr;
  for (Value v : values)
    for (Operation *user : v.getUsers()) {
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (ancestor && (!last || last->isBeforeInBlock(ancestor)))
        last = ancestor;
    }
  return last;
}

/// Whether `op` may matter beyond the values it defines, for the pruning of
/// loop-carried state: it has memory effects, regions (whose conditions or
/// bounds the value may steer), or is a terminator other than `yield`.
bool mayMatter(Operation *op, Operation *yield) {
  if (op == yield)
    return false;
  return !isPure(op) || op->getNumRegions() != 0 ||
         op->hasTrait<OpTrait::IsTerminator>();
}

/// Makes the iter_args of `loop` that no live computation reads carry their
/// value through unchanged, so that canonicalization drops them and the
/// pure ops that computed them: an iter_arg is dead if the loop's result is
/// unused and what its value flows into (within the body) is pure and ends
/// in the yields of dead iter_args only. The consumer's math that the
/// producer's copy of a loop still carries (attention's running max and
/// sum) goes this way. Returns whether anything changed.
bool dropDeadIterArgs(scf::ForOp loop) {
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  unsigned n = loop.getNumRegionIterArgs();
  // Where each iter_arg's value flows within the body.
  SmallVector<SetVector<Operation *>> slices(n);
  for (unsigned i = 0; i < n; ++i)
    getForwardSlice(loop.getRegionIterArgs()[i], &slices[i]);
  SmallVector<bool> dead(n);
  for (unsigned i = 0; i < n; ++i)
    dead[i] = loop.getResult(i).use_empty() &&
              llvm::none_of(slices[i], [&](Operation *op) {
                return mayMatter(op, yield);
              });
  // A dead iter_arg must not feed a live one.
  for (bool changed = true; changed;) {
    changed = false;
    for (unsigned i = 0; i < n; ++i) {
      if (!dead[i] || !slices[i].contains(yield))
        continue;
      // Which yield operands the value reaches: those defined in its slice,
      // or the iter_arg itself.
      for (auto [j, v] : llvm::enumerate(yield.getOperands())) {
        Operation *def = v.getDefiningOp();
        bool reached = v == loop.getRegionIterArgs()[i] ||
                       (def && slices[i].contains(def));
        if (reached && !dead[j]) {
          dead[i] = false;
          changed = true;
          break;
        }
      }
    }
  }
  bool changed = false;
  for (unsigned i = 0; i < n; ++i) {
    Value arg = loop.getRegionIterArgs()[i];
    if (dead[i] && yield.getOperand(i) != arg) {
      yield.setOperand(i, arg);
      changed = true;
    }
  }
  return changed;
}

/// Removes everything the producer does not need: tensor-core math (a dot
/// passes its accumulator through, so loop-carried accumulators become dead
/// iter_args), stores, loop-carried state only that math read, and then
/// whatever is left without a use.
LogicalResult pruneProducer(Region &region) {
  SmallVector<Operation *> toErase;
  region.walk([&](Operation *op) {
    if (auto dot = dyn_cast<DotOp>(op)) {
      dot.getResult().replaceAllUsesWith(dot.getAcc());
      toErase.push_back(op);
    } else if (isa<StoreOp>(op)) {
      toErase.push_back(op);
    }
  });
  for (Operation *op : toErase)
    op->erase();

  MLIRContext *ctx = region.getContext();
  RewritePatternSet patterns(ctx);
  scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
  scf::IfOp::getCanonicalizationPatterns(patterns, ctx);
  FrozenRewritePatternSet frozen(std::move(patterns));
  GreedyRewriteConfig config;
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  // Loop results are unused once the ops reading them are gone; dropping an
  // inner loop's state can leave an outer loop's dead too.
  while (true) {
    if (failed(applyPatternsGreedily(region, frozen, config)))
      return failure();
    bool changed = false;
    region.walk([&](scf::ForOp loop) { changed |= dropDeadIterArgs(loop); });
    if (!changed)
      return success();
  }
}

/// Removes from the consumer what only the loads needed (their address
/// arithmetic).
LogicalResult pruneConsumer(Region &region) {
  RewritePatternSet patterns(region.getContext());
  GreedyRewriteConfig config;
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  return applyPatternsGreedily(region, std::move(patterns), config);
}

/// Two consumer warp groups, each taking 64 rows of a wgmma tile, when every
/// dot has rows in multiples of 128; one otherwise (a 64-row tile).
int64_t getDefaultConsumerGroups(KernelOp kernel) {
  bool split = true;
  kernel.walk([&](DotOp dot) {
    if (dot.getType().getShape()[0] % 128 != 0)
      split = false;
  });
  return split ? 2 : 1;
}

class TileWarpSpecializePass final
    : public kiln::tile::impl::TileWarpSpecializePassBase<
          TileWarpSpecializePass> {
public:
  using TileWarpSpecializePassBase::TileWarpSpecializePassBase;

  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<KernelOp>())
      if (failed(specialize(kernel)))
        return signalPassFailure();
  }

private:
  LogicalResult specialize(KernelOp kernel);
};

LogicalResult TileWarpSpecializePass::specialize(KernelOp kernel) {
  if (!kernel.getBody().getOps<WarpSpecializeOp>().empty())
    return success();
  FailureOr<llvm::MapVector<Block *, LoadGroup>> groups =
      findTensorCoreLoads(kernel);
  if (failed(groups))
    return failure();
  if (groups->empty())
    return success();

  int64_t numGroups =
      consumerGroups > 0 ? consumerGroups
                         : kernel.getConsumerGroups().value_or(
                               getDefaultConsumerGroups(kernel));
  if (numGroups < 1 || numGroups > 4)
    return kernel.emitOpError()
           << "consumer-groups must be 1 to 4, got " << numGroups;
  int64_t consumerRegs = consumerRegisters;
  if (consumerRegs == 0) {
    consumerRegs = hopper::getConsumerRegisters(
        hopper::kThreadsPerGroup, producerRegisters, numGroups);
  }

  MLIRContext *ctx = kernel.getContext();
  Block &body = kernel.getBody().front();
  Operation *terminator = body.getTerminator();
  OpBuilder b(ctx);
  b.setInsertionPointToStart(&body);
  Location loc = kernel.getLoc();

  // One aref per group; partitioning leaves depth 1, aref-pipeline picks it.
  DenseMap<Block *, Value> refs;
  for (auto &[block, group] : *groups) {
    SmallVector<Type> payload;
    for (LoadOp load : group.loads)
      payload.push_back(load.getType());
    auto type = aref::RefType::get(ctx, payload, /*depth=*/1);
    refs[block] = aref::CreateOp::create(b, group.loads.front().getLoc(), type,
                                         b.getI64IntegerAttr(numGroups));
  }

  auto ws = WarpSpecializeOp::create(
      b, loc,
      b.getDenseI32ArrayAttr(
          {static_cast<int32_t>(hopper::kWarpsPerGroup),
           static_cast<int32_t>(hopper::kWarpsPerGroup * numGroups)}),
      b.getDenseI32ArrayAttr({static_cast<int32_t>(producerRegisters),
                              static_cast<int32_t>(consumerRegs)}),
      /*numRoles=*/2);
  Block *producer = new Block();
  Block *consumer = new Block();
  ws.getRoles()[0].push_back(producer);
  ws.getRoles()[1].push_back(consumer);

  // The consumer gets the program; the producer a copy to prune.
  for (Operation &op :
       llvm::make_early_inc_range(llvm::make_range(
           std::next(ws->getIterator()), terminator->getIterator())))
    op.moveBefore(consumer, consumer->end());
  IRMapping mapping;
  b.setInsertionPointToStart(producer);
  for (Operation &op : *consumer)
    b.clone(op, mapping);

  for (auto &[block, group] : *groups) {
    Value ref = refs[block];
    LoadOp first = group.loads.front();
    // The consumer's loads are erased below, the first among them.
    Location loc = first.getLoc();

    // Producer: publish the group's tiles after its last load.
    SmallVector<Value> tiles;
    Operation *lastLoad = nullptr;
    for (LoadOp load : group.loads) {
      Operation *clone = mapping.lookup(load.getOperation());
      tiles.push_back(clone->getResult(0));
      if (!lastLoad || lastLoad->isBeforeInBlock(clone))
        lastLoad = clone;
    }
    b.setInsertionPointAfter(lastLoad);
    aref::PutOp::create(b, loc, ref, tiles);

    // Consumer: take the tiles where they were loaded, give the slot back
    // after their last use.
    b.setInsertionPoint(first);
    SmallVector<Type> types;
    for (LoadOp load : group.loads)
      types.push_back(load.getType());
    auto get = aref::GetOp::create(b, loc, types, ref);
    for (auto [load, value] : llvm::zip(group.loads, get.getValues())) {
      load.getResult().replaceAllUsesWith(value);
      load.erase();
    }
    Operation *lastUse = findLastUser(get->getBlock(), get.getValues());
    b.setInsertionPointAfter(lastUse ? lastUse : get.getOperation());
    aref::ConsumedOp::create(b, loc, ref);
  }

  if (failed(pruneProducer(ws.getRoles()[0])) ||
      failed(pruneConsumer(ws.getRoles()[1])))
    return kernel.emitOpError() << "could not simplify the partitioned roles";
  return success();
}

} // namespace
