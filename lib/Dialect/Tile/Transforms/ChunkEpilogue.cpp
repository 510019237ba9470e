//===- ChunkEpilogue.cpp - epilogues a column chunk at a time -------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An epilogue lowered op by op over a whole accumulator keeps, per thread,
// the accumulator (128 registers for a 128 x 256 tile over two warp groups),
// the row vectors it adds and each intermediate result live together. With
// a persistent kernel's loop state on top, that is more than setmaxnreg
// gives a consumer, and ptxas spills. Storing the tile a column chunk at a
// time bounds what is live to the accumulator plus one chunk's work.
//
// The chunks are exact: every op involved is element-wise or places the
// same element in the same column, so chunk c of the result is computed
// from chunk c of the inputs.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <optional>

#define DEBUG_TYPE "tile-chunk-epilogue"

namespace kiln::tile {
#define GEN_PASS_DEF_TILECHUNKEPILOGUEPASS
#include "kiln/Dialect/Tile/Transforms/Passes.h.inc"
} // namespace kiln::tile

using namespace mlir;
using namespace kiln::tile;

namespace {

/// How chunk c of a value is made: of a tile of the stored shape, or of a
/// row (one value per column) that is broadcast into one.
enum class Kind {
  /// Computed elsewhere: chunk c is its slice.
  Leaf,
  /// An element-wise arith or math op: the op on the operands' chunks.
  Elementwise,
  /// A splat (dense splat constant or tile.splat): the splat of a chunk.
  Splat,
  /// A row loaded with tile.load from a tensor the kernel only reads:
  /// loaded again a chunk at a time (see isReloadable).
  RowLoad,
  /// A row broadcast over the rows: the broadcast of the row's chunk.
  BroadcastRow,
  /// A column vector broadcast over the columns: the same vector broadcast
  /// over the chunk's columns.
  BroadcastColumn,
};

/// The plan for one store: what each value it depends on is.
class EpiloguePlan {
public:
  /// `writtenDescs`: the descriptors some store of the kernel writes.
  EpiloguePlan(StoreOp store, int64_t columns,
               const llvm::SmallPtrSetImpl<Value> &writtenDescs)
      : store(store), type(store.getValue().getType()), columns(columns),
        writtenDescs(writtenDescs) {}

  /// Classifies the values the store depends on. False where the store is
  /// not worth chunking or cannot be chunked.
  bool build() {
    if (type.getRank() != 2 ||
        !isa_and_nonnull<MmaLayoutAttr>(type.getEncoding()))
      return false;
    int64_t n = type.getDimSize(1);
    if (n <= columns || n % columns != 0)
      return false;
    // A value that something besides the chunked ops uses is computed whole
    // anyway: chunks slice it rather than compute it again. Which ops are
    // chunked depends on that in turn, so classify until it settles.
    chunked.reset();
    while (true) {
      kinds.clear();
      replaced.clear();
      reloadedRows.clear();
      if (!classify(store.getValue()))
        return false;
      llvm::SmallPtrSet<Operation *, 16> now(replaced.begin(), replaced.end());
      // The set only shrinks from one pass to the next.
      if (chunked && now.size() == chunked->size())
        break;
      chunked = std::move(now);
    }
    // Nothing to compute: chunking only splits the store.
    return kinds.lookup(store.getValue()) != Kind::Leaf;
  }

  /// Emits one store per chunk before the original, which it erases.
  void emit() {
    OpBuilder b(store);
    Location loc = store.getLoc();
    int64_t n = type.getDimSize(1);
    SmallVector<Value> coords(store.getCoords());
    Value column = coords.back();
    for (int64_t start = 0; start < n; start += columns) {
      chunks.clear();
      // The rows the next chunk loads go before this chunk's math and
      // store, so that their latency hides under them: nothing would move
      // them there later, as the stores may alias the rows for all LLVM and
      // ptxas know.
      loadRows(b, start);
      if (start + columns < n)
        loadRows(b, start + columns);
      Value value = chunkOf(b, store.getValue(), start);
      coords.back() = offsetBy(b, loc, column, start);
      StoreOp::create(b, loc, value, store.getDesc(), coords);
    }
    store.erase();
  }

  /// The ops the chunks replace, to erase where nothing else uses them.
  ArrayRef<Operation *> getReplacedOps() const {
    return replaced.getArrayRef();
  }

private:
  /// False where `v` has users the last classification did not chunk (all
  /// are taken as chunked in the first).
  bool usersChunked(Value v) {
    return !chunked || llvm::all_of(v.getUsers(), [&](Operation *user) {
             return user == store.getOperation() || chunked->contains(user);
           });
  }

  /// True where `row` has a user after the store that no epilogue chunks
  /// (none where the last classification chunked all of them). Rows
  /// broadcast into tiles and element-wise ops on rows count as chunked:
  /// their own epilogue makes them again.
  bool usedWholeAfter(Value row) {
    if (!chunked)
      return false;
    for (Operation *user : row.getUsers()) {
      if (user == store.getOperation() || chunked->contains(user) ||
          isa<BroadcastOp>(user) ||
          (user->hasTrait<OpTrait::Elementwise>() &&
           user->getNumResults() == 1 && isChunkable(user->getResult(0))))
        continue;
      Operation *at = store->getBlock()->findAncestorOpInBlock(*user);
      if (!at || store->isBeforeInBlock(at))
        return true;
    }
    return false;
  }

