//===- attention-check.cpp - check Kiln's attention kernel on a GPU -------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Loads an attention kernel kilnc compiled (<dir>/attention_fwd.cubin and
// .json, given as --kernel <dir>/attention_fwd) through Kiln's runtime: one
// head of Sq x D matrices (test/Interpreter/Inputs/attention.mlir), or H
// heads of H x Sq x D tensors (examples/attention.mlir). For each shape
// [H x]Sq x Sk x D (D <= 64) it computes O = softmax(Q K^T / sqrt(D)) V per
// head: Q, K, V random f16 in [-1, 1] (never zero), O poisoned with NaN
// first; then compares every element of O with a double-precision reference
// computed on the CPU from the same f16 values.
//
// The kernel keeps P = exp(S - max) in f16 for P V (so P's rounding, 2^-11
// relative, is part of its result) and writes O in f16 (|O| <= max |V| = 1,
// half an ulp is at most 2^-12): an element is correct within 4e-3, far
// below what a wrong register layout or a missed key block gives.
//
//   --causal      the reference masks keys as attention_causal_fwd does:
//                 query i sees keys j <= i + Sk - Sq, and one that sees
//                 none gives zeros
//   --dry-run     loads the kernel and validates each launch's arguments on
//                 made-up addresses; needs no GPU
//   --watchdog S  a launch that has not finished after S seconds (default
//                 30) is reported as "HANG" (exit 3)
//   --bench N     instead of checking, times the kernel as kiln-gemm-check
//                 does: the median of N launches after 3 warm-ups, each
//                 after a 256 MB write that empties the L2, CUDA events
//                 around it; TFLOP/s count 4 D flops per query and key it
//                 sees, per head (with --causal, only the keys it sees). No
//                 baseline is linked here
//
// Exit status: 0 all checks passed, 1 a check failed, 2 a usage or CUDA
// error, 3 a hang.
//
//===----------------------------------------------------------------------===//

#include "GpuCheck.h"
#include "kiln/runtime/kiln.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

const char *const kiln::check::kCheckProgram = "attention-check";

namespace {

using namespace kiln::check;

constexpr double kTolerance = 4e-3;

struct Shape {
  /// heads = 0: one head of matrices (a rank-2 kernel).
  int64_t heads, sq, sk, d;
  std::string text() const {
    return (heads ? std::to_string(heads) + "x" : "") + std::to_string(sq) +
           "x" + std::to_string(sk) + "x" + std::to_string(d);
  }
  int64_t count() const { return heads ? heads : 1; }
};

bool parseShape(const char *text, Shape &out) {
  long long a, b, c, e = 0;
  int used3 = -1, used4 = -1;
  std::sscanf(text, "%lldx%lldx%lld%n", &a, &b, &c, &used3);
  std::sscanf(text, "%lldx%lldx%lldx%lld%n", &a, &b, &c, &e, &used4);
  size_t length = std::strlen(text);
  if (used4 >= 0 && size_t(used4) == length && a >= 1)
    out = {a, b, c, e};
  else if (used3 >= 0 && size_t(used3) == length)
    out = {0, a, b, c};
  else
    return false;
  return out.sq >= 1 && out.sk >= 1 && out.d >= 1 && out.d <= 64;
}

/// Nonzero multiples of 1/1024 in [-1, 1].
struct Random {
  uint64_t state;
  uint16_t next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    int v = int((state >> 33) % 2048) - 1024; // -1024 .. 1023
    return toF16(float(v >= 0 ? v + 1 : v) / 1024.0f);
  }
};

struct Kernel {
  std::string path;
  kiln::Metadata meta;
  kiln::Module module;
  kiln::Kernel kernel;
};

