//===- Numerics.cpp - element values and rounding of the interpreter -----===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Numerics.h"

using namespace mlir;
using namespace kiln::interp;
using llvm::APFloat;
using llvm::APInt;

bool kiln::interp::isSupportedElementType(Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return f.getWidth() <= 64;
  if (isa<IndexType>(type))
    return true;
  if (auto i = dyn_cast<IntegerType>(type))
    return i.getWidth() <= 64;
  return false;
}

unsigned kiln::interp::getIntWidth(Type type) {
  if (isa<IndexType>(type))
    return 64;
  return cast<IntegerType>(type).getWidth();
}

int64_t kiln::interp::getElementBytes(Type type) {
  if (isa<IndexType>(type))
    return 8;
  return (type.getIntOrFloatBitWidth() + 7) / 8;
}

int64_t kiln::interp::normalizeInt(unsigned width, int64_t value) {
  if (width >= 64)
    return value;
  // Shift through unsigned to keep the low `width` bits, then sign-extend.
  unsigned shift = 64 - width;
  return static_cast<int64_t>(static_cast<uint64_t>(value) << shift) >> shift;
}

double kiln::interp::toDouble(APFloat value) {
  bool lost = false;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return value.convertToDouble();
}

APFloat kiln::interp::toAPFloat(FloatType type, double value) {
  APFloat result(value);
  bool lost = false;
  result.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                 &lost);
  return result;
}

double kiln::interp::roundToFloat(FloatType type, double value) {
  if (type.isF64())
    return value;
  // A C++ conversion rounds to nearest even under the default rounding mode,
  // and is much faster than APFloat on the common type.
  if (type.isF32())
    return static_cast<double>(static_cast<float>(value));
  return toDouble(toAPFloat(type, value));
}

APInt kiln::interp::toAPInt(Type type, int64_t value) {
  return APInt(getIntWidth(type), static_cast<uint64_t>(value),
               /*isSigned=*/true);
}

APInt kiln::interp::elementBits(Type type, Element e) {
  if (auto f = dyn_cast<FloatType>(type))
    return toAPFloat(f, e.f).bitcastToAPInt();
  return toAPInt(type, e.i);
}

Element kiln::interp::elementFromBits(Type type, const APInt &bits) {
  if (auto f = dyn_cast<FloatType>(type))
    return Element::ofFloat(toDouble(APFloat(f.getFloatSemantics(), bits)));
  return Element::ofInt(bits.getSExtValue());
}
