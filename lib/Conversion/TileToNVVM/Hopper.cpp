//===- Hopper.cpp - warp-specialized kernels to NVVM ----------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Roles become branches on the thread index with setmaxnreg; arefs become
// slot buffers and mbarriers in dynamic shared memory; tile.async_load
// becomes cp.async.bulk.tensor; tile.mma becomes wgmma.mma_async with shared
// memory descriptors, and tile.mma_wait wgmma.wait_group.
//
// Facts this file relies on, all checked on an H200 by the hand-written
// kernel in shared/reference/wsgemm-h200 and in the PTX ISA:
// - mbarrier parity waits, TMA completing a barrier's transaction count by
//   the whole box (also out of bounds), one arrival per consumer warp group;
// - the 128-byte swizzle, shared by TMA and the wgmma descriptors: 8 rows of
//   128 bytes make a 1024-byte atom;
// - wgmma descriptors: start address >> 4 in bits 0-13, leading byte offset
//   >> 4 in bits 16-29, stride byte offset >> 4 in bits 32-45, swizzle mode
//   in bits 62-63 (1 = 128 bytes).
//
//===----------------------------------------------------------------------===//

#include "Hopper.h"

#include "Layouts.h"
#include "LoweringUtils.h"
#include "SharedMemory.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "kiln/Dialect/Tile/IR/HopperLimits.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

