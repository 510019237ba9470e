//===- ArefOps.h - aref dialect operations ----------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_IR_AREFOPS_H
#define KILN_DIALECT_AREF_IR_AREFOPS_H

#include "kiln/Dialect/Aref/IR/ArefDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "kiln/Dialect/Aref/IR/ArefOps.h.inc"

namespace kiln::aref {
/// True for ops that write into an aref (`put`, `put.enter`, `put.exit`).
bool isProducerOp(mlir::Operation *op);
/// True for ops that read from an aref (`get`, `consumed`, `get.enter`,
/// `get.exit`).
bool isConsumerOp(mlir::Operation *op);
/// The aref operand of an aref op, or null for other ops.
mlir::Value getArefOperand(mlir::Operation *op);
} // namespace kiln::aref

#endif // KILN_DIALECT_AREF_IR_AREFOPS_H
