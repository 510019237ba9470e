//===- Elementwise.cpp - arith and math ops, one element at a time --------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Integers compute on APInt of the type's width, so wrap-around, signedness
// and widths other than 64 come out as the hardware has them. Floats compute
// with `computeFloat`: f32 in float, f64 in double, narrow types rounded
// after every op. Where arith leaves a result undefined (poison or UB), the
// interpreter stops with an error rather than invent a value.
//
//===----------------------------------------------------------------------===//

#include "Elementwise.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace kiln::interp;
using llvm::APFloat;
using llvm::APInt;

namespace {

//===----------------------------------------------------------------------===//
// Builders of element functions
//===----------------------------------------------------------------------===//

template <typename Fn>
ElementFn floatUnary(FloatType type, Fn fn) {
  return [type, fn](ArrayRef<Element> x, std::string &) {
    return Element::ofFloat(computeFloat(type, fn, x[0].f));
  };
}

template <typename Fn>
ElementFn floatBinary(FloatType type, Fn fn) {
  return [type, fn](ArrayRef<Element> x, std::string &) {
    return Element::ofFloat(computeFloat(type, fn, x[0].f, x[1].f));
  };
}

template <typename Fn>
ElementFn floatTernary(FloatType type, Fn fn) {
  return [type, fn](ArrayRef<Element> x, std::string &) {
    return Element::ofFloat(computeFloat(type, fn, x[0].f, x[1].f, x[2].f));
  };
}

/// `fn(const APInt &a, const APInt &b, std::string &error) -> APInt` on two
/// integers of `type`.
template <typename Fn>
ElementFn intBinary(Type type, Fn fn) {
  return [type, fn](ArrayRef<Element> x, std::string &error) {
    APInt r = fn(toAPInt(type, x[0].i), toAPInt(type, x[1].i), error);
    return Element::ofInt(r.getSExtValue());
  };
}

/// An integer operation that cannot fail.
template <typename Fn>
ElementFn intBinaryTotal(Type type, Fn fn) {
  return intBinary(type, [fn](const APInt &a, const APInt &b, std::string &) {
    return fn(a, b);
  });
}

/// A division-like operation: undefined for a zero divisor.
template <typename Fn>
ElementFn intDivision(Type type, Fn fn) {
  return intBinary(type,
                   [fn](const APInt &a, const APInt &b, std::string &error) {
                     if (b.isZero()) {
                       error = "integer division by zero";
                       return a;
                     }
                     return fn(a, b);
                   });
}

/// A shift: undefined for an amount of the width or more.
template <typename Fn>
ElementFn intShift(Type type, Fn fn) {
  return intBinary(type, [fn](const APInt &a, const APInt &b,
                              std::string &error) {
    if (b.uge(a.getBitWidth())) {
      error = "shift amount " + std::to_string(b.getZExtValue()) +
              " is not less than the bit width " +
              std::to_string(a.getBitWidth());
      return a;
    }
    return fn(a, static_cast<unsigned>(b.getZExtValue()));
  });
}

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

bool compareInts(arith::CmpIPredicate p, const APInt &a, const APInt &b) {
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::eq:
    return a == b;
  case P::ne:
    return a != b;
  case P::slt:
    return a.slt(b);
  case P::sle:
    return a.sle(b);
  case P::sgt:
    return a.sgt(b);
  case P::sge:
    return a.sge(b);
  case P::ult:
    return a.ult(b);
  case P::ule:
    return a.ule(b);
  case P::ugt:
    return a.ugt(b);
  case P::uge:
    return a.uge(b);
  }
  llvm_unreachable("unknown cmpi predicate");
}

bool compareFloats(arith::CmpFPredicate p, double a, double b) {
  using P = arith::CmpFPredicate;
  bool unordered = std::isnan(a) || std::isnan(b);
  switch (p) {
  case P::AlwaysFalse:
    return false;
  case P::OEQ:
    return !unordered && a == b;
  case P::OGT:
    return !unordered && a > b;
  case P::OGE:
    return !unordered && a >= b;
  case P::OLT:
    return !unordered && a < b;
  case P::OLE:
    return !unordered && a <= b;
  case P::ONE:
    return !unordered && a != b;
  case P::ORD:
    return !unordered;
  case P::UEQ:
    return unordered || a == b;
  case P::UGT:
    return unordered || a > b;
  case P::UGE:
    return unordered || a >= b;
  case P::ULT:
    return unordered || a < b;
  case P::ULE:
    return unordered || a <= b;
  case P::UNE:
    return unordered || a != b;
  case P::UNO:
    return unordered;
  case P::AlwaysTrue:
    return true;
  }
  llvm_unreachable("unknown cmpf predicate");
}