bool load(const std::string &path, Kernel &k) {
  k.path = path;
  bool ok;
  std::string json = readFile(path + ".json", ok);
  std::string cubin = ok ? readFile(path + ".cubin", ok) : "";
  if (!ok) {
    std::fprintf(stderr, "attention-check: cannot read %s.json and .cubin\n",
                 path.c_str());
    return false;
  }
  kiln::Status s = k.meta.parse(json);
  if (s)
    s = k.module.load(cubin.data(), cubin.size());
  if (s)
    s = k.kernel.create(k.module, k.meta.desc());
  if (!s) {
    std::fprintf(stderr, "attention-check: %s\n", s.message().c_str());
    return false;
  }
  const kiln_kernel_desc &d = k.meta.desc();
  int32_t rank = d.num_params == 5 ? d.params[0].rank : 0;
  bool known = (rank == 2 || rank == 3) &&
               d.params[4].kind == KILN_ARG_SCALAR &&
               d.params[4].dtype == KILN_DTYPE_F32;
  for (size_t i = 0; known && i < 4; ++i)
    known = d.params[i].kind == KILN_ARG_TENSOR &&
            d.params[i].dtype == KILN_DTYPE_F16 && d.params[i].rank == rank;
  if (!known) {
    std::fprintf(stderr,
                 "attention-check: %s is not attention_fwd (q, k, v, o: f16 "
                 "matrices or tensors of heads; scale: f32)\n",
                 path.c_str());
    return false;
  }
  return true;
}

/// A tensor of `rows` x D per head: a matrix without heads.
kiln_tensor tensorOf(void *data, Shape s, int64_t rows) {
  return s.heads ? kiln::Tensor::rowMajor(data, KILN_DTYPE_F16,
                                          {s.heads, rows, s.d})
                 : kiln::Tensor::rowMajor(data, KILN_DTYPE_F16, {rows, s.d});
}

std::vector<kiln_arg> argsFor(void *q, void *k, void *v, void *o, Shape s,
                              float scale) {
  return {kiln::arg(tensorOf(q, s, s.sq)), kiln::arg(tensorOf(k, s, s.sk)),
          kiln::arg(tensorOf(v, s, s.sk)), kiln::arg(tensorOf(o, s, s.sq)),
          kiln::arg(scale)};
}

/// O = softmax(Q K^T scale) V in double, head by head, row by row; causal:
/// row r sees keys j <= r + Sk - Sq, and a row that sees none is 0.
std::vector<double> reference(const std::vector<uint16_t> &q,
                              const std::vector<uint16_t> &k,
                              const std::vector<uint16_t> &v, Shape s,
                              double scale, bool causal) {
  std::vector<double> qd(q.size()), kd(k.size()), vd(v.size());
  for (size_t i = 0; i < q.size(); ++i)
    qd[i] = fromF16(q[i]);
  for (size_t i = 0; i < k.size(); ++i)
    kd[i] = fromF16(k[i]);
  for (size_t i = 0; i < v.size(); ++i)
    vd[i] = fromF16(v[i]);
  std::vector<double> o(size_t(s.count() * s.sq * s.d)), p(size_t(s.sk));
  for (int64_t h = 0; h < s.count(); ++h) {
    const double *qh = &qd[size_t(h * s.sq * s.d)];
    const double *kh = &kd[size_t(h * s.sk * s.d)];
    const double *vh = &vd[size_t(h * s.sk * s.d)];
    double *oh = &o[size_t(h * s.sq * s.d)];
    for (int64_t r = 0; r < s.sq; ++r) {
      int64_t seen =
          causal ? std::min(s.sk, std::max<int64_t>(0, r + 1 + s.sk - s.sq))
                 : s.sk;
      if (seen == 0) {
        for (int64_t c = 0; c < s.d; ++c)
          oh[r * s.d + c] = 0;
        continue;
      }
      double max = -INFINITY;
      for (int64_t j = 0; j < seen; ++j) {
        double dot = 0;
        for (int64_t c = 0; c < s.d; ++c)
          dot += qh[r * s.d + c] * kh[j * s.d + c];
        p[j] = dot * scale;
        max = std::max(max, p[j]);
      }
      double sum = 0;
      for (int64_t j = 0; j < seen; ++j)
        sum += p[j] = std::exp(p[j] - max);
      for (int64_t c = 0; c < s.d; ++c) {
        double acc = 0;
        for (int64_t j = 0; j < seen; ++j)
          acc += p[j] * vh[j * s.d + c];
        oh[r * s.d + c] = acc / sum;
      }
    }
  }
  return o;
}

