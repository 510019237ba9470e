//===- gemm-check.cpp - check and time Kiln GEMMs on a Hopper GPU ---------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Loads GEMM kernels that kilnc compiled (<dir>/<name>.cubin and .json,
// given as --kernel <dir>/<name>) through Kiln's runtime and, for each shape
// M x N x K, with one set of inputs shared by all of them:
//   --check   fills A and B with random values (never zeros), poisons C with
//             NaN, runs the kernel, and compares every element of C with
//             cuBLAS in f32 (pedantic: no TF32) on the same values;
//   --bench   times the kernel and cuBLAS (same dtypes, f32 accumulation)
//             with CUDA events: warm-up, then the median of the repetitions,
//             each after a 256 MB write that empties the L2;
//             with several kernels (variants of one GEMM), also prints the
//             one a generated launcher would choose (kiln_kernel_choose).
// A is M x K row-major; B is N x K (--layout nt) or K x N (--layout nn)
// row-major; C is M x N row-major. Element types come from the metadata.
// With --epilogue bias-silu the kernel takes a bias (N, f32) before C and
// computes C = silu(A B + bias); with --epilogue scale-bias-gelu it takes a
// scale (M, f32) and a bias (N, f16) before C and computes
// C = gelu(scale * A B + bias), GELU's tanh approximation
// (test/Interpreter/Inputs/gemm-gelu.mlir).
//
// Exit status: 0 all checks passed, 1 a check failed, 2 a usage or CUDA
// error.
//
//===----------------------------------------------------------------------===//

#include "GpuCheck.h"
#include "kiln/runtime/kiln.hpp"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

const char *const kiln::check::kCheckProgram = "gemm-check";

