//===- Math.h - math ops the NVPTX backend does not lower itself -*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_CONVERSION_TILETONVVM_MATH_H
#define KILN_LIB_CONVERSION_TILETONVVM_MATH_H

#include "mlir/Transforms/DialectConversion.h"

namespace kiln {

/// Math ops Kiln lowers itself (exp, log, tanh, erf, ...), on scalars and
/// tiles.
bool isLoweredMathOp(mlir::Operation *op);

/// Math ops the NVPTX backend lowers (abs, sqrt, fma, rounding, ...).
bool isNativeMathOp(mlir::Operation *op);

/// Patterns that lower the ops of isLoweredMathOp to approximate PTX
/// special functions, element by element.
void populateMathToNVVMPatterns(const mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);

} // namespace kiln

#endif // KILN_LIB_CONVERSION_TILETONVVM_MATH_H
