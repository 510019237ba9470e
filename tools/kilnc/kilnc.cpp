//===- kilnc.cpp - the Kiln compiler driver -------------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// kilnc prog.mlir -o out/         PTX, cubin (when ptxas is installed), JSON
//                                 metadata and a C/C++ launcher (.h, .cpp)
//                                 for every kernel
// kilnc prog.mlir --emit=launcher -o gen/prog
//                                 gen/prog.h and gen/prog.cpp launching all
//                                 kernels, images embedded
// kilnc prog.mlir --emit=ptx      one artifact for the whole file, to -o or
//                                 standard output
// kilnc prog.mlir --variants=128x256p,128x128p -o out/
//                                 each kernel in several variants
//                                 (<kernel>.<variant>.ptx, ...) and one
//                                 launcher per kernel choosing among them
//
// Runs the same pipeline as `kiln-opt --kiln-hopper-pipeline`.
//
//===----------------------------------------------------------------------===//

#include "kiln/InitAllDialects.h"
#include "kiln/Pipelines/Pipelines.h"
#include "kiln/Target/KernelMetadata.h"
#include "kiln/Target/Launcher.h"
#include "kiln/Target/PTX/PTXEmitter.h"

#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {

enum class EmitKind { All, MLIR, LLVM, PTX, Cubin, Launcher };

cl::OptionCategory kilncCategory("kilnc options");

cl::opt<std::string> inputFilename(cl::Positional,
                                   cl::desc("<tile program, or - for stdin>"),
                                   cl::init("-"), cl::cat(kilncCategory));

cl::opt<std::string> outputPath(
    "o",
    cl::desc("Output directory (default: current directory); with --emit, "
             "the output file (default: standard output)"),
    cl::value_desc("path"), cl::cat(kilncCategory));

cl::opt<EmitKind> emitKind(
    "emit", cl::desc("Emit one artifact for the whole input instead of the "
                     "per-kernel package"),
    cl::values(clEnumValN(EmitKind::MLIR, "mlir",
                          "LLVM-dialect MLIR after Kiln's pipeline"),
               clEnumValN(EmitKind::LLVM, "llvm", "optimized LLVM IR"),
               clEnumValN(EmitKind::PTX, "ptx", "PTX assembly"),
               clEnumValN(EmitKind::Cubin, "cubin",
                          "cubin assembled by ptxas"),
               clEnumValN(EmitKind::Launcher, "launcher",
                          "<stem>.h and <stem>.cpp launching every kernel, "
                          "images embedded (-o <dir>/<stem>)")),
    cl::init(EmitKind::All), cl::cat(kilncCategory));

cl::opt<std::string> targetChip("target",
                                cl::desc("Target GPU (only sm_90a for now)"),
                                cl::init("sm_90a"), cl::cat(kilncCategory));

cl::opt<std::string> ptxasPath(
    "ptxas", cl::desc("ptxas to use (default: $KILN_PTXAS, $CUDA_HOME, "
                      "/usr/local/cuda, PATH)"),
    cl::value_desc("path"), cl::cat(kilncCategory));

cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level (0-3)"),
                           cl::Prefix, cl::init(3), cl::cat(kilncCategory));

cl::OptionCategory variantCategory(
    "Variants (override the kernels' own attributes)");

cl::opt<std::string> tileShape(
    "tile",
    cl::desc("Tile shape of the dots, MxNxK, or MxN keeping each kernel's K "
             "(see tile-retile)"),
    cl::value_desc("MxNxK"), cl::cat(variantCategory));

cl::opt<int64_t> consumerGroups(
    "consumer-groups",
    cl::desc("Consumer warp groups splitting each tile's rows (1-4; "
             "default 2 for tiles of 128 rows or more, 1 for 64)"),
    cl::init(0), cl::cat(variantCategory));

cl::opt<int64_t> depth("depth", cl::desc("Aref slots (1-16)"), cl::init(0),
                       cl::cat(variantCategory));

cl::opt<bool> persistent(
    "persistent", cl::desc("One CTA per SM walks the tiles (grouped order)"),
    cl::init(false), cl::cat(variantCategory));

cl::opt<bool> pingpong(
    "pingpong",
    cl::desc("Two consumer warp groups take the tiles in turn, one's "
             "epilogue under the other's MMAs (implies --persistent)"),
    cl::init(false), cl::cat(variantCategory));

