//===- InitAllDialects.h - register every dialect Kiln uses -----*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INITALLDIALECTS_H
#define KILN_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln {
/// Adds Kiln's dialects (tile, aref) and the upstream dialects that tile
/// programs and Kiln's pipeline use, with their interface implementations.
void registerAllDialects(mlir::DialectRegistry &registry);
} // namespace kiln

#endif // KILN_INITALLDIALECTS_H
