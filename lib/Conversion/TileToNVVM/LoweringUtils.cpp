//===- LoweringUtils.cpp - helpers shared by Kiln's lowerings -------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

DescValues kiln::unpackDesc(Value desc) {
  auto packed = desc.getDefiningOp<UnrealizedConversionCastOp>();
  assert(packed && "descriptor was not packed by kernel lowering");
  int64_t rank = cast<DescType>(desc.getType()).getRank();
  ValueRange in = packed.getInputs();
  DescValues values;
  size_t i = 0;
  if (in.size() == static_cast<size_t>(2 * rank + 1))
    values.tensorMap = in[i++];
  values.base = in[i++];
  for (int64_t d = 0; d < rank; ++d)
    values.extents.push_back(in[i++]);
  for (int64_t d = 0; d + 1 < rank; ++d)
    values.strides.push_back(in[i++]);
  return values;
}

void kiln::eraseDescriptorCasts(ModuleOp module) {
  SmallVector<UnrealizedConversionCastOp> dead;
  module.walk([&](UnrealizedConversionCastOp op) {
    if (op->getNumResults() == 1 && isa<DescType>(op.getType(0)) &&
        op->use_empty())
      dead.push_back(op);
  });
  for (UnrealizedConversionCastOp op : dead)
    op->erase();
}

Value kiln::emitI32(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 32);
}

Value kiln::emitAddNsw(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y, arith::IntegerOverflowFlags::nsw);
}

Value kiln::emitMulNsw(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y, arith::IntegerOverflowFlags::nsw);
}

Value kiln::emitBlockId(OpBuilder &b, Location loc, GridDim dim) {
  Type i32 = b.getI32Type();
  switch (dim) {
  case GridDim::x:
    return NVVM::BlockIdXOp::create(b, loc, i32);
  case GridDim::y:
    return NVVM::BlockIdYOp::create(b, loc, i32);
  case GridDim::z:
    return NVVM::BlockIdZOp::create(b, loc, i32);
  }
  llvm_unreachable("unknown grid dimension");
}

Value kiln::emitGridDim(OpBuilder &b, Location loc, GridDim dim) {
  Type i32 = b.getI32Type();
  switch (dim) {
  case GridDim::x:
    return NVVM::GridDimXOp::create(b, loc, i32);
  case GridDim::y:
    return NVVM::GridDimYOp::create(b, loc, i32);
  case GridDim::z:
    return NVVM::GridDimZOp::create(b, loc, i32);
  }
  llvm_unreachable("unknown grid dimension");
}

Value kiln::emitLayoutThreadId(OpBuilder &b, Location loc, Operation *op) {
  Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
  // Inside a role (lowered to a marked scf.execute_region), threads count
  // from the role's first thread.
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    auto role = parent->getAttrOfType<DenseI64ArrayAttr>("kiln.role");
    if (!role)
      continue;
    int64_t first = role[0];
    if (first == 0)
      return tid;
    return arith::SubIOp::create(b, loc, tid, emitI32(b, loc, first));
  }
  return tid;
}

Value kiln::castInteger(OpBuilder &b, Location loc, Value v, Type to) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned width = to.getIntOrFloatBitWidth();
  if (width == from)
    return v;
  if (width < from)
    return arith::TruncIOp::create(b, loc, to, v);
  return arith::ExtSIOp::create(b, loc, to, v);
}

SmallVector<Value> kiln::offsetCoords(OpBuilder &b, Location loc,
                                      ValueRange base, ValueRange offset) {
  SmallVector<Value> out;
  for (auto [x, y] : llvm::zip(base, offset))
    out.push_back(emitAddNsw(b, loc, x, y));
  return out;
}

Value kiln::emitInBounds(OpBuilder &b, Location loc, const DescValues &desc,
                         ValueRange coords, int64_t run) {
  Value zero = emitI32(b, loc, 0);
  Value ok;
  int64_t rank = coords.size();
  for (int64_t d = 0; d < rank; ++d) {
    Value lo = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                     coords[d], zero);
    Value last = coords[d];
    if (d == rank - 1 && run > 1)
      last = arith::AddIOp::create(b, loc, coords[d], emitI32(b, loc, run - 1));
    Value hi = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, last,
                                     desc.extents[d]);
    Value both = arith::AndIOp::create(b, loc, lo, hi);
    ok = ok ? arith::AndIOp::create(b, loc, ok, both) : both;
  }
  return ok;
}

/// The type an element has in memory: LLVM has no 8-bit floats, so those
/// move as bytes.
static Type getStorageType(Type elementType) {
  if (isa<FloatType>(elementType) && elementType.getIntOrFloatBitWidth() == 8)
    return IntegerType::get(elementType.getContext(), 8);
  return elementType;
}

static Value fromStorage(OpBuilder &b, Location loc, Value v, Type to) {
  return v.getType() == to ? v : arith::BitcastOp::create(b, loc, to, v);
}

static Value toStorage(OpBuilder &b, Location loc, Value v) {
  Type storage = getStorageType(v.getType());
  return storage == v.getType() ? v
                                : arith::BitcastOp::create(b, loc, storage, v);
}