cl::opt<bool> tmaStore(
    "tma-store",
    cl::desc("Consumers store accumulator tiles to shared memory and TMA "
             "writes them out while the next tile's MMAs run (staging "
             "buffers take shared memory from the aref slots; default on, "
             "--tma-store=false stores from registers)"),
    cl::init(true), cl::cat(variantCategory));

cl::opt<std::string> variantList(
    "variants",
    cl::desc("Build every kernel in several variants, comma-separated "
             "MxN[xK][p|pp][d] (p: persistent, pp: ping-pong, d: outputs "
             "stored from registers, not with TMA), e.g. "
             "128x256p,128x128p,64x256pp; each kernel's launcher then picks "
             "one per launch (kiln_kernel_choose: least work per SM, then "
             "the larger tile, a persistent kernel, the earlier listed)"),
    cl::value_desc("list"), cl::cat(variantCategory));
cl::opt<bool> mmaOverlap(
    "mma-overlap",
    cl::desc("Keep one MMA in flight while releasing a slot (default on)"),
    cl::init(true), cl::cat(variantCategory));

/// Prints "kilnc: error: ..." for problems that have no source location.
llvm::raw_ostream &error() {
  return llvm::WithColor::error(llvm::errs(), "kilnc");
}

llvm::raw_ostream &warning() {
  return llvm::WithColor::warning(llvm::errs(), "kilnc");
}

/// Everything needed to compile one module down to PTX.
class Compiler {
public:
  Compiler(kiln::PTXTarget target, const kiln::HopperPipelineOptions &options)
      : target(std::move(target)) {
    this->options.copyOptionValuesFrom(options);
  }

  /// Runs Kiln's pipeline on `module` in place.
  LogicalResult lower(ModuleOp module) {
    PassManager pm(module.getContext());
    kiln::buildHopperPipeline(pm, options);
    return pm.run(module);
  }

  /// Reads and strips the launch metadata of each kernel: LLVM IR has no
  /// place for it.
  std::vector<kiln::KernelMetadata> takeMetadata(ModuleOp module) {
    std::vector<kiln::KernelMetadata> all;
    module.walk([&](LLVM::LLVMFuncOp fn) {
      if (std::optional<kiln::KernelMetadata> meta =
              kiln::readKernelMetadata(fn)) {
        meta->target = target.chip;
        for (const auto &[name, value] : describeOptions())
          meta->options.emplace_back(name, value);
        all.push_back(std::move(*meta));
        fn->removeAttr(kiln::kKernelMetadataAttrName);
      }
    });
    return all;
  }

  /// The variant options given on the command line, for the metadata.
  std::vector<std::pair<std::string, std::string>> describeOptions() const {
    std::vector<std::pair<std::string, std::string>> out;
    if (options.tileM)
      out.emplace_back("tile", std::to_string(options.tileM) + "x" +
                                   std::to_string(options.tileN) +
                                   (options.tileK ? "x" + std::to_string(
                                                              options.tileK)
                                                  : std::string()));
    if (options.consumerGroups)
      out.emplace_back("consumer-groups",
                       std::to_string(options.consumerGroups));
    if (options.depth)
      out.emplace_back("depth", std::to_string(options.depth));
    if (options.persistent)
      out.emplace_back("persistent", "true");
    if (options.pingpong)
      out.emplace_back("pingpong", "true");
    if (!options.mmaOverlap)
      out.emplace_back("mma-overlap", "false");
    if (!options.tmaStore)
      out.emplace_back("tma-store", "false");
    return out;
  }

  std::unique_ptr<llvm::Module> translate(ModuleOp module,
                                          llvm::LLVMContext &context) {
    return kiln::translateToLLVMIR(module, context, target);
  }

  std::optional<std::string> ptx(llvm::Module &module) {
    std::string message;
    std::optional<std::string> text =
        kiln::compileToPTX(module, target, message);
    if (!text)
      error() << message << "\n";
    return text;
  }

  /// Optimizes without emitting PTX (for --emit=llvm).
  bool optimizeOnly(llvm::Module &module) {
    // compileToPTX optimizes in place; the PTX itself is not needed.
    return ptx(module).has_value();
  }

