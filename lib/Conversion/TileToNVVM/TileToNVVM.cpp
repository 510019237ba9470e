//===- TileToNVVM.cpp - lower tile kernels to LLVM and NVVM ---------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Turns each `tile.kernel` into an `llvm.func` kernel and its tiles, which
// carry distributed layouts, into per-thread vectors. What stays: arith,
// math, scf, vector, LLVM and NVVM ops, for the upstream conversions to
// LLVM that follow.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/Passes.h"

#include "Hopper.h"
#include "KernelABI.h"
#include "Layouts.h"
#include "LoweringUtils.h"
#include "Math.h"
#include "SharedMemory.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "kiln/Dialect/Tile/IR/HopperLimits.h"
#include "kiln/Dialect/Tile/IR/TileOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

#define DEBUG_TYPE "convert-tile-to-nvvm"

namespace kiln {
#define GEN_PASS_DEF_CONVERTTILETONVVMPASS
#include "kiln/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

namespace {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Tiles with a distributed layout become the vector of elements one thread
/// holds; every other type stays.
class TileTypeConverter : public TypeConverter {
public:
  TileTypeConverter() {
    addConversion([](Type t) { return t; });
    addConversion([](RankedTensorType t) -> Type {
      DistributedLayoutAttr layout = getLayout(t);
      if (!layout)
        return {};
      return VectorType::get({layout.getElemsPerThread(t.getShape())},
                             t.getElementType());
    });
    // Arefs and their slot buffers become shared-memory pointers.
    addConversion([](aref::RefType t) -> Type {
      return LLVM::LLVMPointerType::get(t.getContext(),
                                        aref::kSharedMemorySpace);
    });
    addConversion([](MemRefType t) -> std::optional<Type> {
      auto space = dyn_cast_or_null<IntegerAttr>(t.getMemorySpace());
      if (!space || space.getInt() != aref::kSharedMemorySpace)
        return std::nullopt;
      return LLVM::LLVMPointerType::get(t.getContext(),
                                        aref::kSharedMemorySpace);
    });
  }
};

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

/// An arith or math op on tiles becomes the same op on per-thread vectors:
/// every thread applies it to the elements it holds.
class ElementwisePattern : public ConversionPattern {
public:
  ElementwisePattern(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {
  }

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        isa<arith::ConstantOp>(op) || op->getNumRegions() != 0)
      return failure();
    if (!op->hasTrait<OpTrait::Elementwise>())
      return rewriter.notifyMatchFailure(op, "not element-wise");
    SmallVector<Type> resultTypes;
    if (failed(typeConverter->convertTypes(op->getResultTypes(), resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

/// f32 to bf16 or f16 on tiles, two elements per cvt.rn.{bf16x2,f16x2}.f32
/// (through NVVM's ff2bf16x2/ff2f16x2 intrinsics). A truncf on vectors
/// ends up as one conversion per element, which the stores then pack in
/// pairs again: LLVM scalarizes it as soon as the elements are used apart.
class PairedTruncPattern : public OpConversionPattern<arith::TruncFOp> {
public:
  PairedTruncPattern(const TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(arith::TruncFOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto from = dyn_cast<VectorType>(adaptor.getIn().getType());
    auto to = dyn_cast_or_null<VectorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!from || !to || from.getRank() != 1 || from.getNumElements() % 2 != 0 ||
        !from.getElementType().isF32() ||
        !(to.getElementType().isBF16() || to.getElementType().isF16()))
      return failure();
    // The intrinsics round to nearest even, truncf's default.
    if (auto mode = op.getRoundingmode();
        mode && *mode != arith::RoundingMode::to_nearest_even)
      return failure();
    Location loc = op.getLoc();
    auto pair = VectorType::get({2}, to.getElementType());
    StringRef name = to.getElementType().isBF16() ? "llvm.nvvm.ff2bf16x2.rn"
                                                  : "llvm.nvvm.ff2f16x2.rn";
    SmallVector<Value> in = unpackVector(rewriter, loc, adaptor.getIn());
    SmallVector<Value> elems;
    for (size_t i = 0; i < in.size(); i += 2) {
      // cvt.rn.bf16x2.f32 d, a, b puts a in the upper half: element 1.
      Value packed = LLVM::CallIntrinsicOp::create(rewriter, loc, pair,
                                                   rewriter.getStringAttr(name),
                                                   ValueRange{in[i + 1], in[i]})
                         .getResult(0);
      llvm::append_range(elems, unpackVector(rewriter, loc, packed));
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, to, elems);
    return success();
  }
};

/// A splat constant tile becomes a splat constant vector. Other dense
/// constants would need each thread to pick its own elements.
class ConstantPattern : public OpConversionPattern<arith::ConstantOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto tensorType = dyn_cast<RankedTensorType>(op.getType());
    if (!tensorType)
      return failure();
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense || !dense.isSplat())
      return rewriter.notifyMatchFailure(op, "not a splat");
    auto vectorType = dyn_cast_or_null<VectorType>(
        getTypeConverter()->convertType(tensorType));
    if (!vectorType)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, vectorType, dense.resizeSplat(vectorType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Tile ops
//===----------------------------------------------------------------------===//

class ProgramIdPattern : public OpConversionPattern<ProgramIdOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ProgramIdOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, emitBlockId(rewriter, op.getLoc(), op.getDim()));
    return success();
  }
};

class NumProgramsPattern : public OpConversionPattern<NumProgramsOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(NumProgramsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, emitGridDim(rewriter, op.getLoc(), op.getDim()));
    return success();
  }
};

class DimPattern : public OpConversionPattern<DimOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    DescValues desc = unpackDesc(adaptor.getDesc());
    rewriter.replaceOp(op, desc.extents[op.getIndex()]);
    return success();
  }
};

