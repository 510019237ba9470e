//===- TileOps.cpp - tile dialect operations ------------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/IR/TileOps.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "kiln/Dialect/Tile/IR/HopperLimits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln::tile;

#define GET_OP_CLASSES
#include "kiln/Dialect/Tile/IR/TileOps.cpp.inc"

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

/// Parses `%name` and finds it among the kernel's arguments; `clause` names
/// the header clause in the error.
static ParseResult parseArgumentIndex(OpAsmParser &parser,
                                      ArrayRef<OpAsmParser::Argument> args,
                                      StringRef clause, int64_t &index) {
  SMLoc loc = parser.getCurrentLocation();
  OpAsmParser::UnresolvedOperand operand;
  if (parser.parseOperand(operand))
    return failure();
  for (auto [i, arg] : llvm::enumerate(args))
    if (arg.ssaName.name == operand.name &&
        arg.ssaName.number == operand.number) {
      index = i;
      return success();
    }
  return parser.emitError(loc) << clause << " refers to '" << operand.name
                               << "', which is not a kernel argument";
}

/// Parses one grid entry: `N`, `%desc[d] / T` or `%scalar / T`.
static ParseResult parseGridExtent(OpAsmParser &parser,
                                   ArrayRef<OpAsmParser::Argument> args,
                                   GridExtentAttr &extent) {
  MLIRContext *ctx = parser.getContext();
  int64_t constant;
  OptionalParseResult constResult = parser.parseOptionalInteger(constant);
  if (constResult.has_value()) {
    if (failed(*constResult))
      return failure();
    std::optional<int64_t> none;
    extent = GridExtentAttr::getChecked(
        [&] { return parser.emitError(parser.getCurrentLocation()); }, ctx,
        none, none, none, std::optional<int64_t>(constant));
    return success(static_cast<bool>(extent));
  }
  SMLoc loc = parser.getCurrentLocation();
  int64_t index;
  if (parseArgumentIndex(parser, args, "grid", index))
    return failure();
  std::optional<int64_t> argIndex = index;
  std::optional<int64_t> dim;
  if (succeeded(parser.parseOptionalLSquare())) {
    int64_t d;
    if (parser.parseInteger(d) || parser.parseRSquare())
      return failure();
    dim = d;
  }
  std::optional<int64_t> div;
  if (succeeded(parser.parseOptionalSlash())) {
    int64_t d;
    if (parser.parseInteger(d))
      return failure();
    div = d;
  }
  extent = GridExtentAttr::getChecked(
      [&] { return parser.emitError(loc); }, ctx, argIndex, dim, div,
      std::optional<int64_t>());
  return success(static_cast<bool>(extent));
}

ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  StringAttr nameAttr;
  if (parser.parseSymbolName(nameAttr, SymbolTable::getSymbolAttrName(),
                             result.attributes))
    return failure();

  SmallVector<OpAsmParser::Argument> args;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  bool isVariadic = false;
  if (function_interface_impl::parseFunctionSignatureWithArguments(
          parser, /*allowVariadic=*/false, args, isVariadic, resultTypes,
          resultAttrs))
    return failure();
  SmallVector<Type> argTypes;
  for (OpAsmParser::Argument &arg : args)
    argTypes.push_back(arg.type);
  Builder &builder = parser.getBuilder();
  auto fnType = builder.getFunctionType(argTypes, resultTypes);
  result.addAttribute(getFunctionTypeAttrName(result.name),
                      TypeAttr::get(fnType));

  if (succeeded(parser.parseOptionalKeyword("grid"))) {
    SmallVector<Attribute> extents;
    auto parseOne = [&]() -> ParseResult {
      GridExtentAttr extent;
      if (parseGridExtent(parser, args, extent))
        return failure();
      extents.push_back(extent);
      return success();
    };
    if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Paren,
                                       parseOne))
      return failure();
    result.addAttribute(getGridAttrName(result.name),
                        builder.getArrayAttr(extents));
  }

  if (succeeded(parser.parseOptionalKeyword("where"))) {
    SmallVector<Attribute> pairs;
    auto parseExtent = [&](int64_t &arg, int64_t &dim) -> ParseResult {
      return failure(parseArgumentIndex(parser, args, "where(...)", arg) ||
                     parser.parseLSquare() || parser.parseInteger(dim) ||
                     parser.parseRSquare());
    };
    auto parseOne = [&]() -> ParseResult {
      int64_t a0, d0, a1, d1;
      if (parseExtent(a0, d0) || parser.parseEqual() || parser.parseEqual() ||
          parseExtent(a1, d1))
        return failure();
      pairs.push_back(builder.getDenseI64ArrayAttr({a0, d0, a1, d1}));
      return success();
    };
    if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Paren,
                                       parseOne))
      return failure();
    result.addAttribute(getEqualExtentsAttrName(result.name),
                        builder.getArrayAttr(pairs));
  }

  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  // Keep the source's argument names: "%a" is "a"; numbered ones are not
  // names.
  if (!result.attributes.get(getArgNamesAttrName(result.name))) {
    SmallVector<Attribute> names;
    bool any = false;
    for (OpAsmParser::Argument &arg : args) {
      StringRef name = arg.ssaName.name.drop_front();
      bool numbered = !name.empty() && llvm::isDigit(name.front());
      names.push_back(builder.getStringAttr(numbered ? "" : name));
      any |= !numbered;
    }
    if (any)
      result.addAttribute(getArgNamesAttrName(result.name),
                          builder.getArrayAttr(names));
  }
  call_interface_impl::addArgAndResultAttrs(
      builder, result, args, resultAttrs, getArgAttrsAttrName(result.name),
      getResAttrsAttrName(result.name));

  Region *body = result.addRegion();
  return parser.parseRegion(*body, args);
}