namespace {

using namespace kiln::check;

#define CHECK_CUBLAS(call)                                                     \
  do {                                                                         \
    cublasStatus_t st_ = (call);                                               \
    if (st_ != CUBLAS_STATUS_SUCCESS) {                                        \
      std::fprintf(stderr, "%s: %s failed: %d (%s:%d)\n", kCheckProgram,       \
                   #call, int(st_), __FILE__, __LINE__);                       \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)

struct Options {
  /// Kernels as <dir>/<name>: <dir>/<name>.cubin and .json.
  std::vector<std::string> kernels;
  bool nt = true;
  bool check = false;
  int benchReps = 0;
  int warmup = 5;
  enum class Epilogue { None, BiasSilu, ScaleBiasGelu };
  Epilogue epilogue = Epilogue::None;
  std::vector<std::string> shapes;
  /// Seconds a launch may take before the program reports a hang.
  int watchdog = 30;
  /// Load the kernels and read the shapes, then stop: the GPU script's
  /// command lines checked on a machine without a GPU.
  bool dryRun = false;
};

struct Shape {
  int64_t m, n, k;
  std::string text() const {
    return std::to_string(m) + "x" + std::to_string(n) + "x" +
           std::to_string(k);
  }
};

/// Uniform floats in [-1, 1): splitmix64, fast enough to fill the largest
/// benchmark operands in a fraction of a second.
struct Random {
  uint64_t state;
  explicit Random(uint64_t seed) : state(seed) {}
  float next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return float(int64_t(z >> 40) - (1 << 23)) * 0x1p-23f;
  }
};

/// One element type of the kernel: its size and conversions.
struct DType {
  kiln_dtype id;
  size_t bytes;
  cudaDataType_t cuda;

  void store(void *dst, size_t i, float v) const {
    if (bytes == 4)
      static_cast<float *>(dst)[i] = v;
    else
      static_cast<uint16_t *>(dst)[i] =
          id == KILN_DTYPE_BF16 ? toBF16(v) : toF16(v);
  }
  float load(const void *src, size_t i) const {
    if (bytes == 4)
      return static_cast<const float *>(src)[i];
    uint16_t h = static_cast<const uint16_t *>(src)[i];
    return id == KILN_DTYPE_BF16 ? fromBF16(h) : fromF16(h);
  }
  /// Relative rounding of one element of this type.
  double epsilon() const {
    return id == KILN_DTYPE_BF16 ? 0x1p-8 : id == KILN_DTYPE_F16 ? 0x1p-11
                                                                 : 0x1p-23;
  }
};

bool dtypeFrom(const std::string &name, DType &out) {
  kiln_dtype id = kiln_dtype_from_name(name.c_str());
  switch (id) {
  case KILN_DTYPE_BF16:
    out = {id, 2, CUDA_R_16BF};
    return true;
  case KILN_DTYPE_F16:
    out = {id, 2, CUDA_R_16F};
    return true;
  case KILN_DTYPE_F32:
    out = {id, 4, CUDA_R_32F};
    return true;
  default:
    return false;
  }
}

//===----------------------------------------------------------------------===//
// The kernel
//===----------------------------------------------------------------------===//

struct Gemm {
  std::string path;
  kiln::Metadata meta;
  kiln::Module module;
  kiln::Kernel kernel;
  DType in, out;
};

bool loadGemm(const Options &o, const std::string &path, Gemm &g) {
  g.path = path;
  bool ok;
  std::string json = readFile(path + ".json", ok);
  if (!ok) {
    std::fprintf(stderr, "gemm-check: cannot read %s.json\n", path.c_str());
    return false;
  }
  std::string cubin = readFile(path + ".cubin", ok);
  if (!ok) {
    std::fprintf(stderr, "gemm-check: cannot read %s.cubin\n", path.c_str());
    return false;
  }
  kiln::Status s = g.meta.parse(json);
  if (s)
    s = g.module.load(cubin.data(), cubin.size());
  if (s)
    s = g.kernel.create(g.module, g.meta.desc());
  if (!s) {
    std::fprintf(stderr, "gemm-check: %s\n", s.message().c_str());
    return false;
  }
  const kiln_kernel_desc &d = g.meta.desc();
  size_t outParam = o.epilogue == Options::Epilogue::BiasSilu        ? 3
                    : o.epilogue == Options::Epilogue::ScaleBiasGelu ? 4
                                                                     : 2;
  if (d.num_params != outParam + 1 ||
      !dtypeFrom(kiln_dtype_name(d.params[0].dtype), g.in) ||
      !dtypeFrom(kiln_dtype_name(d.params[outParam].dtype), g.out)) {
    std::fprintf(stderr, "gemm-check: %s is not a GEMM this check knows\n",
                 path.c_str());
    return false;
  }
  return true;
}

struct Buffers {
  void *a = nullptr, *b = nullptr, *c = nullptr, *bias = nullptr,
       *scale = nullptr;
  ~Buffers() {
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
    cudaFree(bias);
    cudaFree(scale);
  }
};

std::vector<kiln_arg> gemmArgs(const Options &o, const Gemm &g,
                               const Buffers &buf, Shape s) {
  std::vector<kiln_arg> args;
  args.push_back(kiln::arg(
      kiln::Tensor::rowMajor(buf.a, g.in.id, {s.m, s.k})));
  args.push_back(kiln::arg(
      o.nt ? kiln::Tensor::rowMajor(buf.b, g.in.id, {s.n, s.k})
           : kiln::Tensor::rowMajor(buf.b, g.in.id, {s.k, s.n})));
  if (o.epilogue == Options::Epilogue::BiasSilu)
    args.push_back(
        kiln::arg(kiln::Tensor::rowMajor(buf.bias, KILN_DTYPE_F32, {s.n})));
  if (o.epilogue == Options::Epilogue::ScaleBiasGelu) {
    args.push_back(
        kiln::arg(kiln::Tensor::rowMajor(buf.scale, KILN_DTYPE_F32, {s.m})));
    args.push_back(
        kiln::arg(kiln::Tensor::rowMajor(buf.bias, KILN_DTYPE_F16, {s.n})));
  }
  args.push_back(kiln::arg(
      kiln::Tensor::rowMajor(buf.c, g.out.id, {s.m, s.n})));
  return args;
}

bool launch(const Gemm &g, const std::vector<kiln_arg> &args,
            cudaStream_t stream) {
  kiln::Status s = kiln::Status::fromLast(kiln_kernel_launch(
      g.kernel.get(), args.data(), args.size(), stream));
  if (!s) {
    std::fprintf(stderr, "gemm-check: launch failed: %s\n",
                 s.message().c_str());
    return false;
  }
  return true;
}

/// C (row-major M x N) = A (row-major M x K) x B through cuBLAS, which is
/// column-major: C^T = B^T A^T.
void cublasGemm(cublasHandle_t h, const Options &o, Shape s, const void *a,
                const void *b, void *c, cudaDataType_t in, cudaDataType_t out,
                cublasComputeType_t compute) {
  float one = 1.0f, zero = 0.0f;
  CHECK_CUBLAS(cublasGemmEx(h, o.nt ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N,
                            int(s.n), int(s.m), int(s.k), &one, b, in,
                            o.nt ? int(s.k) : int(s.n), a, in, int(s.k), &zero,
                            c, out, int(s.n), compute, CUBLAS_GEMM_DEFAULT));
}

//===----------------------------------------------------------------------===//
// Check and bench
//===----------------------------------------------------------------------===//

/// A shape's inputs, made once and shared by every kernel and cuBLAS.
struct Inputs {
  Buffers buf;
  /// The bias as the kernel reads it (f32, or f16 values for
  /// scale-bias-gelu), and the scale.
  std::vector<float> a32, b32, bias, scale;
};

void makeInputs(const Options &o, const DType &in, Shape s, Random &rng,
                Inputs &x) {
  size_t na = s.m * s.k, nb = s.n * s.k;
  std::vector<char> ha(na * in.bytes), hb(nb * in.bytes);
  x.a32.resize(na);
  x.b32.resize(nb);
  x.bias.resize(s.n);
  for (size_t i = 0; i < na; ++i) {
    in.store(ha.data(), i, rng.next());
    x.a32[i] = in.load(ha.data(), i);
  }
  for (size_t i = 0; i < nb; ++i) {
    in.store(hb.data(), i, rng.next());
    x.b32[i] = in.load(hb.data(), i);
  }
  for (float &v : x.bias)
    v = rng.next();
  // scale-bias-gelu: scales in [0.5, 1.5), and the bias in f16.
  bool gelu = o.epilogue == Options::Epilogue::ScaleBiasGelu;
  std::vector<uint16_t> bias16(s.n);
  if (gelu) {
    x.scale.resize(s.m);
    for (float &v : x.scale)
      v = 1.0f + 0.5f * rng.next();
    for (int64_t j = 0; j < s.n; ++j) {
      bias16[j] = toF16(x.bias[j]);
      x.bias[j] = fromF16(bias16[j]);
    }
    CHECK_CUDA(cudaMalloc(&x.buf.scale, s.m * 4));
    CHECK_CUDA(cudaMemcpy(x.buf.scale, x.scale.data(), s.m * 4,
                          cudaMemcpyHostToDevice));
  }
  CHECK_CUDA(cudaMalloc(&x.buf.a, ha.size()));
  CHECK_CUDA(cudaMalloc(&x.buf.b, hb.size()));
  CHECK_CUDA(cudaMalloc(&x.buf.bias, s.n * 4));
  CHECK_CUDA(cudaMemcpy(x.buf.a, ha.data(), ha.size(), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(x.buf.b, hb.data(), hb.size(), cudaMemcpyHostToDevice));
  if (gelu)
    CHECK_CUDA(
        cudaMemcpy(x.buf.bias, bias16.data(), s.n * 2, cudaMemcpyHostToDevice));
  else
    CHECK_CUDA(
        cudaMemcpy(x.buf.bias, x.bias.data(), s.n * 4, cudaMemcpyHostToDevice));
}

/// C in f32 through cuBLAS without TF32, from the same (rounded) inputs;
/// with the epilogue applied in double.
std::vector<float> reference(const Options &o, cublasHandle_t h, Shape s,
                             const Inputs &x) {
  size_t nc = s.m * s.n;
  void *a32, *b32, *c32;
  CHECK_CUDA(cudaMalloc(&a32, x.a32.size() * 4));
  CHECK_CUDA(cudaMalloc(&b32, x.b32.size() * 4));
  CHECK_CUDA(cudaMalloc(&c32, nc * 4));
  CHECK_CUDA(cudaMemcpy(a32, x.a32.data(), x.a32.size() * 4,
                        cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(b32, x.b32.data(), x.b32.size() * 4,
                        cudaMemcpyHostToDevice));
  CHECK_CUBLAS(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH));
  cublasGemm(h, o, s, a32, b32, c32, CUDA_R_32F, CUDA_R_32F,
             CUBLAS_COMPUTE_32F_PEDANTIC);
  CHECK_CUBLAS(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));
  std::vector<float> ref(nc);
  CHECK_CUDA(cudaMemcpy(ref.data(), c32, nc * 4, cudaMemcpyDeviceToHost));
  cudaFree(a32);
  cudaFree(b32);
  cudaFree(c32);
  if (o.epilogue == Options::Epilogue::BiasSilu)
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) {
        double v = double(ref[i * s.n + j]) + x.bias[j];
        ref[i * s.n + j] = float(v / (1.0 + std::exp(-v)));
      }
  if (o.epilogue == Options::Epilogue::ScaleBiasGelu)
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) {
        double v = double(ref[i * s.n + j]) * x.scale[i] + x.bias[j];
        double t = v + 0.044715 * v * v * v;
        ref[i * s.n + j] = float(v / (1.0 + std::exp(-1.5957691216 * t)));
      }
  return ref;
}

/// Where the wrong elements of C lie, so that a failure can be debugged
/// from its log after the GPU is gone: how many were never written (still
/// the NaN poison) or are zero, the rows and columns they span, how many
/// 64 x 16 blocks of C (a consumer warp group's rows, an epilogue chunk's
/// columns) hold one, and the first few.
struct Mismatches {
  static constexpr int64_t kBlockRows = 64, kBlockCols = 16;
  Shape shape;
  size_t count = 0, nan = 0, zero = 0, blocksHit = 0;
  int64_t rowLo = 0, rowHi = 0, colLo = 0, colHi = 0;
  std::vector<bool> blocks;
  struct Example {
    int64_t row, col;
    double got, want;
  };
  std::vector<Example> first;

