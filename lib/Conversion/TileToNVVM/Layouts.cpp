//===- Layouts.cpp - where each thread's tile elements live ---------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every distributed layout places register r of a thread at
// `threadBase + offsets[r]` (see tile::getRegisterOffsets): the offsets are
// static, the base depends on the thread index. This file emits the base.
//
//===----------------------------------------------------------------------===//

#include "Layouts.h"

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

/// Splits `linear` into row-major digits of radices `sizes` (the last varies
/// fastest).
static SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                                      ArrayRef<int64_t> sizes) {
  SmallVector<Value> digits(sizes.size());
  int64_t stride = 1;
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    Value q = stride == 1 ? linear
                          : arith::DivUIOp::create(b, loc, linear,
                                                   emitI32(b, loc, stride));
    digits[d] =
        sizes[d] == 1
            ? emitI32(b, loc, 0)
            : arith::RemUIOp::create(b, loc, q, emitI32(b, loc, sizes[d]));
    stride *= sizes[d];
  }
  return digits;
}

static SmallVector<Value> emitBlockedBase(OpBuilder &b, Location loc,
                                          BlockedLayoutAttr layout,
                                          Value tid) {
  Value lane = arith::RemUIOp::create(b, loc, tid, emitI32(b, loc, 32));
  Value warp = arith::DivUIOp::create(b, loc, tid, emitI32(b, loc, 32));
  SmallVector<Value> laneIdx = delinearize(b, loc, lane, layout.getThreads());
  SmallVector<Value> warpIdx = delinearize(b, loc, warp, layout.getWarps());
  SmallVector<Value> base;
  for (int64_t d = 0; d < layout.getRank(); ++d) {
    int64_t elems = layout.getElems()[d];
    Value w = emitMulNsw(b, loc, warpIdx[d],
                         emitI32(b, loc, elems * layout.getThreads()[d]));
    Value l = emitMulNsw(b, loc, laneIdx[d], emitI32(b, loc, elems));
    base.push_back(emitAddNsw(b, loc, w, l));
  }
  return base;
}

/// wgmma's accumulator fragment: warp group g starts at row g * M / groups;
/// thread t of the group at row 16 (t / 32) + (t % 32) / 4, column
/// 2 (t % 4).
static SmallVector<Value> emitMmaBase(OpBuilder &b, Location loc,
                                      MmaLayoutAttr layout,
                                      ArrayRef<int64_t> shape, Value tid) {
  Value group = arith::DivUIOp::create(b, loc, tid, emitI32(b, loc, 128));
  Value inGroup = arith::RemUIOp::create(b, loc, tid, emitI32(b, loc, 128));
  Value warp = arith::DivUIOp::create(b, loc, inGroup, emitI32(b, loc, 32));
  Value lane = arith::RemUIOp::create(b, loc, inGroup, emitI32(b, loc, 32));
  Value groupRow = emitMulNsw(
      b, loc, group, emitI32(b, loc, shape[0] / layout.getWarpgroups()));
  Value warpRow = emitMulNsw(b, loc, warp, emitI32(b, loc, 16));
  Value laneRow = arith::DivUIOp::create(b, loc, lane, emitI32(b, loc, 4));
  Value row = emitAddNsw(b, loc, emitAddNsw(b, loc, groupRow, warpRow),
                         laneRow);
  Value quad = arith::RemUIOp::create(b, loc, lane, emitI32(b, loc, 4));
  Value col = emitMulNsw(b, loc, quad, emitI32(b, loc, 2));
  return {row, col};
}

static SmallVector<Value> emitThreadBase(OpBuilder &b, Location loc,
                                         DistributedLayoutAttr layout,
                                         ArrayRef<int64_t> shape, Value tid) {
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout))
    return emitBlockedBase(b, loc, blocked, tid);
  if (auto mma = dyn_cast<MmaLayoutAttr>(layout))
    return emitMmaBase(b, loc, mma, shape, tid);
  auto slice = cast<SliceLayoutAttr>(layout);
  SmallVector<int64_t> parentShape(shape);
  parentShape.insert(parentShape.begin() + slice.getDim(),
                     getLayoutCoverage(slice.getParent(), slice.getDim()));
  SmallVector<Value> base =
      emitThreadBase(b, loc, slice.getParent(), parentShape, tid);
  base.erase(base.begin() + slice.getDim());
  return base;
}

ElementCoords kiln::emitElementCoords(OpBuilder &b, Location loc,
                                      DistributedLayoutAttr layout,
                                      ArrayRef<int64_t> shape, Value tid) {
  SmallVector<Value> base = emitThreadBase(b, loc, layout, shape, tid);
  SmallVector<SmallVector<int64_t>> offsets =
      getRegisterOffsets(layout, shape);
  int64_t rank = shape.size();
  // A dimension smaller than one pass of the threads is replicated: threads
  // past its end hold its elements again.
  SmallVector<bool> wraps(rank);
  for (int64_t d = 0; d < rank; ++d)
    wraps[d] = shape[d] < getLayoutCoverage(layout, d);
  ElementCoords coords(offsets.size(), SmallVector<Value>(rank));
  for (auto [r, offset] : llvm::enumerate(offsets))
    for (int64_t d = 0; d < rank; ++d) {
      Value c = offset[d] == 0
                    ? base[d]
                    : emitAddNsw(b, loc, base[d], emitI32(b, loc, offset[d]));
      if (wraps[d])
        c = arith::RemUIOp::create(b, loc, c, emitI32(b, loc, shape[d]));
      coords[r][d] = c;
    }
  return coords;
}

int64_t kiln::getContiguousRun(DistributedLayoutAttr layout,
                               ArrayRef<int64_t> shape) {
  SmallVector<SmallVector<int64_t>> offsets =
      getRegisterOffsets(layout, shape);
  int64_t last = shape.size() - 1;
  // A run of length n: every group of n registers starting at a multiple of
  // n steps by one along the last dimension and agrees on the others.
  auto isRun = [&](int64_t n) {
    if (offsets.size() % n != 0 || shape[last] < n)
      return false;
    for (size_t start = 0; start < offsets.size(); start += n)
      for (int64_t i = 1; i < n; ++i) {
        const SmallVector<int64_t> &a = offsets[start], &c = offsets[start + i];
        for (int64_t d = 0; d < last; ++d)
          if (a[d] != c[d])
            return false;
        if (c[last] != a[last] + i)
          return false;
      }
    return true;
  };
  int64_t run = 1;
  while (isRun(run * 2))
    run *= 2;
  return run;
}
