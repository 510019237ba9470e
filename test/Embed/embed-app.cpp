//===- embed-app.cpp - an application that links a generated GEMM launcher ===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Built against an installed Kiln: kiln_add_kernels(embed-app gemm.mlir
// OPTIONS --variants=...) compiles examples/gemm.mlir with kilnc at build
// time, each kernel in four variants, and links the launchers of gemm.h.
// Calls gemm_bf16_nt: C (M x N) = A (M x K) B (N x K)^T, all bf16 and
// row-major; the launcher picks a variant per launch.
//
//   embed-app checks        the variants and which one each GEMM shape of
//                           the benchmark gets on a 132-SM GPU, and a C
//                           whose rows TMA cannot move; bad
//                           launches, each rejected with a message that
//                           names the argument and the rule. Needs no GPU
//                           (device addresses are made up: validation comes
//                           before any use of the driver)
//   embed-app run [MxNxK]...
//                           runs the GEMM on random inputs (C poisoned with
//                           NaN first), through the launcher's choice, then
//                           tuned (gemm_bf16_nt_tune times the variants,
//                           and the launcher then runs the fastest), then
//                           through every variant, and compares every
//                           element with a CPU reference; prints "ok".
//                           Without a GPU, prints the runtime's error and
//                           exits with 77.
//
// Exit status: 0 success, 1 a check failed, 2 a usage or CUDA error,
// 77 skipped: no GPU.
//
//===----------------------------------------------------------------------===//

#include "gemm.h"

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kSkipped = 77;

//===----------------------------------------------------------------------===//
// checks
//===----------------------------------------------------------------------===//

/// A device address that is never dereferenced: validation rejects every
/// launch it appears in. Aligned like cudaMalloc's.
void *fakeAddress(uintptr_t index) {
  return reinterpret_cast<void *>(uintptr_t(0x7f0000000000) +
                                  index * 0x10000000);
}

kiln_tensor matrix(void *data, kiln_dtype dtype, int64_t rows, int64_t cols) {
  return kiln::Tensor::rowMajor(data, dtype, {rows, cols});
}

/// Launches gemm_bf16_nt with arguments that break one rule and prints what
/// the launcher returns; true if it rejected them as invalid.
bool expectRejected(const char *what, const kiln_tensor &a,
                    const kiln_tensor &b, const kiln_tensor &c) {
  kiln::Status s = kiln::kernels::gemm_bf16_nt(a, b, c);
  std::printf("%s: %s: %s\n", what, kiln_status_string(s.code()),
              s.message().c_str());
  return s.code() == KILN_ERROR_INVALID_ARGUMENT;
}

/// The variants, and the one the launcher would choose for each benchmark
/// shape on a GPU of 132 SMs (an H100 SXM or H200), and for a C whose rows
/// of 200 bytes TMA cannot store (only the variant that stores C from
/// registers takes it).
bool printChoices() {
  size_t count = kiln_gemm_bf16_nt_num_variants();
  std::printf("variants:");
  std::vector<kiln::Kernel> kernels(count);
  std::vector<const kiln::Kernel *> pointers;
  for (size_t i = 0; i < count; ++i) {
    std::printf(" %s", kiln_gemm_bf16_nt_variant_name(i));
    // Kernels without a module: enough to validate and to choose.
    if (!kernels[i].create(kiln::Module(), *kiln_gemm_bf16_nt_variant_desc(i)))
      return false;
    pointers.push_back(&kernels[i]);
  }
  std::printf("\n");
  const int64_t shapes[][3] = {{4096, 4096, 4096},  {8192, 8192, 8192},
                               {4096, 14336, 4096}, {4096, 4096, 14336},
                               {512, 4096, 4096},   {16384, 1024, 8192},
                               {2048, 2048, 2048},  {8192, 8192, 1024}};
  auto choose = [&](const int64_t s[3], const char *what) {
    kiln_tensor a = matrix(fakeAddress(1), KILN_DTYPE_BF16, s[0], s[2]);
    kiln_tensor b = matrix(fakeAddress(2), KILN_DTYPE_BF16, s[1], s[2]);
    kiln_tensor c = matrix(fakeAddress(3), KILN_DTYPE_BF16, s[0], s[1]);
    kiln_arg args[] = {kiln::arg(a), kiln::arg(b), kiln::arg(c)};
    size_t chosen = 0;
    kiln::Status st = kiln::chooseVariant(pointers, args, 132, chosen);
    if (!st) {
      std::printf("choice: %s\n", st.message().c_str());
      return false;
    }
    std::printf("%lldx%lldx%lld%s on 132 SMs: %s\n", (long long)s[0],
                (long long)s[1], (long long)s[2], what,
                kiln_gemm_bf16_nt_variant_name(chosen));
    return true;
  };
  for (const auto &s : shapes)
    if (!choose(s, ""))
      return false;
  const int64_t narrow[3] = {4096, 100, 4096};
  return choose(narrow, " (C rows of 200 bytes)");
}

