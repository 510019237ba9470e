//===- Pipeline.cpp - depth, slots, phases and async MMA for arefs --------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Moves a warp-specialized kernel from the value level of the aref dialect to
// the lowering level, and pipelines it at two granularities: aref depth
// (coarse) and asynchronous MMA overlap in the consumer (fine).
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Aref/Transforms/Passes.h"
#include "kiln/Dialect/Tile/IR/HopperLimits.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <optional>

#define DEBUG_TYPE "aref-pipeline"

namespace kiln::aref {
#define GEN_PASS_DEF_AREFPIPELINEPASS
#include "kiln/Dialect/Aref/Transforms/Passes.h.inc"
} // namespace kiln::aref

using namespace mlir;
using namespace kiln;
using namespace kiln::aref;

namespace {

/// Arefs deeper than this buy nothing: the producer is never that far ahead.
constexpr int64_t kMaxAutoDepth = 8;

Value i32Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 32);
}

/// True if some op under `op` uses `ref`.
bool usesRef(Operation *op, Value ref) {
  return op
      ->walk([&](Operation *inner) {
        return getArefOperand(inner) == ref ? WalkResult::interrupt()
                                            : WalkResult::advance();
      })
      .wasInterrupted();
}

/// The slot and the phase of the use counted by `counter` (i32): slot
/// `n mod depth`, parity `(n / depth) & 1`, flipped for the producer, whose
/// first wait on an empty slot must pass at once.
std::pair<Value, Value> emitSlotAndPhase(OpBuilder &b, Location loc,
                                         Value counter, int64_t depth,
                                         bool producer) {
  Value d = i32Const(b, loc, depth);
  Value slot = arith::RemUIOp::create(b, loc, counter, d);
  Value round = arith::DivUIOp::create(b, loc, counter, d);
  Value phase = arith::AndIOp::create(b, loc, round, i32Const(b, loc, 1));
  if (producer)
    phase = arith::XOrIOp::create(b, loc, phase, i32Const(b, loc, 1));
  return {slot, phase};
}

Value increment(OpBuilder &b, Location loc, Value counter) {
  return arith::AddIOp::create(b, loc, counter, i32Const(b, loc, 1));
}

/// Rewrites one value-level aref op of a role; returns the counter after it.
using Visitor = function_ref<FailureOr<Value>(Operation *, Value)>;

/// Walks the ops of `block` in order, handing each aref op on `ref` to
/// `visit` with the count of that role's uses of `ref` so far, and threads
/// the count through the scf.for loops that contain such ops. `held`, where
/// given, is what the visitor remembers across ops (the slots a consumer
/// holds): both branches of an scf.if start from it as it was before, and
/// must end holding as many.
FailureOr<Value> threadCounter(IRRewriter &rewriter, Block &block, Value ref,
                               Value counter, Visitor visit,
                               SmallVectorImpl<Value> *held = nullptr) {
  SmallVector<Operation *> ops;
  for (Operation &op : block)
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (getArefOperand(op) == ref) {
      FailureOr<Value> next = visit(op, counter);
      if (failed(next))
        return failure();
      counter = *next;
      continue;
    }
    if (op->getNumRegions() == 0 || !usesRef(op, ref))
      continue;
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      // Each branch counts on from `counter`; the if yields the count.
      rewriter.setInsertionPoint(ifOp);
      SmallVector<Type> types(ifOp.getResultTypes());
      types.push_back(counter.getType());
      auto widened = scf::IfOp::create(rewriter, ifOp.getLoc(), types,
                                       ifOp.getCondition(),
                                       /*withElseRegion=*/true);
      widened.getThenRegion().takeBody(ifOp.getThenRegion());
      if (!ifOp.getElseRegion().empty()) {
        widened.getElseRegion().takeBody(ifOp.getElseRegion());
      } else {
        rewriter.setInsertionPointToStart(&widened.getElseRegion().front());
        scf::YieldOp::create(rewriter, ifOp.getLoc());
      }
      SmallVector<Value> before;
      if (held)
        before.assign(held->begin(), held->end());
      std::optional<size_t> heldAfter;
      for (Region *branch :
           {&widened.getThenRegion(), &widened.getElseRegion()}) {
        if (held)
          held->assign(before.begin(), before.end());
        Block &block = branch->front();
        FailureOr<Value> inner =
            threadCounter(rewriter, block, ref, counter, visit, held);
        if (failed(inner))
          return failure();
        Operation *yield = block.getTerminator();
        yield->insertOperands(yield->getNumOperands(), {*inner});
        if (held) {
          size_t now = held->size();
          if (heldAfter && *heldAfter != now)
            return widened.emitOpError()
                   << "holds " << *heldAfter << " slot(s) after one branch and "
                   << now << " after the other";
          heldAfter = now;
        }
      }
      rewriter.replaceOp(ifOp, widened.getResults().drop_back());
      counter = widened.getResults().back();
      continue;
    }
    auto loop = dyn_cast<scf::ForOp>(op);
    if (!loop)
      return op->emitOpError()
             << "holds aref operations; only scf.for loops and scf.if may "
                "hold them, so that every role counts slots the same way";
    rewriter.setInsertionPoint(loop);
    FailureOr<LoopLikeOpInterface> widened =
        cast<LoopLikeOpInterface>(loop.getOperation())
            .replaceWithAdditionalIterOperands(rewriter, {counter},
                                               /*replaceInitOperandUsesInLoop=*/
                                               false);
    if (failed(widened))
      return failure();
    auto newLoop = cast<scf::ForOp>(widened->getOperation());
    Block *body = newLoop.getBody();
    FailureOr<Value> inner = threadCounter(
        rewriter, *body, ref, body->getArguments().back(), visit, held);
    if (failed(inner))
      return failure();
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    yield->setOperand(yield->getNumOperands() - 1, *inner);
    counter = newLoop->getResults().back();
  }
  return counter;
}

