//===- TileDialect.cpp - tile dialect, types and attributes ---------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Tile/IR/TileDialect.h"
#include "kiln/Dialect/Tile/IR/TileOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>

using namespace mlir;
using namespace kiln::tile;

#include "kiln/Dialect/Tile/IR/TileDialect.cpp.inc"
#include "kiln/Dialect/Tile/IR/TileEnums.cpp.inc"

#include "kiln/Dialect/Tile/IR/TileAttrInterfaces.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "kiln/Dialect/Tile/IR/TileAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "kiln/Dialect/Tile/IR/TileTypes.cpp.inc"

void TileDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "kiln/Dialect/Tile/IR/TileTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "kiln/Dialect/Tile/IR/TileAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "kiln/Dialect/Tile/IR/TileOps.cpp.inc"
      >();
}

Operation *TileDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  // Folds give integers (tile.block_dim); arith holds constants.
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

DistributedLayoutAttr kiln::tile::getLayout(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return {};
  return dyn_cast_or_null<DistributedLayoutAttr>(tensor.getEncoding());
}

RankedTensorType kiln::tile::withLayout(RankedTensorType type,
                                        Attribute layout) {
  return RankedTensorType::get(type.getShape(), type.getElementType(), layout);
}

BlockedLayoutAttr kiln::tile::getDefaultBlockedLayout(MLIRContext *ctx,
                                                      ArrayRef<int64_t> shape,
                                                      int64_t numWarps,
                                                      int64_t vectorElems) {
  int64_t rank = shape.size();
  SmallVector<int64_t> elems(rank, 1), threads(rank, 1), warps(rank, 1);
  elems[rank - 1] = std::min(vectorElems, shape[rank - 1]);
  // Lanes go to the innermost dimensions first, so that a warp reads long
  // contiguous runs; what is left over replicates along the last dimension.
  int64_t lanes = 32;
  for (int64_t d = rank - 1; d >= 0 && lanes > 1; --d) {
    int64_t room = std::max<int64_t>(1, shape[d] / elems[d]);
    int64_t take = std::min(lanes, room);
    threads[d] = take;
    lanes /= take;
  }
  threads[rank - 1] *= lanes;
  // Warps go to the outermost dimensions first.
  int64_t left = numWarps;
  for (int64_t d = 0; d < rank && left > 1; ++d) {
    int64_t room = std::max<int64_t>(1, shape[d] / (elems[d] * threads[d]));
    int64_t take = std::min(left, room);
    warps[d] = take;
    left /= take;
  }
  warps[0] *= left;
  return BlockedLayoutAttr::get(ctx, elems, threads, warps);
}

//===----------------------------------------------------------------------===//
// DescType
//===----------------------------------------------------------------------===//

Type DescType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  Type elementType;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType) || parser.parseGreater())
    return {};
  return parser.getChecked<DescType>(parser.getContext(), shape, elementType);
}

void DescType::print(AsmPrinter &printer) const {
  printer << '<';
  printer.printDimensionList(getBlockShape());
  printer << 'x' << getElementType() << '>';
}

LogicalResult DescType::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> blockShape,
                               Type elementType) {
  if (blockShape.empty())
    return emitError() << "a tensor descriptor needs a rank of at least 1";
  if (blockShape.size() > 5)
    return emitError() << "a tensor descriptor has at most 5 dimensions "
                          "(the tensor-memory accelerator's limit), got "
                       << blockShape.size();
  // 2^18 elements: 1024 threads of 256 registers each, more than the 227 KB
  // of shared memory holds of any element type; no CTA holds a larger tile.
  constexpr int64_t kMaxBlockElems = int64_t(1) << 18;
  int64_t elems = 1;
  for (int64_t d : blockShape) {
    if (d < 1)
      return emitError() << "block dimensions must be positive, got " << d;
    elems = d > kMaxBlockElems ? kMaxBlockElems + 1 : elems * d;
    if (elems > kMaxBlockElems)
      return emitError() << "a block of more than " << kMaxBlockElems
                         << " elements is larger than a CTA can hold";
  }
  if (elementType.isInteger(1) || !elementType.isIntOrFloat())
    return emitError() << "descriptor element type must be an integer of 8 to "
                          "64 bits or a float, got "
                       << elementType;
  unsigned width = elementType.getIntOrFloatBitWidth();
  if (width < 8 || width > 64)
    return emitError() << "descriptor element type must be 8 to 64 bits wide, "
                          "got "
                       << elementType;
  return success();
}

