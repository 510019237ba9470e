//===- PTXEmitter.cpp - LLVM-dialect kernels to PTX and cubins ------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/PTX/PTXEmitter.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <mutex>

using namespace mlir;
using namespace kiln;

static constexpr llvm::StringLiteral kTriple = "nvptx64-nvidia-cuda";

static void initializeNVPTX() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
}

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const PTXTarget &target, std::string &error) {
  initializeNVPTX();
  llvm::Triple triple(kTriple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return nullptr;
  llvm::TargetOptions options;
  auto level = target.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : target.optLevel == 2 ? llvm::CodeGenOptLevel::Default
               : target.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                      : llvm::CodeGenOptLevel::None;
  return std::unique_ptr<llvm::TargetMachine>(llvmTarget->createTargetMachine(
      triple, target.chip, target.features, options, std::nullopt,
      std::nullopt, level));
}

std::unique_ptr<llvm::Module>
kiln::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                        const PTXTarget &target) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "kiln");
  if (!llvmModule)
    return nullptr;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(target, error);
  if (!machine) {
    module.emitError() << "cannot create the NVPTX target: " << error;
    return nullptr;
  }
  llvmModule->setTargetTriple(llvm::Triple(kTriple));
  llvmModule->setDataLayout(machine->createDataLayout());
  return llvmModule;
}

std::optional<std::string> kiln::compileToPTX(llvm::Module &module,
                                              const PTXTarget &target,
                                              std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(target, error);
  if (!machine)
    return std::nullopt;

  if (target.optLevel > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder builder(machine.get());
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = target.optLevel >= 3
                                        ? llvm::OptimizationLevel::O3
                                    : target.optLevel == 2
                                        ? llvm::OptimizationLevel::O2
                                        : llvm::OptimizationLevel::O1;
    llvm::ModulePassManager mpm =
        builder.buildPerModuleDefaultPipeline(level);
    mpm.run(module, mam);
  }

  std::string ptx;
  {
    llvm::raw_string_ostream os(ptx);
    llvm::buffer_ostream bos(os);
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, bos, nullptr,
                                     llvm::CodeGenFileType::AssemblyFile)) {
      error = "the NVPTX backend cannot emit assembly";
      return std::nullopt;
    }
    codegen.run(module);
  }
  return ptx;
}

std::optional<std::string> kiln::findPtxas() {
  if (const char *env = std::getenv("KILN_PTXAS"))
    return llvm::sys::fs::can_execute(env) ? std::optional<std::string>(env)
                                           : std::nullopt;
  if (const char *home = std::getenv("CUDA_HOME")) {
    llvm::SmallString<256> path(home);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  }
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return std::string("/usr/local/cuda/bin/ptxas");
  if (llvm::ErrorOr<std::string> onPath = llvm::sys::findProgramByName("ptxas"))
    return *onPath;
  return std::nullopt;
}

/// A temporary file that removes itself.
namespace {
struct TempFile {
  llvm::SmallString<128> path;
  explicit TempFile(llvm::StringRef suffix) {
    int fd;
    if (!llvm::sys::fs::createTemporaryFile("kiln", suffix, fd, path))
      llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    else
      path.clear();
  }
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};
} // namespace

static std::optional<std::string> readFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return std::nullopt;
  return (*buffer)->getBuffer().str();
}

std::optional<CubinResult> kiln::assembleCubin(llvm::StringRef ptx,
                                               llvm::StringRef ptxas,
                                               const PTXTarget &target,
                                               std::string &error) {
  TempFile in(".ptx"), out(".cubin"), log(".log");
  if (in.path.empty() || out.path.empty() || log.path.empty()) {
    error = "cannot create temporary files for ptxas";
    return std::nullopt;
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(in.path, ec);
    if (ec) {
      error = "cannot write " + in.path.str().str() + ": " + ec.message();
      return std::nullopt;
    }
    os << ptx;
  }
  std::string arch = "-arch=" + target.chip;
  llvm::SmallVector<llvm::StringRef> args = {
      ptxas, arch, "-O3", "-v", in.path, "-o", out.path};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path.str(),
                                                log.path.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/120, 0, &execError);
  std::string messages = readFile(log.path).value_or("");
  if (rc != 0) {
    error = "ptxas failed";
    if (!execError.empty())
      error += " (" + execError + ")";
    error += ":\n" + messages;
    return std::nullopt;
  }
  std::optional<std::string> cubin = readFile(out.path);
  if (!cubin) {
    error = "ptxas wrote no cubin";
    return std::nullopt;
  }
  return CubinResult{std::move(*cubin), std::move(messages)};
}
