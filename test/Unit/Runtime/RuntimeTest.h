//===- RuntimeTest.h - shared inputs of the runtime tests -------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_UNIT_RUNTIME_RUNTIMETEST_H
#define KILN_TEST_UNIT_RUNTIME_RUNTIMETEST_H

#include "Metadata.h"
#include "kiln/runtime/kiln.hpp"

#include "gtest/gtest.h"

namespace kiln::test {

/// A warp-specialized GEMM, C[M, N] = alpha * A[M, K] * B[N, K]^T: A and B
/// read through TMA, C written with plain stores, 128x256 tiles in clusters
/// of two along M. "equal": A's K is B's K, A's M is C's M, B's N is C's N.
inline constexpr const char *kGemmMetadata = R"json({
  "name": "gemm_bf16",
  "target": "sm_90a",
  "threads": 384,
  "smem": 197632,
  "cluster": [2, 1, 1],
  "grid": [{"arg": 2, "dim": 0, "div": 128}, {"arg": 2, "dim": 1, "div": 256}],
  "params": [
    {"arg": 0, "name": "a", "kind": "tensor", "dtype": "bf16", "rank": 2,
     "block": [128, 64], "tma": true, "tma_box": [128, 64], "swizzle": 128},
    {"arg": 1, "name": "b", "kind": "tensor", "dtype": "bf16", "rank": 2,
     "block": [256, 64], "tma": true, "tma_box": [256, 64], "swizzle": 128},
    {"arg": 2, "name": "c", "kind": "tensor", "dtype": "f32", "rank": 2,
     "block": [128, 256], "tma": false, "written": true},
    {"arg": 3, "name": "alpha", "kind": "scalar", "dtype": "f32"}
  ],
  "equal": [[0, 1, 1, 1], [0, 0, 2, 0], [1, 0, 2, 1]],
  "options": {"depth": "4", "consumers": "2"},
  "ptxas": {"registers": 168, "spill_stores": 0, "spill_loads": 0,
            "stack_frame": 8}
})json";

/// What kilnc writes for examples/axpy.mlir (y = alpha * x + y).
inline constexpr const char *kAxpyMetadata = R"json({
  "grid": [{"arg": 0, "dim": 0, "div": 2048}],
  "name": "axpy",
  "options": {},
  "params": [
    {"arg": 0, "block": [2048], "dtype": "f32", "kind": "tensor",
     "name": "arg0", "rank": 1, "tma": false},
    {"arg": 1, "block": [2048], "dtype": "f32", "kind": "tensor",
     "name": "arg1", "rank": 1, "tma": false},
    {"arg": 2, "dtype": "f32", "kind": "scalar", "name": "arg2"}
  ],
  "smem": 0,
  "target": "sm_90a",
  "threads": 128
})json";

/// Parses metadata that must be valid.
inline std::unique_ptr<rt::OwnedDesc> parse(std::string_view json) {
  std::unique_ptr<rt::OwnedDesc> desc;
  kiln_status s = rt::parseMetadata(json, desc);
  EXPECT_EQ(s, KILN_SUCCESS) << kiln_last_error();
  return desc;
}

/// `json` with its first `from` replaced by `to`; `from` must occur.
inline std::string replace(std::string json, std::string_view from,
                           std::string_view to) {
  size_t at = json.find(from);
  EXPECT_NE(at, std::string::npos) << "no '" << from << "' to replace";
  if (at != std::string::npos)
    json.replace(at, from.size(), to);
  return json;
}

/// Device addresses for tests that never touch memory: aligned to 256 bytes
/// like cudaMalloc's.
inline void *fakeAddress(uintptr_t index) {
  return reinterpret_cast<void *>(0x7f0000000000 + index * 0x10000000);
}

/// Arguments of the GEMM for M x N x K with row-major tensors.
inline std::vector<kiln_arg> gemmArgs(int64_t m, int64_t n, int64_t k,
                                      float alpha = 1.5f) {
  return {arg(Tensor::rowMajor(fakeAddress(1), KILN_DTYPE_BF16, {m, k})),
          arg(Tensor::rowMajor(fakeAddress(2), KILN_DTYPE_BF16, {n, k})),
          arg(Tensor::rowMajor(fakeAddress(3), KILN_DTYPE_F32, {m, n})),
          arg(alpha)};
}

} // namespace kiln::test

#endif // KILN_TEST_UNIT_RUNTIME_RUNTIMETEST_H