namespace {

constexpr int64_t kSwizzleBytes = 128;
/// Suspend-time hint for mbarrier.try_wait, as CUTLASS uses.
constexpr int64_t kTryWaitTicks = 10000000;

Type ptrType(MLIRContext *ctx, unsigned space) {
  return LLVM::LLVMPointerType::get(ctx, space);
}

Value sharedPtrAt(OpBuilder &b, Location loc, Value base, Value byteOffset) {
  return LLVM::GEPOp::create(b, loc, base.getType(), b.getI8Type(), base,
                             ValueRange{byteOffset});
}

Value sharedPtrAt(OpBuilder &b, Location loc, Value base, int64_t offset) {
  if (offset == 0)
    return base;
  return sharedPtrAt(b, loc, base, emitI32(b, loc, offset));
}

/// Byte offset `slot * stride + extra`, i32.
Value slotOffset(OpBuilder &b, Location loc, Value slot, int64_t stride,
                 int64_t extra) {
  Value scaled = arith::MulIOp::create(b, loc, slot, emitI32(b, loc, stride));
  return extra == 0 ? scaled
                    : arith::AddIOp::create(b, loc, scaled,
                                            emitI32(b, loc, extra));
}

Value fullBarrier(OpBuilder &b, Location loc, Value ref, aref::RefType type,
                  Value slot) {
  ArefLayout layout = getArefLayout(type);
  return sharedPtrAt(b, loc, ref,
                     slotOffset(b, loc, slot, 8, layout.fullBarriers));
}

Value emptyBarrier(OpBuilder &b, Location loc, Value ref, aref::RefType type,
                   Value slot) {
  ArefLayout layout = getArefLayout(type);
  return sharedPtrAt(b, loc, ref,
                     slotOffset(b, loc, slot, 8, layout.emptyBarriers));
}

/// The role's thread index and its thread count, from the enclosing role.
std::pair<Value, int64_t> emitRoleThread(OpBuilder &b, Location loc,
                                         Operation *op) {
  Value tid = emitLayoutThreadId(b, loc, op);
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
    if (auto role = p->getAttrOfType<DenseI64ArrayAttr>(kRoleAttrName))
      return {tid, role[1]};
  return {tid, 0};
}

//===----------------------------------------------------------------------===//
// Roles
//===----------------------------------------------------------------------===//

/// True if the role holds tiles in registers; a role that does not (a TMA
/// producer) needs only one thread.
bool holdsTiles(Region &role) {
  return role
      .walk([](Operation *op) {
        for (Type t : op->getResultTypes())
          if (isa<RankedTensorType>(t))
            return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

} // namespace

static bool hasStagedStores(Region &role) {
  return role
      .walk([](StoreOp store) {
        return store->hasAttr(kTmaStoreAttrName) ? WalkResult::interrupt()
                                                 : WalkResult::advance();
      })
      .wasInterrupted();
}

static void onFirstThread(OpBuilder &b, Location loc, Value tid,
                          function_ref<void()> body);
static void emitPtx(OpBuilder &b, Location loc, StringRef text,
                    ValueRange operands = {}, StringRef constraints = "");

/// Before `end` (a role's terminator): the role's first thread waits for
/// its bulk copies (TMA stores) to complete, so that none reads the shared
/// memory of a CTA that has exited.
static void emitTmaStoreDrain(OpBuilder &b, Operation *end, Value tid,
                              int64_t first) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(end);
  Location loc = end->getLoc();
  Value inRole = arith::SubIOp::create(b, loc, tid, emitI32(b, loc, first));
  onFirstThread(b, loc, inRole,
                [&] { emitPtx(b, loc, "cp.async.bulk.wait_group 0;"); });
}

LogicalResult kiln::lowerRoles(Operation *fn, int64_t numThreads) {
  SmallVector<WarpSpecializeOp> all;
  fn->walk([&](WarpSpecializeOp ws) { all.push_back(ws); });
  // With nvvm.minctasm = 1 the kernel starts with the register file split
  // evenly; roles above that share increase their budget, the others give
  // registers back.
  int64_t initialBudget = (hopper::kRegisterFile / numThreads) / 8 * 8;
  for (WarpSpecializeOp ws : all) {
    Location loc = ws.getLoc();
    OpBuilder b(ws);
    for (int32_t warps : ws.getWarps())
      if (warps % 4 != 0)
        return ws.emitOpError()
               << "has a role of " << warps
               << " warps; setmaxnreg needs roles of whole warp groups";
    Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
    unsigned numRoles = ws.getRoles().size();
    for (unsigned i = 0; i < numRoles; ++i) {
      int64_t first = ws.getFirstThread(i);
      int64_t threads = 32 * ws.getWarps()[i];
      // Roles but the last branch on "tid < end of this role".
      if (i + 1 < numRoles) {
        Value inRole =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid,
                                  emitI32(b, loc, first + threads));
        auto ifOp = scf::IfOp::create(b, loc, inRole, /*withElseRegion=*/true);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        auto role = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
        role->setAttr(kRoleAttrName,
                      b.getDenseI64ArrayAttr({first, threads}));
        Region &region = ws.getRoles()[i];
        Block *block = b.createBlock(&role.getRegion());
        b.setInsertionPointToStart(block);
        int32_t regs = ws.getRegs()[i];
        NVVM::SetMaxRegisterOp::create(
            b, loc, regs,
            regs > initialBudget ? NVVM::SetMaxRegisterAction::increase
                                 : NVVM::SetMaxRegisterAction::decrease);
        Block *body = block;
        if (!holdsTiles(region)) {
          // One elected thread of the role's first warp does the work.
          role->setAttr(kElectedRoleAttrName, b.getUnitAttr());
          Value inRoleTid =
              arith::SubIOp::create(b, loc, tid, emitI32(b, loc, first));
          Value firstWarp =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                    inRoleTid, emitI32(b, loc, 32));
          auto warpIf = scf::IfOp::create(b, loc, firstWarp, false);
          b.setInsertionPointToStart(&warpIf.getThenRegion().front());
          Value elected =
              NVVM::ElectSyncOp::create(b, loc, b.getI1Type(), Value());
          auto electIf = scf::IfOp::create(b, loc, elected, false);
          body = &electIf.getThenRegion().front();
          b.setInsertionPointAfter(warpIf);
        }
        Operation *yield = scf::YieldOp::create(b, loc);
        bool stages = hasStagedStores(region);
        if (!region.empty()) {
          Block &roleBlock = region.front();
          Operation *insertBefore = body->empty() ? nullptr
                                                  : body->getTerminator();
          for (Operation &op : llvm::make_early_inc_range(roleBlock)) {
            if (insertBefore)
              op.moveBefore(insertBefore);
            else
              op.moveBefore(body, body->end());
          }
        }
        if (stages)
          emitTmaStoreDrain(b, yield, tid, first);
        b.setInsertionPointToStart(&ifOp.getElseRegion().front());
        continue;
      }
      // The last role takes the remaining threads.
      auto role = scf::ExecuteRegionOp::create(b, loc, TypeRange{});
      role->setAttr(kRoleAttrName, b.getDenseI64ArrayAttr({first, threads}));
      Block *block = b.createBlock(&role.getRegion());
      b.setInsertionPointToStart(block);
      int32_t regs = ws.getRegs()[i];
      NVVM::SetMaxRegisterOp::create(
          b, loc, regs,
          regs > initialBudget ? NVVM::SetMaxRegisterAction::increase
                               : NVVM::SetMaxRegisterAction::decrease);
      Region &region = ws.getRoles()[i];
      Operation *yield = scf::YieldOp::create(b, loc);
      bool stages = hasStagedStores(region);
      if (!region.empty())
        for (Operation &op : llvm::make_early_inc_range(region.front()))
          op.moveBefore(yield);
      if (stages)
        emitTmaStoreDrain(b, yield, tid, first);
    }
    ws.erase();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TMA
//===----------------------------------------------------------------------===//

FailureOr<TmaBox>
kiln::getTmaBox(DescType desc, function_ref<InFlightDiagnostic()> emitError) {
  ArrayRef<int64_t> block = desc.getBlockShape();
  int64_t eltBytes = (desc.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  int64_t inner = block.back();
  TmaBox box;
  box.chunkElems = kSwizzleBytes / eltBytes;
  if (inner * eltBytes % kSwizzleBytes != 0)
    return emitError() << "moves tiles of " << desc
                       << " with TMA; the last dimension must hold a multiple "
                          "of 128 bytes ("
                       << box.chunkElems
                       << " elements) for the 128-byte swizzle the tensor "
                          "cores read";
  box.chunks = inner / box.chunkElems;
  box.rows = 1;
  for (int64_t d : block.drop_back()) {
    if (d > 256)
      return emitError() << "moves tiles of " << desc
                         << " with TMA, whose boxes are at most 256 long";
    box.rows *= d;
  }
  box.box.assign(block.begin(), block.end());
  box.box.back() = box.chunkElems;
  return box;
}

/// The store planTmaStores staged among `arg`'s users, or null.
static StoreOp getStagedStore(BlockArgument arg) {
  for (Operation *user : arg.getUsers())
    if (auto store = dyn_cast<StoreOp>(user))
      if (store->hasAttr(kTmaStoreAttrName))
        return store;
  return nullptr;
}

static bool isTmaLoaded(Value desc) {
  return llvm::any_of(desc.getUsers(),
                      [](Operation *user) { return isa<AsyncLoadOp>(user); });
}

bool kiln::usesTensorMap(BlockArgument arg) {
  return isTmaLoaded(arg) || getStagedStore(arg);
}

FailureOr<TmaBox>
kiln::getTensorMapBox(BlockArgument arg,
                      function_ref<InFlightDiagnostic()> emitError) {
  auto desc = cast<DescType>(arg.getType());
  StoreOp store = getStagedStore(arg);
  if (isTmaLoaded(arg) || !store)
    return getTmaBox(desc, emitError);
  // The staged tile's rows by the box's columns, with the leading
  // dimensions of 1 the tile leaves out.
  auto plan = cast<DictionaryAttr>(store->getAttr(kTmaStoreAttrName));
  int64_t rows = store.getValue().getType().getDimSize(0);
  int64_t cols = plan.getAs<IntegerAttr>("box_cols").getInt();
  TmaBox box;
  box.box.assign(desc.getRank() - 2, 1);
  box.box.append({rows, cols});
  // Rows of 32, 64 or 128 bytes, each under the swizzle of its size.
  box.swizzle =
      cols * (store.getValue().getType().getElementTypeBitWidth() / 8);
  box.chunkElems = cols;
  box.rows = rows;
  return box;
}

/// The columns of the boxes a staged tile of `type` is copied out in: rows
/// of at most 128 bytes, which the swizzle of their size spans, so that the
/// 8 rows a warp of an accumulator fragment writes land in distinct banks
/// (tile-chunk-epilogue's chunks of 16 columns are one box each); 0 where
/// the rows are under 32 bytes or do not split so.
static int64_t getStagingBoxCols(RankedTensorType type) {
  int64_t eltBytes = type.getElementTypeBitWidth() / 8;
  int64_t cols = type.getDimSize(1);
  int64_t boxCols = std::min(cols, 128 / eltBytes);
  if (boxCols * eltBytes < 32 || !llvm::isPowerOf2_64(boxCols) ||
      cols % boxCols != 0)
    return 0;
  return boxCols;
}

/// A store's last coordinate as `base + offset` with a constant offset (0
/// where it is not an addition of a constant).
static std::pair<Value, int64_t> splitConstantOffset(Value coord) {
  if (auto add = coord.getDefiningOp<arith::AddIOp>()) {
    llvm::APInt c;
    if (matchPattern(add.getRhs(), m_ConstantInt(&c)))
      return {add.getLhs(), c.getSExtValue()};
    if (matchPattern(add.getLhs(), m_ConstantInt(&c)))
      return {add.getRhs(), c.getSExtValue()};
  }
  return {coord, 0};
}

/// Whether two stores of one role to one tensor write disjoint tiles, as
/// the column chunks of tile-chunk-epilogue do: the same coordinates but
/// the last, and last coordinates a constant apart by at least the width.
/// Bulk copies complete in no set order, so overlapping tiles would leave
/// either one's elements where register stores leave the later one's.
static bool writeDisjointTiles(StoreOp x, StoreOp y) {
  ValueRange cx = x.getCoords(), cy = y.getCoords();
  if (cx.size() != cy.size() || cx.drop_back() != cy.drop_back())
    return false;
  auto [baseX, offX] = splitConstantOffset(cx.back());
  auto [baseY, offY] = splitConstantOffset(cy.back());
  if (baseX != baseY)
    return false;
  int64_t width = x.getValue().getType().getShape().back();
  return width == y.getValue().getType().getShape().back() &&
         std::abs(offX - offY) >= width;
}

/// Whether a role's `stores` can be staged: accumulator tiles of 16- or
/// 32-bit elements (mayStageForTmaStore) that split into boxes
/// (getStagingBoxCols), all stored from one block so that each runs once
/// per pass over that block, in order (the bulk-group waits count on it),
/// with one box per descriptor (its tensor map's), and stores of one tensor
/// disjoint (writeDisjointTiles). `boxes` holds the boxes of the
/// descriptors staged so far; this role's are added where it can be staged.
static bool
canStage(ArrayRef<StoreOp> stores,
         llvm::DenseMap<Value, std::pair<int64_t, int64_t>> &boxes) {
  Block *block = stores.front()->getBlock();
  llvm::DenseMap<Value, std::pair<int64_t, int64_t>> mine = boxes;
  for (StoreOp store : stores) {
    RankedTensorType type = store.getValue().getType();
    if (store->getBlock() != block || !mayStageForTmaStore(store) ||
        type.getRank() != 2 ||
        !isa_and_nonnull<MmaLayoutAttr>(type.getEncoding()))
      return false;
    int64_t boxCols = getStagingBoxCols(type);
    if (type.getDimSize(0) > 256 || boxCols == 0)
      return false;
    auto box = std::make_pair(type.getDimSize(0), boxCols);
    auto [it, added] = mine.try_emplace(store.getDesc(), box);
    if (!added && it->second != box)
      return false;
  }
  for (size_t i = 0; i < stores.size(); ++i)
    for (size_t j = i + 1; j < stores.size(); ++j)
      if (StoreOp x = stores[i], y = stores[j];
          x.getDesc() == y.getDesc() && !writeDisjointTiles(x, y))
        return false;
  boxes = std::move(mine);
  return true;
}

int64_t kiln::planTmaStores(KernelOp kernel, int64_t smemBytes) {
  if (!kernel.getTmaStore())
    return smemBytes;
  // The roles whose stores can be staged, and the shared memory they take
  // together; all or none of them are staged.
  struct Role {
    SmallVector<StoreOp> stores;
    int64_t threads;
  };
  SmallVector<Role> roles;
  llvm::DenseMap<Value, std::pair<int64_t, int64_t>> boxes;
  int64_t bytes = 0;
  for (auto ws : kernel.getBody().getOps<WarpSpecializeOp>()) {
    for (auto [index, region] : llvm::enumerate(ws.getRoles())) {
      Role role{{}, 32 * int64_t(ws.getWarps()[index])};
      region.walk([&](StoreOp store) { role.stores.push_back(store); });
      if (role.stores.empty() || !canStage(role.stores, boxes))
        continue;
      for (StoreOp store : role.stores)
        bytes += getTmaStoreStagingBytes(store.getValue().getType());
      roles.push_back(std::move(role));
    }
  }
  // planSharedMemory's total has an atom for aligning the base; the
  // staging tiles go after the arefs, before it. Barrier 0 is the CTA's
  // (bar.sync 0 after the barriers' init); each staging role gets its own,
  // of 16.
  int64_t end = smemBytes == 0 ? 0 : smemBytes - kSwizzleAtomBytes;
  int64_t offset = llvm::alignTo(end, kTmaStoreStagingAlign);
  if (roles.empty() || roles.size() > 15 || bytes > kMaxTmaStoreStagingBytes ||
      offset + bytes + kSwizzleAtomBytes > hopper::kMaxSharedMemory)
    return smemBytes;
  Builder b(kernel.getContext());
  for (auto [index, role] : llvm::enumerate(roles)) {
    int64_t count = role.stores.size();
    for (StoreOp store : role.stores) {
      RankedTensorType type = store.getValue().getType();
      int64_t boxCols = getStagingBoxCols(type);
      // Store j's tile was last written `count` stores ago; the wait before
      // store j's barrier frees the tile of store j + 1.
      store->setAttr(
          kTmaStoreAttrName,
          b.getDictionaryAttr({
              b.getNamedAttr("slot", b.getI64IntegerAttr(offset)),
              b.getNamedAttr("wait",
                             b.getI64IntegerAttr(count >= 2 ? count - 2 : -1)),
              b.getNamedAttr("barrier", b.getI64IntegerAttr(index + 1)),
              b.getNamedAttr("threads", b.getI64IntegerAttr(role.threads)),
              b.getNamedAttr("box_cols", b.getI64IntegerAttr(boxCols)),
          }));
      offset += getTmaStoreStagingBytes(type);
    }
  }
  return offset + kSwizzleAtomBytes;
}

/// A side-effecting PTX statement.
static void emitPtx(OpBuilder &b, Location loc, StringRef text,
                    ValueRange operands, StringRef constraints) {
  LLVM::InlineAsmOp::create(
      b, loc, TypeRange{}, operands, text, constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
}

/// Runs `body` on the thread with index `tid` 0 (of its role).
static void onFirstThread(OpBuilder &b, Location loc, Value tid,
                          function_ref<void()> body) {
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                      emitI32(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  body();
}

// The protocol, per staged store of a role (all its threads):
//   1. write the tile into its slot with st.shared, swizzled as TMA reads;
//   2. fence.proxy.async: the writes become visible to the TMA (async
//      proxy);
//   3. the elected thread waits until at most `wait` of its bulk groups are
//      still reading shared memory: with `count` stores per pass, that
//      frees the slot of the next store, written after the barrier;
//   4. the role's named barrier: every thread's writes are done;
//   5. the elected thread issues the bulk tensor copies (one per box of
//      the tile) and commits them as one group. The role does not wait for it:
//      it drains under the next tile's MMAs, and the next wait of step 3 covers
//      its slot.
// With one store per pass (`wait` -1), the elected thread waits for all its
// groups and the role meets once more before step 1. Each role waits for
// every group before it ends (emitted by lowerRoles), so that no copy reads
// the shared memory of a CTA that has exited.
void kiln::emitTmaStore(OpBuilder &b, StoreOp op, Value vector,
                        ValueRange origin, Value tensorMap) {
  Location loc = op.getLoc();
  auto plan = cast<DictionaryAttr>(op->getAttr(kTmaStoreAttrName));
  auto get = [&](StringRef name) {
    return plan.getAs<IntegerAttr>(name).getInt();
  };
  int64_t wait = get("wait");
  // The NVVM barrier, not inline asm: its intrinsic is convergent, so LLVM
  // does not copy it into the elected thread's branches (bar.sync is
  // .aligned: a warp's threads must all run the same one).
  auto barrier = [&] {
    NVVM::BarrierOp::create(b, loc, TypeRange{},
                            emitI32(b, loc, get("barrier")),
                            emitI32(b, loc, get("threads")),
                            /*reductionOp=*/nullptr,
                            /*reductionPredicate=*/Value());
  };
  RankedTensorType type = op.getValue().getType();
  DistributedLayoutAttr layout = getLayout(type);
  int64_t eltBytes = type.getElementTypeBitWidth() / 8;
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  // The tile is copied out in boxes of `boxCols` columns, side by side in
  // the slot.
  int64_t boxCols = get("box_cols");
  int64_t rowBytes = boxCols * eltBytes;
  int64_t boxBytes = rows * rowBytes;
  // Each box's rows are under the swizzle of their size (getTensorMapBox).
  int64_t swizzle = rowBytes;
  Value tid = emitLayoutThreadId(b, loc, op);

  if (wait < 0) {
    onFirstThread(b, loc, tid,
                  [&] { emitPtx(b, loc, "cp.async.bulk.wait_group.read 0;"); });
    barrier();
  }
  Value slot =
      sharedPtrAt(b, loc, emitSharedMemoryBase(b, loc, op), get("slot"));
  ElementCoords coords =
      emitElementCoords(b, loc, layout, type.getShape(), tid);
  int64_t run = getContiguousRun(layout, type.getShape());
  int64_t width = getVectorWidth(run, type.getElementType());
  SmallVector<Value> elems = unpackVector(b, loc, vector);
  for (size_t r = 0; r < coords.size(); r += run) {
    Value row = coords[r][0];
    SmallVector<Value> addresses;
    for (int64_t v = 0; v < run; v += width) {
      // The 16-byte unit of the element's row; the swizzle XORs its index
      // with row bits (address bits 7 and up), as TMA reads it. A vector
      // of `width` elements starts at a multiple of its size and so stays
      // in one unit.
      Value col = coords[r][1];
      if (v > 0)
        col = arith::AddIOp::create(b, loc, col, emitI32(b, loc, v));
      Value boxStart;
      if (cols > boxCols) {
        Value box = arith::ShRUIOp::create(
            b, loc, col, emitI32(b, loc, llvm::Log2_64(boxCols)));
        boxStart =
            arith::MulIOp::create(b, loc, box, emitI32(b, loc, boxBytes));
        col = arith::AndIOp::create(b, loc, col, emitI32(b, loc, boxCols - 1));
      }
      Value byte =
          arith::MulIOp::create(b, loc, col, emitI32(b, loc, eltBytes));
      Value unit = arith::ShRUIOp::create(b, loc, byte, emitI32(b, loc, 4));
      Value within = arith::AndIOp::create(b, loc, byte, emitI32(b, loc, 15));
      Value phase = arith::ShRUIOp::create(
          b, loc, row, emitI32(b, loc, llvm::Log2_64(128 / swizzle)));
      phase = arith::AndIOp::create(b, loc, phase,
                                    emitI32(b, loc, swizzle / 16 - 1));
      unit = arith::XOrIOp::create(b, loc, unit, phase);
      Value offset =
          arith::MulIOp::create(b, loc, row, emitI32(b, loc, rowBytes));
      offset = arith::AddIOp::create(
          b, loc, offset,
          arith::ShLIOp::create(b, loc, unit, emitI32(b, loc, 4)));
      offset = arith::AddIOp::create(b, loc, offset, within);
      if (boxStart)
        offset = arith::AddIOp::create(b, loc, offset, boxStart);
      addresses.push_back(sharedPtrAt(b, loc, slot, offset));
    }
    emitRunStoreAt(b, loc, addresses, ArrayRef<Value>(elems).slice(r, run));
  }
  emitPtx(b, loc, "fence.proxy.async.shared::cta;");
  if (wait >= 0)
    onFirstThread(b, loc, tid, [&] {
      emitPtx(b, loc,
              llvm::formatv("cp.async.bulk.wait_group.read {0};", wait).str());
    });
  barrier();
  onFirstThread(b, loc, tid, [&] {
    // Coordinates go innermost first.
    int64_t rank = origin.size();
    std::string coordText;
    for (int64_t d = 0; d < rank; ++d)
      coordText += llvm::formatv("{0}${1}", d ? ", " : "", d + 2).str();
    std::string text = "cp.async.bulk.tensor." + std::to_string(rank) +
                       "d.global.shared::cta.bulk_group [$0, {" + coordText +
                       "}], [$1];";
    std::string constraints = "l,r";
    for (int64_t d = 0; d < rank; ++d)
      constraints += ",r";
    // One copy per box, one bulk group per store.
    for (int64_t box = 0; box < cols / boxCols; ++box) {
      Value inner = origin.back();
      if (box > 0)
        inner = arith::AddIOp::create(b, loc, inner,
                                      emitI32(b, loc, box * boxCols));
      SmallVector<Value> operands = {
          tensorMap,
          LLVM::PtrToIntOp::create(b, loc, b.getI32Type(),
                                   sharedPtrAt(b, loc, slot, box * boxBytes)),
          inner};
      for (int64_t d = rank - 2; d >= 0; --d)
        operands.push_back(origin[d]);
      emitPtx(b, loc, text, operands, constraints);
    }
    emitPtx(b, loc, "cp.async.bulk.commit_group;");
  });
}

namespace {

class AsyncLoadPattern : public OpConversionPattern<AsyncLoadOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AsyncLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<TmaBox> box =
        getTmaBox(op.getDesc().getType(), [&] { return op.emitOpError(); });
    if (failed(box))
      return failure();
    DescValues desc = unpackDesc(adaptor.getDesc());
    if (!desc.tensorMap)
      return op.emitOpError() << "has no tensor map for its descriptor";
    Value barrier =
        fullBarrier(rewriter, loc, adaptor.getRef(),
                    cast<aref::RefType>(op.getRef().getType()),
                    adaptor.getSlot());
    int64_t eltBytes =
        (op.getDesc().getType().getElementType().getIntOrFloatBitWidth() +
         7) /
        8;
    int64_t chunkBytes = box->rows * box->chunkElems * eltBytes;
    SmallVector<Value> coords(adaptor.getCoords());
    for (int64_t c = 0; c < box->chunks; ++c) {
      Value dst = sharedPtrAt(rewriter, loc, adaptor.getBuffer(),
                              c * chunkBytes);
      // TMA writes through the shared::cluster window.
      Value dstCluster = LLVM::AddrSpaceCastOp::create(
          rewriter, loc, ptrType(getContext(), 7), dst);
      // Coordinates go innermost first.
      SmallVector<Value> boxCoords;
      Value inner = coords.back();
      if (c > 0)
        inner = arith::AddIOp::create(
            rewriter, loc, inner, emitI32(rewriter, loc, c * box->chunkElems));
      boxCoords.push_back(inner);
      for (int64_t d = coords.size() - 2; d >= 0; --d)
        boxCoords.push_back(coords[d]);
      NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
          rewriter, loc, dstCluster, desc.tensorMap, boxCoords, barrier,
          /*im2colOffsets=*/ValueRange{}, /*multicastMask=*/Value(),
          /*l2CacheHint=*/Value(), NVVM::TMALoadMode::TILE,
          /*isCTAOnly=*/false, /*group=*/nullptr, /*predicate=*/Value());
    }
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Arefs
//===----------------------------------------------------------------------===//

/// One thread initializes every slot's barriers; all threads then meet so
/// that no role waits on a barrier before it exists.
class CreatePattern : public OpConversionPattern<aref::CreateOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(aref::CreateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto offset = op->getAttrOfType<IntegerAttr>(kSmemOffsetAttrName);
    if (!offset)
      return op.emitOpError() << "has no place in shared memory";
    aref::RefType type = op.getType();
    ArefLayout layout = getArefLayout(type);
    Value base = emitSharedMemoryBase(rewriter, loc, op);
    Value ref = sharedPtrAt(rewriter, loc, base, offset.getInt());

    Value tid = NVVM::ThreadIdXOp::create(rewriter, loc, rewriter.getI32Type());
    Value first = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                        tid, emitI32(rewriter, loc, 0));
    auto ifOp = scf::IfOp::create(rewriter, loc, first, false);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
      Value one = emitI32(rewriter, loc, 1);
      Value arrivals = emitI32(rewriter, loc, op.getArrivals());
      for (int64_t s = 0; s < type.getDepth(); ++s) {
        NVVM::MBarrierInitOp::create(
            rewriter, loc,
            sharedPtrAt(rewriter, loc, ref, layout.fullBarriers + 8 * s), one,
            Value());
        NVVM::MBarrierInitOp::create(
            rewriter, loc,
            sharedPtrAt(rewriter, loc, ref, layout.emptyBarriers + 8 * s),
            arrivals, Value());
      }
      NVVM::FenceMbarrierInitOp::create(rewriter, loc);
    }
    NVVM::Barrier0Op::create(rewriter, loc);
    rewriter.replaceOp(op, ref);
    return success();
  }
};

/// The slot's buffers: one pointer per payload.
SmallVector<Value> slotBuffers(OpBuilder &b, Location loc, Value ref,
                               aref::RefType type, Value slot) {
  ArefLayout layout = getArefLayout(type);
  SmallVector<Value> buffers;
  for (int64_t offset : layout.payloadOffsets)
    buffers.push_back(sharedPtrAt(
        b, loc, ref, slotOffset(b, loc, slot, layout.slotStride, offset)));
  return buffers;
}

void emitWait(OpBuilder &b, Location loc, Value barrier, Value phase) {
  NVVM::MBarrierTryWaitParityOp::create(b, loc, barrier, phase,
                                        emitI32(b, loc, kTryWaitTicks));
}

/// put.enter waits on the slot's empty barrier, get.enter on its full one;
/// both hand out the slot's buffers.
template <typename EnterOp, bool Producer>
class EnterPattern : public OpConversionPattern<EnterOp> {
public:
  using OpConversionPattern<EnterOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EnterOp op, typename EnterOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    aref::RefType type = op.getRef().getType();
    Value ref = adaptor.getRef(), slot = adaptor.getSlot();
    Value barrier = Producer ? emptyBarrier(rewriter, loc, ref, type, slot)
                             : fullBarrier(rewriter, loc, ref, type, slot);
    emitWait(rewriter, loc, barrier, adaptor.getPhase());
    rewriter.replaceOp(op, slotBuffers(rewriter, loc, ref, type, slot));
    return success();
  }
};
using PutEnterPattern = EnterPattern<aref::PutEnterOp, /*Producer=*/true>;
using GetEnterPattern = EnterPattern<aref::GetEnterOp, /*Producer=*/false>;

/// Moves the insertion point to where one thread arrives on a barrier for
/// the role running `op`: one per warp group with `perGroup`, else the
/// role's first. A role that runs on one elected thread is already there.
void enterArrivingThread(OpBuilder &b, Location loc, Operation *op,
                         bool perGroup) {
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp()) {
    if (!p->hasAttr(kRoleAttrName))
      continue;
    if (p->hasAttr(kElectedRoleAttrName))
      return;
    break;
  }
  auto [tid, threads] = emitRoleThread(b, loc, op);
  Value lane = perGroup ? arith::RemUIOp::create(
                              b, loc, tid, emitI32(b, loc, hopper::kThreadsPerGroup))
                        : tid;
  Value leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                       emitI32(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, leader, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
}

/// The producer publishes: with `async`, it arms the full barrier with the
/// slot's bytes, which the TMA copies then deliver. The full barrier expects
/// one arrival, so in a role whose threads all run the op (a consumer
/// handing a token to another) the role's first thread arrives.
class PutExitPattern : public OpConversionPattern<aref::PutExitOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(aref::PutExitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    aref::RefType type = op.getRef().getType();
    enterArrivingThread(rewriter, loc, op, /*perGroup=*/false);
    Value barrier = fullBarrier(rewriter, loc, adaptor.getRef(), type,
                                adaptor.getSlot());
    if (op.getAsync())
      NVVM::MBarrierArriveExpectTxOp::create(
          rewriter, loc, Type(), barrier,
          emitI32(rewriter, loc, type.getSlotBytes()),
          NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
    else
      NVVM::MBarrierArriveOp::create(rewriter, loc, Type(), barrier, Value());
    rewriter.eraseOp(op);
    return success();
  }
};

/// One thread per consumer warp group arrives on the empty barrier: the
/// barrier expects one arrival per warp group.
class GetExitPattern : public OpConversionPattern<aref::GetExitOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(aref::GetExitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    aref::RefType type = op.getRef().getType();
    enterArrivingThread(rewriter, loc, op, /*perGroup=*/true);
    NVVM::MBarrierArriveOp::create(
        rewriter, loc, Type(),
        emptyBarrier(rewriter, loc, adaptor.getRef(), type, adaptor.getSlot()),
        Value());
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// wgmma
//===----------------------------------------------------------------------===//

/// A shared-memory matrix descriptor (PTX ISA 9.7.15.5.1) without its start
/// address: 128-byte swizzle, leading and stride byte offsets.
uint64_t descriptorHigh(int64_t leadingBytes, int64_t strideBytes) {
  return (uint64_t(1) << 62) | (uint64_t(strideBytes >> 4) << 32) |
         (uint64_t(leadingBytes >> 4) << 16);
}

std::optional<NVVM::WGMMATypes> getWgmmaType(Type t) {
  if (t.isF16())
    return NVVM::WGMMATypes::f16;
  if (t.isBF16())
    return NVVM::WGMMATypes::bf16;
  if (isa<Float8E4M3FNType>(t))
    return NVVM::WGMMATypes::e4m3;
  if (isa<Float8E5M2Type>(t))
    return NVVM::WGMMATypes::e5m2;
  return std::nullopt;
}

/// How one operand tile sits in shared memory, for descriptors: chunks of
/// 128 bytes along its contiguous dimension, each `rows * 128` bytes.
struct OperandLayout {
  /// Rows of each 128-byte-wide chunk (the other dimension of the tile).
  int64_t rows;
  /// True if K is the contiguous dimension (K-major), false if M or N is.
  bool kMajor;
  int64_t eltBytes;
};

/// Byte offset of the 64-element-deep (or 8-row-deep) wgmma operand slice
/// for K step `k` (elements) starting at row/column `mn` of M or N, and the
/// leading and stride byte offsets of its descriptor.
struct DescriptorPart {
  int64_t offset;
  int64_t leading;
  int64_t stride;
};

DescriptorPart describe(const OperandLayout &layout, int64_t k, int64_t mn,
                        int64_t kDepth) {
  int64_t chunkElems = kSwizzleBytes / layout.eltBytes;
  if (layout.kMajor) {
    // Chunk c holds K [c * chunkElems, ...) for all rows; a row is 128
    // bytes; 8 rows make the stride.
    int64_t chunk = k / chunkElems;
    int64_t within = (k % chunkElems) * layout.eltBytes;
    return {chunk * layout.rows * kSwizzleBytes + mn * kSwizzleBytes + within,
            /*leading (unused with swizzle)=*/16, /*stride=*/1024};
  }
  // MN-major: chunk c holds columns [c * chunkElems, ...) for all K rows;
  // a K row is 128 bytes. Leading: from one chunk of columns to the next;
  // stride: from one group of 8 K rows to the next.
  int64_t chunk = mn / chunkElems;
  return {chunk * kDepth * kSwizzleBytes + k * kSwizzleBytes,
          /*leading=*/kDepth * kSwizzleBytes, /*stride=*/1024};
}

/// The 64-bit descriptor of an operand tile at shared address `baseAddr`
/// with the leading and stride byte offsets of `part` (its offset unused).
Value emitBaseDescriptor(OpBuilder &b, Location loc, Value baseAddr,
                         const DescriptorPart &part) {
  Type i64 = b.getI64Type();
  Value start = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, baseAddr, emitI32(b, loc, 4)),
      emitI32(b, loc, 0x3FFF));
  Value start64 = arith::ExtUIOp::create(b, loc, i64, start);
  Value high = arith::ConstantIntOp::create(
      b, loc, static_cast<int64_t>(descriptorHigh(part.leading, part.stride)),
      64);
  return arith::OrIOp::create(b, loc, high, start64);
}