  std::optional<kiln::CubinResult> cubin(llvm::StringRef ptxText,
                                         llvm::StringRef ptxas) {
    std::string message;
    std::optional<kiln::CubinResult> result =
        kiln::assembleCubin(ptxText, ptxas, target, message);
    if (!result)
      error() << message << "\n";
    return result;
  }

  const kiln::PTXTarget target;
  kiln::HopperPipelineOptions options;
};

/// Writes `contents` (text or a binary image, byte for byte) to `path`, or
/// to standard output for "-".
LogicalResult writeFile(llvm::StringRef path, llvm::StringRef contents) {
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> file =
      openOutputFile(path, &message);
  if (!file) {
    error() << message << "\n";
    return failure();
  }
  file->os() << contents;
  file->keep();
  return success();
}

/// Creates `dir` and its parents, or says why not.
LogicalResult createOutputDirectory(llvm::StringRef dir) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error() << "cannot create output directory '" << dir
            << "': " << ec.message() << "\n";
    return failure();
  }
  return success();
}

/// The ptxas to use, or std::nullopt with the reason printed when required.
std::optional<std::string> locatePtxas() {
  if (!ptxasPath.empty()) {
    if (llvm::sys::fs::can_execute(ptxasPath))
      return ptxasPath.getValue();
    return std::nullopt;
  }
  return kiln::findPtxas();
}

/// A tile shape for tile-retile; k is 0 to keep each kernel's own K.
struct TileShape {
  int64_t m = 0, n = 0, k = 0;
};

/// "MxN[xK]" with positive extents, or std::nullopt.
std::optional<TileShape> parseTileShape(llvm::StringRef text) {
  TileShape t;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, 'x');
  if (parts.size() != 2 && parts.size() != 3)
    return std::nullopt;
  int64_t *fields[] = {&t.m, &t.n, &t.k};
  for (auto [part, field] : llvm::zip(parts, fields))
    if (part.getAsInteger(10, *field) || *field <= 0)
      return std::nullopt;
  return t;
}

/// One entry of --variants: a tile shape and schedule.
struct VariantSpec {
  TileShape tile;
  bool persistent = false, pingpong = false;
  /// Outputs stored from registers (--tma-store=false): such a variant
  /// takes tensors whose rows TMA cannot move (pitches that are not
  /// multiples of 16 bytes), so a launcher can fall back to it.
  bool directStores = false;
};

/// "MxN[xK][p|pp][d]", or std::nullopt.
std::optional<VariantSpec> parseVariant(llvm::StringRef spec) {
  VariantSpec v;
  v.directStores = spec.consume_back("d");
  if (spec.consume_back("pp"))
    v.persistent = v.pingpong = true;
  else if (spec.consume_back("p"))
    v.persistent = true;
  std::optional<TileShape> tile = parseTileShape(spec);
  if (!tile)
    return std::nullopt;
  v.tile = *tile;
  return v;
}

/// --emit=<kind>: one artifact for the whole module.
int emitSingle(ModuleOp module, Compiler &compiler) {
  if (failed(compiler.lower(module)))
    return 1;
  std::string out = outputPath.empty() ? "-" : outputPath.getValue();
  if (emitKind == EmitKind::MLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    return failed(writeFile(out, text));
  }
  compiler.takeMetadata(module);
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule = compiler.translate(module, context);
  if (!llvmModule)
    return 1;
  if (emitKind == EmitKind::LLVM) {
    if (!compiler.optimizeOnly(*llvmModule))
      return 1;
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    return failed(writeFile(out, text));
  }
  std::optional<std::string> ptx = compiler.ptx(*llvmModule);
  if (!ptx)
    return 1;
  if (emitKind == EmitKind::PTX)
    return failed(writeFile(out, *ptx));
  std::optional<std::string> ptxas = locatePtxas();
  if (!ptxas) {
    error() << "--emit=cubin needs ptxas from the CUDA toolkit, and none was "
               "found; install the toolkit, set CUDA_HOME or KILN_PTXAS, or "
               "pass --ptxas=<path>\n";
    return 1;
  }
  std::optional<kiln::CubinResult> cubin = compiler.cubin(*ptx, *ptxas);
  if (!cubin)
    return 1;
  return failed(writeFile(out, cubin->cubin));
}