//===----------------------------------------------------------------------===//
// Ping-pong consumers
//===----------------------------------------------------------------------===//


/// The loop of `role` over the CTA's tiles: the one op of the role's block
/// that holds aref operations, an scf.for. Null if there is none or more.
scf::ForOp findTileLoop(Region &role, ArrayRef<Value> refs) {
  scf::ForOp found;
  for (Operation &op : role.front()) {
    if (!llvm::any_of(refs, [&](Value ref) { return usesRef(&op, ref); }))
      continue;
    auto loop = dyn_cast<scf::ForOp>(op);
    if (!loop || found)
      return {};
    found = loop;
  }
  return found;
}

/// Checks that every aref operation of the consumer `role` runs a number of
/// times per tile that is known before the tile loop: directly in the tile
/// loop, or in a loop directly inside it whose bounds do not depend on the
/// tile.
LogicalResult checkTurnTaking(tile::KernelOp kernel, Region &role,
                              ArrayRef<Value> refs) {
  scf::ForOp tiles = findTileLoop(role, refs);
  if (!tiles)
    return kernel.emitOpError()
           << "cannot take ping-pong turns: the consumer's aref operations "
              "are not all inside one loop over the CTA's tiles";
  if (tiles.getNumResults() != 0)
    return tiles.emitOpError()
           << "cannot take ping-pong turns: the loop over the tiles carries "
              "values from one tile to the next";
  WalkResult result = tiles.getBody()->walk([&](Operation *op) {
    if (!getArefOperand(op))
      return WalkResult::advance();
    Operation *parent = op->getParentOp();
    if (parent == tiles)
      return WalkResult::advance();
    auto inner = dyn_cast<scf::ForOp>(parent);
    if (inner && inner->getParentOp() == tiles &&
        tiles.isDefinedOutsideOfLoop(inner.getLowerBound()) &&
        tiles.isDefinedOutsideOfLoop(inner.getUpperBound()) &&
        tiles.isDefinedOutsideOfLoop(inner.getStep()))
      return WalkResult::advance();
    op->emitOpError()
        << "cannot take ping-pong turns: each consumer must know how many "
           "slots a tile takes before it starts, so aref operations must be "
           "in the tile loop or in a loop directly inside it with bounds "
           "that do not depend on the tile";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

/// Trip count of `loop` as an i32, computed at `b`'s insertion point.
Value emitTripCount(OpBuilder &b, Location loc, scf::ForOp loop) {
  // Bounds of any integer type; tile programs count in i32.
  auto asI32 = [&](Value v) -> Value {
    Type i32 = b.getI32Type();
    if (v.getType().isIndex())
      return arith::IndexCastOp::create(b, loc, i32, v);
    unsigned width = v.getType().getIntOrFloatBitWidth();
    if (width > 32)
      return arith::TruncIOp::create(b, loc, i32, v);
    if (width < 32)
      return loop.getUnsignedCmp()
                 ? Value(arith::ExtUIOp::create(b, loc, i32, v))
                 : Value(arith::ExtSIOp::create(b, loc, i32, v));
    return v;
  };
  Value lb = asI32(loop.getLowerBound()), ub = asI32(loop.getUpperBound());
  Value step = asI32(loop.getStep());
  Value span = arith::SubIOp::create(b, loc, ub, lb);
  Value up = arith::AddIOp::create(
      b, loc, span, arith::SubIOp::create(b, loc, step, i32Const(b, loc, 1)));
  Value trips = loop.getUnsignedCmp()
                    ? Value(arith::DivUIOp::create(b, loc, up, step))
                    : Value(arith::DivSIOp::create(b, loc, up, step));
  Value any = arith::CmpIOp::create(
      b, loc,
      loop.getUnsignedCmp() ? arith::CmpIPredicate::ugt
                            : arith::CmpIPredicate::sgt,
      ub, lb);
  return arith::SelectOp::create(b, loc, any, trips, i32Const(b, loc, 0));
}

/// Puts each loop of the consumer `role` that accumulates tiles from the
/// arefs `refs` under `scf.if (lb < ub)`, with the loop's initial values in
/// the else branch. Token handoffs (aref ops on `tokens`) that directly
/// follow the loop go into both branches. A loop that may run zero times
/// would otherwise leave its initial accumulator (zeros) flowing around the
/// loop to the wait that ends the last wgmma; ptxas treats that as a
/// register write inside the wgmma pipeline and serializes every wgmma of
/// the kernel (C7515). Under the guard, LLVM drops the loop's own zero-trip
/// test and the zeros reach the epilogue only through the else branch.
void guardAccumulatingLoops(OpBuilder &b, Region &role, ArrayRef<Value> refs,
                            ArrayRef<Value> tokens) {
  SmallVector<scf::ForOp> loops;
  role.walk([&](scf::ForOp loop) {
    bool accumulates = llvm::any_of(loop.getResultTypes(), [](Type t) {
      return isa<RankedTensorType>(t);
    });
    bool gets = llvm::any_of(loop.getBody()->getOperations(),
                             [&](Operation &op) {
                               return isa<GetOp>(op) &&
                                      llvm::is_contained(refs,
                                                         getArefOperand(&op));
                             });
    if (accumulates && gets)
      loops.push_back(loop);
  });
  for (scf::ForOp loop : loops) {
    Location loc = loop.getLoc();
    SmallVector<Operation *> handoff;
    for (Operation *op = loop->getNextNode(); op && isa<ConsumedOp, PutOp>(op);
         op = op->getNextNode()) {
      if (!llvm::is_contained(tokens, getArefOperand(op)))
        break;
      handoff.push_back(op);
    }
    b.setInsertionPoint(loop);
    Value ran = arith::CmpIOp::create(
        b, loc,
        loop.getUnsignedCmp() ? arith::CmpIPredicate::ult
                              : arith::CmpIPredicate::slt,
        loop.getLowerBound(), loop.getUpperBound());
    auto guard = scf::IfOp::create(b, loc, loop.getResultTypes(), ran,
                                   /*withElseRegion=*/true);
    loop->replaceAllUsesWith(guard.getResults());
    b.setInsertionPointToStart(&guard.getElseRegion().front());
    for (Operation *op : handoff)
      b.clone(*op);
    scf::YieldOp::create(b, loc, loop.getInitArgs());
    b.setInsertionPointToStart(&guard.getThenRegion().front());
    auto yield = scf::YieldOp::create(b, loc, loop.getResults());
    loop->moveBefore(yield);
    for (Operation *op : handoff)
      op->moveBefore(yield);
  }
}

class ArefPipelinePass final
    : public kiln::aref::impl::ArefPipelinePassBase<ArefPipelinePass> {
public:
  using ArefPipelinePassBase::ArefPipelinePassBase;

  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<tile::KernelOp>()) {
      // Collected first: ping-pong replaces the op.
      SmallVector<tile::WarpSpecializeOp> all(
          kernel.getBody().getOps<tile::WarpSpecializeOp>());
      for (tile::WarpSpecializeOp ws : all)
        if (failed(pipeline(kernel, ws)))
          return signalPassFailure();
    }
  }

private:
  LogicalResult pipeline(tile::KernelOp kernel, tile::WarpSpecializeOp ws);
  void chooseDepths(tile::KernelOp kernel, ArrayRef<CreateOp> creates,
                    tile::WarpSpecializeOp ws, int64_t reservedBytes);
  LogicalResult rewriteProducer(IRRewriter &rewriter, Region &role,
                                Value ref);
  /// Where each tile a role took from an aref lives once lowered.
  using BufferMap = llvm::DenseMap<Value, Value>;
  LogicalResult rewriteConsumer(IRRewriter &rewriter, Region &role, Value ref,
                                BufferMap &buffers);
  LogicalResult rewriteDots(IRRewriter &rewriter, Region &role,
                            BufferMap &buffers);
  void overlapMma(IRRewriter &rewriter, Region &role, Value ref,
                  Value signal);
  FailureOr<tile::WarpSpecializeOp>
  splitConsumers(tile::KernelOp kernel, tile::WarpSpecializeOp ws,
                 ArrayRef<CreateOp> creates,
                 SmallVectorImpl<CreateOp> &tokens);
  void takeTurn(IRRewriter &rewriter, Region &role, Value ref, int64_t turn);
  void interleaveTiles(IRRewriter &rewriter, Region &role,
                       ArrayRef<Value> refs, int64_t turn);
};

LogicalResult ArefPipelinePass::pipeline(tile::KernelOp kernel,
                                         tile::WarpSpecializeOp ws) {
  // Arefs already at the lowering level (written so, or pipelined before)
  // keep their slots and phases.
  SmallVector<CreateOp> creates;
  for (auto create : kernel.getBody().getOps<CreateOp>())
    if (llvm::any_of(create->getUsers(), [](Operation *user) {
          return isa<PutOp, GetOp, ConsumedOp>(user);
        }))
      creates.push_back(create);
  if (creates.empty())
    return success();
  bool pingpongHere = pingpong || kernel.getPingpong();
  SmallVector<CreateOp> tokens;
  if (pingpongHere) {
    FailureOr<tile::WarpSpecializeOp> split =
        splitConsumers(kernel, ws, creates, tokens);
    if (failed(split))
      return failure();
    ws = *split;
  }
  // Tiles staged for TMA stores take shared memory beside the slots; the
  // kernel's attribute carries the choice to convert-tile-to-nvvm.
  // The option, where given, overrides the attribute.
  bool staged = tmaStore < 0 ? kernel.getTmaStore() : tmaStore > 0;
  kernel.setTmaStore(staged);
  int64_t staging = staged ? tile::getTmaStoreStagingBytes(ws) : 0;
  chooseDepths(kernel, creates, ws, staging);

  // The arefs that carry tiles; the turn-taking tokens come after them.
  SmallVector<Value> refs;
  for (CreateOp create : creates)
    refs.push_back(create.getRef());
  SmallVector<CreateOp> all(creates);
  all.append(tokens.begin(), tokens.end());
  IRRewriter rewriter(kernel.getContext());
  SmallVector<Value> tokenRefs;
  for (CreateOp token : tokens)
    tokenRefs.push_back(token.getRef());
  for (auto [index, role] : llvm::enumerate(ws.getRoles())) {
    if (role.empty())
      continue;
    // With ping-pong, roles 1 and 2 are the consumers taking turns 0 and 1.
    int64_t turn = pingpongHere ? static_cast<int64_t>(index) - 1 : -1;
    guardAccumulatingLoops(rewriter, role, refs, tokenRefs);
    SmallVector<Value> consumed;
    BufferMap buffers;
    for (CreateOp create : all) {
      Value ref = create.getRef();
      bool token = !llvm::is_contained(refs, ref);
      bool puts = false, gets = false;
      role.walk([&](Operation *op) {
        if (getArefOperand(op) != ref)
          return;
        puts |= isProducerOp(op);
        gets |= isConsumerOp(op);
      });
      if (puts && failed(rewriteProducer(rewriter, role, ref)))
        return failure();
      if (gets) {
        if (failed(rewriteConsumer(rewriter, role, ref, buffers)))
          return failure();
        if (token)
          continue;
        if (turn >= 0)
          takeTurn(rewriter, role, ref, turn);
        consumed.push_back(ref);
      }
    }
    if (consumed.empty())
      continue;
    if (turn >= 0)
      interleaveTiles(rewriter, role, refs, turn);
    if (failed(rewriteDots(rewriter, role, buffers)))
      return failure();
    // A ping-pong consumer hands the tensor cores over once its last MMA is
    // issued, before it waits for the MMAs to retire.
    Value signal = turn >= 0 ? tokens[turn].getRef() : Value();
    if (mmaOverlap)
      for (Value ref : consumed)
        overlapMma(rewriter, role, ref, signal);
  }
  return success();
}

/// The alignment of an aref's buffers in shared memory (the 128-byte
/// swizzle's atom; convert-tile-to-nvvm's shared-memory plan).
constexpr int64_t kArefAtomBytes = 1024;

/// Picks each aref's depth: the option, else the kernel's `depth`, else as
/// many slots as the shared-memory budget holds for all arefs that are
/// refilled in a loop, beside `reservedBytes` (TMA store staging). An aref
/// filled once needs one slot.
void ArefPipelinePass::chooseDepths(tile::KernelOp kernel,
                                    ArrayRef<CreateOp> creates,
                                    tile::WarpSpecializeOp ws,
                                    int64_t reservedBytes) {
  // The arefs filled in a loop get the chosen depth; the others one slot.
  llvm::DenseSet<Operation *> looped;
  ws.walk([&](PutOp put) {
    if (put->getParentOfType<scf::ForOp>())
      if (auto create = put.getRef().getDefiningOp<CreateOp>())
        looped.insert(create);
  });
  auto inLoop = [&](CreateOp create) { return looped.contains(create); };
  int64_t loopBytes = 0, onceBytes = 0;
  for (CreateOp create : creates)
    (inLoop(create) ? loopBytes : onceBytes) +=
        create.getType().getSlotBytes();
  // The shared memory the arefs take with `d` slots in those of loops, as
  // convert-tile-to-nvvm lays them out: in order, each aref with buffers at
  // a 1024-byte swizzle atom, its slots (each tile at an atom) and then its
  // full and empty barriers (8 bytes each per slot), rounded up to an atom;
  // a token aref only its barriers; the base rounded up to an atom.
  auto sharedBytes = [&](int64_t d) {
    int64_t offset = 0;
    for (auto create : kernel.getBody().getOps<CreateOp>()) {
      RefType type = create.getType();
      int64_t slots = type.getDepth();
      if (llvm::is_contained(creates, create))
        slots = inLoop(create) ? d : 1;
      int64_t stride = 0;
      for (Type t : type.getPayload()) {
        auto tensor = cast<RankedTensorType>(t);
        stride += llvm::alignTo(tensor.getNumElements() *
                                    ((tensor.getElementTypeBitWidth() + 7) / 8),
                                kArefAtomBytes);
      }
      int64_t size = slots * (stride + 16);
      if (!type.getPayload().empty()) {
        offset = llvm::alignTo(offset, kArefAtomBytes);
        size = llvm::alignTo(size, kArefAtomBytes);
      }
      offset += size;
    }
    return offset + kArefAtomBytes;
  };
  int64_t chosen = depth > 0 ? depth : kernel.getDepth().value_or(0);
  if (chosen == 0) {
    // The most slots whose buffers fit the budget and whose layout fits the
    // CTA's shared memory.
    chosen = 1;
    if (loopBytes > 0)
      for (int64_t d = kMaxAutoDepth; d > 1; --d)
        if (onceBytes + d * loopBytes + reservedBytes <= smemBudget &&
            sharedBytes(d) + reservedBytes <= hopper::kMaxSharedMemory) {
          chosen = d;
          break;
        }
  }
  for (CreateOp create : creates) {
    int64_t d = inLoop(create) ? chosen : 1;
    create.getRef().setType(create.getType().withDepth(d));
  }
}

/// put -> put.enter; put.exit async; one tile.async_load per tile.
LogicalResult ArefPipelinePass::rewriteProducer(IRRewriter &rewriter,
                                                Region &role, Value ref) {
  auto type = cast<RefType>(ref.getType());
  Block &block = role.front();
  rewriter.setInsertionPointToStart(&block);
  Value zero = i32Const(rewriter, ref.getLoc(), 0);
  auto visit = [&](Operation *op, Value counter) -> FailureOr<Value> {
    auto put = dyn_cast<PutOp>(op);
    if (!put)
      return op->emitOpError() << "is not expected in the producer role";
    Location loc = put.getLoc();
    rewriter.setInsertionPoint(put);
    auto [slot, phase] =
        emitSlotAndPhase(rewriter, loc, counter, type.getDepth(), true);
    auto enter = PutEnterOp::create(rewriter, loc, type.getBufferTypes(), ref,
                                    slot, phase);
    // Tiles arrive by TMA, which completes the phase; a token (no payload)
    // is published by the arrival itself.
    PutExitOp::create(rewriter, loc, ref, slot,
                      /*async=*/!put.getValues().empty());
    for (auto [value, buffer] :
         llvm::zip(put.getValues(), enter.getBuffers())) {
      auto load = value.getDefiningOp<tile::LoadOp>();
      if (!load || !load->hasOneUse())
        return put.emitOpError()
               << "puts a value that is not a tile.load used only here; the "
                  "producer moves tiles with TMA and has no registers for "
                  "them";
      tile::AsyncLoadOp::create(rewriter, load.getLoc(), load.getDesc(),
                                load.getCoords(), buffer, ref, slot);
    }
    SmallVector<Operation *> loads;
    for (Value value : put.getValues())
      loads.push_back(value.getDefiningOp());
    rewriter.eraseOp(put);
    for (Operation *load : loads)
      rewriter.eraseOp(load);
    return increment(rewriter, loc, counter);
  };
  return failure(failed(threadCounter(rewriter, block, ref, zero, visit)));
}

/// get -> get.enter (the tiles it returned now name the slot's buffers in
/// `buffers`); consumed -> get.exit of the oldest slot the role holds.
LogicalResult ArefPipelinePass::rewriteConsumer(IRRewriter &rewriter,
                                                Region &role, Value ref,
                                                BufferMap &buffers) {
  auto type = cast<RefType>(ref.getType());
  Block &block = role.front();
  rewriter.setInsertionPointToStart(&block);
  Value zero = i32Const(rewriter, ref.getLoc(), 0);
  // Slots the role holds, oldest first (a get not yet consumed).
  SmallVector<Value> held;
  auto visit = [&](Operation *op, Value counter) -> FailureOr<Value> {
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    if (isa<ConsumedOp>(op)) {
      if (held.empty())
        return op->emitOpError() << "releases a slot this role does not hold";
      GetExitOp::create(rewriter, loc, ref, held.front());
      held.erase(held.begin());
      rewriter.eraseOp(op);
      return counter;
    }
    auto get = dyn_cast<GetOp>(op);
    if (!get)
      return op->emitOpError() << "is not expected in a consumer role";
    auto [slot, phase] =
        emitSlotAndPhase(rewriter, loc, counter, type.getDepth(), false);
    auto enter = GetEnterOp::create(rewriter, loc, type.getBufferTypes(), ref,
                                    slot, phase);
    held.push_back(slot);
    for (auto [value, buffer] : llvm::zip(get.getValues(), enter.getBuffers()))
      buffers[value] = buffer;
    rewriter.setInsertionPointAfter(enter);
    return increment(rewriter, loc, counter);
  };
  return failure(
      failed(threadCounter(rewriter, block, ref, zero, visit, &held)));
}

/// Dots on aref tiles read the slots' buffers: tile.mma, then
/// tile.mma_wait until it retires. Then the gets, now unused, go.
LogicalResult ArefPipelinePass::rewriteDots(IRRewriter &rewriter, Region &role,
                                            BufferMap &buffers) {
  SmallVector<GetOp> gets;
  role.walk([&](GetOp get) { gets.push_back(get); });
  for (GetOp get : gets)
    for (Value v : get.getValues())
      for (Operation *user : v.getUsers()) {
        auto dot = dyn_cast<tile::DotOp>(user);
        if (!dot || (dot.getA() != v && dot.getB() != v))
          return user->emitOpError()
                 << "uses a tile from an aref in registers; only tile.dot "
                    "operands can come from an aref";
      }
  SmallVector<tile::DotOp> dots;
  role.walk([&](tile::DotOp dot) {
    if (buffers.count(dot.getA()) || buffers.count(dot.getB()))
      dots.push_back(dot);
  });
  for (tile::DotOp dot : dots) {
    Value a = buffers.lookup(dot.getA()), b = buffers.lookup(dot.getB());
    // wgmma reads B from shared memory; A may stay in registers (attention's
    // P·V), K-major and 16-bit.
    if (!b)
      return dot.emitOpError()
             << "takes B from registers; wgmma reads B from shared memory "
                "only, so B must come from a load";
    if (!a) {
      a = dot.getA();
      Type elt = dot.getA().getType().getElementType();
      if (dot.getTransposeA() || (!elt.isF16() && !elt.isBF16()))
        return dot.emitOpError()
               << "takes A from registers, which wgmma reads only with K "
                  "contiguous (no transpose_a) and in f16 or bf16";
    }
    rewriter.setInsertionPoint(dot);
    auto mma = tile::MmaOp::create(rewriter, dot.getLoc(), dot.getType(), a, b,
                                   dot.getAcc(), dot.getTransposeA(),
                                   dot.getTransposeB());
    auto wait = tile::MmaWaitOp::create(rewriter, dot.getLoc(), dot.getType(),
                                        mma.getResult(),
                                        rewriter.getI64IntegerAttr(0));
    rewriter.replaceOp(dot, wait.getResult());
  }
  for (GetOp get : gets)
    rewriter.eraseOp(get);
  return success();
}

/// In a loop whose accumulator flows mma -> mma_wait -> yield and whose slot
/// is released in the same iteration, keep one MMA in flight: wait with
/// pending = 1 and release the previous iteration's slot instead; after the
/// loop, wait for the last MMA and release the last slot.
void ArefPipelinePass::overlapMma(IRRewriter &rewriter, Region &role,
                                  Value ref, Value signal) {
  auto type = cast<RefType>(ref.getType());
  // Holding one slot while waiting for the next needs a second slot: with
  // one, the consumer would wait for a refill of the slot it holds.
  if (type.getDepth() < 2)
    return;
  SmallVector<scf::ForOp> loops;
  role.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops) {
    Block *body = loop.getBody();
    GetEnterOp enter;
    GetExitOp exit;
    tile::MmaWaitOp wait;
    for (Operation &op : *body) {
      if (auto e = dyn_cast<GetEnterOp>(op); e && e.getRef() == ref)
        enter = e;
      else if (auto x = dyn_cast<GetExitOp>(op); x && x.getRef() == ref)
        exit = x;
      else if (auto w = dyn_cast<tile::MmaWaitOp>(op))
        wait = w;
    }
    if (!enter || !exit || !wait || exit.getSlot() != enter.getSlot())
      continue;
    // The wait's accumulator is carried to the next iteration's MMA only.
    auto mma = wait.getAcc().getDefiningOp<tile::MmaOp>();
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    if (!mma || !wait->hasOneUse() || *wait->user_begin() != yield)
      continue;
    // An A in registers must not change while its wgmma runs (PTX ISA
    // 9.7.15.5), and the next iteration computes the next A into them.
    if (!isa<MemRefType>(mma.getA().getType()))
      continue;
    unsigned index = wait->use_begin()->getOperandNumber();
    if (mma.getAcc() != body->getArgument(1 + index))
      continue;
    // The counter this loop threads for `ref` is the last iter_arg whose
    // yielded value is `counter + 1` at the enter; find it through the slot.
    auto slot = enter.getSlot().getDefiningOp<arith::RemUIOp>();
    if (!slot)
      continue;
    Value counter = slot.getLhs();
    auto counterArg = dyn_cast<BlockArgument>(counter);
    if (!counterArg || counterArg.getOwner() != body)
      continue;
    unsigned counterIndex = counterArg.getArgNumber() - 1;

    Location loc = exit.getLoc();
    wait.setPending(1);
    // Release the previous iteration's slot, if there was one.
    rewriter.setInsertionPoint(exit);
    Value notFirst =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                              loop.getInductionVar(), loop.getLowerBound());
    auto ifOp = scf::IfOp::create(rewriter, loc, notFirst,
                                  /*withElseRegion=*/false);
    rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
    Value d = i32Const(rewriter, loc, type.getDepth());
    Value previous = arith::SubIOp::create(rewriter, loc, counter,
                                           i32Const(rewriter, loc, 1));
    Value previousSlot = arith::RemUIOp::create(rewriter, loc, previous, d);
    GetExitOp::create(rewriter, loc, ref, previousSlot);
    rewriter.eraseOp(exit);

    // After the loop (and after handing the turn over, with `signal`): the
    // last MMA, then the last slot.
    Operation *drainAfter = loop;
    if (signal)
      for (Operation *op = loop->getNextNode(); op; op = op->getNextNode())
        if (auto exit = dyn_cast<PutExitOp>(op); exit && exit.getRef() == signal)
          drainAfter = op;
    rewriter.setInsertionPointAfter(drainAfter);
    Value result = loop->getResult(index);
    auto last = tile::MmaWaitOp::create(rewriter, loc, result.getType(),
                                        result, rewriter.getI64IntegerAttr(0));
    rewriter.replaceAllUsesExcept(result, last.getResult(), last);
    Value before = loop.getInitArgs()[counterIndex];
    Value after = loop->getResult(counterIndex);
    Value ran = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                      after, before);
    auto tail = scf::IfOp::create(rewriter, loc, ran, /*withElseRegion=*/false);
    rewriter.setInsertionPointToStart(&tail.getThenRegion().front());
    Value lastUse = arith::SubIOp::create(rewriter, loc, after,
                                          i32Const(rewriter, loc, 1));
    Value lastSlot = arith::RemUIOp::create(
        rewriter, loc, lastUse, i32Const(rewriter, loc, type.getDepth()));
    GetExitOp::create(rewriter, loc, ref, lastSlot);
  }
}