/// The descriptor of the slice `part.offset` bytes into the tile `base`
/// describes: one 64-bit add to the start-address field (bits 0-13, in
/// 16-byte units). It cannot carry into the leading-offset field: shared
/// addresses stay below 2^18 bytes (at most 227 KB plus a reserved 1 KB,
/// which convert-tile-to-nvvm enforces), and offsets are multiples of 16.
Value emitSliceDescriptor(OpBuilder &b, Location loc, Value base,
                          const DescriptorPart &part) {
  assert(part.offset % 16 == 0 && "wgmma slices start on 16 bytes");
  if (part.offset == 0)
    return base;
  return arith::AddIOp::create(
      b, loc, base, arith::ConstantIntOp::create(b, loc, part.offset / 16, 64));
}

Type accumulatorStruct(MLIRContext *ctx, int64_t n) {
  return LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(n, Float32Type::get(ctx)));
}

/// Packs registers [first, first + n) of a vector into an LLVM struct, the
/// type wgmma's accumulator operands have.
Value packStruct(OpBuilder &b, Location loc, ArrayRef<Value> regs) {
  Type type = accumulatorStruct(b.getContext(), regs.size());
  Value s = LLVM::UndefOp::create(b, loc, type);
  for (auto [i, r] : llvm::enumerate(regs))
    s = LLVM::InsertValueOp::create(b, loc, s, r, ArrayRef<int64_t>{int64_t(i)});
  return s;
}