  /// A tile of the stored shape, or a row of its columns in the layout
  /// that broadcasts into it.
  bool isChunkable(Value v) const {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return false;
    if (t.getShape() == type.getShape())
      return true;
    auto slice = dyn_cast_or_null<SliceLayoutAttr>(t.getEncoding());
    return t.getRank() == 1 && t.getDimSize(0) == type.getDimSize(1) && slice &&
           slice.getDim() == 0 && slice.getParent() == type.getEncoding();
  }

  /// True where chunks of `v` can be made.
  bool classify(Value v) {
    if (kinds.count(v))
      return true;
    Kind kind = classifyDef(v);
    // Splats and rows (a few values per thread and chunk) are cheap to make
    // again; other values used elsewhere are computed whole (see build), as
    // are rows that stay live whole through the epilogue anyway.
    bool isRow = cast<RankedTensorType>(v.getType()).getRank() == 1;
    if (kind != Kind::Leaf && kind != Kind::Splat &&
        (isRow ? usedWholeAfter(v) : !usersChunked(v)))
      kind = Kind::Leaf;
    if (kind == Kind::Leaf && !canSlice(v))
      return false;
    if (kind == Kind::Elementwise || kind == Kind::BroadcastRow)
      for (Value operand : v.getDefiningOp()->getOperands())
        if (isChunkable(operand) && !classify(operand))
          return false;
    if (kind != Kind::Leaf)
      replaced.insert(v.getDefiningOp());
    if (kind == Kind::RowLoad)
      reloadedRows.push_back(v);
    kinds[v] = kind;
    return true;
  }

  Kind classifyDef(Value v) {
    Operation *op = v.getDefiningOp();
    if (!op)
      return Kind::Leaf;
    // Splats cost nothing to make anywhere (constants often sit at the top
    // of the role).
    if (auto constant = dyn_cast<arith::ConstantOp>(op))
      return isa<SplatElementsAttr>(constant.getValue()) ? Kind::Splat
                                                         : Kind::Leaf;
    if (isa<SplatOp>(op))
      return Kind::Splat;
    // Other work only from the store's block: chunking must not move it
    // into a loop or a branch, nor out of one.
    if (op->getBlock() != store->getBlock())
      return Kind::Leaf;
    if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      if (broadcast.getDims().size() != 1)
        return Kind::Leaf;
      int64_t dim = broadcast.getDims()[0];
      if (dim == 1)
        return Kind::BroadcastColumn;
      return isChunkable(broadcast.getInput()) ? Kind::BroadcastRow
                                               : Kind::Leaf;
    }
    if (isReloadable(v))
      return Kind::RowLoad;
    if (isa_and_present<arith::ArithDialect, math::MathDialect>(
            op->getDialect()) &&
        op->hasTrait<OpTrait::Elementwise>() && op->getNumResults() == 1 &&
        op->getNumRegions() == 0)
      return Kind::Elementwise;
    return Kind::Leaf;
  }

  /// Every thread holds its part of each chunk of `v` (rank 2 or 1, the
  /// columns last).
  bool canSlice(Value v) const {
    auto t = cast<RankedTensorType>(v.getType());
    auto layout = dyn_cast_or_null<DistributedLayoutAttr>(t.getEncoding());
    if (!layout)
      return false;
    SmallVector<int64_t> chunk(t.getShape()), offsets(t.getRank(), 0);
    chunk.back() = columns;
    for (; offsets.back() < t.getShape().back(); offsets.back() += columns)
      if (!getSliceRegisters(layout, t.getShape(), chunk, offsets))
        return false;
    return true;
  }

  /// A row loaded (in the store's block, as classifyDef asks first) from a
  /// tensor no store of the kernel writes: loading it later, a chunk at a
  /// time, reads the same values (a tensor a kernel writes must not overlap
  /// its other tensors).
  bool isReloadable(Value row) const {
    auto load = row.getDefiningOp<LoadOp>();
    return load && load.getType().getRank() == 1 &&
           !writtenDescs.contains(load.getDesc());
  }

  /// `t` with `columns` columns.
  RankedTensorType chunkType(Type t) const {
    auto tensor = cast<RankedTensorType>(t);
    SmallVector<int64_t> shape(tensor.getShape());
    shape.back() = columns;
    return RankedTensorType::get(shape, tensor.getElementType(),
                                 tensor.getEncoding());
  }

  /// `v + delta` for a coordinate. No signed wrap, as lowering assumes for
  /// the coordinates of every element of the whole tile (and which lets
  /// LLVM widen the sum into a 64-bit address with one multiply).
  static Value offsetBy(OpBuilder &b, Location loc, Value v, int64_t delta) {
    if (delta == 0)
      return v;
    return arith::AddIOp::create(
        b, loc, v, arith::ConstantIntOp::create(b, loc, delta, 32),
        arith::IntegerOverflowFlags::nsw);
  }