Value kiln::emitElementAddress(OpBuilder &b, Location loc,
                               const DescValues &desc, ValueRange coords,
                               Type elementType) {
  Type i64 = b.getI64Type();
  int64_t rank = coords.size();
  Value offset = arith::ExtSIOp::create(b, loc, i64, coords[rank - 1]);
  for (int64_t d = 0; d + 1 < rank; ++d) {
    Value c = arith::ExtSIOp::create(b, loc, i64, coords[d]);
    Value term = emitMulNsw(b, loc, c, desc.strides[d]);
    offset = emitAddNsw(b, loc, offset, term);
  }
  return LLVM::GEPOp::create(b, loc, desc.base.getType(),
                             getStorageType(elementType), desc.base,
                             ValueRange{offset});
}

Value kiln::emitMaskedLoad(OpBuilder &b, Location loc, Value addr, Value cond,
                           Type elementType) {
  Type storage = getStorageType(elementType);
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{storage}, cond,
                                /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    Value v = LLVM::LoadOp::create(b, loc, storage, addr);
    scf::YieldOp::create(b, loc, v);
    b.setInsertionPointToStart(&ifOp.getElseRegion().front());
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(storage));
    scf::YieldOp::create(b, loc, zero);
  }
  return fromStorage(b, loc, ifOp.getResult(0), elementType);
}

int64_t kiln::getVectorWidth(int64_t run, Type elementType) {
  int64_t bytes = (elementType.getIntOrFloatBitWidth() + 7) / 8;
  int64_t width = std::min<int64_t>(run, 16 / bytes);
  while (width > 1 && (run % width != 0 || (width & (width - 1)) != 0))
    --width;
  return std::max<int64_t>(width, 1);
}

/// True where a `width`-element access at `coords` (width * elementBytes
/// bytes, a power of two) is aligned to its size. Asked of the base, the
/// strides and the last coordinate rather than of the address: the first
/// two are the same for every access of a tile, so the check is computed
/// once, and the last is often known to be a multiple (a layout's column
/// step), which folds it away. It can say false for an aligned address
/// (a misaligned base that strides make up for); that only costs the slow
/// path.
Value kiln::emitAligned(OpBuilder &b, Location loc, const DescValues &desc,
                        ValueRange coords, int64_t width, Type elementType) {
  Type i64 = b.getI64Type();
  int64_t elementBytes =
      (getStorageType(elementType).getIntOrFloatBitWidth() + 7) / 8;
  auto isMultiple = [&](Value v, int64_t of) {
    unsigned bits = v.getType().getIntOrFloatBitWidth();
    Value low = arith::AndIOp::create(
        b, loc, v, arith::ConstantIntOp::create(b, loc, of - 1, bits));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, low,
                                 arith::ConstantIntOp::create(b, loc, 0, bits));
  };
  Value base = LLVM::PtrToIntOp::create(b, loc, i64, desc.base);
  Value ok = isMultiple(base, width * elementBytes);
  for (Value stride : desc.strides)
    ok = arith::AndIOp::create(b, loc, ok, isMultiple(stride, width));
  return arith::AndIOp::create(b, loc, ok, isMultiple(coords.back(), width));
}

/// True where one `width`-element vector access at `coords` may serve: all
/// of it inside the tensor, and aligned.
static Value emitWholeAccess(OpBuilder &b, Location loc, const DescValues &desc,
                             ValueRange coords, int64_t width,
                             Type elementType) {
  Value inside = emitInBounds(b, loc, desc, coords, width);
  Value aligned = emitAligned(b, loc, desc, coords, width, elementType);
  return arith::AndIOp::create(b, loc, inside, aligned);
}

Value kiln::emitTileInBounds(OpBuilder &b, Location loc, const DescValues &desc,
                             ValueRange origin, ArrayRef<int64_t> shape) {
  // origin <= extent - shape rather than origin + shape <= extent, which
  // could overflow i32 near its end; extents are at least 0.
  Value ok;
  for (auto [d, size] : llvm::enumerate(shape)) {
    Value lo = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                     origin[d], emitI32(b, loc, 0));
    Value room =
        arith::SubIOp::create(b, loc, desc.extents[d], emitI32(b, loc, size));
    Value hi = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                     origin[d], room);
    Value both = arith::AndIOp::create(b, loc, lo, hi);
    ok = ok ? arith::AndIOp::create(b, loc, ok, both) : both;
  }
  return ok;
}

/// Coordinates `delta` elements further along the last dimension.
static SmallVector<Value> stepLast(OpBuilder &b, Location loc,
                                  ValueRange coords, int64_t delta) {
  SmallVector<Value> out(coords);
  if (delta != 0)
    out.back() = emitAddNsw(b, loc, out.back(), emitI32(b, loc, delta));
  return out;
}

