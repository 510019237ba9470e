//===- Launch.h - argument checks, grids and kernel parameters --*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What a launch works out on the CPU: that the arguments fit the parameters,
// the launch configuration, the CUtensorMap of each TMA tensor, and the
// kernel parameters in the order and layout of abi.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_LIB_LAUNCH_H
#define KILN_RUNTIME_LIB_LAUNCH_H

#include "Driver.h"

#include <vector>

namespace kiln::rt {

/// Checks the arguments against the kernel's parameters and computes the
/// launch configuration. `smCount` bounds the grid of a persistent kernel;
/// 0 means unknown, and grid.x is then the tile count.
kiln_status planLaunch(const kiln_kernel_desc &desc, const kiln_arg *args,
                       size_t numArgs, uint32_t smCount,
                       kiln_launch_config &out);

/// False when a grid dimension is 0: there is nothing to launch.
bool hasWork(const kiln_launch_config &config);

/// What chooseVariant compares for one kernel and launch.
struct VariantCost {
  /// Tile-area units each SM computes: the tiles in whole waves (all SMs
  /// busy, or the last wave partly) times the tile area. Quantization is
  /// what separates tile shapes most: 64 tiles of 128x256 leave half of
  /// 132 SMs idle where 128 tiles of 128x128 do not.
  int64_t work;
  /// Output elements per tile: the product of the grid rules' divisors.
  int64_t tileArea;
  bool persistent;
};

/// The cost of launching `desc` on arguments planLaunch accepted, on a GPU
/// with `smCount` (> 0) SMs. Checks nothing.
VariantCost variantCost(const kiln_kernel_desc &desc, const kiln_arg *args,
                        uint32_t smCount);

/// Among variants of one kernel (same parameters and results, other tile
/// shapes or schedules), the index in `descs` of the one with the least
/// work among `candidates` (indices of the variants that accepted `args`;
/// not empty); on a tie the larger tile (fewer loads per flop), then a
/// persistent kernel (no relaunch per tile, grouped tile order), then the
/// earlier one.
size_t cheapestVariant(const kiln_kernel_desc *const *descs,
                       const std::vector<size_t> &candidates,
                       const kiln_arg *args, uint32_t smCount);

/// As cheapestVariant, after checking the arguments against each variant:
/// those that reject them are skipped; if all do, the first one's error is
/// returned.
kiln_status chooseVariant(const kiln_kernel_desc *const *descs, size_t count,
                          const kiln_arg *args, size_t numArgs,
                          uint32_t smCount, size_t &chosen);

/// Adapts planLaunch's configuration (made with an SM count of 0) for
/// arguments it accepted to a GPU of `smCount` SMs: a persistent kernel
/// gets at most one CTA per SM.
void fitToDevice(const kiln_kernel_desc &desc, const kiln_arg *args,
                 uint32_t smCount, kiln_launch_config &config);

/// The arguments of cuTensorMapEncodeTiled for one TMA tensor.
struct TensorMapSpec {
  CUtensorMapDataType dataType;
  cuuint32_t rank;
  void *globalAddress;
  cuuint64_t globalDim[KILN_MAX_RANK];         // innermost first
  cuuint64_t globalStrides[KILN_MAX_RANK - 1]; // bytes, dims rank-2 .. 0
  cuuint32_t boxDim[KILN_MAX_RANK];            // innermost first
  cuuint32_t elementStrides[KILN_MAX_RANK];
  CUtensorMapInterleave interleave;
  CUtensorMapSwizzle swizzle;
  CUtensorMapL2promotion l2Promotion;
  CUtensorMapFloatOOBfill oobFill;
};

/// The tensor map of argument `index`, a TMA tensor that planLaunch accepted.
/// Fails if the tensor is empty: a tensor map needs extents of at least 1,
/// so launches pass a zero-filled map for an empty tensor instead (abi.h).
kiln_status tensorMapSpec(const kiln_kernel_desc &desc, size_t index,
                          const kiln_tensor &tensor, TensorMapSpec &out);

/// One parameter of the compiled kernel, as abi.h expands the arguments.
struct KernelParam {
  enum Kind { TensorMap, Address, Extent, Stride, Scalar };
  Kind kind;
  uint32_t arg;    ///< the tile-kernel argument it comes from
  uint32_t dim;    ///< Extent and Stride: the dimension
  uint32_t size;   ///< bytes
  uint32_t offset; ///< in a ParamBuffer, aligned as on the host
};

/// The kernel parameters of `desc` in order, with their offsets.
std::vector<KernelParam> kernelParams(const kiln_kernel_desc &desc);

/// The parameter values of one launch and the array of pointers to them
/// that cuLaunchKernelEx takes.
class ParamBuffer {
public:
  /// Fills the values from arguments that planLaunch accepted. Tensor maps
  /// are encoded with `api.cuTensorMapEncodeTiled`, except that of an empty
  /// tensor, which is zero-filled.
  kiln_status pack(const kiln_kernel_desc &desc,
                   const std::vector<KernelParam> &params, const kiln_arg *args,
                   const DriverApi &api);

  void **pointers() { return pointers_.data(); }
  size_t size() const { return pointers_.size(); }

private:
  std::vector<unsigned char> bytes_;
  std::vector<void *> pointers_;
};

} // namespace kiln::rt

#endif // KILN_RUNTIME_LIB_LAUNCH_H