SmallVector<Value> unpackStruct(OpBuilder &b, Location loc, Value s,
                                int64_t n) {
  SmallVector<Value> regs;
  for (int64_t i = 0; i < n; ++i)
    regs.push_back(LLVM::ExtractValueOp::create(b, loc, s,
                                                ArrayRef<int64_t>{i}));
  return regs;
}

/// One m64nNk16 wgmma with A in registers (PTX ISA 9.7.15.5.1: four .b32
/// registers of two 16-bit elements each) and B from a descriptor, as
/// inline asm: the NVVM op takes A from shared memory only. The accumulator
/// registers are read and written in place.
Value emitRegisterAWgmma(OpBuilder &b, Location loc, Value acc,
                         ArrayRef<Value> aRegs, Value descB, int64_t n,
                         StringRef type, bool bKMajor, bool scaleD) {
  int64_t regs = n / 2;
  // scale-d false: D = A B, the accumulator's registers unread.
  std::string text = llvm::formatv("{\n.reg .pred p;\nsetp.ne.b32 p, {0}, "
                                   "0;\n",
                                   scaleD ? 1 : 0)
                         .str();
  text += llvm::formatv(
              "wgmma.mma_async.sync.aligned.m64n{0}k16.f32.{1}.{1} {{", n, type)
              .str();
  for (int64_t i = 0; i < regs; ++i)
    text += (i ? ", $" : "$") + std::to_string(i);
  // Operands number the outputs first, then the inputs: the accumulator
  // tied to them, A's four registers, B's descriptor.
  text += "}, {";
  for (int64_t i = 0; i < 4; ++i)
    text += (i ? ", $" : "$") + std::to_string(2 * regs + i);
  // imm-scale-a, imm-scale-b, imm-trans-b: B is transposed when N is its
  // contiguous dimension.
  text +=
      llvm::formatv("}, ${0}, p, 1, 1, {1};\n}", 2 * regs + 4, bKMajor ? 0 : 1)
          .str();
  std::string constraints;
  for (int64_t i = 0; i < regs; ++i)
    constraints += (i ? ",=f" : "=f");
  for (int64_t i = 0; i < regs; ++i)
    constraints += "," + std::to_string(i);
  constraints += ",r,r,r,r,l";
  SmallVector<Value> operands =
      unpackStruct(b, loc, acc, regs); // tied to the outputs
  llvm::append_range(operands, aRegs);
  operands.push_back(descB);
  auto asmOp = LLVM::InlineAsmOp::create(
      b, loc, acc.getType(), operands, text, constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  return asmOp.getResult(0);
}

/// wgmma.fence as inline asm through which `regs` pass (f32 or i32): their
/// definitions stay before the fence and the wgmmas that read them use its
/// results, after it, as the PTX ISA requires of registers a wgmma reads
/// (9.7.15.5: A fragments and accumulators written by other instructions).
/// The NVVM fence op ties nothing, so LLVM may sink a definition past it.
SmallVector<Value> emitPinningFence(OpBuilder &b, Location loc,
                                    ArrayRef<Value> regs) {
  if (regs.empty()) {
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    return {};
  }
  std::string constraints;
  SmallVector<Type> types;
  for (Value r : regs) {
    constraints += std::string(constraints.empty() ? "" : ",") +
                   (r.getType().isF32() ? "=f" : "=r");
    types.push_back(r.getType());
  }
  for (size_t i = 0; i < regs.size(); ++i)
    constraints += "," + std::to_string(i);
  Type type = LLVM::LLVMStructType::getLiteral(b.getContext(), types);
  auto asmOp = LLVM::InlineAsmOp::create(
      b, loc, type, regs, "wgmma.fence.sync.aligned;", constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  SmallVector<Value> out;
  for (size_t i = 0; i < regs.size(); ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, loc, asmOp.getResult(0),
                                               ArrayRef<int64_t>{int64_t(i)}));
  return out;
}

/// Whether `v` is a tile of +0.0 (a fresh accumulator).
bool isZeroTile(Value v) {
  DenseElementsAttr dense;
  if (!matchPattern(v, m_Constant(&dense)) || !dense.isSplat() ||
      !isa<FloatType>(dense.getElementType()))
    return false;
  APFloat x = dense.getSplatValue<APFloat>();
  return x.isZero() && !x.isNegative();
}

/// Packs two 16-bit floats into the .b32 register wgmma reads, the first in
/// the low half.
Value packHalves(OpBuilder &b, Location loc, Value lo, Value hi) {
  auto pair = VectorType::get({2}, lo.getType());
  Value v = vector::FromElementsOp::create(b, loc, pair, ValueRange{lo, hi});
  return LLVM::BitcastOp::create(b, loc, b.getI32Type(), v);
}

/// Issues the wgmma operations of one tile.mma: for each K step, for each
/// 64-row block of the warp group's rows, one m64nNkK wgmma; then commits
/// them as one group. A register A is laid out as an accumulator of its
/// rows: the registers of K step s are its values [8s, 8s + 8) of each
/// 64-row block, which are wgmma's A fragment for columns [16s, 16s + 16)
/// (rows lane/4 and lane/4 + 8 of the warp's 16, columns 2 * (lane % 4)
/// + {0, 1} and + 8), so they go in unchanged, two to a register.
class MmaPattern : public OpConversionPattern<MmaOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MmaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType accType = op.getAcc().getType();
    auto layout = dyn_cast_or_null<MmaLayoutAttr>(accType.getEncoding());
    if (!layout)
      return op.emitOpError() << "needs its accumulator in the mma layout";
    auto aType = cast<ShapedType>(op.getA().getType());
    MemRefType bType = op.getB().getType();
    bool registerA = isa<RankedTensorType>(aType);
    if (registerA) {
      auto aLayout = dyn_cast_or_null<MmaLayoutAttr>(
          cast<RankedTensorType>(aType).getEncoding());
      if (!aLayout || aLayout.getWarpgroups() != layout.getWarpgroups())
        return op.emitOpError()
               << "takes A from registers, which must be laid out as its "
                  "accumulator is (#tile.mma of the same warp groups)";
    }
    Type eltA = aType.getElementType(), eltB = bType.getElementType();
    std::optional<NVVM::WGMMATypes> typeA = getWgmmaType(eltA),
                                    typeB = getWgmmaType(eltB);
    if (!typeA || !typeB)
      return op.emitOpError() << "has operands wgmma cannot multiply";
    int64_t m = accType.getDimSize(0), n = accType.getDimSize(1);
    int64_t groups = layout.getWarpgroups();
    int64_t rowsPerGroup = m / groups;
    int64_t blocks = rowsPerGroup / 64;
    int64_t eltBytes = (eltA.getIntOrFloatBitWidth() + 7) / 8;
    int64_t kStep = eltBytes == 1 ? 32 : 16;
    bool transA = op.getTransposeA(), transB = op.getTransposeB();
    int64_t k = transA ? aType.getDimSize(0) : aType.getDimSize(1);
    // A K-major A is M x K (rows M); an M-major A is K x M. A K-major B is
    // N x K (transpose_b); an N-major B is K x N.
    OperandLayout la{transA ? aType.getDimSize(0) : aType.getDimSize(0),
                     !transA, eltBytes};
    OperandLayout lb{transB ? bType.getDimSize(0) : bType.getDimSize(0),
                     transB, eltBytes};
    int64_t chunkElems = kSwizzleBytes / eltBytes;
    if ((!la.kMajor && rowsPerGroup % chunkElems != 0) ||
        (!lb.kMajor && n % chunkElems != 0))
      return op.emitOpError()
             << "reads an operand whose M or N is contiguous; its tile must "
                "span whole 128-byte rows ("
             << chunkElems << " elements) per warp group";

    auto [tid, threads] = emitRoleThread(rewriter, loc, op);
    Value group = arith::DivUIOp::create(rewriter, loc, tid,
                                         emitI32(rewriter, loc,
                                                 hopper::kThreadsPerGroup));
    Type i32 = rewriter.getI32Type();
    Value bAddr = LLVM::PtrToIntOp::create(rewriter, loc, i32, adaptor.getB());
    SmallVector<Value> aValues;
    if (registerA)
      aValues = unpackVector(rewriter, loc, adaptor.getA());
    Value aAddr = registerA ? emitI32(rewriter, loc, 0)
                            : LLVM::PtrToIntOp::create(rewriter, loc, i32,
                                                       adaptor.getA());
    // This warp group's rows of A start at group * rowsPerGroup.
    Value groupRow = arith::MulIOp::create(rewriter, loc, group,
                                           emitI32(rewriter, loc,
                                                   rowsPerGroup));
    Value groupOffset =
        la.kMajor
            ? arith::MulIOp::create(rewriter, loc, groupRow,
                                    emitI32(rewriter, loc, kSwizzleBytes))
            : arith::MulIOp::create(
                  rewriter, loc,
                  arith::DivUIOp::create(rewriter, loc, groupRow,
                                         emitI32(rewriter, loc, chunkElems)),
                  emitI32(rewriter, loc, k * kSwizzleBytes));
    Value aGroupAddr = arith::AddIOp::create(rewriter, loc, aAddr, groupOffset);

    // A fresh accumulator of zeros is not read: the first K step runs with
    // scale-d false (D = A B), so no zeros are moved into its registers.
    bool zeroAcc = isZeroTile(op.getAcc());
    int64_t regsPerBlock = n / 2;
    SmallVector<Value> acc;
    if (zeroAcc)
      acc.assign(blocks * regsPerBlock,
                 LLVM::UndefOp::create(rewriter, loc, rewriter.getF32Type()));
    else
      acc = unpackVector(rewriter, loc, adaptor.getAcc());

    // A register A's fragments, per K step and 64-row block, and then the
    // fence: the registers of A (and a register accumulator) go through it.
    int64_t steps = k / kStep;
    SmallVector<Value> aRegs;
    if (registerA) {
      for (int64_t s = 0; s < steps; ++s)
        for (int64_t mb = 0; mb < blocks; ++mb) {
          int64_t first = mb * (k / 2) + s * kStep / 2;
          for (int64_t r = 0; r < 4; ++r)
            aRegs.push_back(packHalves(rewriter, loc, aValues[first + 2 * r],
                                       aValues[first + 2 * r + 1]));
        }
      SmallVector<Value> pinned = aRegs;
      if (!zeroAcc)
        llvm::append_range(pinned, acc);
      pinned = emitPinningFence(rewriter, loc, pinned);
      std::copy(pinned.begin(), pinned.begin() + aRegs.size(), aRegs.begin());
      if (!zeroAcc)
        std::copy(pinned.begin() + aRegs.size(), pinned.end(), acc.begin());
    }
    SmallVector<Value> blockAcc;
    for (int64_t mb = 0; mb < blocks; ++mb)
      blockAcc.push_back(packStruct(
          rewriter, loc,
          ArrayRef<Value>(acc).slice(mb * regsPerBlock, regsPerBlock)));

    MLIRContext *ctx = getContext();
    auto shape = NVVM::MMAShapeAttr::get(ctx, 64, n, kStep);
    // One descriptor per operand, then a constant added per slice, as the
    // leading and stride offsets are the same for every slice of a tile.
    Value baseA =
        emitBaseDescriptor(rewriter, loc, aGroupAddr, describe(la, 0, 0, k));
    Value baseB =
        emitBaseDescriptor(rewriter, loc, bAddr, describe(lb, 0, 0, k));
    if (!registerA)
      NVVM::WgmmaFenceAlignedOp::create(rewriter, loc);
    for (int64_t kk = 0; kk < k; kk += kStep) {
      DescriptorPart pb = describe(lb, kk, 0, k);
      Value descB = emitSliceDescriptor(rewriter, loc, baseB, pb);
      bool scaleD = kk > 0 || !zeroAcc;
      for (int64_t mb = 0; mb < blocks; ++mb) {
        if (registerA) {
          ArrayRef<Value> regs =
              ArrayRef<Value>(aRegs).slice(((kk / kStep) * blocks + mb) * 4, 4);
          blockAcc[mb] = emitRegisterAWgmma(
              rewriter, loc, blockAcc[mb], regs, descB, n,
              eltA.isBF16() ? "bf16" : "f16", lb.kMajor, scaleD);
          continue;
        }
        DescriptorPart pa = describe(la, kk, mb * 64, k);
        Value descA = emitSliceDescriptor(rewriter, loc, baseA, pa);
        blockAcc[mb] = NVVM::WgmmaMmaAsyncOp::create(
            rewriter, loc, blockAcc[mb].getType(), blockAcc[mb], descA, descB,
            shape, *typeA, *typeB, NVVM::WGMMATypes::f32,
            scaleD ? NVVM::WGMMAScaleOut::one : NVVM::WGMMAScaleOut::zero,
            NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
            la.kMajor ? NVVM::MMALayout::row : NVVM::MMALayout::col,
            lb.kMajor ? NVVM::MMALayout::col : NVVM::MMALayout::row,
            /*satfinite=*/nullptr);
      }
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);

    SmallVector<Value> out;
    for (Value s : blockAcc)
      llvm::append_range(out, unpackStruct(rewriter, loc, s, regsPerBlock));
    auto vectorType = cast<VectorType>(adaptor.getAcc().getType());
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vectorType, out);
    return success();
  }
};