//===----------------------------------------------------------------------===//
// Op families
//===----------------------------------------------------------------------===//

Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

ElementFn getFloatArithFn(Operation *op) {
  auto type = dyn_cast<FloatType>(elementTypeOf(op->getResult(0)));
  if (!type)
    return {};
  return llvm::TypeSwitch<Operation *, ElementFn>(op)
      .Case([&](arith::AddFOp) {
        return floatBinary(type, [](auto a, auto b) { return a + b; });
      })
      .Case([&](arith::SubFOp) {
        return floatBinary(type, [](auto a, auto b) { return a - b; });
      })
      .Case([&](arith::MulFOp) {
        return floatBinary(type, [](auto a, auto b) { return a * b; });
      })
      .Case([&](arith::DivFOp) {
        return floatBinary(type, [](auto a, auto b) { return a / b; });
      })
      .Case([&](arith::RemFOp) {
        return floatBinary(type,
                           [](auto a, auto b) { return std::fmod(a, b); });
      })
      .Case([&](arith::NegFOp) {
        return floatUnary(type, [](auto a) { return -a; });
      })
      .Case([&](arith::MaximumFOp) {
        return floatBinary(type, [](auto a, auto b) { return maximumOf(a, b); });
      })
      .Case([&](arith::MinimumFOp) {
        return floatBinary(type, [](auto a, auto b) { return minimumOf(a, b); });
      })
      .Case([&](arith::MaxNumFOp) {
        return floatBinary(type,
                           [](auto a, auto b) { return std::fmax(a, b); });
      })
      .Case([&](arith::MinNumFOp) {
        return floatBinary(type,
                           [](auto a, auto b) { return std::fmin(a, b); });
      })
      .Default([](Operation *) { return ElementFn(); });
}

ElementFn getIntArithFn(Operation *op) {
  Type type = elementTypeOf(op->getResult(0));
  if (!type.isIntOrIndex())
    return {};
  using llvm::APIntOps::RoundingSDiv;
  using llvm::APIntOps::RoundingUDiv;
  using Rounding = APInt::Rounding;
  return llvm::TypeSwitch<Operation *, ElementFn>(op)
      .Case([&](arith::AddIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) { return a + b; });
      })
      .Case([&](arith::SubIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) { return a - b; });
      })
      .Case([&](arith::MulIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) { return a * b; });
      })
      .Case([&](arith::DivSIOp) {
        return intDivision(type, [](auto &a, auto &b) { return a.sdiv(b); });
      })
      .Case([&](arith::DivUIOp) {
        return intDivision(type, [](auto &a, auto &b) { return a.udiv(b); });
      })
      .Case([&](arith::RemSIOp) {
        return intDivision(type, [](auto &a, auto &b) { return a.srem(b); });
      })
      .Case([&](arith::RemUIOp) {
        return intDivision(type, [](auto &a, auto &b) { return a.urem(b); });
      })
      .Case([&](arith::CeilDivSIOp) {
        return intDivision(type, [](auto &a, auto &b) {
          return RoundingSDiv(a, b, Rounding::UP);
        });
      })
      .Case([&](arith::CeilDivUIOp) {
        return intDivision(type, [](auto &a, auto &b) {
          return RoundingUDiv(a, b, Rounding::UP);
        });
      })
      .Case([&](arith::FloorDivSIOp) {
        return intDivision(type, [](auto &a, auto &b) {
          return RoundingSDiv(a, b, Rounding::DOWN);
        });
      })
      .Case([&](arith::MaxSIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) {
          return llvm::APIntOps::smax(a, b);
        });
      })
      .Case([&](arith::MinSIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) {
          return llvm::APIntOps::smin(a, b);
        });
      })
      .Case([&](arith::MaxUIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) {
          return llvm::APIntOps::umax(a, b);
        });
      })
      .Case([&](arith::MinUIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) {
          return llvm::APIntOps::umin(a, b);
        });
      })
      .Case([&](arith::AndIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) { return a & b; });
      })
      .Case([&](arith::OrIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) { return a | b; });
      })
      .Case([&](arith::XOrIOp) {
        return intBinaryTotal(type, [](auto &a, auto &b) { return a ^ b; });
      })
      .Case([&](arith::ShLIOp) {
        return intShift(type, [](auto &a, unsigned n) { return a.shl(n); });
      })
      .Case([&](arith::ShRSIOp) {
        return intShift(type, [](auto &a, unsigned n) { return a.ashr(n); });
      })
      .Case([&](arith::ShRUIOp) {
        return intShift(type, [](auto &a, unsigned n) { return a.lshr(n); });
      })
      .Case([&](math::AbsIOp) {
        return ElementFn([type](ArrayRef<Element> x, std::string &) {
          return Element::ofInt(toAPInt(type, x[0].i).abs().getSExtValue());
        });
      })
      .Default([](Operation *) { return ElementFn(); });
}