/// One kernel of the input, compiled on its own.
struct Compiled {
  kiln::CompiledKernel kernel;
  std::string ptx;
};

/// One build of the input's kernels: the pipeline options, and the name of
/// the variant they make (empty for a plain build).
struct Build {
  std::string variant;
  std::unique_ptr<Compiler> compiler;
};

/// Compiles every kernel of `module` separately, so that each has its own
/// PTX and cubin; without `ptxas` the images are PTX.
std::optional<std::vector<Compiled>>
compileKernels(ModuleOp module, Compiler &compiler, llvm::StringRef variant,
               const std::optional<std::string> &ptxas) {
  SmallVector<std::string> names;
  for (auto kernel : module.getOps<kiln::tile::KernelOp>())
    names.push_back(kernel.getSymName().str());
  std::vector<Compiled> all;
  for (const std::string &name : names) {
    OwningOpRef<ModuleOp> single = module.clone();
    for (auto kernel : llvm::make_early_inc_range(
             single->getOps<kiln::tile::KernelOp>()))
      if (kernel.getSymName() != name)
        kernel.erase();
    if (failed(compiler.lower(*single)))
      return std::nullopt;
    std::vector<kiln::KernelMetadata> metas = compiler.takeMetadata(*single);
    if (metas.size() != 1) {
      error() << "kernel @" << name << " did not lower to one kernel\n";
      return std::nullopt;
    }
    llvm::LLVMContext context;
    std::unique_ptr<llvm::Module> llvmModule =
        compiler.translate(*single, context);
    if (!llvmModule)
      return std::nullopt;
    std::optional<std::string> ptx = compiler.ptx(*llvmModule);
    if (!ptx)
      return std::nullopt;
    Compiled c;
    c.kernel.variant = variant.str();
    c.kernel.meta = std::move(metas.front());
    c.ptx = *ptx;
    c.kernel.isCubin = false;
    c.kernel.image = *ptx;
    if (ptxas) {
      std::optional<kiln::CubinResult> cubin = compiler.cubin(*ptx, *ptxas);
      if (!cubin)
        return std::nullopt;
      c.kernel.meta.ptxas = kiln::parsePtxasReport(cubin->log, name);
      // ptxas serializes every wgmma of a kernel when it sees the
      // accumulator registers touched inside the asynchronous pipeline
      // (C7514..C7517): correct, but the tensor cores then idle between
      // MMAs. Kiln's lowering should never produce that.
      for (llvm::StringRef line : llvm::split(cubin->log, '\n'))
        if ((line.contains("wgmma.mma_async instructions are serialized") ||
             line.contains("warpgroup.wait is injected")) &&
            line.contains("'" + name + "'"))
          warning() << "kernel @" << name << ": ptxas: "
                    << line.drop_until([](char c) { return c == '('; })
                    << "\n";
      // Spills in a tensor-core kernel cost far more than they look: say so
      // rather than leave it to the metadata.
      if (const auto &report = c.kernel.meta.ptxas;
          report && (report->spillLoads || report->spillStores))
        warning() << "kernel @" << name << " spills registers ("
                  << report->spillStores << " bytes stored, "
                  << report->spillLoads
                  << " bytes loaded, per ptxas): expect it to be slow; "
                     "smaller tiles or a simpler epilogue avoid it\n";
      c.kernel.image = std::move(cubin->cubin);
      c.kernel.isCubin = true;
    }
    all.push_back(std::move(c));
  }
  return all;
}

/// Every build of every kernel, variants of a kernel after one another. Without
/// ptxas the images are PTX (with one warning).
std::optional<std::vector<Compiled>> compileAll(ModuleOp module,
                                                llvm::ArrayRef<Build> builds) {
  std::optional<std::string> ptxas = locatePtxas();
  if (!ptxas)
    warning() << "ptxas was not found (install the CUDA toolkit, set "
                 "CUDA_HOME or KILN_PTXAS, or pass --ptxas); writing PTX "
                 "and metadata without cubins\n";
  std::vector<std::vector<Compiled>> perBuild;
  for (const Build &build : builds) {
    std::optional<std::vector<Compiled>> kernels =
        compileKernels(module, *build.compiler, build.variant, ptxas);
    if (!kernels)
      return std::nullopt;
    perBuild.push_back(std::move(*kernels));
  }
  for (size_t k = 0; k < perBuild.front().size(); ++k)
    for (const std::vector<Compiled> &kernels : perBuild)
      if (!kiln::haveSameParameters(kernels[k].kernel.meta,
                                    perBuild.front()[k].kernel.meta)) {
        error() << "variants " << builds.front().variant << " and "
                << kernels[k].kernel.variant << " of kernel @"
                << kernels[k].kernel.meta.name << " take different arguments\n";
        return std::nullopt;
      }
  std::vector<Compiled> all;
  for (size_t k = 0; k < perBuild.front().size(); ++k)
    for (std::vector<Compiled> &kernels : perBuild)
      all.push_back(std::move(kernels[k]));
  return all;
}

