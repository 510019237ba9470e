//===- ExamplesTest.cpp - the shipped examples against C++ references ----===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every kernel in examples/ runs in the interpreter on small random inputs and
// is compared, element by element, with a plain C++ loop written here, in
// double precision, that knows nothing of tiles. Shapes include ones that are
// not multiples of the tile, a single element and empty tensors. Outputs
// start as NaN, so an element a kernel fails to write is caught. The GEMM
// kernels also run after Kiln's partitioning and pipelining passes and must
// give the plain program's output bit for bit.
//
// Tolerances come from the arithmetic, not from observed errors: a sum of K
// products accumulated in f32 is within K * 2^-24 * sum|a*b| of the exact
// one, and the final conversion adds half an ulp of the output type.
//
//===----------------------------------------------------------------------===//

#include "kiln/InitAllDialects.h"
#include "kiln/InitAllPasses.h"
#include "kiln/Interpreter/Interpreter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>

using namespace mlir;
using namespace kiln;
using namespace kiln::interp;

namespace {

/// Largest relative error of rounding a real to `type`: 2^-precision.
double unitRoundoff(Type type) {
  auto f = cast<FloatType>(type);
  return std::ldexp(1.0, -static_cast<int>(
                             llvm::APFloat::semanticsPrecision(
                                 f.getFloatSemantics())));
}

class ExamplesTest : public ::testing::Test {
protected:
  ExamplesTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    static bool passesRegistered = [] {
      registerAllPasses();
      return true;
    }();
    (void)passesRegistered;
  }

  /// Parses examples/`file`; fails the test when it does not parse.
  OwningOpRef<ModuleOp> parseExample(llvm::StringRef file) {
    std::string path = std::string(KILN_EXAMPLES_DIR) + "/" + file.str();
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(path, &context);
    EXPECT_TRUE(module) << "cannot parse " << path;
    return module;
  }

  /// A copy of `module` after the pass pipeline `pipeline`.
  OwningOpRef<ModuleOp> transformed(ModuleOp module,
                                    llvm::StringRef pipeline) {
    OwningOpRef<ModuleOp> copy = module.clone();
    PassManager pm(&context);
    std::string errors;
    llvm::raw_string_ostream os(errors);
    if (failed(parsePassPipeline(pipeline, pm, os))) {
      ADD_FAILURE() << "bad pipeline '" << pipeline.str() << "': " << errors;
      return nullptr;
    }
    if (failed(pm.run(*copy))) {
      ADD_FAILURE() << "pipeline '" << pipeline.str() << "' failed";
      return nullptr;
    }
    return copy;
  }

  static tile::KernelOp kernel(ModuleOp module, llvm::StringRef name) {
    for (tile::KernelOp k : module.getOps<tile::KernelOp>())
      if (k.getSymName() == name)
        return k;
    ADD_FAILURE() << "no kernel @" << name.str();
    return {};
  }

  /// The element type of parameter `index` of `k`.
  static Type elementType(tile::KernelOp k, unsigned index) {
    return cast<tile::DescType>(k.getArgumentTypes()[index]).getElementType();
  }

  /// A C-order tensor of uniform random values in [lo, hi], each rounded to
  /// `type`.
  HostTensor random(Type type, llvm::ArrayRef<int64_t> shape, double lo = -1,
                    double hi = 1) {
    HostTensor t = HostTensor::rowMajor(type, shape);
    std::uniform_real_distribution<double> dist(lo, hi);
    for (Element &e : t.data)
      e = Element::ofFloat(roundToFloat(cast<FloatType>(type), dist(rng)));
    return t;
  }

  /// A C-order tensor of NaN, so that unwritten elements show.
  static HostTensor poisoned(Type type, llvm::ArrayRef<int64_t> shape) {
    HostTensor t = HostTensor::rowMajor(type, shape);
    for (Element &e : t.data)
      e = Element::ofFloat(std::nan(""));
    return t;
  }

  /// Runs `k` and reports its diagnostics as the failure message.
  testing::AssertionResult run(tile::KernelOp k,
                               llvm::ArrayRef<KernelArg> args) {
    std::string messages;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      messages += d.str() + "\n";
      return success();
    });
    if (failed(runKernel(k, args)))
      return testing::AssertionFailure() << messages;
    return testing::AssertionSuccess();
  }

  MLIRContext context;
  std::mt19937 rng{20261127};
};

//===----------------------------------------------------------------------===//
// GEMM
//===----------------------------------------------------------------------===//

struct GemmShape {
  int64_t m, n, k;
};

std::string str(const GemmShape &s) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
         std::to_string(s.k);
}

/// What distinguishes the example GEMM kernels from one another.
struct GemmCase {
  const char *file;
  const char *name;
  bool transposeB;  // B is N x K (else K x N)
  bool biasSilu;    // C = silu(A·B + bias), bias an N-vector
};