void KernelOp::print(OpAsmPrinter &p) {
  p << ' ';
  p.printSymbolName(getSymName());
  function_interface_impl::printFunctionSignature(
      p, *this, getArgumentTypes(), /*isVariadic=*/false, getResultTypes());
  if (std::optional<ArrayAttr> grid = getGrid()) {
    p << " grid(";
    llvm::interleaveComma(*grid, p, [&](Attribute a) {
      auto e = cast<GridExtentAttr>(a);
      if (e.isConstant()) {
        p << *e.getValue();
        return;
      }
      p.printOperand(getBody().getArgument(*e.getArg()));
      if (e.getDim())
        p << '[' << *e.getDim() << ']';
      if (e.getDiv())
        p << " / " << *e.getDiv();
    });
    p << ')';
  }
  if (getEqualExtents()) {
    p << " where(";
    llvm::interleaveComma(getEqualExtentList(), p,
                          [&](const std::array<int64_t, 4> &e) {
                            p.printOperand(getBody().getArgument(e[0]));
                            p << '[' << e[1] << "] == ";
                            p.printOperand(getBody().getArgument(e[2]));
                            p << '[' << e[3] << ']';
                          });
    p << ')';
  }
  function_interface_impl::printFunctionAttributes(
      p, *this,
      {getFunctionTypeAttrName(), getArgAttrsAttrName(), getResAttrsAttrName(),
       getGridAttrName(), getEqualExtentsAttrName(), getArgNamesAttrName()});
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/true);
}

