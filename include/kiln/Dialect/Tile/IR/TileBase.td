//===- TileBase.td - tile dialect definition ---------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The `tile` dialect is Kiln's input language: block-level programs over
// tiles of global tensors with value semantics.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILEBASE_TD
#define KILN_DIALECT_TILE_IR_TILEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::kiln::tile";
  let summary = "Block-level tile programs for Hopper GPUs";
  let description = [{
    A tile program describes what one program instance (one CTA) computes:
    it loads tiles of global tensors at element coordinates, multiplies them
    with `tile.dot`, applies element-wise math through the `arith` and `math`
    dialects on `tensor` values, reduces, and stores tiles back. Tiles have
    value semantics; nothing in a tile program names threads, shared memory or
    barriers. Kiln's passes decide how the work is split among warp groups.

    Global tensors reach a kernel as `!tile.desc` arguments. Out-of-bounds
    reads give zero and out-of-bounds writes are dropped, so programs need no
    masks at the edges of a tensor.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
}

class Tile_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Tile_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class Tile_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tile_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

#endif // KILN_DIALECT_TILE_IR_TILEBASE_TD
