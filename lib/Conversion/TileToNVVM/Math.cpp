//===- Math.cpp - math ops the NVPTX backend does not lower itself --------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The NVPTX backend has no library for exp, log, tanh or erf; CUDA gets them
// from libdevice. Kiln lowers them here, element by element, to the
// hardware's approximate special functions (PTX ISA 9.7.3: ex2.approx,
// lg2.approx, tanh.approx, rsqrt.approx, sin/cos.approx), as Triton and
// CUTLASS epilogues do. 16-bit floats are computed in f32.
//
//===----------------------------------------------------------------------===//

#include "Math.h"

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace kiln;

namespace {

Value f32Const(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

/// A call of a one-argument f32 NVVM intrinsic.
Value callIntrinsic(OpBuilder &b, Location loc, StringRef name, Value x) {
  return LLVM::CallIntrinsicOp::create(b, loc, b.getF32Type(),
                                       b.getStringAttr(name), ValueRange{x})
      .getResult(0);
}

/// One f32 PTX instruction through inline assembly, for functions LLVM has
/// no intrinsic for.
Value inlinePtx(OpBuilder &b, Location loc, StringRef instruction, Value x) {
  return LLVM::InlineAsmOp::create(
             b, loc, b.getF32Type(), ValueRange{x},
             (instruction + " $0, $1;").str(), "=f,f",
             /*has_side_effects=*/false, /*is_align_stack=*/false,
             LLVM::tailcallkind::TailCallKind::None,
             LLVM::AsmDialectAttr::get(b.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

Value emitExp2(OpBuilder &b, Location loc, Value x) {
  return callIntrinsic(b, loc, "llvm.nvvm.ex2.approx.ftz.f32", x);
}

Value emitLog2(OpBuilder &b, Location loc, Value x) {
  return callIntrinsic(b, loc, "llvm.nvvm.lg2.approx.ftz.f", x);
}

Value emitExp(OpBuilder &b, Location loc, Value x) {
  return emitExp2(b, loc, arith::MulFOp::create(b, loc, x,
                                            f32Const(b, loc, M_LOG2E)));
}

/// erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7):
/// erf(x) = sign(x) (1 - (a1 t + ... + a5 t^5) exp(-x^2)), t = 1/(1 + p|x|).
Value emitErf(OpBuilder &b, Location loc, Value x) {
  Value ax = math::AbsFOp::create(b, loc, x);
  Value t = arith::DivFOp::create(
      b, loc, f32Const(b, loc, 1.0),
      arith::AddFOp::create(
          b, loc, f32Const(b, loc, 1.0),
          arith::MulFOp::create(b, loc, f32Const(b, loc, 0.3275911), ax)));
  const double a[] = {0.254829592, -0.284496736, 1.421413741, -1.453152027,
                      1.061405429};
  Value poly = f32Const(b, loc, a[4]);
  for (int i = 3; i >= 0; --i)
    poly = arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, poly, t),
                                 f32Const(b, loc, a[i]));
  poly = arith::MulFOp::create(b, loc, poly, t);
  Value negSquare = arith::NegFOp::create(b, loc,
                                          arith::MulFOp::create(b, loc, ax, ax));
  Value y = arith::SubFOp::create(
      b, loc, f32Const(b, loc, 1.0),
      arith::MulFOp::create(b, loc, poly, emitExp(b, loc, negSquare)));
  return math::CopySignOp::create(b, loc, y, x);
}

/// Lowers a one-operand math op element by element with `fn` on f32.
template <typename OpTy>
class UnaryMathPattern : public OpConversionPattern<OpTy> {
public:
  using Fn = Value (*)(OpBuilder &, Location, Value);

  UnaryMathPattern(const TypeConverter &converter, MLIRContext *ctx, Fn fn)
      : OpConversionPattern<OpTy>(converter, ctx, /*benefit=*/2), fn(fn) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getOperand();
    auto vectorType = dyn_cast<VectorType>(input.getType());
    Type elementType = getElementTypeOrSelf(input.getType());
    if (!isa<FloatType>(elementType) ||
        elementType.getIntOrFloatBitWidth() > 32)
      return rewriter.notifyMatchFailure(op, "needs f32 or narrower");
    SmallVector<Value> elems = vectorType
                                   ? unpackVector(rewriter, loc, input)
                                   : SmallVector<Value>{input};
    Type f32 = rewriter.getF32Type();
    for (Value &e : elems) {
      Value wide = elementType == f32
                       ? e
                       : arith::ExtFOp::create(rewriter, loc, f32, e);
      Value r = fn(rewriter, loc, wide);
      e = elementType == f32
              ? r
              : arith::TruncFOp::create(rewriter, loc, elementType, r);
    }
    if (vectorType)
      rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vectorType,
                                                          elems);
    else
      rewriter.replaceOp(op, elems.front());
    return success();
  }

private:
  Fn fn;
};

} // namespace

bool kiln::isLoweredMathOp(Operation *op) {
  return isa<math::ExpOp, math::Exp2Op, math::LogOp, math::Log2Op,
             math::TanhOp, math::ErfOp, math::RsqrtOp, math::SinOp,
             math::CosOp>(op);
}

bool kiln::isNativeMathOp(Operation *op) {
  // What the NVPTX backend selects itself.
  return isa<math::AbsFOp, math::SqrtOp, math::FmaOp, math::FloorOp,
             math::CeilOp, math::TruncOp, math::RoundEvenOp, math::CopySignOp,
             math::AbsIOp>(op);
}

void kiln::populateMathToNVVMPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<UnaryMathPattern<math::ExpOp>>(converter, ctx, emitExp);
  patterns.add<UnaryMathPattern<math::Exp2Op>>(converter, ctx, emitExp2);
  patterns.add<UnaryMathPattern<math::LogOp>>(
      converter, ctx, [](OpBuilder &b, Location loc, Value x) -> Value {
        return arith::MulFOp::create(b, loc, emitLog2(b, loc, x),
                                     f32Const(b, loc, M_LN2));
      });
  patterns.add<UnaryMathPattern<math::Log2Op>>(converter, ctx, emitLog2);
  patterns.add<UnaryMathPattern<math::TanhOp>>(
      converter, ctx, [](OpBuilder &b, Location loc, Value x) -> Value {
        return inlinePtx(b, loc, "tanh.approx.f32", x);
      });
  patterns.add<UnaryMathPattern<math::ErfOp>>(converter, ctx, emitErf);
  patterns.add<UnaryMathPattern<math::RsqrtOp>>(
      converter, ctx, [](OpBuilder &b, Location loc, Value x) -> Value {
        return callIntrinsic(b, loc, "llvm.nvvm.rsqrt.approx.ftz.f", x);
      });
  patterns.add<UnaryMathPattern<math::SinOp>>(
      converter, ctx, [](OpBuilder &b, Location loc, Value x) -> Value {
        return callIntrinsic(b, loc, "llvm.nvvm.sin.approx.ftz.f", x);
      });
  patterns.add<UnaryMathPattern<math::CosOp>>(
      converter, ctx, [](OpBuilder &b, Location loc, Value x) -> Value {
        return callIntrinsic(b, loc, "llvm.nvvm.cos.approx.ftz.f", x);
      });
}
