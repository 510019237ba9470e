//===- Layouts.cpp - where each thread's tile elements live ---------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Layouts.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

static Value i32Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 32);
}

/// Splits `linear` into row-major digits of radices `sizes` (the last varies
/// fastest).
static SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                                      ArrayRef<int64_t> sizes) {
  SmallVector<Value> digits(sizes.size());
  int64_t stride = 1;
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    Value q = stride == 1 ? linear
                          : arith::DivUIOp::create(
                                b, loc, linear, i32Const(b, loc, stride));
    digits[d] = sizes[d] == 1
                    ? i32Const(b, loc, 0)
                    : arith::RemUIOp::create(b, loc, q,
                                             i32Const(b, loc, sizes[d]));
    stride *= sizes[d];
  }
  return digits;
}

static ElementCoords emitBlockedCoords(OpBuilder &b, Location loc,
                                       BlockedLayoutAttr layout,
                                       ArrayRef<int64_t> shape, Value tid) {
  int64_t rank = shape.size();
  ArrayRef<int64_t> elems = layout.getElems(), threads = layout.getThreads(),
                    warps = layout.getWarps();
  Value lane = arith::RemUIOp::create(b, loc, tid, i32Const(b, loc, 32));
  Value warp = arith::DivUIOp::create(b, loc, tid, i32Const(b, loc, 32));
  SmallVector<Value> laneIdx = delinearize(b, loc, lane, threads);
  SmallVector<Value> warpIdx = delinearize(b, loc, warp, warps);

  // Per dimension: the thread's first element, and the register-local
  // offsets (repetition * coverage + position in the run).
  SmallVector<Value> base(rank);
  SmallVector<SmallVector<int64_t>> offsets(rank);
  SmallVector<bool> wraps(rank);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t cover = elems[d] * threads[d] * warps[d];
    Value w = arith::MulIOp::create(b, loc, warpIdx[d],
                                    i32Const(b, loc, elems[d] * threads[d]));
    Value l = arith::MulIOp::create(b, loc, laneIdx[d],
                                    i32Const(b, loc, elems[d]));
    base[d] = arith::AddIOp::create(b, loc, w, l);
    int64_t reps = std::max<int64_t>(1, shape[d] / cover);
    for (int64_t rep = 0; rep < reps; ++rep)
      for (int64_t s = 0; s < elems[d]; ++s)
        offsets[d].push_back(rep * cover + s);
    // A dimension smaller than the layout's coverage is replicated: threads
    // past its end hold the elements again.
    wraps[d] = shape[d] < cover;
  }

  int64_t numRegs = layout.getElemsPerThread(shape);
  ElementCoords coords(numRegs, SmallVector<Value>(rank));
  for (int64_t r = 0; r < numRegs; ++r) {
    int64_t rest = r;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t n = offsets[d].size();
      int64_t offset = offsets[d][rest % n];
      rest /= n;
      Value c = offset == 0 ? base[d]
                            : arith::AddIOp::create(b, loc, base[d],
                                                    i32Const(b, loc, offset));
      if (wraps[d])
        c = arith::RemUIOp::create(b, loc, c, i32Const(b, loc, shape[d]));
      coords[r][d] = c;
    }
  }
  return coords;
}

ElementCoords kiln::emitElementCoords(OpBuilder &b, Location loc,
                                      DistributedLayoutAttr layout,
                                      ArrayRef<int64_t> shape, Value tid) {
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout))
    return emitBlockedCoords(b, loc, blocked, shape, tid);
  llvm_unreachable("unknown distributed layout");
}

int64_t kiln::getContiguousRun(DistributedLayoutAttr layout,
                               ArrayRef<int64_t> shape) {
  // A thread's run along the last dimension never wraps: verifyShape makes
  // the dimension a multiple of it.
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout))
    return blocked.getElems().back();
  return 1;
}