LogicalResult KernelOp::verify() {
  // The name becomes the PTX entry and, prefixed, the launcher's C function.
  StringRef name = getSymName();
  auto identifierChar = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  if (name.empty() || llvm::isDigit(name.front()) ||
      !llvm::all_of(name, identifierChar))
    return emitOpError() << "name '" << name
                         << "' is not an identifier (letters, digits and _, "
                            "not starting with a digit); it names the PTX "
                            "entry and the C launcher";
  FunctionType type = getFunctionType();
  if (type.getNumResults() != 0)
    return emitOpError() << "must not return values; write results through "
                            "!tile.desc arguments";
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    if (isa<DescType>(t))
      continue;
    if (t.isIntOrFloat() && !t.isInteger(1))
      continue;
    return emitOpError() << "argument #" << i << " has type " << t
                         << "; kernel arguments are !tile.desc tensors, "
                            "integers or floats";
  }
  if (std::optional<ArrayAttr> grid = getGrid()) {
    if (grid->empty() || grid->size() > 3)
      return emitOpError() << "grid needs 1 to 3 dimensions, got "
                           << grid->size();
    for (Attribute a : *grid) {
      auto e = cast<GridExtentAttr>(a);
      if (e.isConstant())
        continue;
      if (*e.getArg() >= static_cast<int64_t>(type.getNumInputs()))
        return emitOpError() << "grid refers to argument #" << *e.getArg()
                             << " of a kernel with " << type.getNumInputs()
                             << " arguments";
      Type argType = type.getInput(*e.getArg());
      if (e.getDim()) {
        auto desc = dyn_cast<DescType>(argType);
        if (!desc)
          return emitOpError() << "grid takes the extent of argument #"
                               << *e.getArg() << ", which is not a !tile.desc";
        if (*e.getDim() >= desc.getRank())
          return emitOpError() << "grid refers to dimension " << *e.getDim()
                               << " of a rank-" << desc.getRank() << " tensor";
      } else if (!argType.isSignlessInteger()) {
        return emitOpError() << "grid divides argument #" << *e.getArg()
                             << ", which is not an integer; use %desc[dim] / "
                                "T for a tensor";
      }
    }
  }
  if (std::optional<int64_t> warps = getNumWarps())
    if (*warps < 1 || *warps > 32)
      return emitOpError() << "num_warps must be 1 to 32, got " << *warps;
  if (std::optional<int64_t> groups = getConsumerGroups())
    if (*groups < 1 || *groups > 4)
      return emitOpError() << "consumer_groups must be 1 to 4, got "
                           << *groups;
  for (Attribute a : getEqualExtentAttrs()) {
    ArrayRef<int64_t> e = cast<DenseI64ArrayAttr>(a).asArrayRef();
    if (e.size() != 4)
      return emitOpError() << "equal_extents entries are {arg, dim, arg, dim}";
    for (int side = 0; side < 2; ++side) {
      int64_t arg = e[2 * side], dim = e[2 * side + 1];
      if (arg < 0 || arg >= int64_t(type.getNumInputs()))
        return emitOpError() << "where(...) refers to argument #" << arg
                             << " of a kernel with " << type.getNumInputs()
                             << " arguments";
      auto desc = dyn_cast<DescType>(type.getInput(arg));
      if (!desc)
        return emitOpError() << "where(...) compares an extent of argument #"
                             << arg << ", which is not a !tile.desc";
      if (dim < 0 || dim >= desc.getRank())
        return emitOpError() << "where(...) refers to dimension " << dim
                             << " of a rank-" << desc.getRank() << " tensor";
    }
  }
  if (std::optional<ArrayRef<int64_t>> shape = getTileShape())
    if (shape->size() != 3 || llvm::any_of(*shape, [](int64_t d) {
          return d < 0;
        }))
      return emitOpError() << "tile_shape needs three extents (M, N, K), each "
                              "positive or 0 to keep it";
  if (std::optional<int64_t> depth = getDepth())
    if (*depth < 1 || *depth > 16)
      return emitOpError() << "depth must be 1 to 16, got " << *depth;
  return success();
}