bool checkShape(const Kernel &k, Shape s, bool causal, int watchdog,
                Random &rng) {
  size_t nq = size_t(s.count() * s.sq * s.d),
         nk = size_t(s.count() * s.sk * s.d);
  std::vector<uint16_t> q(nq), kk(nk), v(nk), o(nq, 0x7e00); // NaN
  for (uint16_t &x : q)
    x = rng.next();
  for (uint16_t &x : kk)
    x = rng.next();
  for (uint16_t &x : v)
    x = rng.next();
  float scale = float(1 / std::sqrt(double(s.d)));

  void *dq, *dk, *dv, *dout;
  CHECK_CUDA(cudaMalloc(&dq, nq * 2));
  CHECK_CUDA(cudaMalloc(&dk, nk * 2));
  CHECK_CUDA(cudaMalloc(&dv, nk * 2));
  CHECK_CUDA(cudaMalloc(&dout, nq * 2));
  CHECK_CUDA(cudaMemcpy(dq, q.data(), nq * 2, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dk, kk.data(), nk * 2, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dv, v.data(), nk * 2, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(dout, o.data(), nq * 2, cudaMemcpyHostToDevice));
  std::vector<kiln_arg> args = argsFor(dq, dk, dv, dout, s, scale);
  std::string what = k.path + " " + s.text();
  kiln::Status st = k.kernel.launch(args);
  if (!st) {
    std::printf("FAIL %s: launch: %s\n", what.c_str(), st.message().c_str());
    return false;
  }
  finish(watchdog, what);
  CHECK_CUDA(cudaMemcpy(o.data(), dout, nq * 2, cudaMemcpyDeviceToHost));
  cudaFree(dq);
  cudaFree(dk);
  cudaFree(dv);
  cudaFree(dout);

  std::vector<double> want = reference(q, kk, v, s, double(scale), causal);
  size_t wrong = 0, nans = 0;
  double worst = 0;
  for (int64_t r = 0; r < s.count() * s.sq; ++r)
    for (int64_t c = 0; c < s.d; ++c) {
      size_t i = size_t(r * s.d + c);
      double got = fromF16(o[i]);
      double error = std::fabs(got - want[i]);
      if (std::isnan(got)) {
        ++nans;
        error = INFINITY;
      }
      if (error > worst)
        worst = error;
      if (error <= kTolerance)
        continue;
      if (wrong++ < 4)
        std::printf("  O[%lld, %lld, %lld] = %g, expected %g\n",
                    (long long)(r / s.sq), (long long)(r % s.sq), (long long)c,
                    got, want[i]);
    }
  if (wrong) {
    std::printf("FAIL %s: %zu of %zu elements wrong (%zu NaN: never "
                "written), max error %g\n",
                what.c_str(), wrong, nq, nans, worst);
    return false;
  }
  std::printf("ok %s: %zu elements within %g, max error %.3g\n", what.c_str(),
              nq, kTolerance, worst);
  return true;
}

/// Flops of one launch: 4 D per query and key it sees, per head.
double attentionFlops(Shape s, bool causal) {
  double pairs = double(s.sq) * double(s.sk);
  if (causal) {
    pairs = 0;
    for (int64_t r = 0; r < s.sq; ++r)
      pairs +=
          double(std::min(s.sk, std::max<int64_t>(0, r + 1 + s.sk - s.sq)));
  }
  return 4.0 * double(s.count()) * double(s.d) * pairs;
}

/// Times the kernel on one shape (random inputs, no reference), as
/// kiln-gemm-check times GEMMs (timeMedianMs: L2 flushed before each run).
bool benchShape(const Kernel &k, Shape s, bool causal, int reps, int watchdog,
                L2Flush &flush, Random &rng) {
  size_t nq = size_t(s.count() * s.sq * s.d),
         nk = size_t(s.count() * s.sk * s.d);
  std::vector<uint16_t> host(std::max(nq, nk));
  void *buf[4];
  size_t sizes[4] = {nq, nk, nk, nq};
  for (int i = 0; i < 4; ++i) {
    for (size_t j = 0; j < sizes[i]; ++j)
      host[j] = rng.next();
    CHECK_CUDA(cudaMalloc(&buf[i], sizes[i] * 2));
    CHECK_CUDA(
        cudaMemcpy(buf[i], host.data(), sizes[i] * 2, cudaMemcpyHostToDevice));
  }
  std::vector<kiln_arg> args = argsFor(buf[0], buf[1], buf[2], buf[3], s,
                                       float(1 / std::sqrt(double(s.d))));
  std::string what = k.path + " " + s.text();
  bool launched = true;
  double ms = timeMedianMs(3, reps, watchdog, what, flush, [&] {
    kiln::Status st = k.kernel.launch(args);
    if (!st && launched) {
      std::printf("FAIL %s: launch: %s\n", what.c_str(), st.message().c_str());
      launched = false;
    }
  });
  for (void *b : buf)
    cudaFree(b);
  if (!launched)
    return false;
  std::printf("bench %s kiln %.4f ms %.1f TFLOP/s\n", what.c_str(), ms,
              attentionFlops(s, causal) / (ms * 1e-3) / 1e12);
  return true;
}

int usage() {
  std::fprintf(stderr, "usage: kiln-attention-check [--dry-run] [--watchdog "
                       "S] [--causal] [--bench N] --kernel DIR/NAME "
                       "[H]xSqxSkxD...\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string path;
  bool dry = false, causal = false;
  int watchdog = 30, bench = 0;
  std::vector<Shape> shapes;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--kernel" && i + 1 < argc) {
      path = argv[++i];
    } else if (a == "--dry-run") {
      dry = true;
    } else if (a == "--causal") {
      causal = true;
    } else if (a == "--bench" && i + 1 < argc) {
      bench = std::atoi(argv[++i]);
      if (bench < 1)
        return usage();
    } else if (a == "--watchdog" && i + 1 < argc) {
      watchdog = std::atoi(argv[++i]);
      if (watchdog < 1)
        return usage();
    } else {
      Shape s;
      if (!parseShape(argv[i], s)) {
        std::fprintf(stderr,
                     "attention-check: bad shape '%s', expected SqxSkxD or "
                     "HxSqxSkxD with D at most 64\n",
                     argv[i]);
        return 2;
      }
      shapes.push_back(s);
    }
  }
  if (path.empty() || shapes.empty())
    return usage();
  Kernel k;
  if (!load(path, k))
    return 2;
  bool heads = k.meta.desc().params[0].rank == 3;
  for (Shape s : shapes)
    if (bool(s.heads) != heads) {
      std::fprintf(stderr,
                   "attention-check: %s takes %s: shape %s should be %s\n",
                   path.c_str(), heads ? "heads" : "one head", s.text().c_str(),
                   heads ? "HxSqxSkxD" : "SqxSkxD");
      return 2;
    }
  if (dry) {
    // The arguments each launch would pass, on made-up addresses.
    for (Shape s : shapes) {
      auto fake = [](uintptr_t i) {
        return reinterpret_cast<void *>(uintptr_t(0x7f0000000000) +
                                        i * 0x10000000);
      };
      kiln::Status st = k.kernel.validate(
          argsFor(fake(1), fake(2), fake(3), fake(4), s, 0.125f));
      if (!st) {
        std::printf("FAIL %s %s: %s\n", path.c_str(), s.text().c_str(),
                    st.message().c_str());
        return 1;
      }
    }
    std::printf("ok dry-run: 1 kernel x %zu shapes\n", shapes.size());
    return 0;
  }
  CHECK_CUDA(cudaSetDevice(0));
  CHECK_CUDA(cudaFree(nullptr)); // the primary context, made current
  Random rng{0x61747465ull};
  bool ok = true;
  if (bench) {
    L2Flush flush;
    for (Shape s : shapes)
      ok &= benchShape(k, s, causal, bench, watchdog, flush, rng);
  } else {
    for (Shape s : shapes)
      ok &= checkShape(k, s, causal, watchdog, rng);
  }
  return ok ? 0 : 1;
}
