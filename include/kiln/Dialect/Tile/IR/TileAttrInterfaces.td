//===- TileAttrInterfaces.td - tile attribute interfaces ---*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILEATTRINTERFACES_TD
#define KILN_DIALECT_TILE_IR_TILEATTRINTERFACES_TD

include "mlir/IR/OpBase.td"

def Tile_DistributedLayoutInterface
    : AttrInterface<"DistributedLayoutAttr"> {
  let cppNamespace = "::kiln::tile";
  let description = [{
    A tensor encoding that says which thread of a CTA (or of a role of a
    warp-specialized CTA) holds which elements of the tensor, in registers.
    Lowering turns a tensor with such an encoding into a per-thread vector of
    `getElemsPerThread(shape)` elements.
  }];
  let methods = [
    InterfaceMethod<"Number of threads the layout spreads a tensor over.",
      "int64_t", "getNumThreads">,
    InterfaceMethod<"Elements each thread holds for a tensor of this shape.",
      "int64_t", "getElemsPerThread", (ins "::llvm::ArrayRef<int64_t>":$shape)>,
    InterfaceMethod<"Checks that the layout can hold a tensor of this shape.",
      "::llvm::LogicalResult", "verifyShape",
      (ins "::llvm::ArrayRef<int64_t>":$shape,
           "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError)>,
  ];
}

#endif // KILN_DIALECT_TILE_IR_TILEATTRINTERFACES_TD