/// wgmma.wait_group, with the accumulator registers tied through the asm so
/// that nothing reads them before the wait.
class MmaWaitPattern : public OpConversionPattern<MmaWaitOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MmaWaitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> regs = unpackVector(rewriter, loc, adaptor.getAcc());
    int64_t n = regs.size();
    std::string constraints;
    for (int64_t i = 0; i < n; ++i)
      constraints += (i ? ",=f" : "=f");
    for (int64_t i = 0; i < n; ++i)
      constraints += "," + std::to_string(i);
    Type structType = accumulatorStruct(getContext(), n);
    auto asmOp = LLVM::InlineAsmOp::create(
        rewriter, loc, structType, regs,
        llvm::formatv("wgmma.wait_group.sync.aligned {0};", op.getPending())
            .str(),
        constraints, /*has_side_effects=*/true, /*is_align_stack=*/false,
        LLVM::tailcallkind::TailCallKind::None,
        LLVM::AsmDialectAttr::get(getContext(), LLVM::AsmDialect::AD_ATT),
        /*operand_attrs=*/ArrayAttr());
    SmallVector<Value> out = unpackStruct(rewriter, loc, asmOp.getResult(0), n);
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, adaptor.getAcc().getType(), out);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Layout-changing tile ops
//===----------------------------------------------------------------------===//