class SplatPattern : public OpConversionPattern<SplatOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto vectorType = dyn_cast_or_null<VectorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!vectorType)
      return failure();
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, vectorType,
                                                     adaptor.getValue());
    return success();
  }
};

class IotaPattern : public OpConversionPattern<IotaOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto vectorType = dyn_cast_or_null<VectorType>(
        getTypeConverter()->convertType(type));
    if (!vectorType)
      return failure();
    Location loc = op.getLoc();
    Value tid = emitLayoutThreadId(rewriter, loc, op);
    ElementCoords coords = emitElementCoords(rewriter, loc, getLayout(type),
                                             type.getShape(), tid);
    Type elt = type.getElementType();
    SmallVector<Value> elems;
    for (auto &c : coords)
      elems.push_back(castInteger(rewriter, loc, c[0], elt));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vectorType,
                                                        elems);
    return success();
  }
};

class ScalarLoadPattern : public OpConversionPattern<ScalarLoadOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ScalarLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    DescValues desc = unpackDesc(adaptor.getDesc());
    SmallVector<Value> coords(adaptor.getCoords());
    Value inBounds = emitInBounds(rewriter, loc, desc, coords, 1);
    Value addr = emitElementAddress(rewriter, loc, desc, coords,
                                    op.getType());
    rewriter.replaceOp(op, emitMaskedLoad(rewriter, loc, addr, inBounds,
                                          op.getType()));
    return success();
  }
};

/// The coordinates of a tile's elements in its descriptor's dimensions: 0
/// along leading block dimensions of 1 that the tile leaves out.
void padLeadingDims(OpBuilder &b, Location loc, ElementCoords &coords,
                    int64_t rank) {
  if (coords.empty() || static_cast<int64_t>(coords.front().size()) >= rank)
    return;
  Value zero = emitI32(b, loc, 0);
  for (SmallVector<Value> &c : coords)
    c.insert(c.begin(), rank - static_cast<int64_t>(c.size()), zero);
}

/// Loads a tile in a distributed layout: each thread reads its runs of
/// contiguous elements with one vector access where the run is in bounds
/// and aligned, element by element (zero outside the tensor) elsewhere.
class LoadPattern : public OpConversionPattern<LoadOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    DistributedLayoutAttr layout = getLayout(type);
    Location loc = op.getLoc();
    DescValues desc = unpackDesc(adaptor.getDesc());
    Value tid = emitLayoutThreadId(rewriter, loc, op);
    ElementCoords coords =
        emitElementCoords(rewriter, loc, layout, type.getShape(), tid);
    padLeadingDims(rewriter, loc, coords, op.getDesc().getType().getRank());
    int64_t run = getContiguousRun(layout, type.getShape());
    Type elt = type.getElementType();
    SmallVector<Value> elems;
    for (size_t r = 0; r < coords.size(); r += run) {
      SmallVector<Value> global =
          offsetCoords(rewriter, loc, coords[r], adaptor.getCoords());
      SmallVector<Value> part =
          emitRunLoad(rewriter, loc, desc, global, run, elt);
      elems.append(part.begin(), part.end());
    }
    auto vectorType = cast<VectorType>(getTypeConverter()->convertType(type));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vectorType,
                                                        elems);
    return success();
  }
};