int runChecks() {
  const int64_t m = 256, n = 512, k = 128;
  kiln_tensor a = matrix(fakeAddress(1), KILN_DTYPE_BF16, m, k);
  kiln_tensor b = matrix(fakeAddress(2), KILN_DTYPE_BF16, n, k);
  kiln_tensor c = matrix(fakeAddress(3), KILN_DTYPE_BF16, m, n);
  bool ok = printChoices();

  kiln_tensor nullA = a;
  nullA.data = nullptr;
  ok &= expectRejected("null pointer", nullA, b, c);

  kiln_tensor f16B = b;
  f16B.dtype = KILN_DTYPE_F16;
  ok &= expectRejected("wrong dtype", a, f16B, c);

  // K = 100 bf16 elements: rows of 200 bytes, not a multiple of 16.
  ok &= expectRejected("misaligned pitch",
                       matrix(fakeAddress(1), KILN_DTYPE_BF16, m, 100),
                       matrix(fakeAddress(2), KILN_DTYPE_BF16, n, 100), c);

  // B's K differs from A's. Launched only if the kernel's description ties
  // the two together: with made-up addresses, an accepted launch would run.
  const kiln_kernel_desc *desc = kiln_gemm_bf16_nt_variant_desc(0);
  if (!desc || desc->num_equal == 0) {
    std::printf("mismatched shapes: not tried: the description of "
                "gemm_bf16_nt has no \"equal\" extents\n");
    ok = false;
  } else {
    ok &= expectRejected("mismatched shapes", a,
                         matrix(fakeAddress(2), KILN_DTYPE_BF16, n, k / 2), c);
  }

  // C's rows 8 elements apart: threads would race on its elements.
  kiln_tensor overlapping = c;
  overlapping.strides[0] = 8;
  ok &= expectRejected("overlapping C", a, b, overlapping);

  // C written over A: the kernel would read what it wrote.
  kiln_tensor inPlace = c;
  inPlace.data = a.data;
  ok &= expectRejected("C over A", a, b, inPlace);

  size_t past = kiln_gemm_bf16_nt_num_variants();
  kiln::Status s = kiln::kernels::gemm_bf16_nt_variant(past, a, b, c);
  std::printf("variant %zu: %s: %s\n", past, kiln_status_string(s.code()),
              s.message().c_str());
  ok &= s.code() == KILN_ERROR_INVALID_VALUE;
  ok &= kiln_gemm_bf16_nt_variant_name(past) == nullptr &&
        kiln_gemm_bf16_nt_variant_desc(past) == nullptr;
  return ok ? 0 : 1;
}

//===----------------------------------------------------------------------===//
// run
//===----------------------------------------------------------------------===//

#define CHECK_CUDA(call)                                                       \
  do {                                                                         \
    cudaError_t err_ = (call);                                                 \
    if (err_ != cudaSuccess) {                                                 \
      std::fprintf(stderr, "embed-app: %s failed: %s\n", #call,                \
                   cudaGetErrorString(err_));                                  \
      return 2;                                                                \
    }                                                                          \
  } while (0)