RankedTensorType DescType::getTileType() const {
  return RankedTensorType::get(getBlockShape(), getElementType());
}

std::optional<ArrayRef<int64_t>>
DescType::getReducedBlockShape(int64_t rank) const {
  ArrayRef<int64_t> block = getBlockShape();
  if (rank < 1 || rank > static_cast<int64_t>(block.size()))
    return std::nullopt;
  ArrayRef<int64_t> dropped = block.drop_back(rank);
  if (llvm::any_of(dropped, [](int64_t d) { return d != 1; }))
    return std::nullopt;
  return block.take_back(rank);
}

//===----------------------------------------------------------------------===//
// GridExtentAttr
//===----------------------------------------------------------------------===//

LogicalResult
GridExtentAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       std::optional<int64_t> arg, std::optional<int64_t> dim,
                       std::optional<int64_t> div,
                       std::optional<int64_t> constant) {
  if (constant) {
    if (arg || dim || div)
      return emitError() << "a constant grid extent takes no argument";
    if (*constant < 1)
      return emitError() << "a constant grid extent must be positive, got "
                         << *constant;
    return success();
  }
  if (!arg || (!div && !dim))
    return emitError() << "a grid extent is a constant, a tensor's tiles "
                          "along a dimension, or an argument divided by a "
                          "tile size";
  if (*arg < 0 || (dim && *dim < 0))
    return emitError() << "grid extent argument and dimension must be "
                          "non-negative";
  if (div && *div < 1)
    return emitError() << "grid extent tile size must be positive, got "
                       << *div;
  return success();
}

//===----------------------------------------------------------------------===//
// BlockedLayoutAttr
//===----------------------------------------------------------------------===//

static int64_t product(ArrayRef<int64_t> values) {
  int64_t p = 1;
  for (int64_t v : values)
    p *= v;
  return p;
}

/// a * b, or INT64_MAX where that overflows: element counts of absurd
/// shapes only need to compare as too large.
static int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

/// The most elements of one tile a thread holds in registers. A thread has
/// 255 registers, so more can only spill; and lowering makes one SSA value
/// per element, so far more (a splat of 8192x256 over 128 threads) would
/// take the compiler minutes and gigabytes instead of giving an error.
static constexpr int64_t kMaxElemsPerThread = 256;

static LogicalResult
verifyElemsPerThread(int64_t elems, int64_t threads, ArrayRef<int64_t> shape,
                     function_ref<InFlightDiagnostic()> emitError) {
  if (elems <= kMaxElemsPerThread)
    return success();
  InFlightDiagnostic diag = emitError() << "a tile of shape ";
  llvm::interleave(shape, diag, "x");
  return diag << " gives each of its " << threads << " threads "
              << (elems == INT64_MAX ? std::string("too many")
                                     : std::to_string(elems))
              << " elements in registers; at most " << kMaxElemsPerThread
              << " fit (a smaller tile, or more warps: num_warps)";
}

LogicalResult
BlockedLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          ArrayRef<int64_t> elems, ArrayRef<int64_t> threads,
                          ArrayRef<int64_t> warps) {
  if (elems.empty() || elems.size() != threads.size() ||
      elems.size() != warps.size())
    return emitError() << "blocked layout needs elems, threads and warps of "
                          "one non-zero rank";
  for (ArrayRef<int64_t> list : {elems, threads, warps})
    for (int64_t v : list)
      if (v < 1)
        return emitError() << "blocked layout entries must be positive";
  if (product(threads) != 32)
    return emitError() << "blocked layout threads must multiply to 32 (a "
                          "warp), got "
                       << product(threads);
  return success();
}

