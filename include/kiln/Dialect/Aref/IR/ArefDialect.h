//===- ArefDialect.h - aref dialect and types -------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_IR_AREFDIALECT_H
#define KILN_DIALECT_AREF_IR_AREFDIALECT_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"

#include "kiln/Dialect/Aref/IR/ArefDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "kiln/Dialect/Aref/IR/ArefTypes.h.inc"

namespace kiln::aref {
/// Shared memory's address space on NVPTX, used by slot buffers.
constexpr unsigned kSharedMemorySpace = 3;
} // namespace kiln::aref

#endif // KILN_DIALECT_AREF_IR_AREFDIALECT_H
