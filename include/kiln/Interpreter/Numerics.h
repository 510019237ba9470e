//===- Numerics.h - element values and rounding of the interpreter -*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// How the interpreter holds one element of a tile or tensor, and how it rounds
// to the narrow float types: every conversion to f16, bf16, f8E4M3FN or
// f8E5M2, and every element-wise result of those types, is rounded to the
// nearest value of the type (ties to even) with llvm::APFloat and the MLIR
// type's semantics, as the hardware's conversions round. f32 arithmetic runs
// in `float`, f64 in `double`.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INTERPRETER_NUMERICS_H
#define KILN_INTERPRETER_NUMERICS_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <cmath>
#include <cstdint>

namespace kiln::interp {

/// One element of a tile, a slot buffer or a global tensor. The element type,
/// known from context, says which member holds it: a float as a double that
/// the float type represents exactly; an integer (or index) as its value
/// sign-extended from the type's width (so i1 true is -1).
struct Element {
  union {
    double f;
    int64_t i;
  };
  Element() : i(0) {}
  static Element ofFloat(double value) {
    Element e;
    e.f = value;
    return e;
  }
  static Element ofInt(int64_t value) {
    Element e;
    e.i = value;
    return e;
  }
};

/// True for the element types the interpreter computes with: floats of at
/// most 64 bits, integers of at most 64 bits, and index.
bool isSupportedElementType(mlir::Type type);

/// Width of an integer type in bits; index counts as 64.
unsigned getIntWidth(mlir::Type type);

/// Bytes one element of `type` occupies in memory, as slot sizes and TMA
/// transaction counts reckon it.
int64_t getElementBytes(mlir::Type type);

/// `value` truncated to `width` bits and sign-extended back: the canonical
/// form of an integer element.
int64_t normalizeInt(unsigned width, int64_t value);

/// The i1 element for `value`.
inline Element boolElement(bool value) {
  return Element::ofInt(value ? -1 : 0);
}

/// `value` rounded to the nearest value of `type` (ties to even). f64 is
/// exact; NaN stays NaN; overflow follows the type's definition (infinity,
/// or NaN for f8E4M3FN, which has no infinity).
double roundToFloat(mlir::FloatType type, double value);

/// The element `value` of float type `type` as an APFloat of that type.
llvm::APFloat toAPFloat(mlir::FloatType type, double value);

/// The value of an APFloat of any semantics as a double (exact for every
/// float type of at most 64 bits).
double toDouble(llvm::APFloat value);

/// The element of integer type `type` as an APInt of the type's width.
llvm::APInt toAPInt(mlir::Type type, int64_t value);

/// The bits of an element of `type`, as `arith.bitcast` sees them.
llvm::APInt elementBits(mlir::Type type, Element e);

/// The element of `type` whose bits are `bits`.
Element elementFromBits(mlir::Type type, const llvm::APInt &bits);

/// Evaluates `fn` (a generic callable) on float elements of `type`: in
/// `float` for f32, in `double` for f64, and for the narrow types in `double`
/// with the result rounded to the type. A double carries more than twice
/// their precision plus two bits, so add, subtract, multiply, divide and
/// square root round exactly as they would in the type itself.
template <typename Fn, typename... Args>
double computeFloat(mlir::FloatType type, Fn fn, Args... args) {
  if (type.isF32())
    return static_cast<double>(fn(static_cast<float>(args)...));
  return roundToFloat(type, static_cast<double>(fn(args...)));
}

/// IEEE 754 maximum, as `arith.maximumf` and `tile.reduce max` take it: NaN
/// if either operand is NaN, and +0 above -0.
template <typename T>
T maximumOf(T a, T b) {
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

/// IEEE 754 minimum: NaN if either operand is NaN, and -0 below +0.
template <typename T>
T minimumOf(T a, T b) {
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

} // namespace kiln::interp

#endif // KILN_INTERPRETER_NUMERICS_H
