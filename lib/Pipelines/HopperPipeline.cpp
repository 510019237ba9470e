//===- HopperPipeline.cpp - Kiln's shipped pass pipeline ------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Pipelines/Pipelines.h"

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Aref/Transforms/Passes.h"
#include "kiln/Dialect/Tile/Transforms/Passes.h"
#include "kiln/Target/Chips.h"

#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void kiln::buildHopperPipeline(OpPassManager &pm,
                               const HopperPipelineOptions &options) {
  // Tile level: tile shape and persistence, then partition into roles and
  // pipeline the arefs.
  pm.addPass(tile::createTileRetilePass(
      {options.tileM, options.tileN, options.tileK}));
  pm.addPass(tile::createTilePersistentPass(
      {/*all=*/options.persistent || options.pingpong, /*groupRows=*/8}));
  pm.addPass(tile::createTileGroupOrderPass({/*groupRows=*/8}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(tile::createTileWarpSpecializePass(
      {options.consumerGroups, /*producerRegisters=*/40,
       /*consumerRegisters=*/0}));
  pm.addPass(aref::createArefPipelinePass({options.depth, /*smemBudget=*/229376,
                                           options.mmaOverlap, options.pingpong,
                                           options.tmaStore ? 1 : 0}));
  // A pipeline that could deadlock or race is an error here, before any
  // code is emitted.
  pm.addPass(aref::createArefVerifyProtocolPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(tile::createTileAssignLayoutsPass());
  pm.addPass(tile::createTileChunkEpiloguePass());

  // Hopper level: tiles become per-thread vectors in llvm.func kernels.
  pm.addPass(createConvertTileToNVVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // LLVM level, with upstream conversions.
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void kiln::registerHopperPipeline() {
  // PassPipelineRegistration, plus a check of the chip: the passes do not
  // read it, but a pipeline replayed for another GPU must not look valid.
  registerPassPipeline(
      "kiln-hopper-pipeline",
      "Kiln's shipped pipeline: tile programs to LLVM-dialect Hopper kernels",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        HopperPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        if (!isSupportedChip(options.chip))
          return errorHandler("kiln-hopper-pipeline: chip '" +
                              options.chip.getValue() +
                              "' is not supported; Kiln compiles for sm_90a");
        buildHopperPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(HopperPipelineOptions());
      });
}