int64_t BlockedLayoutAttr::getNumWarps() const { return product(getWarps()); }

int64_t BlockedLayoutAttr::getNumThreads() const { return 32 * getNumWarps(); }

int64_t BlockedLayoutAttr::getElemsPerThread(ArrayRef<int64_t> shape) const {
  int64_t n = 1;
  for (auto [d, size] : llvm::enumerate(shape)) {
    int64_t cover = getElems()[d] * getThreads()[d] * getWarps()[d];
    n = saturatingMul(
        n, saturatingMul(getElems()[d], std::max<int64_t>(1, size / cover)));
  }
  return n;
}

LogicalResult BlockedLayoutAttr::verifyShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (static_cast<int64_t>(shape.size()) != getRank())
    return emitError() << "blocked layout of rank " << getRank()
                       << " cannot hold a tensor of rank " << shape.size();
  for (auto [d, size] : llvm::enumerate(shape)) {
    int64_t cover = getElems()[d] * getThreads()[d] * getWarps()[d];
    if (size % getElems()[d] != 0 || (size % cover != 0 && cover % size != 0))
      return emitError() << "blocked layout does not tile dimension " << d
                         << " of size " << size;
  }
  return verifyElemsPerThread(getElemsPerThread(shape), getNumThreads(), shape,
                              emitError);
}

LogicalResult BlockedLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type,
    function_ref<InFlightDiagnostic()> emitError) const {
  return verifyShape(shape, emitError);
}

//===----------------------------------------------------------------------===//
// Register offsets
//===----------------------------------------------------------------------===//

static SmallVector<SmallVector<int64_t>>
getBlockedOffsets(BlockedLayoutAttr layout, ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  // Per dimension, the register-local offsets: repetition * coverage +
  // position in the thread's run.
  SmallVector<SmallVector<int64_t>> perDim(rank);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t elems = layout.getElems()[d];
    int64_t cover = elems * layout.getThreads()[d] * layout.getWarps()[d];
    int64_t reps = std::max<int64_t>(1, shape[d] / cover);
    for (int64_t rep = 0; rep < reps; ++rep)
      for (int64_t s = 0; s < elems; ++s)
        perDim[d].push_back(rep * cover + s);
  }
  int64_t numRegs = layout.getElemsPerThread(shape);
  SmallVector<SmallVector<int64_t>> offsets(numRegs,
                                            SmallVector<int64_t>(rank));
  for (int64_t r = 0; r < numRegs; ++r) {
    int64_t rest = r;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t n = perDim[d].size();
      offsets[r][d] = perDim[d][rest % n];
      rest /= n;
    }
  }
  return offsets;
}

static SmallVector<SmallVector<int64_t>>
getMmaOffsets(MmaLayoutAttr layout, ArrayRef<int64_t> shape) {
  int64_t blocks = shape[0] / (64 * layout.getWarpgroups());
  int64_t n = shape[1];
  SmallVector<SmallVector<int64_t>> offsets;
  for (int64_t mb = 0; mb < blocks; ++mb)
    for (int64_t i = 0; i < n / 2; ++i) {
      int64_t j = i / 4, h = (i / 2) % 2, e = i % 2;
      offsets.push_back({mb * 64 + 8 * h, 8 * j + e});
    }
  return offsets;
}

