//===- Kernel.h - a loadable kernel of the runtime --------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// kiln_kernel, shared by the files of the C API: a kernel's description, its
// module, and its function in each context that launched it (Runtime.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_LIB_KERNEL_H
#define KILN_RUNTIME_LIB_KERNEL_H

#include "Driver.h"
#include "Launch.h"
#include "Metadata.h"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace kiln::rt {
/// A module's image and the contexts it is loaded in (Runtime.cpp).
class Module;
} // namespace kiln::rt

struct kiln_kernel {
  /// Null for a kernel that can be validated but not launched.
  std::shared_ptr<kiln::rt::Module> module;
  std::unique_ptr<kiln::rt::OwnedDesc> desc;
  std::vector<kiln::rt::KernelParam> params;

  /// What a launch needs in the current context.
  struct Function {
    const kiln::rt::DriverApi *api;
    CUcontext context;
    CUfunction function;
    uint32_t smCount;
  };

  /// The driver, the current context (device 0's primary context if there
  /// is none) and the kernel's function there, loaded on first use. Fails
  /// for a kernel without a module.
  kiln_status prepare(Function &out) const;

  /// Launches on arguments that planLaunch accepted, with the configuration
  /// it gave (for an SM count of 0); does nothing if that has no work.
  kiln_status launchPlanned(const kiln_arg *args,
                            const kiln_launch_config &config,
                            CUstream stream) const;

  /// Checks the arguments and launches.
  kiln_status launch(const kiln_arg *args, size_t numArgs,
                     CUstream stream) const;

private:
  mutable std::mutex mutex;
  mutable std::unordered_map<CUcontext, Function> functions;
};

#endif // KILN_RUNTIME_LIB_KERNEL_H
