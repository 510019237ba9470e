//===- ArefOps.cpp - aref dialect operations ------------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Aref/IR/ArefOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace kiln::aref;

#define GET_OP_CLASSES
#include "kiln/Dialect/Aref/IR/ArefOps.cpp.inc"

bool kiln::aref::isProducerOp(Operation *op) {
  return isa<PutOp, PutEnterOp, PutExitOp>(op);
}

bool kiln::aref::isConsumerOp(Operation *op) {
  return isa<GetOp, ConsumedOp, GetEnterOp, GetExitOp>(op);
}

Value kiln::aref::getArefOperand(Operation *op) {
  if (!isProducerOp(op) && !isConsumerOp(op))
    return {};
  return op->getOperand(0);
}

/// Tensor types agree with a payload type: same shape and element type. A
/// layout encoding, added by lowering, does not count.
static bool sameShapeAndElement(Type a, Type b) {
  auto ta = dyn_cast<ShapedType>(a);
  auto tb = dyn_cast<ShapedType>(b);
  return ta && tb && ta.getShape() == tb.getShape() &&
         ta.getElementType() == tb.getElementType();
}

static LogicalResult verifyValuesMatchPayload(Operation *op, RefType ref,
                                              TypeRange types,
                                              StringRef what) {
  ArrayRef<Type> payload = ref.getPayload();
  if (types.size() != payload.size())
    return op->emitOpError() << "has " << types.size() << " " << what
                             << " but the aref payload has " << payload.size()
                             << " types";
  for (auto [i, pair] : llvm::enumerate(llvm::zip(types, payload))) {
    auto [t, p] = pair;
    if (!sameShapeAndElement(t, p))
      return op->emitOpError() << what << " #" << i << " has type " << t
                               << " but payload #" << i << " is " << p;
  }
  return success();
}

static LogicalResult verifyBuffers(Operation *op, RefType ref,
                                   TypeRange buffers) {
  if (failed(verifyValuesMatchPayload(op, ref, buffers, "buffers")))
    return failure();
  for (auto [i, t] : llvm::enumerate(buffers)) {
    if (t != ref.getBufferType(i))
      return op->emitOpError() << "buffer #" << i << " must be "
                               << ref.getBufferType(i) << ", got " << t;
  }
  return success();
}

/// A constant slot index must name one of the aref's slots.
static LogicalResult verifySlot(Operation *op, RefType ref, Value slot) {
  APInt value;
  if (matchPattern(slot, m_ConstantInt(&value))) {
    int64_t s = value.getSExtValue();
    if (s < 0 || s >= ref.getDepth())
      return op->emitOpError() << "slot " << s << " is outside the aref's "
                               << ref.getDepth() << " slots";
  }
  return success();
}

/// A constant phase must be a parity: 0 or 1.
static LogicalResult verifyPhase(Operation *op, Value phase) {
  APInt value;
  if (matchPattern(phase, m_ConstantInt(&value))) {
    int64_t p = value.getSExtValue();
    if (p != 0 && p != 1)
      return op->emitOpError() << "phase must be a parity (0 or 1), got " << p;
  }
  return success();
}

LogicalResult CreateOp::verify() {
  if (getArrivals() < 1)
    return emitOpError() << "needs at least one consumer arrival per slot, got "
                         << getArrivals();
  return success();
}

LogicalResult PutOp::verify() {
  return verifyValuesMatchPayload(*this, getRef().getType(),
                                  getValues().getTypes(), "values");
}

LogicalResult GetOp::verify() {
  return verifyValuesMatchPayload(*this, getRef().getType(),
                                  getValues().getTypes(), "results");
}

LogicalResult PutEnterOp::verify() {
  RefType ref = getRef().getType();
  if (failed(verifyBuffers(*this, ref, getBuffers().getTypes())) ||
      failed(verifySlot(*this, ref, getSlot())))
    return failure();
  return verifyPhase(*this, getPhase());
}

LogicalResult PutExitOp::verify() {
  return verifySlot(*this, getRef().getType(), getSlot());
}

LogicalResult GetEnterOp::verify() {
  RefType ref = getRef().getType();
  if (failed(verifyBuffers(*this, ref, getBuffers().getTypes())) ||
      failed(verifySlot(*this, ref, getSlot())))
    return failure();
  return verifyPhase(*this, getPhase());
}

LogicalResult GetExitOp::verify() {
  return verifySlot(*this, getRef().getType(), getSlot());
}