  explicit Mismatches(Shape s) : shape(s) {}
  int64_t blockCols() const { return (shape.n + kBlockCols - 1) / kBlockCols; }
  int64_t numBlocks() const {
    return (shape.m + kBlockRows - 1) / kBlockRows * blockCols();
  }
  void add(size_t i, double got, double want) {
    int64_t row = int64_t(i) / shape.n, col = int64_t(i) % shape.n;
    if (!count) {
      rowLo = rowHi = row;
      colLo = colHi = col;
      blocks.assign(numBlocks(), false);
    }
    rowLo = std::min(rowLo, row);
    rowHi = std::max(rowHi, row);
    colLo = std::min(colLo, col);
    colHi = std::max(colHi, col);
    ++count;
    nan += std::isnan(got);
    zero += got == 0;
    size_t block = row / kBlockRows * blockCols() + col / kBlockCols;
    if (!blocks[block]) {
      blocks[block] = true;
      ++blocksHit;
    }
    if (first.size() < 4)
      first.push_back({row, col, got, want});
  }
  void print() const {
    std::printf("  wrong: %zu NaN (not written), %zu zero; rows %ld..%ld, "
                "columns %ld..%ld; in %zu of %ld blocks of 64x16\n",
                nan, zero, long(rowLo), long(rowHi), long(colLo), long(colHi),
                blocksHit, long(numBlocks()));
    for (const Example &e : first)
      std::printf("  C[%ld][%ld] = %g, expected %g\n", long(e.row), long(e.col),
                  e.got, e.want);
  }
};

bool checkKernel(const Options &o, const Gemm &g, Shape s, Inputs &x,
                 const std::vector<float> &ref) {
  size_t nc = s.m * s.n;
  CHECK_CUDA(cudaMalloc(&x.buf.c, nc * g.out.bytes));
  // Poison: all-ones bits are NaN in every float type, so an element the
  // kernel does not write fails the check.
  CHECK_CUDA(cudaMemset(x.buf.c, 0xff, nc * g.out.bytes));
  std::vector<kiln_arg> args = gemmArgs(o, g, x.buf, s);
  bool launched = launch(g, args, nullptr);
  finish(o.watchdog, "check " + g.path + " " + s.text());
  std::vector<char> hc(nc * g.out.bytes);
  CHECK_CUDA(cudaMemcpy(hc.data(), x.buf.c, hc.size(), cudaMemcpyDeviceToHost));
  cudaFree(x.buf.c);
  x.buf.c = nullptr;
  if (!launched)
    return false;

  // Every element within the output type's rounding plus what a different
  // f32 summation order over K can cost.
  double sumSq = 0;
  for (float r : ref)
    sumSq += double(r) * r;
  double rms = nc ? std::sqrt(sumSq / nc) : 0;
  double rtol =
      2 * g.out.epsilon() + (o.epilogue != Options::Epilogue::None ? 1e-5 : 0);
  double atol = (4e-6 * std::sqrt(double(s.k)) + 1e-6) * std::max(rms, 1.0);
  Mismatches wrong(s);
  double maxErr = 0, errSq = 0;
  for (size_t i = 0; i < nc; ++i) {
    double got = g.out.load(hc.data(), i), want = ref[i];
    double err = std::fabs(got - want);
    if (!(err <= rtol * std::fabs(want) + atol))
      wrong.add(i, got, want);
    if (std::isfinite(err)) {
      maxErr = std::max(maxErr, err);
      errSq += err * err;
    }
  }
  double relNorm = sumSq > 0 ? std::sqrt(errSq / sumSq) : 0;
  if (wrong.count) {
    std::printf("FAIL check %s %ldx%ldx%ld: %zu of %zu elements wrong "
                "(relative norm error %.2e)\n",
                g.path.c_str(), long(s.m), long(s.n), long(s.k), wrong.count,
                nc, relNorm);
    wrong.print();
    return false;
  }
  std::printf("ok check %s %ldx%ldx%ld: %zu elements, max error %.3g, "
              "relative norm error %.2e\n",
              g.path.c_str(), long(s.m), long(s.n), long(s.k), nc, maxErr,
              relNorm);
  return true;
}

template <typename Fn>
double medianMs(const Options &o, const std::string &what, L2Flush &flush,
                Fn run) {
  return timeMedianMs(o.warmup, o.benchReps, o.watchdog, what, flush, run);
}

bool benchKernel(const Options &o, const Gemm &g, cublasHandle_t h,
                 L2Flush &flush, Shape s, Inputs &x) {
  size_t nc = s.m * s.n;
  CHECK_CUDA(cudaMalloc(&x.buf.c, nc * g.out.bytes));
  std::vector<kiln_arg> args = gemmArgs(o, g, x.buf, s);
  bool ok = true;
  double kiln = medianMs(o, "bench " + g.path + " " + s.text(), flush,
                         [&] { ok = ok && launch(g, args, nullptr); });
  double cublas = medianMs(o, "bench cuBLAS " + s.text(), flush, [&] {
    cublasGemm(h, o, s, x.buf.a, x.buf.b, x.buf.c, g.in.cuda, g.out.cuda,
               CUBLAS_COMPUTE_32F);
  });
  cudaFree(x.buf.c);
  x.buf.c = nullptr;
  if (!ok)
    return false;
  double flops = 2.0 * s.m * s.n * s.k;
  double kilnT = flops / (kiln * 1e9), cublasT = flops / (cublas * 1e9);
  std::printf("bench %s %ldx%ldx%ld kiln %.1f TFLOP/s (%.4f ms) cublas %.1f "
              "TFLOP/s (%.4f ms) ratio %.3f\n",
              g.path.c_str(), long(s.m), long(s.n), long(s.k), kilnT, kiln,
              cublasT, cublas, kilnT / cublasT);
  return true;
}

/// Which of the kernels, variants of one GEMM, a generated launcher would
/// run on this shape and device (kiln_kernel_choose), as
/// "choose <dir>/<name> <shape> on <n> SMs".
bool printChoice(const Options &o, const std::vector<Gemm> &gemms, Shape s,
                 Inputs &x) {
  uint32_t sms = 0;
  kiln::Status st = kiln::deviceSmCount(sms);
  if (!st) {
    std::fprintf(stderr, "gemm-check: %s\n", st.message().c_str());
    return false;
  }
  CHECK_CUDA(cudaMalloc(&x.buf.c, size_t(s.m * s.n) * gemms[0].out.bytes));
  std::vector<kiln_arg> args = gemmArgs(o, gemms[0], x.buf, s);
  std::vector<const kiln::Kernel *> kernels;
  for (const Gemm &g : gemms)
    kernels.push_back(&g.kernel);
  size_t chosen = 0;
  st = kiln::chooseVariant(kernels, args, sms, chosen);
  cudaFree(x.buf.c);
  x.buf.c = nullptr;
  if (!st) {
    std::fprintf(stderr, "gemm-check: choosing a variant: %s\n",
                 st.message().c_str());
    return false;
  }
  std::printf("choose %s %ldx%ldx%ld on %u SMs\n", gemms[chosen].path.c_str(),
              long(s.m), long(s.n), long(s.k), sms);
  return true;
}

/// --dry-run: each kernel's launcher checks of the arguments the real run
/// would pass (dtypes, ranks, which extents must agree: an nn kernel given
/// nt operands fails here), on made-up device addresses; nothing touches
/// CUDA.
int dryRun(const Options &o, const std::vector<Gemm> &gemms,
           const std::vector<Shape> &shapes) {
  Buffers fake;
  void **slots[] = {&fake.a, &fake.b, &fake.c, &fake.bias, &fake.scale};
  for (size_t i = 0; i < std::size(slots); ++i)
    *slots[i] = reinterpret_cast<void *>(uintptr_t(0x7f0000000000) +
                                         (uintptr_t(i) << 36));
  bool ok = true;
  for (Shape s : shapes)
    for (const Gemm &g : gemms) {
      kiln::Status st = g.kernel.validate(gemmArgs(o, g, fake, s));
      if (!st) {
        std::printf("FAIL dry-run %s %s: %s\n", g.path.c_str(),
                    s.text().c_str(), st.message().c_str());
        ok = false;
      }
    }
  // The made-up addresses are not the program's to free.
  for (void **slot : slots)
    *slot = nullptr;
  if (ok)
    std::printf("ok dry-run: %zu kernels x %zu shapes\n", gemms.size(),
                shapes.size());
  return ok ? 0 : 1;
}

int usage() {
  std::fprintf(stderr,
               "usage: gemm-check --kernel DIR/NAME [--kernel DIR/NAME...]\n"
               "                  --layout nt|nn [--check] [--bench REPS]\n"
               "                  [--warmup N] [--watchdog SECONDS] "
               "[--dry-run]\n"
               "                  [--epilogue bias-silu|scale-bias-gelu] "
               "MxNxK...\n"
               "All kernels take the same input type and B layout.\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  // Line by line: when the script's time limit kills a run, the lines of
  // the checks that finished must already be in its log.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      return i + 1 < argc ? argv[++i] : std::string();
    };
    if (a == "--kernel")
      o.kernels.push_back(next());
    else if (a == "--layout")
      o.nt = next() == "nt";
    else if (a == "--check")
      o.check = true;
    else if (a == "--bench")
      o.benchReps = std::atoi(next().c_str());
    else if (a == "--warmup")
      o.warmup = std::atoi(next().c_str());
    else if (a == "--watchdog")
      o.watchdog = std::atoi(next().c_str());
    else if (a == "--dry-run")
      o.dryRun = true;
    else if (a == "--epilogue") {
      std::string e = next();
      if (e == "bias-silu")
        o.epilogue = Options::Epilogue::BiasSilu;
      else if (e == "scale-bias-gelu")
        o.epilogue = Options::Epilogue::ScaleBiasGelu;
      else
        return usage();
    } else if (!a.empty() && a[0] != '-')
      o.shapes.push_back(a);
    else
      return usage();
  }
  if (o.kernels.empty() || o.shapes.empty() || (!o.check && o.benchReps <= 0) ||
      o.watchdog <= 0)
    return usage();