/// Stores a tile in a distributed layout, the mirror image of LoadPattern:
/// elements outside the tensor are not written.
class StorePattern : public OpConversionPattern<StoreOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getValue().getType();
    DistributedLayoutAttr layout = getLayout(type);
    Location loc = op.getLoc();
    DescValues desc = unpackDesc(adaptor.getDesc());
    if (op->hasAttr(kTmaStoreAttrName)) {
      if (!desc.tensorMap)
        return op.emitOpError() << "has no tensor map for its descriptor";
      emitTmaStore(rewriter, op, adaptor.getValue(), adaptor.getCoords(),
                   desc.tensorMap);
      rewriter.eraseOp(op);
      return success();
    }
    Value tid = emitLayoutThreadId(rewriter, loc, op);
    ElementCoords coords =
        emitElementCoords(rewriter, loc, layout, type.getShape(), tid);
    int64_t rank = op.getDesc().getType().getRank();
    padLeadingDims(rewriter, loc, coords, rank);
    int64_t run = getContiguousRun(layout, type.getShape());
    SmallVector<Value> elems = unpackVector(rewriter, loc, adaptor.getValue());
    SmallVector<SmallVector<Value>> global;
    for (size_t r = 0; r < coords.size(); r += run)
      global.push_back(
          offsetCoords(rewriter, loc, coords[r], adaptor.getCoords()));
    Type elt = type.getElementType();
    auto storeChecked = [&] {
      for (auto [i, c] : llvm::enumerate(global))
        emitRunStore(rewriter, loc, desc, c,
                     ArrayRef<Value>(elems).slice(i * run, run));
    };
    // A tile inside the tensor, with aligned rows, is written without a check
    // per run: one test per store op instead of a compare, a branch and a
    // slow path per run, which is most of an epilogue's instructions. Tiles
    // at the edges take the checked path. Stores of accumulators come one
    // 16-column chunk at a time (tile-chunk-epilogue), so the two copies
    // each hold only a chunk's values.
    int64_t width = getVectorWidth(run, elt);
    if (!hasUniformRuns(layout, type.getShape(), run, width)) {
      storeChecked();
      rewriter.eraseOp(op);
      return success();
    }
    // The addresses come before the branch, where they dominate the next
    // chunk's: a row's address is then computed once for the epilogue.
    SmallVector<SmallVector<Value>> addresses;
    for (ArrayRef<Value> c : global)
      addresses.push_back(emitRunAddresses(rewriter, loc, desc, c, run, elt));
    SmallVector<int64_t> extent(rank - type.getRank(), 1);
    llvm::append_range(extent, type.getShape());
    Value inside =
        emitTileInBounds(rewriter, loc, desc, adaptor.getCoords(), extent);
    Value aligned =
        emitAligned(rewriter, loc, desc, global.front(), width, elt);
    auto ifOp = scf::IfOp::create(
        rewriter, loc, arith::AndIOp::create(rewriter, loc, inside, aligned),
        /*withElseRegion=*/true);
    rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
    for (auto [i, a] : llvm::enumerate(addresses))
      emitRunStoreAt(rewriter, loc, a,
                     ArrayRef<Value>(elems).slice(i * run, run));
    rewriter.setInsertionPointToStart(&ifOp.getElseRegion().front());
    storeChecked();
    rewriter.eraseOp(op);
    return success();
  }

private:
  /// Whether one alignment test serves every run of a thread: no dimension
  /// wraps (coordinates taken modulo the extent are not a fixed distance
  /// apart), and the runs start a multiple of `width` elements apart along
  /// the last dimension, so that the first run's alignment is every run's.
  static bool hasUniformRuns(DistributedLayoutAttr layout,
                             ArrayRef<int64_t> shape, int64_t run,
                             int64_t width) {
    for (auto [d, size] : llvm::enumerate(shape))
      if (size < getLayoutCoverage(layout, d))
        return false;
    SmallVector<SmallVector<int64_t>> offsets =
        getRegisterOffsets(layout, shape);
    for (size_t r = 0; r < offsets.size(); r += run)
      if ((offsets[r].back() - offsets.front().back()) % width != 0)
        return false;
    return true;
  }
};

class ReturnPattern : public OpConversionPattern<ReturnOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReturnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<LLVM::ReturnOp>(op, ValueRange());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