ElementFn getCompareOrSelectFn(Operation *op) {
  return llvm::TypeSwitch<Operation *, ElementFn>(op)
      .Case([&](arith::CmpIOp cmp) {
        Type type = elementTypeOf(cmp.getLhs());
        arith::CmpIPredicate p = cmp.getPredicate();
        return ElementFn([type, p](ArrayRef<Element> x, std::string &) {
          return boolElement(
              compareInts(p, toAPInt(type, x[0].i), toAPInt(type, x[1].i)));
        });
      })
      .Case([&](arith::CmpFOp cmp) {
        arith::CmpFPredicate p = cmp.getPredicate();
        return ElementFn([p](ArrayRef<Element> x, std::string &) {
          return boolElement(compareFloats(p, x[0].f, x[1].f));
        });
      })
      .Case([&](arith::SelectOp) {
        return ElementFn([](ArrayRef<Element> x, std::string &) {
          return x[0].i != 0 ? x[1] : x[2];
        });
      })
      .Default([](Operation *) { return ElementFn(); });
}

/// fptosi / fptoui: truncation toward zero; poison out of range.
ElementFn floatToInt(FloatType in, Type out, bool isUnsigned) {
  return [in, out, isUnsigned](ArrayRef<Element> x, std::string &error) {
    llvm::APSInt result(getIntWidth(out), isUnsigned);
    bool exact = false;
    APFloat::opStatus status = toAPFloat(in, x[0].f).convertToInteger(
        result, APFloat::rmTowardZero, &exact);
    if (status & APFloat::opInvalidOp)
      error = "float " + std::to_string(x[0].f) + " is out of the range of " +
              (isUnsigned ? "unsigned " : "signed ") +
              std::to_string(getIntWidth(out)) + "-bit integers";
    return Element::ofInt(result.getSExtValue());
  };
}

/// sitofp / uitofp: rounded to nearest even in the float type.
ElementFn intToFloat(Type in, FloatType out, bool isUnsigned) {
  return [in, out, isUnsigned](ArrayRef<Element> x, std::string &) {
    APFloat f(out.getFloatSemantics());
    f.convertFromAPInt(toAPInt(in, x[0].i), !isUnsigned,
                       APFloat::rmNearestTiesToEven);
    return Element::ofFloat(toDouble(f));
  };
}

/// Zero-extension (or truncation) of an integer of `in` to `out`.
ElementFn zeroExtend(Type in, Type out) {
  return [in, out](ArrayRef<Element> x, std::string &) {
    return Element::ofInt(
        toAPInt(in, x[0].i).zextOrTrunc(getIntWidth(out)).getSExtValue());
  };
}

/// Sign-extension (or truncation): the canonical form keeps the value.
ElementFn signExtend(Type out) {
  return [out](ArrayRef<Element> x, std::string &) {
    return Element::ofInt(normalizeInt(getIntWidth(out), x[0].i));
  };
}

ElementFn getCastFn(Operation *op) {
  if (op->getNumOperands() != 1)
    return {};
  Type in = elementTypeOf(op->getOperand(0));
  Type out = elementTypeOf(op->getResult(0));
  auto inF = dyn_cast<FloatType>(in);
  auto outF = dyn_cast<FloatType>(out);
  auto roundTo = [outF](ArrayRef<Element> x, std::string &) {
    return Element::ofFloat(roundToFloat(outF, x[0].f));
  };
  return llvm::TypeSwitch<Operation *, ElementFn>(op)
      .Case<arith::ExtFOp, arith::TruncFOp>(
          [&](Operation *) { return ElementFn(roundTo); })
      .Case<arith::ExtSIOp, arith::TruncIOp, arith::IndexCastOp>(
          [&](Operation *) { return signExtend(out); })
      .Case<arith::ExtUIOp, arith::IndexCastUIOp>(
          [&](Operation *) { return zeroExtend(in, out); })
      .Case([&](arith::SIToFPOp) { return intToFloat(in, outF, false); })
      .Case([&](arith::UIToFPOp) { return intToFloat(in, outF, true); })
      .Case([&](arith::FPToSIOp) { return floatToInt(inF, out, false); })
      .Case([&](arith::FPToUIOp) { return floatToInt(inF, out, true); })
      .Case([&](arith::BitcastOp) {
        return ElementFn([in, out](ArrayRef<Element> x, std::string &) {
          return elementFromBits(out, elementBits(in, x[0]));
        });
      })
      .Default([](Operation *) { return ElementFn(); });
}