class GemmExamplesTest : public ExamplesTest {
protected:
  /// The inputs of one GEMM run and C initialised to NaN.
  struct Operands {
    HostTensor a, b, bias, c;
    bool hasBias = false;
    llvm::SmallVector<KernelArg> args() {
      llvm::SmallVector<KernelArg> result{KernelArg::ofTensor(a),
                                          KernelArg::ofTensor(b)};
      if (hasBias)
        result.push_back(KernelArg::ofTensor(bias));
      result.push_back(KernelArg::ofTensor(c));
      return result;
    }
  };

  Operands makeOperands(tile::KernelOp k, const GemmCase &gc,
                        const GemmShape &s) {
    Operands ops;
    ops.a = random(elementType(k, 0), {s.m, s.k});
    ops.b = gc.transposeB ? random(elementType(k, 1), {s.n, s.k})
                          : random(elementType(k, 1), {s.k, s.n});
    unsigned cIndex = 2;
    if (gc.biasSilu) {
      ops.bias = random(elementType(k, 2), {s.n}, -2, 2);
      ops.hasBias = true;
      cIndex = 3;
    }
    ops.c = poisoned(elementType(k, cIndex), {s.m, s.n});
    return ops;
  }

  /// Checks every element of `ops.c` against the exact product (and
  /// epilogue) within the tolerance explained at the top of the file.
  void checkAgainstReference(const GemmCase &gc, const GemmShape &s,
                             const Operands &ops) {
    Type outType = ops.c.elementType;
    double outRoundoff = unitRoundoff(outType);
    double accRoundoff = std::ldexp(1.0, -24) * static_cast<double>(s.k);
    int64_t failures = 0;
    for (int64_t i = 0; i < s.m; ++i) {
      for (int64_t j = 0; j < s.n; ++j) {
        double exact = 0, magnitude = 0;
        for (int64_t p = 0; p < s.k; ++p) {
          double a = ops.a.data[ops.a.getOffset({i, p})].f;
          double b = gc.transposeB ? ops.b.data[ops.b.getOffset({j, p})].f
                                   : ops.b.data[ops.b.getOffset({p, j})].f;
          exact += a * b;
          magnitude += std::fabs(a * b);
        }
        double accError = accRoundoff * magnitude;
        double expected = exact;
        if (gc.biasSilu) {
          // silu'(x) lies in [-0.1, 1.1]; exp and the division in f32 add a
          // few ulps of f32.
          double x = exact + ops.bias.data[ops.bias.getOffset({j})].f;
          expected = x / (1 + std::exp(-x));
          accError = 1.1 * accError + 8 * std::ldexp(1.0, -24) * std::fabs(x);
        }
        double got = ops.c.data[ops.c.getOffset({i, j})].f;
        double tolerance = accError + outRoundoff * std::fabs(expected) +
                           1e-30; // an exact zero must come out as zero
        if (!(std::fabs(got - expected) <= tolerance) && failures++ < 5)
          ADD_FAILURE() << gc.name << " " << str(s) << ": C[" << i << ", "
                        << j << "] = " << got << ", expected " << expected
                        << " within " << tolerance;
      }
    }
    EXPECT_EQ(failures, 0) << gc.name << " " << str(s)
                           << ": elements out of tolerance";
  }

  /// Runs `gc` on each shape, before and after `pipelines`.
  void runCase(const GemmCase &gc, llvm::ArrayRef<GemmShape> shapes,
               llvm::ArrayRef<const char *> pipelines) {
    OwningOpRef<ModuleOp> module = parseExample(gc.file);
    ASSERT_TRUE(module);
    llvm::SmallVector<OwningOpRef<ModuleOp>> variants;
    for (const char *pipeline : pipelines) {
      variants.push_back(transformed(*module, pipeline));
      ASSERT_TRUE(variants.back());
    }
    tile::KernelOp plain = kernel(*module, gc.name);
    ASSERT_TRUE(plain);
    for (const GemmShape &s : shapes) {
      SCOPED_TRACE(str(s));
      Operands ops = makeOperands(plain, gc, s);
      llvm::SmallVector<KernelArg> args = ops.args();
      ASSERT_TRUE(run(plain, args));
      checkAgainstReference(gc, s, ops);

      for (auto [pipeline, variant] : llvm::zip(pipelines, variants)) {
        SCOPED_TRACE(pipeline);
        tile::KernelOp specialized = kernel(*variant, gc.name);
        ASSERT_TRUE(specialized);
        HostTensor c = poisoned(ops.c.elementType, ops.c.shape);
        llvm::SmallVector<KernelArg> again = ops.args();
        again.back() = KernelArg::ofTensor(c);
        ASSERT_TRUE(run(specialized, again));
        int64_t differences = 0;
        for (size_t e = 0; e < c.data.size(); ++e)
          if (c.data[e].f != ops.c.data[e].f && differences++ < 5)
            ADD_FAILURE() << "element " << e << ": " << c.data[e].f
                          << " after the passes, " << ops.c.data[e].f
                          << " before";
        EXPECT_EQ(differences, 0);
      }
    }
  }
};

