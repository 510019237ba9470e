//===- Passes.h - aref dialect passes ---------------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_TRANSFORMS_PASSES_H
#define KILN_DIALECT_AREF_TRANSFORMS_PASSES_H

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln::aref {

#define GEN_PASS_DECL
#include "kiln/Dialect/Aref/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kiln/Dialect/Aref/Transforms/Passes.h.inc"

} // namespace kiln::aref

#endif // KILN_DIALECT_AREF_TRANSFORMS_PASSES_H