  /// Columns [start, start + columns) of `v`, in registers it holds.
  static Value slice(OpBuilder &b, Location loc, Value v, int64_t start,
                     RankedTensorType type) {
    SmallVector<int64_t> offsets(type.getRank(), 0);
    offsets.back() = start;
    return ExtractSliceOp::create(b, loc, type, v,
                                  b.getDenseI64ArrayAttr(offsets));
  }

  /// Loads columns [start, start + columns) of every reloaded row, once.
  void loadRows(OpBuilder &b, int64_t start) {
    for (Value row : reloadedRows) {
      Value &chunk = rowLoads[{row, start}];
      if (chunk)
        continue;
      auto load = row.getDefiningOp<LoadOp>();
      SmallVector<Value> coords(load.getCoords());
      coords.back() = offsetBy(b, load.getLoc(), coords.back(), start);
      chunk = LoadOp::create(b, load.getLoc(), chunkType(row.getType()),
                             load.getDesc(), coords);
    }
  }

  /// Columns [start, start + columns) of `v`, made before the store.
  Value chunkOf(OpBuilder &b, Value v, int64_t start) {
    if (!isChunkable(v))
      return v;
    if (Value done = chunks.lookup(v))
      return done;
    Location loc = v.getLoc();
    RankedTensorType type = chunkType(v.getType());
    Value result;
    switch (kinds.lookup(v)) {
    case Kind::Leaf:
      result = slice(b, loc, v, start, type);
      break;
    case Kind::Splat:
      if (auto constant = v.getDefiningOp<arith::ConstantOp>())
        result = arith::ConstantOp::create(
            b, loc,
            cast<SplatElementsAttr>(constant.getValue()).resizeSplat(type));
      else
        result = SplatOp::create(b, loc, type,
                                 v.getDefiningOp<SplatOp>().getValue());
      break;
    case Kind::BroadcastColumn: {
      auto broadcast = v.getDefiningOp<BroadcastOp>();
      result = BroadcastOp::create(b, loc, type, broadcast.getInput(),
                                   broadcast.getDimsAttr());
      break;
    }
    case Kind::RowLoad:
      result = rowLoads.lookup({v, start});
      break;
    case Kind::BroadcastRow: {
      auto broadcast = v.getDefiningOp<BroadcastOp>();
      result = BroadcastOp::create(b, loc, type,
                                   chunkOf(b, broadcast.getInput(), start),
                                   broadcast.getDimsAttr());
      break;
    }
    case Kind::Elementwise: {
      Operation *op = v.getDefiningOp();
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(chunkOf(b, operand, start));
      OperationState state(loc, op->getName(), operands, TypeRange{type},
                           op->getAttrs());
      result = b.create(state)->getResult(0);
      break;
    }
    }
    chunks[v] = result;
    return result;
  }

  StoreOp store;
  RankedTensorType type;
  int64_t columns;
  const llvm::SmallPtrSetImpl<Value> &writtenDescs;
  /// The ops the previous classification chunked; none before the first.
  std::optional<llvm::SmallPtrSet<Operation *, 16>> chunked;
  llvm::DenseMap<Value, Kind> kinds;
  llvm::SetVector<Operation *> replaced;
  /// Rows loaded again per chunk (isReloadable), in the order found, and
  /// their chunk loads by first column.
  SmallVector<Value> reloadedRows;
  llvm::DenseMap<std::pair<Value, int64_t>, Value> rowLoads;
  /// The current chunk of each value made so far.
  llvm::DenseMap<Value, Value> chunks;
};

/// Erases those of `ops` that nothing uses any more, users before the
/// values they use.
void eraseUnused(ArrayRef<Operation *> ops) {
  // Erased entries become null.
  SmallVector<Operation *> pending(ops);
  bool erased = true;
  while (erased) {
    erased = false;
    for (Operation *&op : pending) {
      if (!op || !op->use_empty())
        continue;
      op->erase();
      op = nullptr;
      erased = true;
    }
  }
}

class TileChunkEpiloguePass final
    : public kiln::tile::impl::TileChunkEpiloguePassBase<
          TileChunkEpiloguePass> {
public:
  using TileChunkEpiloguePassBase::TileChunkEpiloguePassBase;

  void runOnOperation() override {
    if (columns <= 0 || columns % 8 != 0) {
      getOperation().emitError()
          << "tile-chunk-epilogue needs columns in a positive multiple of 8, "
             "got "
          << static_cast<int64_t>(columns);
      return signalPassFailure();
    }
    SmallVector<StoreOp> stores;
    llvm::SmallPtrSet<Value, 8> writtenDescs;
    getOperation().walk([&](StoreOp store) {
      stores.push_back(store);
      writtenDescs.insert(store.getDesc());
    });
    for (StoreOp store : stores) {
      EpiloguePlan plan(store, columns, writtenDescs);
      if (!plan.build())
        continue;
      plan.emit();
      eraseUnused(plan.getReplacedOps());
    }
  }
};

} // namespace