/// A broadcast from the slice of a layout to the layout: each register of
/// the result copies the register of the input that holds its projection.
class BroadcastPattern : public OpConversionPattern<BroadcastOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType in = op.getInput().getType(), out = op.getType();
    auto slice = dyn_cast_or_null<SliceLayoutAttr>(in.getEncoding());
    if (op.getDims().size() != 1 || !slice ||
        slice.getDim() != op.getDims()[0] ||
        slice.getParent() != out.getEncoding())
      return op.emitOpError()
             << "broadcasts between layouts that are not a slice and its "
                "parent; converting layouts is not supported yet";
    int64_t dim = slice.getDim();
    SmallVector<SmallVector<int64_t>> inOffsets =
        getRegisterOffsets(slice, in.getShape());
    SmallVector<SmallVector<int64_t>> outOffsets =
        getRegisterOffsets(getLayout(out), out.getShape());
    SmallVector<Value> inRegs =
        unpackVector(rewriter, op.getLoc(), adaptor.getInput());
    SmallVector<Value> outRegs;
    for (SmallVector<int64_t> offset : outOffsets) {
      offset.erase(offset.begin() + dim);
      auto it = llvm::find(inOffsets, offset);
      if (it == inOffsets.end())
        return op.emitOpError() << "cannot find the input element of a "
                                   "broadcast register";
      outRegs.push_back(inRegs[it - inOffsets.begin()]);
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, getTypeConverter()->convertType(out), outRegs);
    return success();
  }
};

