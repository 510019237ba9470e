//===- TileOps.td - tile dialect operations ----------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_TILEOPS_TD
#define KILN_DIALECT_TILE_IR_TILEOPS_TD

include "kiln/Dialect/Tile/IR/TileBase.td"
include "kiln/Dialect/Tile/IR/TileTypes.td"
include "kiln/Dialect/Tile/IR/TileAttrs.td"
include "kiln/Dialect/Aref/IR/ArefTypes.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/OpAsmInterface.td"

// Tiles have static shapes: each thread's share of one is fixed when the
// kernel is compiled.
def Tile_Tensor : StaticShapeTensorOf<[AnyType]>;
defvar Tile_Coord = I32;

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def Tile_KernelOp : Tile_Op<"kernel", [
    AutomaticAllocationScope, FunctionOpInterface, IsolatedFromAbove,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "A tile program: the work of one program instance";
  let description = [{
    A kernel that the launcher runs over a grid of program instances (CTAs).
    Arguments are global tensors (`!tile.desc`) and scalars (integers and
    floats); a kernel returns nothing. The optional `grid(...)` clause says how
    the launcher computes the grid from the arguments: each entry is a
    constant, `%desc[d]` (the number of the descriptor's tiles along
    dimension `d`, rounded up), `%desc[d] / T` (T-sized tiles) or
    `%scalar / T`. Without it the grid is one program. The optional
    `where(%x[i] == %y[j], ...)` clause states extents that must agree (a
    GEMM's K in A and B); the launcher refuses arguments that break it.

    `num_warps` sets how many warps run a kernel that is not warp-specialized
    (default 4). Compile options for the warp-specialized path may be set per
    kernel (a `kilnc` flag of the same name overrides them):
    `consumer_groups` (consumer warp groups splitting the tile's rows),
    `depth` (aref slots), `persistent` (one CTA per SM walking the tiles),
    `pingpong` (two consumer warp groups taking the tiles in turn; needs
    `persistent`), `tile_shape` (M, N and K of the dots, see `tile-retile`),
    `tma_store` (consumers store accumulator tiles through shared memory
    with TMA, see `convert-tile-to-nvvm`; the shipped pipeline does so
    unless `--tma-store=false`). The names of
    the arguments in the source are kept (`arg_names`): printed IR and the
    generated launchers use them.

    Example:

    ```mlir
    tile.kernel @scale(%x: !tile.desc<1024xf32>, %y: !tile.desc<1024xf32>,
                       %alpha: f32) grid(%x[0] / 1024) {
      %pid = tile.program_id x
      %c1024 = arith.constant 1024 : i32
      %off = arith.muli %pid, %c1024 : i32
      %t = tile.load %x[%off] : !tile.desc<1024xf32> -> tensor<1024xf32>
      %a = tile.splat %alpha : tensor<1024xf32>
      %r = arith.mulf %t, %a : tensor<1024xf32>
      tile.store %r, %y[%off] : tensor<1024xf32>, !tile.desc<1024xf32>
      tile.return
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       OptionalAttr<TypedArrayAttrBase<Tile_GridExtentAttr,
                                    "grid extents">>:$grid,
                       OptionalAttr<I64Attr>:$num_warps,
                       OptionalAttr<I64Attr>:$consumer_groups,
                       OptionalAttr<I64Attr>:$depth,
                       UnitAttr:$persistent,
                       UnitAttr:$pingpong,
                       UnitAttr:$tma_store,
                       OptionalAttr<DenseI64ArrayAttr>:$tile_shape,
                       OptionalAttr<TypedArrayAttrBase<DenseI64ArrayAttr,
                                    "equal extents">>:$equal_extents,
                       OptionalAttr<StrArrayAttr>:$arg_names);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    static ::llvm::StringRef getDefaultDialect() { return "tile"; }
    /// Warps of a kernel that is not warp-specialized.
    int64_t getNumWarpsOrDefault() { return getNumWarps().value_or(4); }
    /// The name argument `i` has in the source ("a" for %a), or "arg<i>".
    std::string getArgName(unsigned i);
    /// The where(...) clause: each entry is {arg, dim, arg, dim}.
    llvm::SmallVector<std::array<int64_t, 4>> getEqualExtentList();
    llvm::ArrayRef<::mlir::Attribute> getEqualExtentAttrs();
  }];
}

def Tile_ReturnOp : Tile_Op<"return", [Pure, HasParent<"KernelOp">,
                                        Terminator, ReturnLike]> {
  let summary = "Ends a tile kernel";
  let description = [{
    Example:

    ```mlir
    tile.return
    ```
  }];
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// Program instance and tensor extents
//===----------------------------------------------------------------------===//

def Tile_ProgramIdOp : Tile_Op<"program_id", [Pure]> {
  let summary = "Index of this program instance along a grid dimension";
  let description = [{
    Lowers to `%ctaid` (PTX ISA, special registers), or to the current tile
    of a persistent kernel.

    Example:

    ```mlir
    %pid = tile.program_id x
    ```
  }];
  let arguments = (ins Tile_GridDim:$dim);
  let results = (outs I32:$result);
  let assemblyFormat = "$dim attr-dict";
}

def Tile_NumProgramsOp : Tile_Op<"num_programs", [Pure]> {
  let summary = "Number of program instances along a grid dimension";
  let description = [{
    Example:

    ```mlir
    %n = tile.num_programs y
    ```
  }];
  let arguments = (ins Tile_GridDim:$dim);
  let results = (outs I32:$result);
  let assemblyFormat = "$dim attr-dict";
}

def Tile_BlockDimOp : Tile_Op<"block_dim", [Pure]> {
  let summary = "Extent of a descriptor's tiles along one dimension";
  let description = [{
    A compile-time constant: the block shape of the descriptor's type along
    `index`. Tile programs that compute offsets and loop steps from it, not
    from literal constants, can be built with other tile shapes
    (`tile-retile`, `kilnc --tile`).

    Example:

    ```mlir
    %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
    ```
  }];
  let arguments = (ins Tile_DescType:$desc, I64Attr:$index);
  let results = (outs I32:$result);
  let assemblyFormat = "$desc `,` $index attr-dict `:` qualified(type($desc))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tile_DimOp : Tile_Op<"dim", [Pure]> {
  let summary = "Run-time extent of a global tensor along one dimension";
  let description = [{
    Example:

    ```mlir
    %k = tile.dim %a, 1 : !tile.desc<128x64xf16>
    ```
  }];
  let arguments = (ins Tile_DescType:$desc, I64Attr:$index);
  let results = (outs I32:$result);
  let assemblyFormat = "$desc `,` $index attr-dict `:` qualified(type($desc))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

def Tile_LoadOp : Tile_Op<"load", [MemoryEffects<[MemRead]>]> {
  let summary = "Reads one tile of a global tensor";
  let description = [{
    Reads the tile whose first element is at the given element coordinates
    (one `i32` per dimension). Elements outside the tensor read as zero. The
    coordinates need not be multiples of the block shape, and may be
    negative.

    The tile has the descriptor's block shape, or is a smaller part of it
    (no dimension larger). Loads that feed `tile.dot` become TMA transfers
    (`cp.async.bulk.tensor`, PTX ISA 9.7.9.25) of exactly the block into
    shared memory, so they read the whole block; other loads become
    vectorized global loads.

    Example:

    ```mlir
    %t = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    ```
  }];
  let arguments = (ins Tile_DescType:$desc, Variadic<Tile_Coord>:$coords);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $desc `[` $coords `]` attr-dict `:` qualified(type($desc)) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_StoreOp : Tile_Op<"store", [MemoryEffects<[MemWrite]>]> {
  let summary = "Writes one tile into a global tensor";
  let description = [{
    Writes a tile at the given element coordinates. Elements that fall
    outside the tensor are not written. As for `tile.load`, the tile has the
    descriptor's block shape or a smaller one.

    Example:

    ```mlir
    tile.store %c, %out[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$value, Tile_DescType:$desc,
                       Variadic<Tile_Coord>:$coords);
  let assemblyFormat = [{
    $value `,` $desc `[` $coords `]` attr-dict `:` type($value) `,`
    qualified(type($desc))
  }];
  let hasVerifier = 1;
}

def Tile_ScalarLoadOp : Tile_Op<"scalar_load", [MemoryEffects<[MemRead]>]> {
  let summary = "Reads one element of a global tensor";
  let description = [{
    Reads the element at the given coordinates, or zero where they fall
    outside the tensor. Every thread that needs the value reads it (a
    broadcast load through the L1 cache); meant for small tables such as the
    row offsets of a grouped GEMM.

    Example:

    ```mlir
    %start = tile.scalar_load %offsets[%e] : !tile.desc<16xi32> -> i32
    ```
  }];
  let arguments = (ins Tile_DescType:$desc, Variadic<Tile_Coord>:$coords);
  let results = (outs AnyTypeOf<[AnyInteger, AnyFloat]>:$result);
  let assemblyFormat = [{
    $desc `[` $coords `]` attr-dict `:` qualified(type($desc)) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

def Tile_DotOp : Tile_Op<"dot", [Pure,
    AllTypesMatch<["acc", "result"]>]> {
  let summary = "Tile matrix product with accumulation: A·B + C";
  let description = [{
    Computes `result = op(A) · op(B) + acc` where `op` transposes an operand
    whose `transpose_a` / `transpose_b` flag is set: without flags A is M×K
    and B is K×N; with `transpose_b`, B is given as N×K. A and B are both f16,
    both bf16, or both 8-bit floats (`f8E4M3FN`, `f8E5M2`, mixed allowed);
    the accumulator and result are f32.

    The tile shape must be one the tensor cores take (wgmma, PTX ISA
    9.7.15): M a multiple of 64, N a multiple of 8 no larger than 256, K a
    multiple of 16 (32 for 8-bit floats). 8-bit operands must have K
    contiguous: A as M×K and B as N×K (`transpose_b`), since wgmma cannot
    transpose them.

    Example:

    ```mlir
    %d = tile.dot %a, %b, %c transpose_b
        : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$a, Tile_Tensor:$b, Tile_Tensor:$acc,
                       UnitAttr:$transpose_a, UnitAttr:$transpose_b);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b `,` $acc (`transpose_a` $transpose_a^)? (`transpose_b` $transpose_b^)?
    attr-dict `:` type($a) `,` type($b) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_BroadcastOp : Tile_Op<"broadcast", [Pure]> {
  let summary = "Repeats a tile along new dimensions";
  let description = [{
    The result has the input's dimensions plus the dimensions listed in
    `dims` (positions in the result, ascending); the input is repeated along
    them. The other result dimensions equal the input's, in order.

    Example:

    ```mlir
    %rows = tile.broadcast %bias dims [0] : tensor<256xf32> -> tensor<128x256xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $input `dims` $dims attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_ExtractSliceOp : Tile_Op<"extract_slice", [Pure]> {
  let summary = "A part of a tile, at static offsets";
  let description = [{
    The result is the part of the input of the result's shape whose first
    element is at `offsets` (one per dimension). Element type and layout
    stay the input's.

    In registers a slice is free when every thread already holds the
    elements of the part it will hold; `tile-chunk-epilogue` creates such
    slices (column chunks of accumulators). Once the input has a layout,
    the verifier rejects other slices.

    Example:

    ```mlir
    %chunk = tile.extract_slice %rows [0, 64] : tensor<128x256xf32> -> tensor<128x64xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$input, DenseI64ArrayAttr:$offsets);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $input $offsets attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_IotaOp : Tile_Op<"iota", [Pure]> {
  let summary = "The 1-D tile 0, 1, 2, ...";
  let description = [{
    Example:

    ```mlir
    %i = tile.iota : tensor<128xi32>
    ```
  }];
  let results = (outs StaticShapeTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Tile_SplatOp : Tile_Op<"splat", [Pure,
    TypesMatchWith<"value type matches the element type", "result", "value",
                   "::llvm::cast<::mlir::RankedTensorType>($_self).getElementType()">]> {
  let summary = "A tile whose every element is one scalar";
  let description = [{
    Example:

    ```mlir
    %a = tile.splat %alpha : tensor<1024xf32>
    ```
  }];
  let arguments = (ins AnyTypeOf<[AnyInteger, AnyFloat]>:$value);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
}

def Tile_ReduceOp : Tile_Op<"reduce", [Pure]> {
  let summary = "Reduces a tile along one dimension";
  let description = [{
    Sums, or takes the maximum or minimum of, the elements along `dim`; the
    result drops that dimension. Float sums accumulate in the element type in
    an unspecified order; `max`/`min` of floats return NaN if any element is
    NaN.

    Example:

    ```mlir
    %m = tile.reduce max %s dim 1 : tensor<128x128xf32> -> tensor<128xf32>
    ```
  }];
  let arguments = (ins Tile_ReduceKind:$kind, Tile_Tensor:$input,
                       I64Attr:$dim);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $kind $input `dim` $dim attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Hopper level: asynchronous copies and tensor-core operations
//===----------------------------------------------------------------------===//

def Tile_SharedBuffer : MemRefRankOf<[AnyType], [1, 2, 3, 4, 5]>;

def Tile_AsyncLoadOp : Tile_Op<"async_load", [
    MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Copies a tile into an aref slot with the tensor-memory accelerator";
  let description = [{
    Starts an asynchronous copy of the tile at the given element coordinates
    (elements outside the tensor read as zero) into `buffer`, which must be
    a buffer of slot `slot` of `ref` handed out by `aref.put.enter`. The copy
    completes on the slot's `full` barrier by its byte count, which the
    producer armed with `aref.put.exit ... async` (PTX ISA 9.7.9.25,
    `cp.async.bulk.tensor`, `.mbarrier::complete_tx::bytes`).

    Produced by `aref-pipeline` from the `tile.load`s of a producer role.

    Example:

    ```mlir
    tile.async_load %a[%m, %k] -> %ba, %r[%s]
        : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<128x64xf16>], depth = 4>
    ```
  }];
  let arguments = (ins Tile_DescType:$desc, Variadic<Tile_Coord>:$coords,
                       Tile_SharedBuffer:$buffer, Aref_RefType:$ref,
                       I32:$slot);
  let assemblyFormat = [{
    $desc `[` $coords `]` `->` $buffer `,` $ref `[` $slot `]` attr-dict `:`
    qualified(type($desc)) `,` type($buffer) `,` qualified(type($ref))
  }];
  let hasVerifier = 1;
}

def Tile_MmaOp : Tile_Op<"mma", [MemoryEffects<[MemRead]>,
    AllTypesMatch<["acc", "result"]>]> {
  let summary = "Starts A·B + C on the tensor cores, B in shared memory";
  let description = [{
    The asynchronous form of `tile.dot` after partitioning: B is a
    shared-memory buffer (an aref slot); A is one too, or a tile in the
    registers of the role's warp groups (16-bit elements, K contiguous: no
    `transpose_a`), laid out as an accumulator of the same rows is, as in
    attention's P·V; the accumulator lives in those registers. Issues
    `wgmma.mma_async` over the tile's K (PTX ISA 9.7.15.5) and commits them
    as one group; the result may only be read after a `tile.mma_wait` has
    retired the group, and the buffers may only be released (and register
    A changed) after that.

    Shapes and element types follow `tile.dot`.

    Example:

    ```mlir
    %d = tile.mma %ba, %bb, %c transpose_b
        : memref<128x64xf16, 3>, memref<256x64xf16, 3> -> tensor<128x256xf32>
    ```

    With A in registers:

    ```mlir
    %o = tile.mma %p, %bv, %acc
        : tensor<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>
    ```
  }];
  let arguments = (ins AnyTypeOf<[Tile_SharedBuffer, Tile_Tensor]>:$a,
                       Tile_SharedBuffer:$b,
                       Tile_Tensor:$acc, UnitAttr:$transpose_a,
                       UnitAttr:$transpose_b);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b `,` $acc (`transpose_a` $transpose_a^)? (`transpose_b` $transpose_b^)?
    attr-dict `:` type($a) `,` type($b) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_MmaWaitOp : Tile_Op<"mma_wait", [AllTypesMatch<["acc", "result"]>]> {
  let summary = "Waits until at most `pending` tile.mma groups are in flight";
  let description = [{
    Blocks the role's warp groups until no more than `pending` of the
    `tile.mma` groups they issued are still running
    (`wgmma.wait_group`, PTX ISA 9.7.15.7), and returns the accumulator,
    now safe to read if its own group has retired. With `pending = 1` the
    previous iteration's group is done and its buffers may be released while
    the current one runs.

    Example:

    ```mlir
    %e = tile.mma_wait %d {pending = 1} : tensor<128x256xf32>
    ```
  }];
  let arguments = (ins Tile_Tensor:$acc, I64Attr:$pending);
  let results = (outs Tile_Tensor:$result);
  let assemblyFormat = "$acc attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Warp specialization
//===----------------------------------------------------------------------===//

def Tile_WarpSpecializeOp : Tile_Op<"warp_specialize", [
    RecursiveMemoryEffects, NoTerminator]> {
  let summary = "Runs each region on its own group of warps";
  let description = [{
    Splits the CTA into roles: region `i` runs on `warps[i]` warps, after
    `setmaxnreg` (PTX ISA 9.7.17.1) sets each of their threads' register
    budget to `regs[i]`. Roles start in region order: the warps of region 0
    come first. Regions read values defined above them but exchange data only
    through arefs (`aref.put` in one role, `aref.get` in others).

    Rules (checked): `regs` within Hopper's 24..256 and a multiple of 8; a
    role that multiplies on tensor cores has whole warp groups (warps a
    multiple of 4); at most 1024 threads; the budgets fit the 64K registers of
    an SM; no role both puts to and gets from one aref; each aref has one
    producing role.

    Example:

    ```mlir
    tile.warp_specialize warps [4, 8] regs [40, 232] {
      aref.put %ref, %a : !aref.ref<[tensor<128x64xf16>], depth = 2>, tensor<128x64xf16>
    }, {
      %x = aref.get %ref : !aref.ref<[tensor<128x64xf16>], depth = 2> -> tensor<128x64xf16>
      aref.consumed %ref : !aref.ref<[tensor<128x64xf16>], depth = 2>
    }
    ```
  }];
  let arguments = (ins DenseI32ArrayAttr:$warps, DenseI32ArrayAttr:$regs);
  let regions = (region VariadicRegion<MaxSizedRegion<1>>:$roles);
  // `warps` $warps `regs` $regs $roles attr-dict, parsed by hand: see parse.
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Threads of the whole CTA: all roles together.
    int64_t getNumThreads();
    /// Index of the first thread of role `i`.
    int64_t getFirstThread(unsigned i);
  }];
}

#endif // KILN_DIALECT_TILE_IR_TILEOPS_TD
