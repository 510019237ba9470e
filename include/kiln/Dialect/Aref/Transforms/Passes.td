//===- Passes.td - aref dialect passes ---------------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD
#define KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

#endif // KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD
