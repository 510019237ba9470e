//===- KernelMetadata.h - what a launcher needs to know ---------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The metadata of a compiled kernel: symbol, parameters, threads, shared
// memory, grid rule and target. Lowering records it on the llvm.func kernel;
// kilnc writes it as JSON next to the PTX and generates launchers from it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_KERNELMETADATA_H
#define KILN_TARGET_KERNELMETADATA_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/JSON.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// One argument of the tile kernel.
struct KernelParam {
  unsigned arg = 0;
  /// The argument's name in the tile program, or "arg<N>".
  std::string name;
  bool isTensor = false;
  /// Element type name from abi.h.
  std::string dtype;
  /// Tensors only: rank, block shape, and whether a CUtensorMap is passed.
  int64_t rank = 0;
  std::vector<int64_t> block;
  bool tma = false;
  /// With tma: the box TMA moves (dimension 0 first) and its swizzle in
  /// bytes.
  std::vector<int64_t> tmaBox;
  int64_t swizzle = 0;
  /// Tensors only: the kernel stores to it (the runtime then rejects
  /// overlapping elements).
  bool written = false;
  /// Tensors only: the kernel loads from it.
  bool read = false;
};

/// One dimension of the launch grid: `value`, or ceil(extent / div) where
/// the extent is dimension `dim` of tensor argument `arg`, or scalar
/// argument `arg` itself when `dim` is absent.
struct GridExtent {
  std::optional<int64_t> value;
  int64_t arg = 0;
  std::optional<int64_t> dim;
  int64_t div = 1;
};

/// What `ptxas -v` reported for the kernel.
struct PtxasReport {
  int64_t registers = 0;
  int64_t spillStores = 0;
  int64_t spillLoads = 0;
  int64_t stackFrame = 0;
};

struct KernelMetadata {
  std::string name;
  std::string target;
  int64_t threads = 0;
  /// Dynamic shared memory to request, in bytes.
  int64_t smem = 0;
  /// One CTA per SM walks the tiles: the launcher caps the grid.
  bool persistent = false;
  /// Extents that must agree: {arg, dim, arg, dim}.
  std::vector<std::array<int64_t, 4>> equal;
  std::vector<KernelParam> params;
  std::vector<GridExtent> grid;
  /// Compile options the kernel was built with, as name=value strings.
  std::vector<std::pair<std::string, std::string>> options;
  std::optional<PtxasReport> ptxas;
};

/// Name of the dictionary lowering attaches to each kernel.
inline constexpr llvm::StringLiteral kKernelMetadataAttrName = "kiln.kernel";

/// Reads the metadata lowering recorded on a kernel; std::nullopt if it has
/// none.
std::optional<KernelMetadata> readKernelMetadata(mlir::LLVM::LLVMFuncOp fn);

/// Whether two kernels take the same arguments: names, kinds, dtypes,
/// ranks, and which tensors they write (what variants of a kernel share).
bool haveSameParameters(const KernelMetadata &a, const KernelMetadata &b);

/// Parses the per-kernel section of `ptxas -v` output.
std::optional<PtxasReport> parsePtxasReport(llvm::StringRef log,
                                            llvm::StringRef kernel);

llvm::json::Value toJSON(const KernelMetadata &meta);

} // namespace kiln

#endif // KILN_TARGET_KERNELMETADATA_H