  std::vector<Gemm> gemms(o.kernels.size());
  for (size_t i = 0; i < o.kernels.size(); ++i) {
    if (!loadGemm(o, o.kernels[i], gemms[i]))
      return 2;
    if (gemms[i].in.id != gemms[0].in.id) {
      std::fprintf(stderr, "gemm-check: %s and %s take different inputs\n",
                   o.kernels[0].c_str(), o.kernels[i].c_str());
      return 2;
    }
  }
  std::vector<Shape> shapes;
  for (const std::string &text : o.shapes) {
    Shape s;
    if (std::sscanf(text.c_str(), "%ldx%ldx%ld", &s.m, &s.n, &s.k) != 3 ||
        s.m < 1 || s.n < 1 || s.k < 1) {
      std::fprintf(stderr, "gemm-check: bad shape '%s'\n", text.c_str());
      return 2;
    }
    shapes.push_back(s);
  }
  if (o.dryRun)
    return dryRun(o, gemms, shapes);

  cublasHandle_t handle;
  CHECK_CUBLAS(cublasCreate(&handle));
  Random rng(20261127);
  std::unique_ptr<L2Flush> flush;
  bool ok = true;
  for (Shape s : shapes) {
    Inputs x;
    makeInputs(o, gemms[0].in, s, rng, x);
    if (o.check) {
      std::vector<float> ref = reference(o, handle, s, x);
      for (const Gemm &g : gemms)
        ok = checkKernel(o, g, s, x, ref) && ok;
    }
    if (o.benchReps > 0) {
      if (!flush)
        flush = std::make_unique<L2Flush>();
      for (const Gemm &g : gemms)
        ok = benchKernel(o, g, handle, *flush, s, x) && ok;
      if (gemms.size() > 1)
        ok = printChoice(o, gemms, s, x) && ok;
    }
  }
  cublasDestroy(handle);
  return ok ? 0 : 1;
}