ElementFn getMathFn(Operation *op) {
  auto type = dyn_cast<FloatType>(elementTypeOf(op->getResult(0)));
  if (!type)
    return {};
  auto unary = [&](auto fn) { return floatUnary(type, fn); };
  return llvm::TypeSwitch<Operation *, ElementFn>(op)
      .Case([&](math::ExpOp) {
        return unary([](auto a) { return std::exp(a); });
      })
      .Case([&](math::Exp2Op) {
        return unary([](auto a) { return std::exp2(a); });
      })
      .Case([&](math::ExpM1Op) {
        return unary([](auto a) { return std::expm1(a); });
      })
      .Case([&](math::LogOp) {
        return unary([](auto a) { return std::log(a); });
      })
      .Case([&](math::Log2Op) {
        return unary([](auto a) { return std::log2(a); });
      })
      .Case([&](math::Log10Op) {
        return unary([](auto a) { return std::log10(a); });
      })
      .Case([&](math::Log1pOp) {
        return unary([](auto a) { return std::log1p(a); });
      })
      .Case([&](math::TanhOp) {
        return unary([](auto a) { return std::tanh(a); });
      })
      .Case([&](math::ErfOp) {
        return unary([](auto a) { return std::erf(a); });
      })
      .Case([&](math::SinOp) {
        return unary([](auto a) { return std::sin(a); });
      })
      .Case([&](math::CosOp) {
        return unary([](auto a) { return std::cos(a); });
      })
      .Case([&](math::SqrtOp) {
        return unary([](auto a) { return std::sqrt(a); });
      })
      .Case([&](math::RsqrtOp) {
        return unary([](auto a) { return decltype(a)(1) / std::sqrt(a); });
      })
      .Case([&](math::AbsFOp) {
        return unary([](auto a) { return std::fabs(a); });
      })
      .Case([&](math::FloorOp) {
        return unary([](auto a) { return std::floor(a); });
      })
      .Case([&](math::CeilOp) {
        return unary([](auto a) { return std::ceil(a); });
      })
      .Case([&](math::TruncOp) {
        return unary([](auto a) { return std::trunc(a); });
      })
      .Case([&](math::RoundOp) {
        return unary([](auto a) { return std::round(a); });
      })
      .Case([&](math::RoundEvenOp) {
        // The default rounding mode is to nearest even.
        return unary([](auto a) { return std::nearbyint(a); });
      })
      .Case([&](math::PowFOp) {
        return floatBinary(type, [](auto a, auto b) { return std::pow(a, b); });
      })
      .Case([&](math::CopySignOp) {
        return floatBinary(type,
                           [](auto a, auto b) { return std::copysign(a, b); });
      })
      .Case([&](math::Atan2Op) {
        return floatBinary(type,
                           [](auto a, auto b) { return std::atan2(a, b); });
      })
      .Case([&](math::FmaOp) {
        return floatTernary(
            type, [](auto a, auto b, auto c) { return std::fma(a, b, c); });
      })
      .Default([](Operation *) { return ElementFn(); });
}

/// Ops that round other than to nearest even are not modelled.
bool hasDefaultRounding(Operation *op) {
  auto rounding = dyn_cast<arith::ArithRoundingModeInterface>(op);
  if (!rounding)
    return true;
  arith::RoundingModeAttr mode = rounding.getRoundingModeAttr();
  return !mode || mode.getValue() == arith::RoundingMode::to_nearest_even;
}

} // namespace

ElementFn kiln::interp::getElementFn(Operation *op) {
  if (op->getNumResults() != 1 || !hasDefaultRounding(op))
    return {};
  for (Type t : llvm::concat<const Type>(op->getOperandTypes(),
                                         op->getResultTypes()))
    if (!isSupportedElementType(getElementTypeOrSelf(t)))
      return {};
  for (auto family : {getFloatArithFn, getIntArithFn, getCompareOrSelectFn,
                      getCastFn, getMathFn})
    if (ElementFn fn = family(op))
      return fn;
  return {};
}