LogicalResult KernelOp::verifyRegions() {
  Block &entry = getBody().front();
  if (entry.getArgumentTypes() != getFunctionType().getInputs())
    return emitOpError() << "entry block arguments do not match the kernel "
                            "signature";
  // Each descriptor is a kernel argument: the launcher builds one tensor map
  // per argument, and the lowering reads the map, shape and strides of a
  // tile.load or tile.store from the argument it names. A descriptor chosen
  // at run time (select, scf.if, a loop-carried value) has none to name.
  WalkResult walk = getBody().walk([](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (isa<DescType>(arg.getType())) {
            op->emitOpError()
                << "has a !tile.desc block argument; descriptors are "
                   "arguments of the tile.kernel, not values carried "
                   "through regions";
            return WalkResult::interrupt();
          }
    for (Type type : op->getResultTypes())
      if (isa<DescType>(type)) {
        op->emitOpError() << "makes a !tile.desc; descriptors are arguments "
                             "of the tile.kernel, and cannot be selected or "
                             "computed";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

void KernelOp::getAsmBlockArgumentNames(Region &region,
                                        OpAsmSetValueNameFn setNameFn) {
  for (BlockArgument arg : region.getArguments()) {
    std::string name = getArgName(arg.getArgNumber());
    if (!StringRef(name).starts_with("arg"))
      setNameFn(arg, name);
  }
}

std::string KernelOp::getArgName(unsigned i) {
  if (std::optional<ArrayAttr> names = getArgNames())
    if (i < names->size())
      if (auto name = dyn_cast<StringAttr>((*names)[i]);
          name && !name.getValue().empty())
        return name.str();
  return "arg" + std::to_string(i);
}

ArrayRef<Attribute> KernelOp::getEqualExtentAttrs() {
  if (std::optional<ArrayAttr> equal = getEqualExtents())
    return equal->getValue();
  return {};
}

SmallVector<std::array<int64_t, 4>> KernelOp::getEqualExtentList() {
  SmallVector<std::array<int64_t, 4>> list;
  for (Attribute a : getEqualExtentAttrs()) {
    ArrayRef<int64_t> e = cast<DenseI64ArrayAttr>(a).asArrayRef();
    list.push_back({e[0], e[1], e[2], e[3]});
  }
  return list;
}

int64_t kiln::tile::getGridDivisor(KernelOp kernel, GridExtentAttr extent) {
  if (std::optional<int64_t> div = extent.getDiv())
    return *div;
  auto desc =
      cast<DescType>(kernel.getFunctionType().getInput(*extent.getArg()));
  return desc.getBlockShape()[*extent.getDim()];
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// An op that reads or writes through a descriptor names one of its
/// kernel's arguments (KernelOp::verifyRegions says why).
static LogicalResult verifyDescArg(Operation *op, Value desc) {
  auto arg = dyn_cast<BlockArgument>(desc);
  if (arg && isa_and_nonnull<KernelOp>(arg.getOwner()->getParentOp()))
    return success();
  return op->emitOpError() << "must use a !tile.desc argument of its "
                              "enclosing tile.kernel";
}

LogicalResult BlockDimOp::verify() {
  if (failed(verifyDescArg(*this, getDesc())))
    return failure();
  int64_t rank = getDesc().getType().getRank();
  auto index = static_cast<int64_t>(getIndex());
  if (index < 0 || index >= rank)
    return emitOpError() << "dimension " << index
                         << " is out of range for a rank-" << rank << " tensor";
  return success();
}

OpFoldResult BlockDimOp::fold(FoldAdaptor) {
  return IntegerAttr::get(IntegerType::get(getContext(), 32),
                          getDesc().getType().getBlockShape()[getIndex()]);
}

LogicalResult DimOp::verify() {
  if (failed(verifyDescArg(*this, getDesc())))
    return failure();
  int64_t rank = getDesc().getType().getRank();
  auto index = static_cast<int64_t>(getIndex());
  if (index < 0 || index >= rank)
    return emitOpError() << "dimension " << index
                         << " is out of range for a rank-" << rank << " tensor";
  return success();
}

static LogicalResult verifyCoords(Operation *op, Value descValue,
                                  ValueRange coords) {
  if (failed(verifyDescArg(op, descValue)))
    return failure();
  auto desc = cast<DescType>(descValue.getType());
  if (static_cast<int64_t>(coords.size()) != desc.getRank())
    return op->emitOpError() << "needs " << desc.getRank()
                             << " coordinates for a rank-" << desc.getRank()
                             << " tensor, got " << coords.size();
  return success();
}

/// The tile of a load or store: the descriptor's element type and rank
/// (less leading block dimensions of 1), no dimension larger than its
/// block.
static LogicalResult verifyTileFitsDesc(Operation *op, DescType desc,
                                        RankedTensorType tile, StringRef what) {
  std::optional<ArrayRef<int64_t>> block =
      desc.getReducedBlockShape(tile.getRank());
  bool fits = block && tile.getElementType() == desc.getElementType();
  for (int64_t d = 0; fits && d < tile.getRank(); ++d)
    fits = tile.getDimSize(d) <= (*block)[d];
  if (!fits)
    return op->emitOpError()
           << what << " type " << tile << " is not the descriptor's tile "
           << desc.getTileType()
           << " or a part of it (leading dimensions of 1 may be left out)";
  return success();
}

LogicalResult LoadOp::verify() {
  DescType desc = getDesc().getType();
  if (failed(verifyCoords(*this, getDesc(), getCoords())))
    return failure();
  return verifyTileFitsDesc(*this, desc, getResult().getType(), "result");
}

LogicalResult StoreOp::verify() {
  DescType desc = getDesc().getType();
  if (failed(verifyCoords(*this, getDesc(), getCoords())))
    return failure();
  return verifyTileFitsDesc(*this, desc, getValue().getType(), "value");
}

LogicalResult ScalarLoadOp::verify() {
  DescType desc = getDesc().getType();
  if (failed(verifyCoords(*this, getDesc(), getCoords())))
    return failure();
  if (getResult().getType() != desc.getElementType())
    return emitOpError() << "result type " << getResult().getType()
                         << " does not match the element type "
                         << desc.getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// DotOp
//===----------------------------------------------------------------------===//

static bool is8BitFloat(Type t) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(t);
}

/// The rules of tile.dot and tile.mma: operand and accumulator shapes agree,
/// element types are ones wgmma multiplies, and the tile is one wgmma can
/// cover (PTX ISA 9.7.15.5: m64nNkK with N % 8 == 0, N <= 256 and K = 16, or
/// 32 for 8-bit types; CTA tiles repeat along M and K).
static LogicalResult verifyMatmul(Operation *op, ShapedType a, ShapedType b,
                                  ShapedType c, bool transposeA,
                                  bool transposeB) {
  if (a.getRank() != 2 || b.getRank() != 2 || c.getRank() != 2)
    return op->emitOpError() << "operands must be 2-D tiles";
  int64_t m = transposeA ? a.getDimSize(1) : a.getDimSize(0);
  int64_t ka = transposeA ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = transposeB ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = transposeB ? b.getDimSize(0) : b.getDimSize(1);
  if (ka != kb)
    return op->emitOpError() << "A has K = " << ka << " but B has K = " << kb;
  if (c.getDimSize(0) != m || c.getDimSize(1) != n)
    return op->emitOpError()
           << "accumulator is " << c.getDimSize(0) << "x" << c.getDimSize(1)
           << " but A·B is " << m << "x" << n;

  Type ea = a.getElementType(), eb = b.getElementType();
  bool fp8 = is8BitFloat(ea) && is8BitFloat(eb);
  bool sixteen = (ea.isF16() || ea.isBF16()) && ea == eb;
  if (!fp8 && !sixteen)
    return op->emitOpError() << "operands must both be f16, both bf16, or "
                                "both 8-bit floats; got "
                             << ea << " and " << eb;
  if (!c.getElementType().isF32())
    return op->emitOpError() << "accumulator must be f32, got "
                             << c.getElementType();

  int64_t kStep = fp8 ? 32 : 16;
  if (m % 64 != 0)
    return op->emitOpError() << "M = " << m
                             << " is not a multiple of 64 (the wgmma M)";
  if (n % 8 != 0 || n > 256)
    return op->emitOpError() << "N = " << n
                             << " must be a multiple of 8 no larger than 256";
  if (ka % kStep != 0)
    return op->emitOpError()
           << "K = " << ka << " is not a multiple of " << kStep;
  if (fp8 && (transposeA || !transposeB))
    return op->emitOpError() << "8-bit operands must have K contiguous, A as "
                                "MxK and B as NxK (transpose_b): wgmma "
                                "cannot transpose them";
  return success();
}

LogicalResult DotOp::verify() {
  return verifyMatmul(*this, getA().getType(), getB().getType(),
                      getAcc().getType(), getTransposeA(), getTransposeB());
}

//===----------------------------------------------------------------------===//
// Hopper-level ops
//===----------------------------------------------------------------------===//

/// Shared memory buffers live in address space 3.
static LogicalResult verifySharedBuffer(Operation *op, MemRefType type,
                                        StringRef what) {
  auto space = dyn_cast_or_null<IntegerAttr>(type.getMemorySpace());
  if (!space || space.getInt() != kiln::aref::kSharedMemorySpace)
    return op->emitOpError() << what << " " << type
                             << " must be in shared memory (address space 3)";
  return success();
}

LogicalResult AsyncLoadOp::verify() {
  DescType desc = getDesc().getType();
  if (failed(verifyCoords(*this, getDesc(), getCoords())) ||
      failed(verifySharedBuffer(*this, getBuffer().getType(), "buffer")))
    return failure();
  MemRefType buffer = getBuffer().getType();
  if (desc.getReducedBlockShape(buffer.getRank()) != buffer.getShape() ||
      buffer.getElementType() != desc.getElementType())
    return emitOpError() << "buffer " << buffer
                         << " does not hold the descriptor's tile "
                         << desc.getTileType();
  auto ref = cast<kiln::aref::RefType>(getRef().getType());
  if (!llvm::is_contained(ref.getBufferTypes(), Type(buffer)))
    return emitOpError() << "buffer " << buffer
                         << " is not a buffer of the aref " << ref;
  return success();
}

LogicalResult MmaOp::verify() {
  auto aType = cast<ShapedType>(getA().getType());
  if (auto buffer = dyn_cast<MemRefType>(aType)) {
    if (failed(verifySharedBuffer(*this, buffer, "A")))
      return failure();
  } else {
    // wgmma takes A from registers K-major and in 16-bit types only (PTX
    // ISA 9.7.15.5.1: no imm-trans-a, and 8-bit A would need another
    // register layout).
    if (getTransposeA())
      return emitOpError() << "takes A from registers, which wgmma reads "
                              "with K contiguous: no transpose_a";
    Type elt = aType.getElementType();
    if (!elt.isF16() && !elt.isBF16())
      return emitOpError() << "takes A from registers, which needs f16 or "
                              "bf16 elements, not "
                           << elt;
  }
  if (failed(verifySharedBuffer(*this, getB().getType(), "B")))
    return failure();
  return verifyMatmul(*this, aType, getB().getType(), getAcc().getType(),
                      getTransposeA(), getTransposeB());
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult BroadcastOp::verify() {
  RankedTensorType in = getInput().getType(), out = getResult().getType();
  ArrayRef<int64_t> dims = getDims();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type from "
                         << in.getElementType() << " to "
                         << out.getElementType();
  if (out.getRank() != in.getRank() + static_cast<int64_t>(dims.size()))
    return emitOpError() << "result rank " << out.getRank()
                         << " must be the input rank " << in.getRank()
                         << " plus " << dims.size() << " new dimensions";
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (d < 0 || d >= out.getRank())
      return emitOpError() << "new dimension " << d << " is out of range";
    if (i > 0 && d <= dims[i - 1])
      return emitOpError() << "new dimensions must be strictly ascending";
  }
  int64_t inDim = 0;
  for (int64_t d = 0; d < out.getRank(); ++d) {
    if (llvm::is_contained(dims, d))
      continue;
    if (out.getDimSize(d) != in.getDimSize(inDim))
      return emitOpError() << "result dimension " << d << " is "
                           << out.getDimSize(d) << " but input dimension "
                           << inDim << " is " << in.getDimSize(inDim);
    ++inDim;
  }
  return success();
}

LogicalResult ExtractSliceOp::verify() {
  RankedTensorType in = getInput().getType(), out = getResult().getType();
  ArrayRef<int64_t> offsets = getOffsets();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type from "
                         << in.getElementType() << " to "
                         << out.getElementType();
  if (in.getRank() != out.getRank() ||
      static_cast<int64_t>(offsets.size()) != in.getRank())
    return emitOpError() << "needs one offset per dimension and a result of "
                            "the input's rank "
                         << in.getRank();
  if (in.getEncoding() != out.getEncoding())
    return emitOpError() << "changes the layout; a slice keeps the input's";
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (offsets[d] < 0 || offsets[d] + out.getDimSize(d) > in.getDimSize(d))
      return emitOpError() << "dimension " << d << " takes elements ["
                           << offsets[d] << ", "
                           << offsets[d] + out.getDimSize(d)
                           << ") of an input of " << in.getDimSize(d);
  // In registers a slice only picks the registers that hold it.
  if (auto layout = dyn_cast_or_null<DistributedLayoutAttr>(in.getEncoding()))
    if (!getSliceRegisters(layout, in.getShape(), out.getShape(), offsets))
      return emitOpError()
             << "takes a part that the threads do not each already hold in "
             << layout
             << "; only such parts (column chunks of an accumulator, for "
                "instance) are supported";
  return success();
}

LogicalResult IotaOp::verify() {
  if (getResult().getType().getRank() != 1)
    return emitOpError() << "makes 1-D tiles; broadcast for more dimensions";
  return success();
}

LogicalResult ReduceOp::verify() {
  RankedTensorType in = getInput().getType(), out = getResult().getType();
  auto dim = static_cast<int64_t>(getDim());
  if (dim < 0 || dim >= in.getRank())
    return emitOpError() << "dimension " << dim
                         << " is out of range for a rank-" << in.getRank()
                         << " tile";
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type from "
                         << in.getElementType() << " to "
                         << out.getElementType();
  SmallVector<int64_t> expected(in.getShape());
  expected.erase(expected.begin() + dim);
  if (out.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape must be the input shape without "
                            "dimension "
                         << dim;
  return success();
}

//===----------------------------------------------------------------------===//
// WarpSpecializeOp
//===----------------------------------------------------------------------===//

int64_t WarpSpecializeOp::getNumThreads() {
  int64_t n = 0;
  for (int32_t w : getWarps())
    n += 32 * w;
  return n;
}

int64_t WarpSpecializeOp::getFirstThread(unsigned i) {
  int64_t n = 0;
  for (unsigned r = 0; r < i; ++r)
    n += 32 * getWarps()[r];
  return n;
}

static bool usesTensorCores(Region &region) {
  return region
      .walk([](Operation *op) {
        return isa<DotOp, MmaOp>(op) ? WalkResult::interrupt()
                                     : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Values of `region` used by ops outside it: the parser resolves a
/// forward reference made before a role to a value the role defines, and
/// such a use outlives the region when a later role fails to parse.
static void dropUsesOfRegionValues(Region &region) {
  region.walk([](Operation *op) {
    for (Value result : op->getResults())
      result.dropAllUses();
    for (Region &nested : op->getRegions())
      for (Block &block : nested)
        for (BlockArgument arg : block.getArguments())
          arg.dropAllUses();
  });
  for (Block &block : region)
    for (BlockArgument arg : block.getArguments())
      arg.dropAllUses();
}

// `warps` $warps `regs` $regs $roles attr-dict. By hand rather than from the
// declarative format, whose parser frees the roles parsed so far when a
// later one fails while ops outside them still use their values (a
// use-after-free on input such as a redefined value in the second role).
ParseResult WarpSpecializeOp::parse(OpAsmParser &parser,
                                    OperationState &result) {
  DenseI32ArrayAttr warps, regs;
  if (parser.parseKeyword("warps") ||
      parser.parseCustomAttributeWithFallback(warps, Type{}) ||
      parser.parseKeyword("regs") ||
      parser.parseCustomAttributeWithFallback(regs, Type{}))
    return failure();
  Properties &props = result.getOrAddProperties<Properties>();
  props.warps = warps;
  props.regs = regs;
  SmallVector<std::unique_ptr<Region>> roles;
  auto fail = [&] {
    for (std::unique_ptr<Region> &role : roles)
      dropUsesOfRegionValues(*role);
    return failure();
  };
  // Each role parses into a region owned here, so that a failed one is
  // cleaned up too.
  roles.push_back(std::make_unique<Region>());
  OptionalParseResult parsed = parser.parseOptionalRegion(*roles.back());
  if (!parsed.has_value()) {
    roles.pop_back();
  } else {
    if (failed(*parsed))
      return fail();
    while (succeeded(parser.parseOptionalComma())) {
      roles.push_back(std::make_unique<Region>());
      if (parser.parseRegion(*roles.back()))
        return fail();
    }
  }
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseOptionalAttrDict(result.attributes) ||
      failed(verifyInherentAttrs(result.name, result.attributes, [&] {
        return parser.emitError(loc)
               << "'" << result.name.getStringRef() << "' op ";
      })))
    return fail();
  result.addRegions(roles);
  return success();
}

void WarpSpecializeOp::print(OpAsmPrinter &p) {
  p << " warps ";
  p.printStrippedAttrOrType(getWarpsAttr());
  p << " regs ";
  p.printStrippedAttrOrType(getRegsAttr());
  p << ' ';
  llvm::interleaveComma(getRoles(), p,
                        [&](Region &region) { p.printRegion(region); });
  p.printOptionalAttrDict((*this)->getAttrs(), {"warps", "regs"});
}

LogicalResult WarpSpecializeOp::verify() {
  ArrayRef<int32_t> warps = getWarps(), regs = getRegs();
  size_t numRoles = getRoles().size();
  if (numRoles == 0)
    return emitOpError() << "needs at least one role";
  if (warps.size() != numRoles || regs.size() != numRoles)
    return emitOpError() << "has " << numRoles << " roles but "
                         << warps.size() << " warp counts and " << regs.size()
                         << " register budgets";
  int64_t registers = 0;
  for (unsigned i = 0; i < numRoles; ++i) {
    if (warps[i] < 1)
      return emitOpError() << "role " << i << " needs at least one warp";
    if (regs[i] < 24 || regs[i] > 256 || regs[i] % 8 != 0)
      return emitOpError() << "role " << i << " asks for " << regs[i]
                           << " registers per thread; setmaxnreg takes a "
                              "multiple of 8 from 24 to 256";
    if (warps[i] % 4 != 0 && usesTensorCores(getRoles()[i]))
      return emitOpError() << "role " << i << " runs tile.dot on "
                           << warps[i]
                           << " warps; wgmma needs whole warp groups (a "
                              "multiple of 4 warps)";
    registers += int64_t(warps[i]) * 32 * regs[i];
  }
  if (getNumThreads() > 1024)
    return emitOpError() << "roles add up to " << getNumThreads()
                         << " threads; a CTA has at most 1024";
  if (registers > hopper::kRegisterFile)
    return emitOpError() << "register budgets add up to " << registers
                         << " registers; an SM has " << hopper::kRegisterFile;

  // Each aref has one producing role, which does not also consume from it.
  llvm::DenseMap<Value, unsigned> producerRole;
  llvm::DenseMap<Value, llvm::SmallSet<unsigned, 4>> consumerRoles;
  for (unsigned i = 0; i < numRoles; ++i) {
    WalkResult result = getRoles()[i].walk([&](Operation *op) {
      if (isa<WarpSpecializeOp>(op)) {
        op->emitOpError() << "cannot be nested in another warp_specialize";
        return WalkResult::interrupt();
      }
      Value ref = kiln::aref::getArefOperand(op);
      if (!ref)
        return WalkResult::advance();
      if (kiln::aref::isProducerOp(op)) {
        auto [it, inserted] = producerRole.try_emplace(ref, i);
        if (!inserted && it->second != i) {
          op->emitOpError() << "puts to an aref that role " << it->second
                            << " also puts to; an aref has one producer";
          return WalkResult::interrupt();
        }
      } else {
        consumerRoles[ref].insert(i);
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  for (auto &[ref, roles] : consumerRoles) {
    auto it = producerRole.find(ref);
    if (it != producerRole.end() && roles.contains(it->second))
      return emitOpError() << "role " << it->second
                           << " both puts to and gets from the same aref";
  }
  return success();
}

InFlightDiagnostic kiln::tile::emitLocatedOpError(Operation *op) {
  Location loc = op->getLoc();
  auto known = [](Location l) { return !isa<UnknownLoc>(l); };
  for (Operation *user : op->getUsers())
    if (!known(loc) && known(user->getLoc()))
      loc = user->getLoc();
  for (Operation *parent = op->getParentOp(); parent && !known(loc);
       parent = parent->getParentOp())
    loc = parent->getLoc();
  return mlir::emitError(loc) << "'" << op->getName() << "' op ";
}

bool kiln::tile::mayStageForTmaStore(StoreOp store) {
  auto arg = dyn_cast<BlockArgument>(store.getDesc());
  if (!arg || !isa<KernelOp>(arg.getOwner()->getParentOp()))
    return false;
  if (llvm::any_of(arg.getUsers(), [](Operation *user) {
        return isa<LoadOp, ScalarLoadOp, AsyncLoadOp>(user);
      }))
    return false;
  unsigned bits = store.getValue().getType().getElementTypeBitWidth();
  return bits == 16 || bits == 32;
}

int64_t kiln::tile::getTmaStoreStagingBytes(RankedTensorType type) {
  return llvm::alignTo(type.getNumElements() *
                           (type.getElementTypeBitWidth() / 8),
                       kTmaStoreStagingAlign);
}

int64_t kiln::tile::getTmaStoreStagingBytes(WarpSpecializeOp ws) {
  int64_t bytes = 0;
  bool stageable = true;
  ws.walk([&](StoreOp store) {
    stageable &= mayStageForTmaStore(store);
    bytes += getTmaStoreStagingBytes(store.getValue().getType());
  });
  return stageable && bytes <= kMaxTmaStoreStagingBytes ? bytes : 0;
}
