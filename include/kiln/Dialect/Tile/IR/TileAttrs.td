//===- TileAttrs.td - tile dialect attributes --------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILEATTRS_TD
#define KILN_DIALECT_TILE_IR_TILEATTRS_TD

include "kiln/Dialect/Tile/IR/TileBase.td"
include "mlir/IR/EnumAttr.td"
include "kiln/Dialect/Tile/IR/TileAttrInterfaces.td"
include "mlir/IR/TensorEncoding.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tile_GridDim : I32EnumAttr<"GridDim", "a dimension of the launch grid", [
    I32EnumAttrCase<"x", 0>, I32EnumAttrCase<"y", 1>, I32EnumAttrCase<"z", 2>]> {
  let cppNamespace = "::kiln::tile";
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "a reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"max", 1>,
    I32EnumAttrCase<"min", 2>]> {
  let cppNamespace = "::kiln::tile";
}

//===----------------------------------------------------------------------===//
// Launch grid
//===----------------------------------------------------------------------===//

def Tile_GridExtentAttr : Tile_Attr<"GridExtent", "extent"> {
  let summary = "The extent of one launch-grid dimension";
  let description = [{
    How the launcher computes one dimension of the grid from the kernel's
    arguments. Three forms:

    - a constant: `#tile.extent<value = 1>`;
    - tiles over a tensor dimension, `ceil(extent(arg, dim) / div)`:
      `#tile.extent<arg = 2, dim = 1, div = 256>`; without `div`, the
      descriptor's block extent along `dim`: `#tile.extent<arg = 2, dim = 1>`;
    - tiles over a scalar argument, `ceil(arg / div)`:
      `#tile.extent<arg = 3, div = 128>`.

    In a `tile.kernel` header these print as `1`, `%c[1] / 256`, `%c[1]` and
    `%n / 128`.
  }];
  let parameters = (ins
    OptionalParameter<"std::optional<int64_t>">:$arg,
    OptionalParameter<"std::optional<int64_t>">:$dim,
    OptionalParameter<"std::optional<int64_t>">:$div,
    OptionalParameter<"std::optional<int64_t>">:$value);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isConstant() const { return getValue().has_value(); }
  }];
}

//===----------------------------------------------------------------------===//
// Distributed layouts (encodings of tensors after layout assignment)
//===----------------------------------------------------------------------===//

def Tile_BlockedLayoutAttr : Tile_Attr<"BlockedLayout", "blocked",
    [DeclareAttrInterfaceMethods<Tile_DistributedLayoutInterface>,
     DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "Tensor elements spread over threads in contiguous blocks";
  let description = [{
    Per dimension `d` (row-major: the last dimension varies fastest), each
    thread holds `elems[d]` contiguous elements, a warp spans `threads[d]`
    threads and the CTA spans `warps[d]` warps. The block covered once by all
    threads, `elems[d] * threads[d] * warps[d]`, repeats to cover the tensor;
    a dimension smaller than it is replicated. The products of `threads` and of
    `warps` are 32 and the number of warps.

    Example: `#tile.blocked<elems = [4], threads = [32], warps = [4]>` gives
    each of 128 threads 4 consecutive f32 of every 512 (one 16-byte access).
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$elems,
                        ArrayRefParameter<"int64_t">:$threads,
                        ArrayRefParameter<"int64_t">:$warps);
  let assemblyFormat = [{
    `<` `elems` `=` `[` $elems `]` `,` `threads` `=` `[` $threads `]` `,`
        `warps` `=` `[` $warps `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getRank() const { return getElems().size(); }
    int64_t getNumWarps() const;
  }];
}

def Tile_MmaLayoutAttr : Tile_Attr<"MmaLayout", "mma",
    [DeclareAttrInterfaceMethods<Tile_DistributedLayoutInterface>,
     DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "The accumulator layout of wgmma over warp groups";
  let description = [{
    How the registers of `warpgroups` warp groups hold an M×N accumulator
    (PTX ISA 9.7.15.5.2, "Register fragments", wgmma m64nNk16 D): warp
    group `g` holds rows `g * M / warpgroups` onwards, in blocks of 64. In a
    block, thread `t` of the group (warp `w = t / 32`, lane `l = t % 32`)
    holds register `4 j + 2 h + e` at row `16 w + l / 4 + 8 h` and column
    `8 j + 2 (l % 4) + e`; blocks follow each other in the thread's
    registers. Each thread holds `M / (64 warpgroups) * N / 2` elements.

    Example: `#tile.mma<warpgroups = 2>` for a 128×256 accumulator split
    between two consumer warp groups.
  }];
  let parameters = (ins "int64_t":$warpgroups);
  let assemblyFormat = "`<` `warpgroups` `=` $warpgroups `>`";
  let genVerifyDecl = 1;
}

def Tile_SliceLayoutAttr : Tile_Attr<"SliceLayout", "slice",
    [DeclareAttrInterfaceMethods<Tile_DistributedLayoutInterface>,
     DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "A parent layout with one dimension removed";
  let description = [{
    The layout of a tile that has one dimension fewer than tiles of
    `parent`: the result of reducing dimension `dim`, or the input of a
    broadcast along it. Each thread holds, once, every element its parent
    layout gives it, projected along `dim`; so broadcasting back to the
    parent and reducing into the slice need no data from other threads
    beyond those that share a projected element.

    Example: `#tile.slice<dim = 0, parent = #tile.mma<warpgroups = 2>>` holds
    a bias row of N elements as the columns of the accumulator each thread
    owns.
  }];
  let parameters = (ins "int64_t":$dim,
                        "DistributedLayoutAttr":$parent);
  let assemblyFormat = "`<` `dim` `=` $dim `,` `parent` `=` $parent `>`";
  let genVerifyDecl = 1;
}

#endif // KILN_DIALECT_TILE_IR_TILEATTRS_TD