/// The accumulator of a wgmma lives in the registers of the role's threads;
/// one that takes more than the role's register budget would be spilled
/// almost whole by ptxas, so it is an error here (at the dot's location).
LogicalResult checkAccumulatorFits(MmaOp mma) {
  for (Operation *p = mma->getParentOp(); p; p = p->getParentOp()) {
    auto ws = dyn_cast<WarpSpecializeOp>(p);
    if (!ws)
      continue;
    for (auto [i, role] : llvm::enumerate(ws.getRoles())) {
      if (!role.isAncestor(mma->getParentRegion()))
        continue;
      RankedTensorType acc = mma.getType();
      int64_t threads = 32 * int64_t(ws.getWarps()[i]);
      int64_t perThread = acc.getNumElements() *
                          acc.getElementTypeBitWidth() / 32 / threads;
      if (perThread <= ws.getRegs()[i])
        return success();
      return mma.emitOpError()
             << "has an accumulator of " << perThread
             << " registers per thread in a role of " << ws.getWarps()[i]
             << " warps with " << ws.getRegs()[i]
             << " registers each; use a smaller tile (--tile) or more "
                "consumer warp groups to split its rows (--consumer-groups, "
                "not with --pingpong)";
    }
  }
  return success();
}

/// Reports, with its location, each op the patterns cannot lower, so that a
/// failed conversion says why.
LogicalResult checkLowerable(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) -> WalkResult {
    for (Value v : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (type && !getLayout(type))
        return emitLocatedOpError(op)
               << "has no layout; run tile-assign-layouts first";
    }
    if (isa_and_present<math::MathDialect>(op->getDialect()) &&
        !isLoweredMathOp(op) && !isNativeMathOp(op))
      return emitLocatedOpError(op) << "has no GPU lowering in Kiln yet";
    if (auto mma = dyn_cast<MmaOp>(op))
      if (failed(checkAccumulatorFits(mma)))
        return WalkResult::interrupt();
    if (isa<DotOp>(op))
      return emitLocatedOpError(op)
             << "cannot be lowered here: tile.dot runs on the tensor cores "
                "only in a warp-specialized consumer whose operands come "
                "from TMA loads (tile-warp-specialize, aref-pipeline)";
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (isa<RankedTensorType>(constant.getType()) &&
          (!dense || !dense.isSplat()))
        return emitLocatedOpError(op) << "only splat constant tiles can be "
                                         "lowered; build others from tile.iota";
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

class ConvertTileToNVVMPass final
    : public kiln::impl::ConvertTileToNVVMPassBase<ConvertTileToNVVMPass> {
public:
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    if (failed(checkLowerable(module)))
      return signalPassFailure();

    // Kernel structure first: shared memory placed, every kernel an
    // llvm.func whose descriptor arguments are unpacked by unrealized casts
    // the patterns read, and roles branches on the thread index.
    SmallVector<KernelOp> kernels(module.getOps<KernelOp>());
    for (KernelOp kernel : kernels) {
      int64_t smem = planTmaStores(kernel, planSharedMemory(kernel));
      // Past sm_90's shared-memory ceiling the launch would fail; say so
      // now.
      if (smem > hopper::kMaxSharedMemory) {
        kernel.emitOpError()
            << "needs " << smem << " bytes of shared memory for its aref "
            << "slots, more than the " << hopper::kMaxSharedMemory
            << " an sm_90a CTA can have; use fewer slots (depth) or smaller "
               "tiles";
        return signalPassFailure();
      }
      int64_t threads = getNumThreads(kernel);
      FailureOr<LLVM::LLVMFuncOp> fn = convertKernelSignature(kernel, smem);
      if (failed(fn) || failed(lowerRoles(*fn, threads)))
        return signalPassFailure();
    }

    TileTypeConverter converter;
    RewritePatternSet patterns(ctx);
    patterns.add<ElementwisePattern, PairedTruncPattern>(converter, ctx);
    patterns.add<ConstantPattern, ProgramIdPattern, NumProgramsPattern,
                 DimPattern, SplatPattern, IotaPattern, ScalarLoadPattern,
                 LoadPattern, StorePattern, ReturnPattern>(converter, ctx);
    populateHopperPatterns(converter, patterns);
    populateMathToNVVMPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addLegalDialect<LLVM::LLVMDialect, NVVM::NVVMDialect,
                           vector::VectorDialect>();
    target.addIllegalDialect<TileDialect, aref::ArefDialect>();
    target.addDynamicallyLegalDialect<arith::ArithDialect>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalDialect<math::MathDialect>([&](Operation *op) {
      return converter.isLegal(op) && !isLoweredMathOp(op);
    });
    target.addLegalOp<UnrealizedConversionCastOp>();
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    eraseDescriptorCasts(module);
  }
};

} // namespace
