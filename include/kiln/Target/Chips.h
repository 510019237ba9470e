//===- Chips.h - the GPUs Kiln compiles for ---------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Header-only, so that the pass pipeline can check its `chip` option without
// linking the PTX backend.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CHIPS_H
#define KILN_TARGET_CHIPS_H

#include "llvm/ADT/StringRef.h"

namespace kiln {

/// Whether Kiln can compile for `chip`: sm_90a (Hopper with wgmma and
/// setmaxnreg) only.
inline bool isSupportedChip(llvm::StringRef chip) { return chip == "sm_90a"; }

} // namespace kiln

#endif // KILN_TARGET_CHIPS_H
