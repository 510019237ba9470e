//===- kiln-run.cpp - run a tile program on the CPU -----------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// kiln-run prog.mlir [--kernel NAME] [options] ARG...
//
// Runs one kernel of a tile program with the interpreter. Each ARG, in the
// kernel's argument order, is a .npy file for a !tile.desc argument or a
// number for a scalar one; `--output I=path.npy` writes tensor argument I
// after the run. `-` reads the program from standard input, so that
// `kiln-opt ... | kiln-run - ...` runs a pass's output.
//
// The command line is parsed here rather than with llvm::cl so that negative
// numbers are arguments, not options.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Interpreter.h"
#include "kiln/Interpreter/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>

using namespace mlir;
using namespace kiln;
using namespace kiln::interp;

namespace {

const char *const kUsage = R"(USAGE: kiln-run <program.mlir | -> [options] ARG...

Runs a tile.kernel on the CPU over its whole grid. Each ARG, in the kernel's
argument order, is a .npy file for a !tile.desc argument (float files convert
to the element type with correct rounding) or a number for a scalar argument.
Put `--` before arguments that start with '-' and are not numbers.

OPTIONS:
  --kernel NAME         the kernel to run (needed when the file has several)
  --output I=PATH       after the run, write tensor argument I (0-based) to
                        PATH as .npy (bf16 and 8-bit floats as '<f4');
                        repeatable
  --grid X[,Y[,Z]]      run this grid instead of the kernel's grid rule
  --max-steps N         stop with an error after N ops (default 100000000)
  --help                print this text
)";

/// The parsed command line.
struct CommandLine {
  std::string program;
  std::optional<std::string> kernel;
  SmallVector<std::string> args;
  SmallVector<std::pair<unsigned, std::string>> outputs;
  std::optional<Grid> grid;
  uint64_t maxSteps = RunOptions().maxSteps;
  bool help = false;
};

/// Prints "kiln-run: error: " and returns the stream for the message.
llvm::raw_ostream &error() {
  return llvm::WithColor::error(llvm::errs(), "kiln-run");
}

/// A positional word that starts with '-': standard input, or a number.
bool isPositionalDash(StringRef word) {
  return word == "-" || (word.size() > 1 && (llvm::isDigit(word[1]) ||
                                             word[1] == '.'));
}

LogicalResult parseGrid(StringRef text, Grid &grid) {
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  if (parts.empty() || parts.size() > 3)
    return failure();
  grid = {1, 1, 1};
  for (auto [i, part] : llvm::enumerate(parts))
    if (part.trim().getAsInteger(10, grid[i]) || grid[i] < 0)
      return failure();
  return success();
}

LogicalResult parseOutput(StringRef text, CommandLine &cl) {
  auto [index, path] = text.split('=');
  unsigned i;
  if (index.getAsInteger(10, i) || path.empty())
    return failure();
  cl.outputs.emplace_back(i, path.str());
  return success();
}

/// Applies option `name` with `value` to `cl`.
LogicalResult applyOption(StringRef name, StringRef value, CommandLine &cl) {
  if (name == "kernel") {
    cl.kernel = value.str();
    return success();
  }
  if (name == "output") {
    if (succeeded(parseOutput(value, cl)))
      return success();
    error() << "--output takes I=PATH with I a tensor argument's index, got '"
            << value << "'\n";
    return failure();
  }
  if (name == "grid") {
    Grid grid;
    if (succeeded(parseGrid(value, grid))) {
      cl.grid = grid;
      return success();
    }
    error() << "--grid takes X[,Y[,Z]] with non-negative integers, got '"
            << value << "'\n";
    return failure();
  }
  // The only other option with a value.
  if (!value.getAsInteger(10, cl.maxSteps))
    return success();
  error() << "--max-steps takes a non-negative integer, got '" << value
          << "'\n";
  return failure();
}

FailureOr<CommandLine> parseCommandLine(int argc, char **argv) {
  CommandLine cl;
  SmallVector<StringRef> positional;
  bool onlyPositional = false;
  for (int i = 1; i < argc; ++i) {
    StringRef word = argv[i];
    if (onlyPositional || !word.starts_with("-") || isPositionalDash(word)) {
      positional.push_back(word);
      continue;
    }
    if (word == "--") {
      onlyPositional = true;
      continue;
    }
    StringRef name = word.ltrim('-');
    if (name == "help" || name == "h") {
      cl.help = true;
      return cl;
    }
    auto [key, inlineValue] = name.split('=');
    if (!llvm::is_contained({"kernel", "output", "grid", "max-steps"}, key)) {
      error() << "unknown option '" << word << "' (see --help)\n";
      return failure();
    }
    StringRef value = inlineValue;
    if (!name.contains('=')) {
      if (i + 1 == argc) {
        error() << "option '" << word << "' needs a value\n";
        return failure();
      }
      value = argv[++i];
    }
    if (failed(applyOption(key, value, cl)))
      return failure();
  }
  if (positional.empty()) {
    error() << "no program given (see --help)\n";
    return failure();
  }
  cl.program = positional.front().str();
  for (StringRef arg : ArrayRef(positional).drop_front())
    cl.args.push_back(arg.str());
  return cl;
}

