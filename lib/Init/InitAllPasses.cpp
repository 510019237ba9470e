//===- InitAllPasses.cpp - register every Kiln pass -----------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/InitAllPasses.h"

#include "kiln/Conversion/Passes.h"
#include "kiln/Dialect/Aref/Transforms/Passes.h"
#include "kiln/Dialect/Tile/Transforms/Passes.h"
#include "kiln/Pipelines/Pipelines.h"

void kiln::registerAllPasses() {
  kiln::tile::registerTilePasses();
  kiln::aref::registerArefPasses();
  kiln::registerKilnConversionPasses();
  kiln::registerHopperPipeline();
}