uint16_t toBf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  bits += 0x7fff + ((bits >> 16) & 1); // round to nearest even
  return uint16_t(bits >> 16);
}

float fromBf16(uint16_t value) {
  uint32_t bits = uint32_t(value) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// Random multiples of 1/64 in [-1, 1], never 0: exact in bf16, and their
/// products add up exactly in f32 for the K used here.
struct Random {
  uint64_t state;
  uint16_t next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    int v = int((state >> 33) % 128) - 64; // -64 .. 63
    return toBf16(float(v >= 0 ? v + 1 : v) / 64.0f);
  }
};

struct Shape {
  int64_t m, n, k;
};

bool parseShape(const char *text, Shape &out) {
  long long m, n, k;
  char tail;
  if (std::sscanf(text, "%lldx%lldx%lld%c", &m, &n, &k, &tail) != 3 || m < 1 ||
      n < 1 || k < 0)
    return false;
  out = {m, n, k};
  return true;
}

/// How runShape launches.
constexpr long kChosen = -1, kTuned = -2;

/// Runs one GEMM, through the launcher's choice (kChosen), after tuning
/// (kTuned) or the given variant, and compares every element of C; 0 when
/// all match.
int runShape(const Shape &s, long variant, Random &random) {
  size_t sizeA = size_t(s.m * s.k), sizeB = size_t(s.n * s.k),
         sizeC = size_t(s.m * s.n);
  std::vector<uint16_t> a(sizeA), b(sizeB), c(sizeC, 0x7fc0); // NaN
  for (uint16_t &x : a)
    x = random.next();
  for (uint16_t &x : b)
    x = random.next();

  void *da = nullptr, *db = nullptr, *dc = nullptr;
  if (sizeA)
    CHECK_CUDA(cudaMalloc(&da, sizeA * 2));
  if (sizeB)
    CHECK_CUDA(cudaMalloc(&db, sizeB * 2));
  CHECK_CUDA(cudaMalloc(&dc, sizeC * 2));
  if (sizeA)
    CHECK_CUDA(cudaMemcpy(da, a.data(), sizeA * 2, cudaMemcpyHostToDevice));
  if (sizeB)
    CHECK_CUDA(cudaMemcpy(db, b.data(), sizeB * 2, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dc, c.data(), sizeC * 2, cudaMemcpyHostToDevice));

  kiln_tensor ta = matrix(da, KILN_DTYPE_BF16, s.m, s.k);
  kiln_tensor tb = matrix(db, KILN_DTYPE_BF16, s.n, s.k);
  kiln_tensor tc = matrix(dc, KILN_DTYPE_BF16, s.m, s.n);
  kiln::Status status;
  std::string how;
  if (variant == kTuned) {
    size_t tuned = 0, selected = 0;
    status = kiln::kernels::gemm_bf16_nt_tune(ta, tb, tc, nullptr, 3, tuned);
    how = "tuned";
    if (status)
      status = kiln::kernels::gemm_bf16_nt_select(ta, tb, tc, selected);
    if (status) {
      how += std::string(": ") + kiln_gemm_bf16_nt_variant_name(tuned);
      if (selected != tuned) {
        std::printf("%lldx%lldx%lld (%s): the launcher then selects %s\n",
                    (long long)s.m, (long long)s.n, (long long)s.k, how.c_str(),
                    kiln_gemm_bf16_nt_variant_name(selected));
        return 1;
      }
      // The timed launches wrote C: poison it again.
      CHECK_CUDA(cudaMemcpy(dc, c.data(), sizeC * 2, cudaMemcpyHostToDevice));
      status = kiln::kernels::gemm_bf16_nt(ta, tb, tc);
    }
  } else if (variant == kChosen) {
    how = "chosen";
    status = kiln::kernels::gemm_bf16_nt(ta, tb, tc);
  } else {
    how = kiln_gemm_bf16_nt_variant_name(size_t(variant));
    status = kiln::kernels::gemm_bf16_nt_variant(size_t(variant), ta, tb, tc);
  }
  if (!status) {
    std::printf("%lldx%lldx%lld (%s): %s: %s\n", (long long)s.m, (long long)s.n,
                (long long)s.k, how.c_str(), kiln_status_string(status.code()),
                status.message().c_str());
    return 1;
  }
  CHECK_CUDA(cudaDeviceSynchronize());
  CHECK_CUDA(cudaMemcpy(c.data(), dc, sizeC * 2, cudaMemcpyDeviceToHost));
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);

  size_t bad = 0;
  double worst = 0;
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t j = 0; j < s.n; ++j) {
      float want = 0;
      for (int64_t p = 0; p < s.k; ++p)
        want += fromBf16(a[i * s.k + p]) * fromBf16(b[j * s.k + p]);
      float got = fromBf16(c[i * s.n + j]);
      // The reference is exact, and so is f32 accumulation of these
      // inputs; C is rounded once to bf16 (half an ulp: 2^-8 relative).
      // Twice that, and a hair for the accumulation order.
      double error = std::fabs(double(got) - double(want));
      bool good = error <= std::ldexp(std::fabs(double(want)), -7) + 1e-5;
      if (!good && bad++ == 0)
        std::printf("  C[%lld, %lld] = %g, expected %g\n", (long long)i,
                    (long long)j, double(got), double(want));
      if (error > worst || std::isnan(error))
        worst = error;
    }
  }
  std::printf("%lldx%lldx%lld (%s): %zu of %zu elements wrong, max error %g\n",
              (long long)s.m, (long long)s.n, (long long)s.k, how.c_str(), bad,
              sizeC, worst);
  return bad == 0 ? 0 : 1;
}

