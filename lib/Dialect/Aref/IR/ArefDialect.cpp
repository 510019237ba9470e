//===- ArefDialect.cpp - aref dialect and types ---------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Aref/IR/ArefDialect.h"
#include "kiln/Dialect/Aref/IR/ArefOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::aref;

#include "kiln/Dialect/Aref/IR/ArefDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "kiln/Dialect/Aref/IR/ArefTypes.cpp.inc"

void ArefDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "kiln/Dialect/Aref/IR/ArefTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "kiln/Dialect/Aref/IR/ArefOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// RefType
//===----------------------------------------------------------------------===//

LogicalResult RefType::verify(function_ref<InFlightDiagnostic()> emitError,
                              ArrayRef<Type> payload, int64_t depth) {
  if (depth < 1)
    return emitError() << "aref depth must be at least 1, got " << depth;
  for (Type t : payload) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor)
      return emitError() << "aref payload must be ranked tensors, got " << t;
    if (!tensor.hasStaticShape())
      return emitError() << "aref payload must have a static shape, got " << t;
    if (!tensor.getElementType().isIntOrFloat())
      return emitError() << "aref payload elements must be integers or floats,"
                            " got "
                         << t;
  }
  return success();
}

MemRefType RefType::getBufferType(unsigned i) const {
  auto tensor = cast<RankedTensorType>(getPayload()[i]);
  return MemRefType::get(tensor.getShape(), tensor.getElementType(),
                         MemRefLayoutAttrInterface(),
                         IntegerAttr::get(IntegerType::get(getContext(), 64),
                                          kSharedMemorySpace));
}

SmallVector<Type> RefType::getBufferTypes() const {
  SmallVector<Type> types;
  for (unsigned i = 0; i < getPayload().size(); ++i)
    types.push_back(getBufferType(i));
  return types;
}

int64_t RefType::getSlotBytes() const {
  int64_t bytes = 0;
  for (Type t : getPayload()) {
    auto tensor = cast<RankedTensorType>(t);
    bytes += tensor.getNumElements() *
             ((tensor.getElementTypeBitWidth() + 7) / 8);
  }
  return bytes;
}

RefType RefType::withDepth(int64_t depth) const {
  return RefType::get(getContext(), getPayload(), depth);
}
