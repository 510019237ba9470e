//===- InitAllPasses.h - register every Kiln pass ---------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INITALLPASSES_H
#define KILN_INITALLPASSES_H

namespace kiln {
/// Registers Kiln's passes and the `kiln-hopper-pipeline` pipeline with
/// MLIR's pass registry (for `--pass-pipeline` and tool flags).
void registerAllPasses();
} // namespace kiln

#endif // KILN_INITALLPASSES_H