/// Replaces `ws` by a warp_specialize whose consumer role is two roles of
/// one warp group running the same program; the arefs then expect one
/// arrival per release.
FailureOr<tile::WarpSpecializeOp>
ArefPipelinePass::splitConsumers(tile::KernelOp kernel,
                                 tile::WarpSpecializeOp ws,
                                 ArrayRef<CreateOp> creates,
                                 SmallVectorImpl<CreateOp> &tokens) {
  if (!kernel.getPersistent())
    return kernel.emitOpError()
           << "cannot take ping-pong turns: it is not persistent (consumers "
              "take turns over the tiles a CTA walks; add `persistent` or "
              "--persistent)";
  SmallVector<Value> refs;
  for (CreateOp create : creates)
    refs.push_back(create.getRef());
  auto role = [&](unsigned i, bool wantPuts) {
    bool found = false;
    ws.getRoles()[i].walk([&](Operation *op) {
      if (llvm::is_contained(refs, getArefOperand(op)))
        found |= wantPuts ? isProducerOp(op) : isConsumerOp(op);
    });
    return found;
  };
  if (ws.getRoles().size() != 2 || !role(0, true) || role(0, false) ||
      !role(1, false) || role(1, true))
    return ws.emitOpError()
           << "cannot take ping-pong turns: it needs one producer role "
              "followed by one consumer role";
  int32_t consumerWarps = ws.getWarps()[1];
  if (consumerWarps != hopper::kWarpsPerGroup &&
      consumerWarps != 2 * hopper::kWarpsPerGroup)
    return ws.emitOpError()
           << "cannot take ping-pong turns: the consumer role has "
           << consumerWarps << " warps; ping-pong splits one or two warp "
           << "groups into two roles of one";
  // Bounds such as K's extent are computed in the tile loop's body by the
  // program as written; hoisting what does not depend on the tile shows
  // whether the slots per tile do.
  if (scf::ForOp tiles = findTileLoop(ws.getRoles()[1], refs))
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(tiles.getOperation()));
  if (failed(checkTurnTaking(kernel, ws.getRoles()[1], refs)))
    return failure();

  int32_t producerWarps = ws.getWarps()[0], producerRegs = ws.getRegs()[0];
  auto consumerRegs = static_cast<int32_t>(hopper::getConsumerRegisters(
      32 * producerWarps, producerRegs, /*consumerGroups=*/2));
  OpBuilder b(ws);
  auto split = tile::WarpSpecializeOp::create(
      b, ws.getLoc(),
      b.getDenseI32ArrayAttr({producerWarps,
                              static_cast<int32_t>(hopper::kWarpsPerGroup),
                              static_cast<int32_t>(hopper::kWarpsPerGroup)}),
      b.getDenseI32ArrayAttr({producerRegs, consumerRegs, consumerRegs}),
      /*numRoles=*/3);
  split.getRoles()[0].takeBody(ws.getRoles()[0]);
  split.getRoles()[1].takeBody(ws.getRoles()[1]);
  IRMapping mapping;
  split.getRoles()[1].cloneInto(&split.getRoles()[2], mapping);
  ws.erase();
  for (CreateOp create : creates)
    create.setArrivalsAttr(b.getI64IntegerAttr(1));

  // The consumers take turns on the tensor cores: consumer 0 starts the MMAs
  // of its j-th tile once consumer 1 has issued those of its (j-1)-th (a
  // token on `toFirst`; the first is given up front), consumer 1 once
  // consumer 0 has issued those of its j-th (`toSecond`). Besides keeping
  // the MMAs of the two tiles apart, this keeps each consumer's waits on
  // the ring at most one phase ahead of the barriers, which parity waits
  // need: a consumer reaches the other's slots only after the other has
  // taken them.
  auto tokenType = RefType::get(b.getContext(), {}, /*depth=*/1);
  b.setInsertionPoint(split);
  Location loc = split.getLoc();
  for (int i = 0; i < 2; ++i)
    tokens.push_back(
        CreateOp::create(b, loc, tokenType, b.getI64IntegerAttr(1)));
  Value toFirst = tokens[1].getRef(), toSecond = tokens[0].getRef();
  for (int turn = 0; turn < 2; ++turn) {
    Region &consumer = split.getRoles()[1 + turn];
    scf::ForOp tiles = findTileLoop(consumer, refs);
    Operation *first = nullptr, *last = nullptr;
    for (Operation &op : tiles.getBody()->without_terminator())
      if (llvm::any_of(refs, [&](Value ref) { return usesRef(&op, ref); })) {
        if (!first)
          first = &op;
        last = &op;
      }
    Value wait = turn == 0 ? toFirst : toSecond;
    Value signal = turn == 0 ? toSecond : toFirst;
    OpBuilder rb(first);
    GetOp::create(rb, loc, TypeRange{}, wait);
    rb.setInsertionPointAfter(last);
    ConsumedOp::create(rb, loc, wait);
    PutOp::create(rb, loc, signal, ValueRange{});
    if (turn == 1) {
      rb.setInsertionPoint(tiles);
      PutOp::create(rb, loc, toFirst, ValueRange{});
    }
  }
  return split;
}

