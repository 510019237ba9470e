//===- Launcher.h - C/C++ launchers for compiled kernels --------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Generates the header and source that applications link to call kernels
// kilnc compiled: one typed function per kernel, taking tensors and scalars,
// with the kernel's image (cubin, or PTX where no ptxas was found) and
// description embedded. The functions validate every argument before they
// touch the driver, then launch through Kiln's runtime. Several variants of
// one kernel (same name and parameters, other tile shapes or schedules) get
// one function that picks among them per launch (kiln_kernel_choose).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_LAUNCHER_H
#define KILN_TARGET_LAUNCHER_H

#include "kiln/Target/KernelMetadata.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace kiln {

/// A compiled kernel: its metadata and image.
struct CompiledKernel {
  KernelMetadata meta;
  /// A cubin, or PTX text when `isCubin` is false.
  std::string image;
  bool isCubin = true;
  /// The variant's name (e.g. "128x256p"), or empty for a kernel compiled
  /// once. Kernels of one name are variants of each other and must take the
  /// same arguments (haveSameParameters); where kiln_kernel_choose finds
  /// two equal in every other way, the earlier listed wins.
  std::string variant;
};

/// `kernels` grouped by name, in order of first appearance: each group holds
/// one kernel or the variants of one, which one launcher serves.
std::vector<std::vector<const CompiledKernel *>>
groupVariants(llvm::ArrayRef<CompiledKernel> kernels);

/// The header declaring the launchers of `kernels`; `stem` names the
/// header/source pair (`<stem>.h`, `<stem>.cpp`) and `source` the tile
/// program they came from, for the comments.
std::string emitLauncherHeader(llvm::ArrayRef<CompiledKernel> kernels,
                               llvm::StringRef stem, llvm::StringRef source);

/// The source defining the launchers, with the images embedded.
std::string emitLauncherSource(llvm::ArrayRef<CompiledKernel> kernels,
                               llvm::StringRef stem, llvm::StringRef source);

} // namespace kiln

#endif // KILN_TARGET_LAUNCHER_H
