//===- GpuCheck.h - what the GPU check programs share -----------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// For kiln-gemm-check and kiln-attention-check: CUDA error checks, a wait
// with a watchdog, the timing method, file reading and the host's 16-bit
// float conversions.
// Each program defines kCheckProgram, the name its messages start with.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_GPU_GPUCHECK_H
#define KILN_TEST_GPU_GPUCHECK_H

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

namespace kiln::check {

/// The program's name, for its messages ("gemm-check").
extern const char *const kCheckProgram;

#define CHECK_CUDA(call)                                                       \
  do {                                                                         \
    cudaError_t err_ = (call);                                                 \
    if (err_ != cudaSuccess) {                                                 \
      std::fprintf(stderr, "%s: %s failed: %s (%s:%d)\n",                      \
                   ::kiln::check::kCheckProgram, #call,                        \
                   cudaGetErrorString(err_), __FILE__, __LINE__);              \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)

/// Waits for everything launched so far, as cudaDeviceSynchronize does, but
/// gives up after `seconds`: a kernel stuck on an mbarrier otherwise holds
/// the process until the script's limit kills it, and the log would not say
/// which kernel it was. A hang ("HANG", exit 3) or a fault ("FAULT", exit 2)
/// names what was running and ends the process, since the context cannot be
/// used after either.
inline void finish(int seconds, const std::string &what) {
  cudaEvent_t done;
  CHECK_CUDA(cudaEventCreateWithFlags(&done, cudaEventDisableTiming));
  CHECK_CUDA(cudaEventRecord(done));
  auto start = std::chrono::steady_clock::now();
  cudaError_t err;
  while ((err = cudaEventQuery(done)) == cudaErrorNotReady) {
    if (std::chrono::steady_clock::now() - start >
        std::chrono::seconds(seconds)) {
      std::printf("HANG %s: not finished after %d s\n", what.c_str(), seconds);
      std::fflush(stdout);
      std::_Exit(3);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  if (err == cudaSuccess)
    err = cudaGetLastError();
  if (err != cudaSuccess) {
    std::printf("FAULT %s: %s\n", what.c_str(), cudaGetErrorString(err));
    std::fflush(stdout);
    std::_Exit(2);
  }
  cudaEventDestroy(done);
}

/// What every timed run follows: a write of 256 MB, several times any
/// Hopper L2, as triton.testing.do_bench does. Each run then starts with a
/// cold L2 whatever ran before it, and the GPU is busy writing (55-85 us)
/// while the host prepares the launch, so host work shorter than that
/// (Kiln's argument checks and tensor maps, cuBLAS's heuristics: a few
/// microseconds) stays out of the time of launches that take tens of
/// microseconds (2048^3, 512x4096x4096).
struct L2Flush {
  static constexpr size_t kBytes = size_t(256) << 20;
  void *buf = nullptr;
  L2Flush() { CHECK_CUDA(cudaMalloc(&buf, kBytes)); }
  ~L2Flush() { cudaFree(buf); }
  L2Flush(const L2Flush &) = delete;
  L2Flush &operator=(const L2Flush &) = delete;
  void enqueue(int value) {
    CHECK_CUDA(cudaMemsetAsync(buf, value & 0xff, kBytes, nullptr));
  }
};

/// The median of `reps` timed runs of `run` (which launches on the default
/// stream), after `warmup` untimed ones, each timed run after an L2 flush,
/// CUDA events around it, every wait under the watchdog.
template <typename Fn>
double timeMedianMs(int warmup, int reps, int watchdog, const std::string &what,
                    L2Flush &flush, Fn run) {
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  for (int i = 0; i < warmup; ++i)
    run();
  finish(watchdog, what + " (warm-up)");
  std::vector<float> times;
  for (int i = 0; i < reps; ++i) {
    flush.enqueue(i);
    CHECK_CUDA(cudaEventRecord(start));
    run();
    CHECK_CUDA(cudaEventRecord(stop));
    finish(watchdog, what);
    float ms;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  CHECK_CUDA(cudaGetLastError());
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

inline std::string readFile(const std::string &path, bool &ok) {
  std::ifstream in(path, std::ios::binary);
  ok = bool(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// f32 to bf16, rounding to nearest even.
inline uint16_t toBF16(float f) {
  uint32_t u = bitsOf(f);
  if ((u & 0x7fffffff) > 0x7f800000)
    return 0x7fc0;
  u += 0x7fff + ((u >> 16) & 1);
  return uint16_t(u >> 16);
}

inline float fromBF16(uint16_t h) { return floatOf(uint32_t(h) << 16); }

/// f32 to f16, rounding to nearest even, with subnormals and infinities.
inline uint16_t toF16(float f) {
  uint32_t u = bitsOf(f);
  uint32_t sign = (u >> 16) & 0x8000;
  int32_t exp = int32_t((u >> 23) & 0xff) - 127 + 15;
  uint32_t mant = u & 0x7fffff;
  if (((u >> 23) & 0xff) == 0xff)
    return uint16_t(sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 31)
    return uint16_t(sign | 0x7c00);
  if (exp <= 0) {
    if (exp < -10)
      return uint16_t(sign);
    mant |= 0x800000;
    int shift = 14 - exp;
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1)))
      ++half;
    return uint16_t(sign | half);
  }
  uint32_t half = (uint32_t(exp) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half;
  return uint16_t(sign | half);
}

inline float fromF16(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp == 0) {
    if (mant == 0)
      return floatOf(sign);
    float f = std::ldexp(float(mant), -24);
    return sign ? -f : f;
  }
  if (exp == 31)
    return floatOf(sign | 0x7f800000 | (mant << 13));
  return floatOf(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

} // namespace kiln::check

#endif // KILN_TEST_GPU_GPUCHECK_H