/// Consumer `turn` of two takes tiles turn, turn + 2, ... of the CTA: its
/// count of `ref`'s slots starts at turn * S and, after each of its tiles,
/// skips the S slots of the other's tile (S: slots per tile).
void ArefPipelinePass::takeTurn(IRRewriter &rewriter, Region &role, Value ref,
                                int64_t turn) {
  scf::ForOp tiles = findTileLoop(role, {ref});
  Location loc = tiles.getLoc();
  // Slots one tile takes: one per enter in the tile loop's body, the trip
  // count of the inner loop for each enter there (checked before).
  rewriter.setInsertionPoint(tiles);
  Value perTile = i32Const(rewriter, loc, 0);
  tiles.getBody()->walk([&](GetEnterOp enter) {
    if (enter.getRef() != ref)
      return;
    Operation *parent = enter->getParentOp();
    Value uses = parent == tiles.getOperation()
                     ? i32Const(rewriter, loc, 1)
                     : emitTripCount(rewriter, loc, cast<scf::ForOp>(parent));
    perTile = arith::AddIOp::create(rewriter, loc, perTile, uses);
  });
  // threadCounter appended `ref`'s counter to the tile loop last.
  unsigned index = tiles.getNumRegionIterArgs() - 1;
  if (turn > 0) {
    Value start = arith::MulIOp::create(rewriter, loc, perTile,
                                        i32Const(rewriter, loc, turn));
    tiles.getInitArgsMutable()[index].assign(start);
  }
  auto yield = cast<scf::YieldOp>(tiles.getBody()->getTerminator());
  rewriter.setInsertionPoint(yield);
  Value skipped =
      arith::AddIOp::create(rewriter, loc, yield.getOperand(index), perTile);
  yield->setOperand(index, skipped);
}

/// Consumer `turn` of two walks every other tile of the CTA.
void ArefPipelinePass::interleaveTiles(IRRewriter &rewriter, Region &role,
                                       ArrayRef<Value> refs, int64_t turn) {
  scf::ForOp tiles = findTileLoop(role, refs);
  Location loc = tiles.getLoc();
  rewriter.setInsertionPoint(tiles);
  Value step = tiles.getStep();
  if (turn > 0)
    tiles.setLowerBound(
        arith::AddIOp::create(rewriter, loc, tiles.getLowerBound(), step));
  Value two = step.getType().isIndex()
                  ? Value(arith::ConstantIndexOp::create(rewriter, loc, 2))
                  : Value(arith::ConstantIntOp::create(
                        rewriter, loc, 2,
                        step.getType().getIntOrFloatBitWidth()));
  tiles.setStep(arith::MulIOp::create(rewriter, loc, step, two));
}

} // namespace