// Both partitioned forms: the value-level one, and the pipelined one with
// its mbarrier protocol (default depth, overlapped MMA).
constexpr const char *kWarpSpecialized =
    "builtin.module(tile-warp-specialize)";
constexpr const char *kPipelined =
    "builtin.module(tile-warp-specialize,aref-pipeline)";

// 1x8x8 is far below one tile; 127x136x72 is not a multiple of it in any
// dimension; 129x264x200 spills into a second tile row and column and runs
// four K steps; 5x7x0 has an empty K, so C is all zeros.
const GemmShape kGemmShapes[] = {
    {1, 8, 8}, {127, 136, 72}, {129, 264, 200}, {5, 7, 0}};

TEST_F(GemmExamplesTest, Bf16NT) {
  runCase({"gemm.mlir", "gemm_bf16_nt", true, false}, kGemmShapes,
          {kWarpSpecialized, kPipelined});
}

TEST_F(GemmExamplesTest, F16NN) {
  runCase({"gemm.mlir", "gemm_f16_nn", false, false}, kGemmShapes,
          {kWarpSpecialized, kPipelined});
}

TEST_F(GemmExamplesTest, E4M3NT) {
  runCase({"gemm.mlir", "gemm_e4m3_nt", true, false},
          {{1, 16, 16}, {127, 136, 200}, {3, 5, 0}}, {kPipelined});
}

TEST_F(GemmExamplesTest, BiasSilu) {
  runCase({"gemm-epilogue.mlir", "gemm_bias_silu", true, true},
          {{1, 8, 8}, {127, 264, 136}, {4, 8, 0}}, {kPipelined});
}

//===----------------------------------------------------------------------===//
// Element-wise examples
//===----------------------------------------------------------------------===//

TEST_F(ExamplesTest, Axpy) {
  OwningOpRef<ModuleOp> module = parseExample("axpy.mlir");
  ASSERT_TRUE(module);
  tile::KernelOp k = kernel(*module, "axpy");
  ASSERT_TRUE(k);
  Type f32 = elementType(k, 0);
  // One partial tile, just under and just over one tile, and empty.
  for (int64_t n : {int64_t(1), int64_t(2047), int64_t(2049), int64_t(5000),
                    int64_t(0)}) {
    SCOPED_TRACE(n);
    HostTensor x = random(f32, {n});
    HostTensor y = random(f32, {n});
    HostTensor y0 = y;
    double alpha = -1.75;
    ASSERT_TRUE(run(k, {KernelArg::ofTensor(x), KernelArg::ofTensor(y),
                        KernelArg::ofScalar(Element::ofFloat(alpha))}));
    int64_t failures = 0;
    for (int64_t i = 0; i < n; ++i) {
      double ax = alpha * x.data[i].f;
      double expected = ax + y0.data[i].f;
      // Two f32 roundings: the product, then the sum.
      double tolerance =
          std::ldexp(1.0, -24) * (std::fabs(ax) + std::fabs(expected)) * 1.01;
      if (!(std::fabs(y.data[i].f - expected) <= tolerance) && failures++ < 5)
        ADD_FAILURE() << "y[" << i << "] = " << y.data[i].f << ", expected "
                      << expected;
    }
    EXPECT_EQ(failures, 0);
  }
}

TEST_F(ExamplesTest, ScaleToBf16) {
  OwningOpRef<ModuleOp> module = parseExample("scale-rows.mlir");
  ASSERT_TRUE(module);
  tile::KernelOp k = kernel(*module, "scale_to_bf16");
  ASSERT_TRUE(k);
  Type f32 = elementType(k, 0), bf16 = elementType(k, 1);
  struct Shape {
    int64_t rows, cols;
  };
  for (Shape s : {Shape{1, 1}, Shape{65, 129}, Shape{130, 300}, Shape{0, 7}}) {
    SCOPED_TRACE(std::to_string(s.rows) + "x" + std::to_string(s.cols));
    HostTensor x = random(f32, {s.rows, s.cols}, -100, 100);
    HostTensor out = poisoned(bf16, {s.rows, s.cols});
    float scale = 0.3f;
    ASSERT_TRUE(run(k, {KernelArg::ofTensor(x), KernelArg::ofTensor(out),
                        KernelArg::ofScalar(Element::ofFloat(scale))}));
    int64_t failures = 0;
    for (size_t i = 0; i < x.data.size(); ++i) {
      // An f32 product, then one rounding to bf16: exact, no tolerance.
      float product = scale * static_cast<float>(x.data[i].f);
      double expected = roundToFloat(cast<FloatType>(bf16), product);
      if (out.data[i].f != expected && failures++ < 5)
        ADD_FAILURE() << "out[" << i << "] = " << out.data[i].f
                      << ", expected " << expected;
    }
    EXPECT_EQ(failures, 0);
  }
}

} // namespace