static SmallVector<SmallVector<int64_t>>
getSliceOffsets(SliceLayoutAttr layout, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> parentShape(shape);
  int64_t dim = layout.getDim();
  parentShape.insert(parentShape.begin() + dim,
                     getLayoutCoverage(layout.getParent(), dim));
  SmallVector<SmallVector<int64_t>> offsets;
  llvm::DenseSet<ArrayRef<int64_t>> seen;
  SmallVector<SmallVector<int64_t>> parent =
      getRegisterOffsets(layout.getParent(), parentShape);
  offsets.reserve(parent.size());
  for (SmallVector<int64_t> &p : parent) {
    p.erase(p.begin() + dim);
    offsets.push_back(p);
  }
  // Keep the first register of each projected element, in order.
  SmallVector<SmallVector<int64_t>> unique;
  for (SmallVector<int64_t> &o : offsets)
    if (llvm::none_of(unique, [&](const SmallVector<int64_t> &u) {
          return u == o;
        }))
      unique.push_back(o);
  return unique;
}

SmallVector<SmallVector<int64_t>>
kiln::tile::getRegisterOffsets(DistributedLayoutAttr layout,
                               ArrayRef<int64_t> shape) {
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout))
    return getBlockedOffsets(blocked, shape);
  if (auto mma = dyn_cast<MmaLayoutAttr>(layout))
    return getMmaOffsets(mma, shape);
  return getSliceOffsets(cast<SliceLayoutAttr>(layout), shape);
}

int64_t kiln::tile::getLayoutRank(DistributedLayoutAttr layout) {
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout))
    return blocked.getRank();
  if (isa<MmaLayoutAttr>(layout))
    return 2;
  return getLayoutRank(cast<SliceLayoutAttr>(layout).getParent()) - 1;
}

int64_t kiln::tile::getLayoutCoverage(DistributedLayoutAttr layout,
                                      int64_t dim) {
  if (auto blocked = dyn_cast<BlockedLayoutAttr>(layout))
    return blocked.getElems()[dim] * blocked.getThreads()[dim] *
           blocked.getWarps()[dim];
  if (auto mma = dyn_cast<MmaLayoutAttr>(layout))
    return dim == 0 ? 64 * mma.getWarpgroups() : 8;
  auto slice = cast<SliceLayoutAttr>(layout);
  int64_t parentDim = dim < slice.getDim() ? dim : dim + 1;
  return getLayoutCoverage(slice.getParent(), parentDim);
}

/// True if a thread's base coordinates (see getRegisterOffsets) are the same
/// in tiles of shapes `a` and `b`: the base of a blocked layout depends on
/// the thread only, an accumulator's also on the rows each of several warp
/// groups takes.
static bool sameThreadBase(DistributedLayoutAttr layout, ArrayRef<int64_t> a,
                           ArrayRef<int64_t> b) {
  if (isa<BlockedLayoutAttr>(layout))
    return true;
  if (auto mma = dyn_cast<MmaLayoutAttr>(layout))
    return mma.getWarpgroups() == 1 || a[0] == b[0];
  auto slice = cast<SliceLayoutAttr>(layout);
  int64_t dim = slice.getDim();
  int64_t cover = getLayoutCoverage(slice.getParent(), dim);
  SmallVector<int64_t> pa(a), pb(b);
  pa.insert(pa.begin() + dim, cover);
  pb.insert(pb.begin() + dim, cover);
  return sameThreadBase(slice.getParent(), pa, pb);
}

std::optional<SmallVector<int64_t>> kiln::tile::getSliceRegisters(
    DistributedLayoutAttr layout, ArrayRef<int64_t> inputShape,
    ArrayRef<int64_t> sliceShape, ArrayRef<int64_t> offsets) {
  // Register r holds the element at base + offsets[r] unless a dimension
  // wraps (is smaller than the threads cover): then several threads hold
  // it, at coordinates taken modulo the extent, which slicing changes.
  // Whole passes of the threads along every dimension also keep to shapes
  // the layout can hold (an accumulator's rows in whole warp-group blocks).
  if (!sameThreadBase(layout, inputShape, sliceShape))
    return std::nullopt;
  for (size_t d = 0; d < inputShape.size(); ++d) {
    int64_t cover = getLayoutCoverage(layout, d);
    if (inputShape[d] < cover || sliceShape[d] < cover ||
        inputShape[d] % cover != 0 || sliceShape[d] % cover != 0)
      return std::nullopt;
  }
  std::map<SmallVector<int64_t>, int64_t> inputRegister;
  for (auto [r, offset] :
       llvm::enumerate(getRegisterOffsets(layout, inputShape)))
    inputRegister.try_emplace(offset, r);
  SmallVector<int64_t> registers;
  for (SmallVector<int64_t> offset : getRegisterOffsets(layout, sliceShape)) {
    for (size_t d = 0; d < offset.size(); ++d)
      offset[d] += offsets[d];
    auto it = inputRegister.find(offset);
    if (it == inputRegister.end())
      return std::nullopt;
    registers.push_back(it->second);
  }
  return registers;
}

