//===- embed-opt.cpp - an MLIR tool of its own that runs Kiln's pipeline --===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Built against an installed Kiln (find_package(Kiln COMPONENTS Compiler)),
// as another MLIR project would embed Kiln's passes: it registers Kiln's
// dialects and passes through the public entry points, parses a tile
// program, runs Kiln's Hopper pipeline and prints the result.
//
//   embed-opt <file.mlir>            the pipeline by its registered name,
//                                    builtin.module(kiln-hopper-pipeline)
//   embed-opt --builder <file.mlir>  the same pipeline from the C++ builder,
//                                    kiln::buildHopperPipeline
//
// Exit status: 0 on success, 1 on any error (reported on stderr).
//
//===----------------------------------------------------------------------===//

#include "kiln/InitAllDialects.h"
#include "kiln/InitAllPasses.h"
#include "kiln/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

namespace {

/// The pipeline, anchored on the module, as a user would write it.
constexpr const char *kPipeline = "builtin.module(kiln-hopper-pipeline)";

int usage() {
  llvm::errs() << "usage: embed-opt [--builder] <file.mlir>\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  bool builder = false;
  const char *input = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--builder") == 0)
      builder = true;
    else if (!input)
      input = argv[i];
    else
      return usage();
  }
  if (!input)
    return usage();

  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  kiln::registerAllPasses();
  mlir::MLIRContext context(registry);

  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(input);
  if (!buffer) {
    llvm::errs() << "embed-opt: cannot open '" << input
                 << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  mlir::PassManager pm(&context);
  if (builder) {
    kiln::HopperPipelineOptions options;
    kiln::buildHopperPipeline(pm, options);
  } else {
    // Found by name in the registry that kiln::registerAllPasses filled.
    llvm::FailureOr<mlir::OpPassManager> parsed =
        mlir::parsePassPipeline(kPipeline, llvm::errs());
    if (mlir::failed(parsed)) {
      llvm::errs() << "embed-opt: cannot parse '" << kPipeline << "'\n";
      return 1;
    }
    static_cast<mlir::OpPassManager &>(pm) = std::move(*parsed);
  }
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}