/// The kernel to run: the one named, or the only one.
tile::KernelOp findKernel(ModuleOp module, const CommandLine &cl) {
  SmallVector<tile::KernelOp> kernels(module.getOps<tile::KernelOp>());
  if (cl.kernel) {
    for (tile::KernelOp k : kernels)
      if (k.getSymName() == *cl.kernel)
        return k;
    error() << "no kernel named '" << *cl.kernel << "' in " << cl.program;
  } else if (kernels.size() == 1) {
    return kernels.front();
  } else {
    error() << (kernels.empty() ? "no tile.kernel" : "several kernels")
            << " in " << cl.program << "; choose one with --kernel";
  }
  if (!kernels.empty()) {
    llvm::errs() << " (kernels:";
    for (tile::KernelOp k : kernels)
      llvm::errs() << " " << k.getSymName();
    llvm::errs() << ")";
  }
  llvm::errs() << "\n";
  return {};
}

/// Parses scalar argument `text` for a parameter of `type`.
FailureOr<Element> parseScalar(StringRef text, Type type) {
  if (auto f = dyn_cast<FloatType>(type)) {
    double value;
    if (text.getAsDouble(value))
      return failure();
    return Element::ofFloat(roundToFloat(f, value));
  }
  int64_t value;
  if (text.getAsInteger(0, value))
    return failure();
  unsigned width = getIntWidth(type);
  // Signless: a value fits when it fits as signed or as unsigned.
  if (width < 64 && (value < -(int64_t(1) << (width - 1)) ||
                     value >= (int64_t(1) << width)))
    return failure();
  return Element::ofInt(normalizeInt(width, value));
}

/// Reads the kernel arguments given on the command line into `tensors` and
/// `args`.
LogicalResult readArguments(tile::KernelOp kernel, const CommandLine &cl,
                            std::deque<HostTensor> &tensors,
                            SmallVector<KernelArg> &args) {
  ArrayRef<Type> types = kernel.getArgumentTypes();
  if (cl.args.size() != types.size()) {
    error() << "kernel @" << kernel.getSymName() << " takes " << types.size()
            << " arguments, got " << cl.args.size() << "; it takes (";
    llvm::interleaveComma(types, llvm::errs());
    llvm::errs() << ")\n";
    return failure();
  }
  for (auto [i, type, text] : llvm::enumerate(types, cl.args)) {
    if (auto desc = dyn_cast<tile::DescType>(type)) {
      llvm::Expected<HostTensor> tensor =
          readNpy(text, desc.getElementType(), desc.getRank());
      if (!tensor) {
        error() << "argument #" << i << " (" << type
                << "): " << llvm::toString(tensor.takeError()) << "\n";
        return failure();
      }
      args.push_back(KernelArg::ofTensor(tensors.emplace_back(
          std::move(*tensor))));
      continue;
    }
    FailureOr<Element> scalar = parseScalar(text, type);
    if (failed(scalar)) {
      error() << "argument #" << i << " (" << type << "): '" << text
              << "' is not a number of that type\n";
      return failure();
    }
    args.push_back(KernelArg::ofScalar(*scalar));
  }
  return success();
}

/// Checks that every --output names a tensor argument.
LogicalResult checkOutputs(const CommandLine &cl, ArrayRef<KernelArg> args) {
  for (auto &[index, path] : cl.outputs) {
    if (index < args.size() && args[index].tensor)
      continue;
    error() << "--output " << index << "=" << path << ": argument #" << index
            << (index < args.size() ? " is a scalar, not a tensor"
                                    : " does not exist")
            << "\n";
    return failure();
  }
  return success();
}

LogicalResult writeOutputs(const CommandLine &cl, ArrayRef<KernelArg> args) {
  for (auto &[index, path] : cl.outputs) {
    if (llvm::Error e = writeNpy(path, *args[index].tensor)) {
      error() << llvm::toString(std::move(e)) << "\n";
      return failure();
    }
  }
  return success();
}

LogicalResult run(const CommandLine &cl) {
  DialectRegistry registry;
  registerInterpreterDialects(registry);
  MLIRContext context(registry);
  // A located message with its source line says enough; the generic form of
  // a whole warp_specialize would bury it.
  context.printOpOnDiagnostic(false);
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(cl.program, &message);
  if (!input) {
    error() << message << "\n";
    return failure();
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return failure();
  tile::KernelOp kernel = findKernel(*module, cl);
  if (!kernel)
    return failure();

  std::deque<HostTensor> tensors;
  SmallVector<KernelArg> args;
  if (failed(readArguments(kernel, cl, tensors, args)) ||
      failed(checkOutputs(cl, args)))
    return failure();
  RunOptions options;
  options.grid = cl.grid;
  options.maxSteps = cl.maxSteps;
  if (failed(runKernel(kernel, args, options)))
    return failure();
  return writeOutputs(cl, args);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  FailureOr<CommandLine> cl = parseCommandLine(argc, argv);
  if (failed(cl))
    return 1;
  if (cl->help) {
    llvm::outs() << kUsage;
    return 0;
  }
  return failed(run(*cl)) ? 1 : 0;
}
