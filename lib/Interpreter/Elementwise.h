//===- Elementwise.h - arith and math ops, one element at a time -*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_INTERPRETER_ELEMENTWISE_H
#define KILN_LIB_INTERPRETER_ELEMENTWISE_H

#include "kiln/Interpreter/Numerics.h"

#include "mlir/IR/Operation.h"

#include <functional>
#include <string>

namespace kiln::interp {

/// Computes one result element from one element of each operand. On
/// undefined behaviour (a division by zero, an oversized shift, a float out
/// of an integer's range) it sets `error` to say what happened.
using ElementFn =
    std::function<Element(llvm::ArrayRef<Element> operands, std::string &error)>;

/// The per-element semantics of `op` (an element-wise arith or math op with
/// one result), or a null function when the interpreter does not know the
/// op or its types.
ElementFn getElementFn(mlir::Operation *op);

} // namespace kiln::interp

#endif // KILN_LIB_INTERPRETER_ELEMENTWISE_H