int runGemms(int argc, char **argv) {
  std::vector<Shape> shapes;
  for (int i = 0; i < argc; ++i) {
    Shape s;
    if (!parseShape(argv[i], s)) {
      std::fprintf(stderr, "embed-app: bad shape '%s', expected MxNxK\n",
                   argv[i]);
      return 2;
    }
    shapes.push_back(s);
  }
  if (shapes.empty())
    shapes = {{1, 8, 8}, {127, 136, 72}, {256, 512, 1000}, {130, 264, 0}};

  // Where there is no GPU, the runtime says why, and so does a launch.
  kiln::Status s = kiln::init();
  if (!s) {
    std::printf("no GPU: %s: %s\n", kiln_status_string(s.code()),
                s.message().c_str());
    // The driver's absence is kept for the process: this launch cannot run.
    s = kiln::kernels::gemm_bf16_nt(
        matrix(fakeAddress(1), KILN_DTYPE_BF16, 128, 64),
        matrix(fakeAddress(2), KILN_DTYPE_BF16, 256, 64),
        matrix(fakeAddress(3), KILN_DTYPE_BF16, 128, 256));
    std::printf("launch: %s: %s\n", kiln_status_string(s.code()),
                s.message().c_str());
    std::printf("skipped: no GPU\n");
    return kSkipped;
  }
  CHECK_CUDA(cudaSetDevice(0));
  CHECK_CUDA(cudaFree(nullptr)); // the primary context, made current

  Random random{0x6b696c6eull};
  int failures = 0;
  // The model's choice first: tuning a shape changes what the launcher runs.
  std::vector<long> modes = {kChosen, kTuned};
  for (long v = 0; v < long(kiln_gemm_bf16_nt_num_variants()); ++v)
    modes.push_back(v);
  for (const Shape &shape : shapes)
    for (long variant : modes) {
      int r = runShape(shape, variant, random);
      if (r == 2)
        return 2;
      failures += r;
    }
  if (failures)
    return 1;
  std::printf("ok\n");
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  // Line by line: a run the GPU script's time limit kills keeps its lines.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc >= 2 && std::strcmp(argv[1], "checks") == 0 && argc == 2)
    return runChecks();
  if (argc >= 2 && std::strcmp(argv[1], "run") == 0)
    return runGemms(argc - 2, argv + 2);
  std::fprintf(stderr, "usage: embed-app checks | run [MxNxK]...\n");
  return 2;
}