SmallVector<Value> kiln::emitRunLoad(OpBuilder &b, Location loc,
                                     const DescValues &desc, ValueRange coords,
                                     int64_t run, Type elementType) {
  SmallVector<Value> elems;
  Type storage = getStorageType(elementType);
  int64_t width = getVectorWidth(run, elementType);
  int64_t bytes = width * ((storage.getIntOrFloatBitWidth() + 7) / 8);
  for (int64_t start = 0; start < run; start += width) {
    SmallVector<Value> c = stepLast(b, loc, coords, start);
    Value addr = emitElementAddress(b, loc, desc, c, elementType);
    if (width == 1) {
      Value ok = emitInBounds(b, loc, desc, c, 1);
      elems.push_back(emitMaskedLoad(b, loc, addr, ok, elementType));
      continue;
    }
    // Fast path: the whole access is inside the tensor and aligned.
    auto vecType = VectorType::get({width}, storage);
    Value fast = emitWholeAccess(b, loc, desc, c, width, elementType);
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{vecType}, fast,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      Value v = LLVM::LoadOp::create(b, loc, vecType, addr, bytes);
      scf::YieldOp::create(b, loc, v);
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      SmallVector<Value> slow;
      for (int64_t i = 0; i < width; ++i) {
        SmallVector<Value> ci = stepLast(b, loc, c, i);
        Value ai = emitElementAddress(b, loc, desc, ci, elementType);
        Value ok = emitInBounds(b, loc, desc, ci, 1);
        slow.push_back(
            toStorage(b, loc, emitMaskedLoad(b, loc, ai, ok, elementType)));
      }
      Value packed = vector::FromElementsOp::create(b, loc, vecType, slow);
      scf::YieldOp::create(b, loc, packed);
    }
    for (Value v : unpackVector(b, loc, ifOp.getResult(0)))
      elems.push_back(fromStorage(b, loc, v, elementType));
  }
  return elems;
}

/// Stores `elems` (a power of two of them, that many elements' bytes
/// aligned) at `addr` with one access.
static void emitVectorStore(OpBuilder &b, Location loc, Value addr,
                            ArrayRef<Value> elems) {
  if (elems.size() == 1) {
    LLVM::StoreOp::create(b, loc, toStorage(b, loc, elems.front()), addr);
    return;
  }
  Type storage = getStorageType(elems.front().getType());
  SmallVector<Value> stored;
  for (Value v : elems)
    stored.push_back(toStorage(b, loc, v));
  Value packed = vector::FromElementsOp::create(
      b, loc, VectorType::get({int64_t(elems.size())}, storage), stored);
  int64_t bytes = elems.size() * ((storage.getIntOrFloatBitWidth() + 7) / 8);
  LLVM::StoreOp::create(b, loc, packed, addr, bytes);
}

void kiln::emitRunStore(OpBuilder &b, Location loc, const DescValues &desc,
                        ValueRange coords, ArrayRef<Value> elems) {
  int64_t run = elems.size();
  Type elementType = elems.front().getType();
  int64_t width = getVectorWidth(run, elementType);
  auto storeOne = [&](ValueRange c, Value v) {
    Value addr = emitElementAddress(b, loc, desc, c, elementType);
    Value ok = emitInBounds(b, loc, desc, c, 1);
    auto ifOp = scf::IfOp::create(b, loc, ok, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    LLVM::StoreOp::create(b, loc, toStorage(b, loc, v), addr);
  };
  for (int64_t start = 0; start < run; start += width) {
    SmallVector<Value> c = stepLast(b, loc, coords, start);
    if (width == 1) {
      storeOne(c, elems[start]);
      continue;
    }
    Value addr = emitElementAddress(b, loc, desc, c, elementType);
    Value fast = emitWholeAccess(b, loc, desc, c, width, elementType);
    auto ifOp = scf::IfOp::create(b, loc, fast, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    emitVectorStore(b, loc, addr, elems.slice(start, width));
    b.setInsertionPointToStart(&ifOp.getElseRegion().front());
    for (int64_t i = 0; i < width; ++i)
      storeOne(stepLast(b, loc, c, i), elems[start + i]);
  }
}

SmallVector<Value> kiln::emitRunAddresses(OpBuilder &b, Location loc,
                                          const DescValues &desc,
                                          ValueRange coords, int64_t run,
                                          Type elementType) {
  SmallVector<Value> addresses;
  int64_t width = getVectorWidth(run, elementType);
  for (int64_t start = 0; start < run; start += width)
    addresses.push_back(emitElementAddress(
        b, loc, desc, stepLast(b, loc, coords, start), elementType));
  return addresses;
}

void kiln::emitRunStoreAt(OpBuilder &b, Location loc, ArrayRef<Value> addresses,
                          ArrayRef<Value> elems) {
  int64_t width = getVectorWidth(elems.size(), elems.front().getType());
  for (auto [i, addr] : llvm::enumerate(addresses))
    emitVectorStore(b, loc, addr, elems.slice(i * width, width));
}

SmallVector<Value> kiln::unpackVector(OpBuilder &b, Location loc,
                                      Value vector) {
  auto type = cast<VectorType>(vector.getType());
  SmallVector<Value> elems;
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    elems.push_back(vector::ExtractOp::create(b, loc, vector,
                                              ArrayRef<int64_t>{i}));
  return elems;
}
