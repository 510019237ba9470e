//===- Pipelines.h - Kiln's shipped pass pipeline ---------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PIPELINES_PIPELINES_H
#define KILN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kiln {

/// Options of the Hopper pipeline. `kilnc` exposes each as a flag of the same
/// name; `kiln-opt --kiln-hopper-pipeline="name=value ..."` takes them too.
struct HopperPipelineOptions
    : public mlir::PassPipelineOptions<HopperPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("Target GPU (only sm_90a)"),
                           llvm::cl::init("sm_90a")};
  Option<int64_t> tileM{*this, "tile-m",
                        llvm::cl::desc("Tile rows M (0: as written)"),
                        llvm::cl::init(0)};
  Option<int64_t> tileN{*this, "tile-n",
                        llvm::cl::desc("Tile columns N (0: as written)"),
                        llvm::cl::init(0)};
  Option<int64_t> tileK{*this, "tile-k",
                        llvm::cl::desc("Tile depth K (0: as written)"),
                        llvm::cl::init(0)};
  Option<int64_t> consumerGroups{
      *this, "consumer-groups",
      llvm::cl::desc("Consumer warp groups (0: the kernel's, else 2 for "
                     "tiles of 128 rows or more, 1 for 64)"),
      llvm::cl::init(0)};
  Option<int64_t> depth{
      *this, "depth",
      llvm::cl::desc("Aref slots (0: the kernel's, else what fits)"),
      llvm::cl::init(0)};
  Option<bool> persistent{
      *this, "persistent",
      llvm::cl::desc("Make every kernel persistent (one CTA per SM)"),
      llvm::cl::init(false)};
  Option<bool> pingpong{
      *this, "pingpong",
      llvm::cl::desc("Two consumer warp groups take the tiles in turn "
                     "(implies persistent)"),
      llvm::cl::init(false)};
  Option<bool> tmaStore{
      *this, "tma-store",
      llvm::cl::desc("Store accumulator tiles with TMA through shared "
                     "memory, the stores of one tile overlapping the next "
                     "tile's MMAs"),
      llvm::cl::init(true)};
  Option<bool> mmaOverlap{
      *this, "mma-overlap",
      llvm::cl::desc("Keep one MMA in flight while releasing a slot"),
      llvm::cl::init(true)};
};

/// Adds the pipeline that takes tile programs to LLVM-dialect kernels ready
/// for translation to LLVM IR and the NVPTX backend. `kilnc` runs exactly
/// this; `kiln-opt --kiln-hopper-pipeline` replays it.
void buildHopperPipeline(mlir::OpPassManager &pm,
                         const HopperPipelineOptions &options);

/// Registers `kiln-hopper-pipeline` with the pass registry.
void registerHopperPipeline();

} // namespace kiln

#endif // KILN_PIPELINES_PIPELINES_H