//===----------------------------------------------------------------------===//
// MmaLayoutAttr
//===----------------------------------------------------------------------===//

LogicalResult MmaLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                    int64_t warpgroups) {
  if (warpgroups < 1 || warpgroups > 4)
    return emitError() << "mma layout needs 1 to 4 warp groups, got "
                       << warpgroups;
  return success();
}

int64_t MmaLayoutAttr::getNumThreads() const { return 128 * getWarpgroups(); }

int64_t MmaLayoutAttr::getElemsPerThread(ArrayRef<int64_t> shape) const {
  return saturatingMul(shape[0] / (64 * getWarpgroups()), shape[1] / 2);
}

LogicalResult MmaLayoutAttr::verifyShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (shape.size() != 2)
    return emitError() << "mma layout holds 2-D tiles, not rank "
                       << shape.size();
  if (shape[0] % (64 * getWarpgroups()) != 0)
    return emitError() << "mma layout over " << getWarpgroups()
                       << " warp groups needs rows in multiples of "
                       << 64 * getWarpgroups() << ", got " << shape[0];
  if (shape[1] % 8 != 0 || shape[1] > 256)
    return emitError() << "mma layout needs a multiple of 8 columns up to "
                          "256, got "
                       << shape[1];
  return verifyElemsPerThread(getElemsPerThread(shape), getNumThreads(), shape,
                              emitError);
}

LogicalResult MmaLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type,
    function_ref<InFlightDiagnostic()> emitError) const {
  return verifyShape(shape, emitError);
}

//===----------------------------------------------------------------------===//
// SliceLayoutAttr
//===----------------------------------------------------------------------===//

LogicalResult
SliceLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        int64_t dim, DistributedLayoutAttr parent) {
  if (!parent)
    return emitError() << "slice layout needs a distributed parent layout";
  if (dim < 0)
    return emitError() << "slice dimension must be non-negative, got " << dim;
  int64_t parentRank = getLayoutRank(parent);
  if (dim >= parentRank || parentRank < 2)
    return emitError() << "slice of dimension " << dim << " of a rank-"
                       << parentRank
                       << " layout; the parent needs rank 2 or more and the "
                          "dimension must be one of its own";
  return success();
}

int64_t SliceLayoutAttr::getNumThreads() const {
  return getParent().getNumThreads();
}

int64_t SliceLayoutAttr::getElemsPerThread(ArrayRef<int64_t> shape) const {
  return getRegisterOffsets(*this, shape).size();
}

LogicalResult SliceLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type,
    function_ref<InFlightDiagnostic()> emitError) const {
  return verifyShape(shape, emitError);
}

LogicalResult SliceLayoutAttr::verifyShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (static_cast<int64_t>(shape.size()) + 1 != getLayoutRank(getParent()))
    return emitError() << "slice of a rank-" << getLayoutRank(getParent())
                       << " layout cannot hold a tile of rank " << shape.size();
  SmallVector<int64_t> parentShape(shape);
  parentShape.insert(parentShape.begin() + getDim(),
                     getLayoutCoverage(getParent(), getDim()));
  return getParent().verifyShape(parentShape, emitError);
}