/// Writes `<base>.h` and `<base>.cpp`, the launchers of `kernels`.
LogicalResult writeLaunchers(llvm::StringRef base,
                             llvm::ArrayRef<kiln::CompiledKernel> kernels) {
  llvm::StringRef stem = llvm::sys::path::filename(base);
  std::string source = inputFilename == "-"
                           ? std::string("<stdin>")
                           : llvm::sys::path::filename(inputFilename).str();
  if (failed(writeFile((base + ".h").str(),
                       kiln::emitLauncherHeader(kernels, stem, source))))
    return failure();
  return writeFile((base + ".cpp").str(),
                   kiln::emitLauncherSource(kernels, stem, source));
}

/// The default: for each kernel, <dir>/<kernel>.ptx, .cubin, .json, and the
/// launcher <kernel>.h and .cpp; with variants, <kernel>.<variant>.ptx,
/// .cubin and .json, and one launcher for them all.
int emitPackage(ModuleOp module, llvm::ArrayRef<Build> builds) {
  std::string dir = outputPath.empty() ? "." : outputPath.getValue();
  if (failed(createOutputDirectory(dir)))
    return 1;
  std::optional<std::vector<Compiled>> all = compileAll(module, builds);
  if (!all)
    return 1;
  auto baseOf = [&](const kiln::KernelMetadata &meta) {
    llvm::SmallString<256> base(dir);
    llvm::sys::path::append(base, meta.name);
    return base.str().str();
  };
  std::vector<kiln::CompiledKernel> kernels;
  for (const Compiled &c : *all) {
    const kiln::KernelMetadata &meta = c.kernel.meta;
    std::string file = baseOf(meta);
    if (!c.kernel.variant.empty())
      file += "." + c.kernel.variant;
    std::string json;
    llvm::raw_string_ostream os(json);
    os << llvm::formatv("{0:2}", kiln::toJSON(meta)) << "\n";
    if (failed(writeFile(file + ".ptx", c.ptx)) ||
        (c.kernel.isCubin &&
         failed(writeFile(file + ".cubin", c.kernel.image))) ||
        failed(writeFile(file + ".json", json)))
      return 1;
    kernels.push_back(c.kernel);
  }
  // One launcher per kernel, serving all of its variants.
  for (const auto &variants : kiln::groupVariants(kernels)) {
    std::vector<kiln::CompiledKernel> group;
    for (const kiln::CompiledKernel *k : variants)
      group.push_back(*k);
    if (failed(writeLaunchers(baseOf(group.front().meta), group)))
      return 1;
  }
  return 0;
}