/// A slice each thread already holds (see tile::getSliceRegisters): the
/// registers of the input that hold its elements, no data moves.
class ExtractSlicePattern : public OpConversionPattern<ExtractSliceOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ExtractSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType in = op.getInput().getType();
    std::optional<SmallVector<int64_t>> registers = getSliceRegisters(
        getLayout(in), in.getShape(), op.getType().getShape(), op.getOffsets());
    if (!registers) // ExtractSliceOp::verify rejects these.
      return rewriter.notifyMatchFailure(op, "not a part each thread holds");
    SmallVector<Value> inRegs =
        unpackVector(rewriter, op.getLoc(), adaptor.getInput());
    SmallVector<Value> outRegs;
    for (int64_t r : *registers)
      outRegs.push_back(inRegs[r]);
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, getTypeConverter()->convertType(op.getType()), outRegs);
    return success();
  }
};

/// The lane masks that butterfly shuffles over to combine the copies of
/// one reduced element held by different lanes of a warp, or std::nullopt if
/// some copies live in other warps (which would take shared memory).
std::optional<SmallVector<int64_t>>
getReductionLaneMasks(DistributedLayoutAttr layout, ArrayRef<int64_t> shape,
                      int64_t dim) {
  SmallVector<int64_t> masks;
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout)) {
    ArrayRef<int64_t> threads = blocked.getThreads();
    int64_t stride = 1;
    for (int64_t d = threads.size() - 1; d > dim; --d)
      stride *= threads[d];
    // Lanes past the extent along `dim` hold copies: do not count them.
    int64_t elems = blocked.getElems()[dim];
    int64_t lanes = std::min(threads[dim], std::max<int64_t>(
                                               1, shape[dim] / elems));
    int64_t warps = shape[dim] / (elems * threads[dim]);
    if (warps > 1 && blocked.getWarps()[dim] > 1)
      return std::nullopt;
    for (int64_t m = 1; m < lanes; m *= 2)
      masks.push_back(m * stride);
    return masks;
  }
  if (isa<MmaLayoutAttr>(layout) && dim == 1)
    return SmallVector<int64_t>{1, 2};
  return std::nullopt;
}

