//===- PTXEmitter.h - LLVM-dialect kernels to PTX and cubins ----*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The last steps of Kiln's route: translate an LLVM-dialect module to LLVM
// IR, optimize and compile it with the NVPTX backend in process, and
// assemble the PTX with the CUDA toolkit's `ptxas` when it is installed.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_PTX_PTXEMITTER_H
#define KILN_TARGET_PTX_PTXEMITTER_H

#include "kiln/Target/Chips.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <optional>
#include <string>

namespace kiln {

/// Where the PTX goes and what it targets.
struct PTXTarget {
  /// The GPU: Kiln supports `sm_90a` (Hopper with wgmma and setmaxnreg).
  std::string chip = "sm_90a";
  /// PTX ISA 8.0 is the first that knows sm_90a.
  std::string features = "+ptx80";
  unsigned optLevel = 3;
};

/// Translates an LLVM-dialect module to LLVM IR for the NVPTX target.
/// Errors go to the module's diagnostic handler.
std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                llvm::LLVMContext &context,
                                                const PTXTarget &target);

/// Optimizes `module` (LLVM's O-level pipeline) and compiles it to PTX text.
/// On failure returns std::nullopt and sets `error`.
std::optional<std::string> compileToPTX(llvm::Module &module,
                                        const PTXTarget &target,
                                        std::string &error);

/// The `ptxas` to use: $KILN_PTXAS, $CUDA_HOME/bin/ptxas,
/// /usr/local/cuda/bin/ptxas or the PATH; std::nullopt if there is none.
std::optional<std::string> findPtxas();

/// The result of running ptxas.
struct CubinResult {
  std::string cubin;
  /// What `ptxas -v` printed (registers, spills, shared memory).
  std::string log;
};

/// Assembles PTX into a cubin with `ptxas -arch=<chip> -O3 -v`. On failure
/// returns std::nullopt and sets `error` to ptxas's messages.
std::optional<CubinResult> assembleCubin(llvm::StringRef ptx,
                                         llvm::StringRef ptxas,
                                         const PTXTarget &target,
                                         std::string &error);

} // namespace kiln

#endif // KILN_TARGET_PTX_PTXEMITTER_H