/// --emit=launcher -o <dir>/<stem>: one header and source for all kernels.
int emitLauncher(ModuleOp module, llvm::ArrayRef<Build> builds) {
  // A path ending in a separator ("gen/") names no stem: it would write
  // gen/.h and gen/.cpp.
  if (outputPath.empty() || outputPath == "-" ||
      llvm::sys::path::filename(outputPath).empty() ||
      llvm::sys::path::is_separator(outputPath.back()) ||
      llvm::sys::fs::is_directory(outputPath)) {
    error() << "--emit=launcher needs -o <dir>/<stem>: it writes <stem>.h "
               "and <stem>.cpp\n";
    return 1;
  }
  llvm::StringRef parent = llvm::sys::path::parent_path(outputPath);
  if (!parent.empty() && failed(createOutputDirectory(parent)))
    return 1;
  std::optional<std::vector<Compiled>> all = compileAll(module, builds);
  if (!all)
    return 1;
  std::vector<kiln::CompiledKernel> kernels;
  for (Compiled &c : *all)
    kernels.push_back(std::move(c.kernel));
  return failed(writeLaunchers(outputPath, kernels));
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&kilncCategory, &variantCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "kilnc: compiles Kiln tile programs to PTX and cubins for Hopper GPUs\n");

  if (!kiln::isSupportedChip(targetChip)) {
    error() << "unknown target '" << targetChip
            << "'; Kiln compiles for sm_90a (H100, H200)\n";
    return 1;
  }
  if (optLevel > 3) {
    error() << "optimization level -O" << optLevel << " must be 0 to 3\n";
    return 1;
  }

  DialectRegistry registry;
  kiln::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics point at the source; dumping the op after them only buries
  // the message.
  context.printOpOnDiagnostic(false);

  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &message);
  if (!input) {
    error() << message << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  if (module->getOps<kiln::tile::KernelOp>().empty()) {
    // The implicit module has no position of its own; point at the first op.
    Block *body = module->getBody();
    Location loc = body->empty()
                       ? Location(FileLineColLoc::get(&context, inputFilename,
                                                      1, 1))
                       : body->front().getLoc();
    emitError(loc) << "the input has no tile.kernel to compile";
    return 1;
  }

  kiln::HopperPipelineOptions options;
  options.chip = targetChip;
  if (!tileShape.empty()) {
    // MxNxK, or MxN to keep each kernel's own K (which depends on the
    // element type: 64 for 16-bit inputs, 128 for 8-bit ones).
    std::optional<TileShape> tile = parseTileShape(tileShape);
    if (!tile) {
      error() << "--tile takes MxNxK or MxN with positive extents, got '"
              << tileShape << "'\n";
      return 1;
    }
    options.tileM = tile->m;
    options.tileN = tile->n;
    options.tileK = tile->k;
  }
  if (consumerGroups < 0 || consumerGroups > 4) {
    error() << "--consumer-groups must be 1 to 4\n";
    return 1;
  }
  if (depth < 0 || depth > 16) {
    error() << "--depth must be 1 to 16\n";
    return 1;
  }
  options.consumerGroups = consumerGroups;
  options.depth = depth;
  options.persistent = persistent;
  options.pingpong = pingpong;
  options.mmaOverlap = mmaOverlap;
  options.tmaStore = tmaStore;

  kiln::PTXTarget target;
  target.chip = targetChip;
  target.optLevel = optLevel;
  std::vector<Build> builds;
  if (variantList.empty()) {
    builds.push_back({"", std::make_unique<Compiler>(target, options)});
  } else {
    if (!tileShape.empty() || persistent || pingpong) {
      error() << "--variants sets each variant's tile and schedule; drop "
                 "--tile, --persistent and --pingpong\n";
      return 1;
    }
    if (emitKind != EmitKind::All && emitKind != EmitKind::Launcher) {
      error() << "--variants makes a package or --emit=launcher, not one "
                 "--emit artifact\n";
      return 1;
    }
    for (llvm::StringRef spec : llvm::split(variantList.getValue(), ',')) {
      std::optional<VariantSpec> v = parseVariant(spec);
      if (!v) {
        error() << "--variants: '" << spec
                << "' is not MxN[xK][p|pp][d] with positive extents (p: "
                   "persistent, pp: ping-pong, d: outputs stored from "
                   "registers)\n";
        return 1;
      }
      if (llvm::any_of(builds,
                       [&](const Build &b) { return b.variant == spec; })) {
        error() << "--variants: '" << spec << "' is listed twice\n";
        return 1;
      }
      kiln::HopperPipelineOptions vopts;
      vopts.copyOptionValuesFrom(options);
      vopts.tileM = v->tile.m;
      vopts.tileN = v->tile.n;
      vopts.tileK = v->tile.k;
      vopts.persistent = v->persistent;
      vopts.pingpong = v->pingpong;
      vopts.tmaStore = options.tmaStore && !v->directStores;
      builds.push_back({spec.str(), std::make_unique<Compiler>(target, vopts)});
    }
  }
  if (emitKind == EmitKind::All)
    return emitPackage(*module, builds);
  if (emitKind == EmitKind::Launcher)
    return emitLauncher(*module, builds);
  return emitSingle(*module, *builds.front().compiler);
}