Value combine(OpBuilder &b, Location loc, ReduceKind kind, Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case ReduceKind::sum:
    return isFloat ? Value(arith::AddFOp::create(b, loc, x, y))
                   : Value(arith::AddIOp::create(b, loc, x, y));
  case ReduceKind::max:
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, x, y))
                   : Value(arith::MaxSIOp::create(b, loc, x, y));
  case ReduceKind::min:
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, x, y))
                   : Value(arith::MinSIOp::create(b, loc, x, y));
  }
  llvm_unreachable("unknown reduction");
}

/// The value of lane `lane ^ mask`: shuffles move 32 bits, so narrower
/// values travel widened (exactly) and come back.
Value shuffleXor(OpBuilder &b, Location loc, Value v, int64_t mask) {
  Type type = v.getType();
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  bool isFloat = isa<FloatType>(type);
  Value wide = v;
  if (type.getIntOrFloatBitWidth() < 32)
    wide = isFloat ? Value(arith::ExtFOp::create(b, loc, f32, v))
                   : Value(arith::ExtSIOp::create(b, loc, i32, v));
  Value shuffled = NVVM::ShflOp::create(
      b, loc, wide.getType(), emitI32(b, loc, -1), wide, emitI32(b, loc, mask),
      emitI32(b, loc, 0x1f), NVVM::ShflKind::bfly, UnitAttr());
  if (shuffled.getType() == type)
    return shuffled;
  return isFloat ? Value(arith::TruncFOp::create(b, loc, type, shuffled))
                 : Value(arith::TruncIOp::create(b, loc, type, shuffled));
}

/// Reduces along one dimension: first the registers of each thread that
/// project to one element of the result, then across the lanes that hold
/// the other parts (butterfly shuffles, so every lane ends with the total).
class ReducePattern : public OpConversionPattern<ReduceOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType in = op.getInput().getType(), out = op.getType();
    DistributedLayoutAttr layout = getLayout(in);
    int64_t dim = op.getDim();
    std::optional<SmallVector<int64_t>> masks =
        getReductionLaneMasks(layout, in.getShape(), dim);
    if (!masks)
      return op.emitOpError()
             << "reduces across warps, which needs shared memory and is not "
                "supported yet; reduce along a dimension within a warp";
    SmallVector<SmallVector<int64_t>> inOffsets =
        getRegisterOffsets(layout, in.getShape());
    SmallVector<SmallVector<int64_t>> outOffsets =
        getRegisterOffsets(getLayout(out), out.getShape());
    SmallVector<Value> regs = unpackVector(rewriter, loc, adaptor.getInput());
    SmallVector<Value> partial(outOffsets.size());
    for (auto [r, offset] : llvm::enumerate(inOffsets)) {
      SmallVector<int64_t> projected = offset;
      projected.erase(projected.begin() + dim);
      auto it = llvm::find(outOffsets, projected);
      if (it == outOffsets.end())
        return op.emitOpError() << "cannot place a register of the reduction";
      Value &acc = partial[it - outOffsets.begin()];
      acc = acc ? combine(rewriter, loc, op.getKind(), acc, regs[r]) : regs[r];
    }
    for (Value &acc : partial)
      for (int64_t mask : *masks)
        acc = combine(rewriter, loc, op.getKind(), acc,
                      shuffleXor(rewriter, loc, acc, mask));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        op, getTypeConverter()->convertType(out), partial);
    return success();
  }
};

} // namespace

void kiln::populateHopperPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns
      .add<AsyncLoadPattern, CreatePattern, PutEnterPattern, GetEnterPattern,
           PutExitPattern, GetExitPattern, MmaPattern, MmaWaitPattern,
           BroadcastPattern, ExtractSlicePattern, ReducePattern>(
          converter, patterns.getContext());
}
