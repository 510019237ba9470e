//===- LaunchTest.cpp - argument checks, grids, tensor maps, parameters ---===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Launch.h"
#include "RuntimeTest.h"

#include <cstring>

using namespace kiln;
using namespace kiln::test;
using rt::KernelParam;

extern "C" kiln_status kiln_test_c_axpy_config(int32_t n,
                                               kiln_launch_config *out);

namespace {

/// A kernel that can be validated, from metadata.
Kernel validationKernel(std::string_view json) {
  Metadata meta;
  EXPECT_TRUE(meta.parse(json)) << kiln_last_error();
  Kernel kernel;
  if (meta) {
    EXPECT_TRUE(kernel.create(Module(), meta.desc()));
  }
  return kernel;
}

std::vector<uint32_t> grid(const kiln_launch_config &config) {
  return {config.grid[0], config.grid[1], config.grid[2]};
}

//===----------------------------------------------------------------------===//
// Validation: each rule, with its message
//===----------------------------------------------------------------------===//

TEST(Validate, AcceptsAGemm) {
  Kernel kernel = validationKernel(kGemmMetadata);
  EXPECT_TRUE(kernel.validate(gemmArgs(1000, 512, 256)));
  // Padded rows: strides need only be multiples of 16 bytes for TMA tensors,
  // and any positive value for the others.
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  args[0].tensor.strides[0] = 264;
  args[2].tensor.strides[0] = 513;
  Status s = kernel.validate(args);
  EXPECT_TRUE(s) << s.message();
  EXPECT_STREQ(kiln_last_error(), "");
  // Rows of a tensor the kernel only reads may overlap (here B's rows share
  // all but 8 of their elements); the written C's may not (ValidateErrors).
  args = gemmArgs(1000, 512, 256);
  args[1].tensor.strides[0] = 8;
  s = kernel.validate(args);
  EXPECT_TRUE(s) << s.message();
}

TEST(Validate, WrittenTensorsMustNotOverlap) {
  const char *json = R"json({
    "name": "batched", "target": "sm_90a", "threads": 128, "smem": 0,
    "grid": [{"value": 1}],
    "params": [
      {"arg": 0, "name": "out", "kind": "tensor", "dtype": "f32", "rank": 3,
       "block": [1, 8, 8], "tma": false, "written": true}
    ]})json";
  Kernel kernel = validationKernel(json);
  auto check = [&](std::vector<int64_t> shape, std::vector<int64_t> strides) {
    Tensor t = Tensor::rowMajor(fakeAddress(1), KILN_DTYPE_F32, {1, 1, 1});
    for (size_t d = 0; d < 3; ++d) {
      t.shape[d] = shape[d];
      t.strides[d] = strides[d];
    }
    return kernel.validate({arg(t)});
  };
  // Row-major, padded, and batch-interleaved ([B, M, N] with the batch
  // between rows) layouts each give every element its own address.
  EXPECT_TRUE(check({4, 3, 5}, {15, 5, 1}));
  EXPECT_TRUE(check({4, 3, 5}, {64, 8, 1}));
  EXPECT_TRUE(check({4, 3, 5}, {5, 20, 1}));
  // Extents of 1 take any stride.
  EXPECT_TRUE(check({1, 3, 5}, {1, 5, 1}));
  Status s = check({4, 3, 5}, {15, 4, 1});
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(),
            "batched: argument 0 ('out'): stride 4 of dimension 1 is less "
            "than the 5 elements the dimensions of smaller stride span, so "
            "elements overlap, and the kernel writes this tensor");
  // Batches overlapping rows: the batch stride must clear 3 rows of 5.
  s = check({4, 3, 5}, {14, 5, 1});
  EXPECT_EQ(s.message(),
            "batched: argument 0 ('out'): stride 14 of dimension 0 is less "
            "than the 15 elements the dimensions of smaller stride span, so "
            "elements overlap, and the kernel writes this tensor");
  s = check({4, 3, 5}, {5, 19, 1});
  EXPECT_EQ(s.message(),
            "batched: argument 0 ('out'): stride 19 of dimension 1 is less "
            "than the 20 elements the dimensions of smaller stride span, so "
            "elements overlap, and the kernel writes this tensor");
  s = check({4, 3, 5}, {int64_t(1) << 62, int64_t(1) << 60, 1});
  EXPECT_EQ(s.message(),
            "batched: argument 0 ('out'): dimension 0 spans more elements "
            "than a 64-bit offset holds");
}

TEST(Validate, WrittenTensorsShareNoMemoryWithOthers) {
  Kernel kernel = validationKernel(kGemmMetadata);
  const char *message = "gemm_bf16: argument 2 ('c'): shares memory with "
                        "argument 0 ('a'), and the kernel writes it: a "
                        "written tensor must not share memory with the "
                        "kernel's other tensors";
  // C written over A (in place).
  std::vector<kiln_arg> args = gemmArgs(64, 128, 64);
  args[2].tensor.data = args[0].tensor.data;
  Status s = kernel.validate(args);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(), message);

  // A and C as column blocks of one buffer with rows of 4096 bytes: A (bf16)
  // in bytes 0..511 of each row, C (f32) after it. Each has its own bytes.
  char *buffer = static_cast<char *>(fakeAddress(5));
  auto blocks = [&](int64_t cOffset) {
    std::vector<kiln_arg> a = gemmArgs(1000, 512, 256);
    a[0].tensor.data = buffer;
    a[0].tensor.strides[0] = 2048;
    a[2].tensor.data = buffer + cOffset;
    a[2].tensor.strides[0] = 1024;
    return kernel.validate(a);
  };
  s = blocks(512);
  EXPECT_TRUE(s) << s.message();
  // C from A's last columns on: they share 16 bytes of every row.
  s = blocks(496);
  EXPECT_EQ(s.message(), message);
  // C from A's last row on shares that row's first bytes; one row further
  // down it shares nothing.
  s = blocks(999 * 4096 + 256);
  EXPECT_EQ(s.message(), message);
  s = blocks(1000 * 4096);
  EXPECT_TRUE(s) << s.message();
  // C starting above A: its rows end where A's start, or lie between A's
  // column blocks.
  s = blocks(-2048);
  EXPECT_TRUE(s) << s.message();
  s = blocks(-4096 + 512);
  EXPECT_TRUE(s) << s.message();
  // C's row 1 ends 4 bytes into A's row 0; C's row 1 covers A's row 0 from
  // byte 4.
  s = blocks(-8192 + 2048 + 4);
  EXPECT_EQ(s.message(), message);
  s = blocks(-4096 + 4);
  EXPECT_EQ(s.message(), message);

  // Rows of different pitches are not decided: A's span contains C's rows.
  args = gemmArgs(1000, 512, 256);
  args[0].tensor.data = buffer;
  args[0].tensor.strides[0] = 8192;
  args[2].tensor.data = buffer + 1024;
  args[2].tensor.strides[0] = 4096;
  s = kernel.validate(args);
  EXPECT_TRUE(s) << s.message();
  // An empty tensor has no memory to share.
  args = gemmArgs(0, 512, 256);
  args[2].tensor.data = args[1].tensor.data;
  EXPECT_TRUE(kernel.validate(args));
}

TEST(Validate, WrittenTensorsShareNoMemoryWithRows) {
  const char *json = R"json({
    "name": "bias_add", "target": "sm_90a", "threads": 128, "smem": 0,
    "grid": [{"value": 1}],
    "params": [
      {"arg": 0, "name": "bias", "kind": "tensor", "dtype": "f32", "rank": 1,
       "block": [64], "tma": false},
      {"arg": 1, "name": "out", "kind": "tensor", "dtype": "f16", "rank": 2,
       "block": [64, 64], "tma": false, "written": true}
    ]})json";
  Kernel kernel = validationKernel(json);
  char *buffer = static_cast<char *>(fakeAddress(5));
  // out: 8 rows of 64 f16 (128 bytes) every 512 bytes; the bias: 32 f32.
  auto check = [&](int64_t biasOffset, int64_t biasSize) {
    Tensor bias =
        Tensor::rowMajor(buffer + biasOffset, KILN_DTYPE_F32, {biasSize});
    Tensor out = Tensor::rowMajor(buffer, KILN_DTYPE_F16, {8, 64});
    out.strides[0] = 256;
    return kernel.validate({arg(bias), arg(out)});
  };
  EXPECT_TRUE(check(128, 32));           // between rows 0 and 1
  EXPECT_TRUE(check(7 * 512 + 128, 32)); // after the last row
  EXPECT_TRUE(check(-128, 32));          // before the first row
  Status s = check(124, 32);             // into row 0's last element
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(),
            "bias_add: argument 1 ('out'): shares memory with argument 0 "
            "('bias'), and the kernel writes it: a written tensor must not "
            "share memory with the kernel's other tensors");
  EXPECT_FALSE(check(128, 97));         // reaches row 1
  EXPECT_FALSE(check(3 * 512 + 64, 1)); // inside row 3
  EXPECT_TRUE(check(3 * 512 + 128, 96));
}

struct BadArgs {
  const char *what;
  void (*mutate)(std::vector<kiln_arg> &);
  kiln_status status;
  const char *message;
};

std::ostream &operator<<(std::ostream &os, const BadArgs &bad) {
  return os << bad.what;
}

class ValidateErrors : public ::testing::TestWithParam<BadArgs> {};

TEST_P(ValidateErrors, NameTheArgumentAndRule) {
  Kernel kernel = validationKernel(kGemmMetadata);
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  GetParam().mutate(args);
  Status s = kernel.validate(args);
  EXPECT_EQ(s.code(), GetParam().status);
  EXPECT_EQ(s.message(), GetParam().message);
  // A launch checks the same way, before it needs a driver or a module.
  s = kernel.launch(args);
  EXPECT_EQ(s.code(), GetParam().status);
  EXPECT_EQ(s.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Validate, ValidateErrors,
    ::testing::Values(
        BadArgs{"count", [](std::vector<kiln_arg> &a) { a.pop_back(); },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: expected 4 arguments, got 3"},
        BadArgs{"scalar for tensor",
                [](std::vector<kiln_arg> &a) { a[0] = arg(1.0f); },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 0 ('a'): expected a tensor, got a "
                "scalar"},
        BadArgs{"tensor for scalar",
                [](std::vector<kiln_arg> &a) { a[3] = a[2]; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 3 ('alpha'): expected a scalar, got a "
                "tensor"},
        BadArgs{"tensor dtype",
                [](std::vector<kiln_arg> &a) {
                  a[1].tensor.dtype = KILN_DTYPE_F16;
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 1 ('b'): dtype f16 does not match the "
                "parameter's bf16"},
        BadArgs{"scalar dtype",
                [](std::vector<kiln_arg> &a) { a[3] = arg(1.5); },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 3 ('alpha'): dtype f64 does not match "
                "the parameter's f32"},
        BadArgs{"rank",
                [](std::vector<kiln_arg> &a) {
                  a[2] = arg(Tensor::rowMajor(fakeAddress(3), KILN_DTYPE_F32,
                                              {2, 1000, 512}));
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): rank 3 does not match the "
                "parameter's rank 2"},
        BadArgs{"null data",
                [](std::vector<kiln_arg> &a) { a[2].tensor.data = nullptr; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): data pointer is null"},
        BadArgs{"element alignment",
                [](std::vector<kiln_arg> &a) {
                  a[2].tensor.data = static_cast<char *>(fakeAddress(3)) + 2;
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): data pointer 0x7f0030000002 is "
                "not aligned to the 4-byte element size"},
        BadArgs{"TMA alignment",
                [](std::vector<kiln_arg> &a) {
                  a[0].tensor.data = static_cast<char *>(fakeAddress(1)) + 8;
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 0 ('a'): data pointer 0x7f0010000008 is "
                "not 16-byte aligned, as TMA requires"},
        BadArgs{"innermost stride",
                [](std::vector<kiln_arg> &a) { a[2].tensor.strides[1] = 2; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): stride 2 of the innermost "
                "dimension 1 must be 1 (contiguous)"},
        BadArgs{"overlapping rows of the written C",
                [](std::vector<kiln_arg> &a) { a[2].tensor.strides[0] = 511; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): stride 511 of dimension 0 is "
                "less than the 512 elements the dimensions of smaller stride "
                "span, so elements overlap, and the kernel writes this "
                "tensor"},
        BadArgs{"zero stride",
                [](std::vector<kiln_arg> &a) { a[2].tensor.strides[0] = 0; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): stride 0 of dimension 0 must be "
                "positive"},
        BadArgs{"negative stride",
                [](std::vector<kiln_arg> &a) { a[1].tensor.strides[0] = -256; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 1 ('b'): stride -256 of dimension 0 must "
                "be positive"},
        BadArgs{"TMA stride",
                [](std::vector<kiln_arg> &a) { a[0].tensor.strides[0] = 260; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 0 ('a'): stride 260 of dimension 0 (520 "
                "bytes) is not a multiple of 16 bytes, as TMA requires"},
        BadArgs{"TMA stride range",
                [](std::vector<kiln_arg>
                       &a) { a[0].tensor.strides[0] = int64_t(1) << 39; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 0 ('a'): stride 549755813888 of "
                "dimension 0 spans 2^40 bytes or more, beyond what TMA "
                "addresses"},
        BadArgs{"extent beyond int32",
                [](std::vector<kiln_arg>
                       &a) { a[2].tensor.shape[0] = int64_t(1) << 31; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): extent 2147483648 of dimension "
                "0 is not in 0..2147483647 (int32)"},
        BadArgs{"negative extent",
                [](std::vector<kiln_arg> &a) { a[1].tensor.shape[1] = -1; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 1 ('b'): extent -1 of dimension 1 is not "
                "in 0..2147483647 (int32)"},
        BadArgs{"equal extents: K",
                [](std::vector<kiln_arg> &a) { a[1].tensor.shape[1] = 200; },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 1 ('b'): extent 200 of dimension 1 does "
                "not match extent 256 of dimension 1 of argument 0 ('a'): the "
                "kernel needs them equal"},
        BadArgs{"equal extents: M",
                [](std::vector<kiln_arg> &a) {
                  a[2] = arg(Tensor::rowMajor(fakeAddress(3), KILN_DTYPE_F32,
                                              {999, 512}));
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): extent 999 of dimension 0 does "
                "not match extent 1000 of dimension 0 of argument 0 ('a'): "
                "the kernel needs them equal"},
        BadArgs{"equal extents of empty tensors",
                [](std::vector<kiln_arg> &a) {
                  a = gemmArgs(1000, 512, 0);
                  a[1].tensor.shape[1] = 64;
                  a[1].tensor.strides[0] = 64;
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 1 ('b'): extent 64 of dimension 1 does "
                "not match extent 0 of dimension 1 of argument 0 ('a'): the "
                "kernel needs them equal"},
        BadArgs{"per-argument rules come first",
                [](std::vector<kiln_arg> &a) {
                  a[1].tensor.shape[1] = 200;
                  a[2].tensor.data = nullptr;
                },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: argument 2 ('c'): data pointer is null"},
        BadArgs{"grid.y limit",
                [](std::vector<kiln_arg>
                       &a) { a = gemmArgs(1024, 65536 * 256, 64); },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: grid.y = 65536 exceeds the limit of 65535 CTAs"},
        BadArgs{"whole clusters",
                [](std::vector<kiln_arg> &a) { a = gemmArgs(100, 512, 64); },
                KILN_ERROR_INVALID_ARGUMENT,
                "gemm_bf16: grid.x = 1 is not a multiple of cluster.x = 2"}));

TEST(Validate, NullArgumentsAreApiErrors) {
  Kernel kernel = validationKernel(kGemmMetadata);
  EXPECT_EQ(kiln_kernel_validate(kernel.get(), nullptr, 4),
            KILN_ERROR_INVALID_VALUE);
  EXPECT_STREQ(kiln_last_error(), "gemm_bf16: the argument array is null");
  EXPECT_EQ(kiln_kernel_validate(nullptr, nullptr, 0),
            KILN_ERROR_INVALID_VALUE);
  EXPECT_STREQ(kiln_last_error(),
               "kiln_kernel_validate: kernel must not be null");
  EXPECT_EQ(kiln_kernel_launch(nullptr, nullptr, 0, nullptr),
            KILN_ERROR_INVALID_VALUE);
}

TEST(Validate, CHeaderAndStaticTables) {
  // CHeader.c compiles kiln.h as C and describes axpy with static tables.
  kiln_launch_config config;
  ASSERT_EQ(kiln_test_c_axpy_config(5000, &config), KILN_SUCCESS)
      << kiln_last_error();
  EXPECT_EQ(grid(config), (std::vector<uint32_t>{3, 1, 1}));
  EXPECT_EQ(config.block[0], 128u);
  EXPECT_EQ(kiln_test_c_axpy_config(-1, &config), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(), "axpy: argument 0 ('x'): extent -1 of "
                                  "dimension 0 is not in 0..2147483647 "
                                  "(int32)");
}

//===----------------------------------------------------------------------===//
// Grid computation
//===----------------------------------------------------------------------===//

TEST(Grid, TilesOverTensorDimensions) {
  Kernel kernel = validationKernel(kGemmMetadata);
  kiln_launch_config config;
  ASSERT_TRUE(kernel.launchConfig(gemmArgs(1000, 512, 256), config));
  EXPECT_EQ(grid(config), (std::vector<uint32_t>{8, 2, 1}));
  EXPECT_EQ(config.block[0], 384u);
  EXPECT_EQ(config.block[1], 1u);
  EXPECT_EQ(config.block[2], 1u);
  EXPECT_EQ(config.smem, 197632u);
  EXPECT_EQ(config.cluster[0], 2u);
  EXPECT_EQ(config.cluster[1], 1u);
  ASSERT_TRUE(kernel.launchConfig(gemmArgs(1024, 513, 256), config));
  EXPECT_EQ(grid(config), (std::vector<uint32_t>{8, 3, 1}));
}

/// A kernel over x[n] with a grid of {3, ceil(n / 100), 2}.
constexpr const char *kScalarGrid = R"json({
  "name": "scalar_grid", "target": "sm_90a", "threads": 128, "smem": 0,
  "grid": [{"value": 3}, {"arg": 1, "div": 100}, {"value": 2}],
  "params": [
    {"arg": 0, "name": "x", "kind": "tensor", "dtype": "f32", "rank": 1,
     "block": [128], "tma": false},
    {"arg": 1, "name": "n", "kind": "scalar", "dtype": "i64"},
    {"arg": 2, "name": "m", "kind": "scalar", "dtype": "i16"}
  ]
})json";

TEST(Grid, ConstantsAndScalars) {
  Kernel kernel = validationKernel(kScalarGrid);
  auto config = [&](int64_t n) {
    kiln_launch_config c = {};
    Status s = kernel.launchConfig(
        {arg(Tensor::rowMajor(fakeAddress(1), KILN_DTYPE_F32, {n})), arg(n),
         arg(int16_t(-1))},
        c);
    EXPECT_TRUE(s) << s.message();
    return grid(c);
  };
  EXPECT_EQ(config(1), (std::vector<uint32_t>{3, 1, 2}));
  EXPECT_EQ(config(300), (std::vector<uint32_t>{3, 3, 2}));
  EXPECT_EQ(config(301), (std::vector<uint32_t>{3, 4, 2}));
  EXPECT_EQ(config(0), (std::vector<uint32_t>{3, 0, 2}));

  Status s = kernel.validate(
      {arg(Tensor::rowMajor(fakeAddress(1), KILN_DTYPE_F32, {8})),
       arg(int64_t(-8)), arg(int16_t(0))});
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(), "scalar_grid: argument 1 ('n'): -8 is negative, but "
                         "grid[1] counts tiles by it");
}

TEST(Grid, ZeroWorkNeedsNoDataNorDriver) {
  Kernel kernel = validationKernel(kGemmMetadata);
  std::vector<kiln_arg> args = gemmArgs(0, 512, 256);
  args[0].tensor.data = nullptr; // A is empty: M = 0.
  args[2].tensor.data = nullptr; // C too.
  kiln_launch_config config;
  ASSERT_TRUE(kernel.launchConfig(args, config));
  EXPECT_EQ(grid(config), (std::vector<uint32_t>{0, 2, 1}));
  // Succeeds without a module, so without a driver.
  Status s = kernel.launch(args);
  EXPECT_TRUE(s) << s.message();
  // Emptiness excuses the pointer and the strides, not the dtype.
  args[0].tensor.strides[1] = 3;
  EXPECT_TRUE(kernel.validate(args));
  args[0].tensor.dtype = KILN_DTYPE_F16;
  EXPECT_EQ(kernel.validate(args).code(), KILN_ERROR_INVALID_ARGUMENT);
}

std::unique_ptr<rt::OwnedDesc> persistentGemm(const char *cluster) {
  return parse(
      replace(kGemmMetadata, R"("cluster": [2, 1, 1])",
              std::string(R"("persistent": true, "cluster": )") + cluster));
}

uint32_t persistentGridX(const kiln_kernel_desc &desc, int64_t m, int64_t n,
                         uint32_t smCount) {
  std::vector<kiln_arg> args = gemmArgs(m, n, 64);
  kiln_launch_config config;
  EXPECT_EQ(rt::planLaunch(desc, args.data(), args.size(), smCount, config),
            KILN_SUCCESS)
      << kiln_last_error();
  EXPECT_EQ(config.grid[1], 1u);
  EXPECT_EQ(config.grid[2], 1u);
  return config.grid[0];
}

TEST(Grid, PersistentIsClampedToTheSMs) {
  auto desc = persistentGemm("[1, 1, 1]");
  ASSERT_TRUE(desc);
  // 32 x 16 tiles.
  EXPECT_EQ(persistentGridX(*desc, 4096, 4096, 132), 132u);
  EXPECT_EQ(persistentGridX(*desc, 4096, 4096, 0), 512u) << "SMs unknown";
  EXPECT_EQ(persistentGridX(*desc, 4096, 4096, 1024), 512u);
  EXPECT_EQ(persistentGridX(*desc, 100, 100, 132), 1u);
  EXPECT_EQ(persistentGridX(*desc, 0, 100, 132), 0u) << "no work";
  // A tile count beyond any grid saturates.
  EXPECT_EQ(persistentGridX(*desc, INT32_MAX, INT32_MAX, 0), 2147483647u);
}

//===----------------------------------------------------------------------===//
// Choosing among variants
//===----------------------------------------------------------------------===//

/// The GEMM's metadata with a BM x BN tile, no cluster, maybe persistent.
std::string variantMetadata(int bm, int bn, bool persistent) {
  std::string json = kGemmMetadata;
  auto replace = [&](const std::string &from, const std::string &to) {
    size_t at = json.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
      json.replace(at, from.size(), to);
  };
  replace("\"cluster\": [2, 1, 1]", "\"cluster\": [1, 1, 1]");
  replace("\"div\": 128}", "\"div\": " + std::to_string(bm) + "}");
  replace("\"div\": 256}", "\"div\": " + std::to_string(bn) + "}");
  if (persistent)
    replace("\"threads\": 384,", "\"threads\": 384, \"persistent\": true,");
  return json;
}

struct Variants {
  std::vector<Kernel> kernels;
  std::vector<const Kernel *> pointers;
  Variants(std::initializer_list<std::tuple<int, int, bool>> shapes) {
    for (auto [bm, bn, persistent] : shapes)
      kernels.push_back(validationKernel(variantMetadata(bm, bn, persistent)));
    for (const Kernel &k : kernels)
      pointers.push_back(&k);
  }
  /// The index chosen for M x N x K on `sms` SMs, or -1 with the error.
  long choose(int64_t m, int64_t n, int64_t k, uint32_t sms = 132) const {
    size_t chosen = 99;
    Status s = chooseVariant(pointers, gemmArgs(m, n, k), sms, chosen);
    EXPECT_TRUE(s) << s.message();
    return s ? long(chosen) : -1;
  }
};

TEST(Choose, FillsTheSMsFirst) {
  // 0: 128x256, 1: 128x256 persistent, 2: 128x128 persistent,
  // 3: 64x256 persistent.
  Variants v{{128, 256, false}, {128, 256, true}, {128, 128, true},
             {64, 256, true}};
  // 512 x 4096: 64 tiles of 128x256 would leave 68 of 132 SMs idle; 128
  // tiles of 128x128 (or 64x256, later in the list) do not.
  EXPECT_EQ(v.choose(512, 4096, 4096), 2);
  // 4096^2: 512 or 1024 tiles, 4 or 8 waves, the same work: the larger tile,
  // persistent.
  EXPECT_EQ(v.choose(4096, 4096, 4096), 1);
  EXPECT_EQ(v.choose(8192, 8192, 1024), 1);
  // 2048 x 2048 x K: 128 tiles of 128x256 fit one wave on 132 SMs...
  EXPECT_EQ(v.choose(2048, 2048, 2048), 1);
  // ... but not on 100, where 2 waves of 128x256 are more work than 3 of
  // 128x128 (or of 64x256, later in the list).
  EXPECT_EQ(v.choose(2048, 2048, 2048, 100), 2);
  // 1 x 8: one tile whatever its shape; the least padded.
  EXPECT_EQ(v.choose(1, 8, 8), 2);
  // Empty C: no work for any; still a valid choice.
  EXPECT_EQ(v.choose(0, 4096, 64), 1);
}

TEST(Choose, CTAsSharingAnSMShareItsWork) {
  // A 128x256 kernel small enough for 5 CTAs an SM still does 512 tiles'
  // work on 132 SMs: 4 tiles an SM, as the persistent one does; the tie
  // goes to the persistent one.
  std::string small = variantMetadata(128, 256, false);
  const std::string from = "\"smem\": 197632";
  small.replace(small.find(from), from.size(), "\"smem\": 1024");
  Kernel light = validationKernel(small);
  Kernel persistent = validationKernel(variantMetadata(128, 256, true));
  size_t chosen = 99;
  Status s = chooseVariant({&light, &persistent}, gemmArgs(4096, 4096, 64),
                           132, chosen);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 1u);
}

TEST(Choose, PersistentKernelsSpreadOverTheirCTAs) {
  // A persistent kernel in clusters of 2 runs 130 CTAs on 131 SMs: 261
  // tiles (9 x 29 of 128x128) take it 3 rounds, and 2 without clusters.
  std::string clustered = variantMetadata(128, 128, true);
  const std::string from = "\"cluster\": [1, 1, 1]";
  clustered.replace(clustered.find(from), from.size(),
                    "\"cluster\": [2, 1, 1]");
  Kernel pairs = validationKernel(clustered);
  Kernel single = validationKernel(variantMetadata(128, 128, true));
  size_t chosen = 99;
  Status s = chooseVariant({&pairs, &single}, gemmArgs(9 * 128, 29 * 128, 64),
                           131, chosen);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 1u);
  // 260 tiles: 2 rounds for both, and the tie goes to the first.
  s = chooseVariant({&pairs, &single}, gemmArgs(10 * 128, 26 * 128, 64), 131,
                    chosen);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 0u);
}

TEST(Choose, SkipsVariantsThatRejectTheArguments) {
  Variants v{{128, 256, false}, {128, 64, true}};
  // 65536 * 256 + 255 columns on one SM: 65537 tiles of 128x256 and 262148
  // of 128x64, the same work, and the larger tile would win; but the
  // non-persistent kernel's grid.y would be 65537, over the limit.
  EXPECT_EQ(v.choose(128, int64_t(65536) * 256 + 255, 64, 1), 1);
  EXPECT_EQ(v.choose(128, int64_t(65535) * 256, 64, 1), 0);
  // Wrong for every variant: the first one's message.
  size_t chosen = 99;
  std::vector<kiln_arg> args = gemmArgs(512, 512, 64);
  args[2].tensor.data = nullptr;
  Status s = chooseVariant(v.pointers, args, 132, chosen);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(), "gemm_bf16: argument 2 ('c'): data pointer is null");
  EXPECT_EQ(chosen, 99u);
}

TEST(Choose, HugeTilesSaturateRatherThanOverflow) {
  // Divisors the metadata allows (any int64 >= 1) whose product overflows.
  std::string json = variantMetadata(128, 256, false);
  for (const char *from : {"\"div\": 128}", "\"div\": 256}"})
    json.replace(json.find(from), std::strlen(from), "\"div\": 4294967296}");
  Kernel huge = validationKernel(json);
  Kernel plain = validationKernel(variantMetadata(128, 256, false));
  size_t chosen = 99;
  Status s = chooseVariant({&huge, &plain}, gemmArgs(512, 512, 64), 132,
                           chosen);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 1u) << "the saturated work is the larger";
}

TEST(Errors, SetErrorRecordsTheMessage) {
  EXPECT_EQ(kiln_set_error(KILN_ERROR_INVALID_VALUE, "variant 9 of 2"),
            KILN_ERROR_INVALID_VALUE);
  EXPECT_STREQ(kiln_last_error(), "variant 9 of 2");
  EXPECT_EQ(kiln_set_error(KILN_ERROR_DRIVER, nullptr), KILN_ERROR_DRIVER);
  EXPECT_STREQ(kiln_last_error(), "");
  kiln_set_error(KILN_ERROR_DRIVER, "x");
  EXPECT_EQ(kiln_set_error(KILN_SUCCESS, "ignored"), KILN_SUCCESS);
  EXPECT_STREQ(kiln_last_error(), "") << "a success leaves no message";
}

TEST(Choose, RejectsBadCalls) {
  Variants v{{128, 256, false}};
  size_t chosen = 99;
  std::vector<kiln_arg> args = gemmArgs(512, 512, 64);
  Status s = chooseVariant(v.pointers, args, 0, chosen);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(), "kiln_kernel_choose: sm_count must be at least 1");
  s = chooseVariant({}, args, 132, chosen);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(), "no variants to choose from");
  s = chooseVariant({v.pointers[0], nullptr}, args, 132, chosen);
  EXPECT_EQ(s.message(), "kiln_kernel_choose: kernel 1 is null");
  EXPECT_EQ(kiln_kernel_choose(nullptr, 1, args.data(), args.size(), 132,
                               &chosen),
            KILN_ERROR_INVALID_VALUE);
}

TEST(Grid, PersistentRunsWholeClusters) {
  auto desc = persistentGemm("[2, 1, 1]");
  ASSERT_TRUE(desc);
  EXPECT_EQ(persistentGridX(*desc, 4096, 4096, 132), 132u);
  EXPECT_EQ(persistentGridX(*desc, 4096, 4096, 133), 132u);
  EXPECT_EQ(persistentGridX(*desc, 384, 256, 132), 2u) << "3 tiles";
  EXPECT_EQ(persistentGridX(*desc, 100, 100, 132), 2u) << "1 tile";
}

//===----------------------------------------------------------------------===//
// Tensor maps
//===----------------------------------------------------------------------===//

template <typename T> T read(void *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

/// A driver whose only entry point counts its calls.
struct FakeEncoderCalls {
  static inline int count = 0;

  static rt::DriverApi api() {
    count = 0;
    rt::DriverApi api;
    api.cuTensorMapEncodeTiled =
        [](CUtensorMap *map, CUtensorMapDataType, cuuint32_t, void *,
           const cuuint64_t *, const cuuint64_t *, const cuuint32_t *,
           const cuuint32_t *, CUtensorMapInterleave, CUtensorMapSwizzle,
           CUtensorMapL2promotion, CUtensorMapFloatOOBfill) -> CUresult {
      ++count;
      std::memset(map, 0x5A, sizeof(*map));
      return CUDA_SUCCESS;
    };
    return api;
  }
};

TEST(TensorMap, FollowsTheDriverConventions) {
  auto desc = parse(kGemmMetadata);
  ASSERT_TRUE(desc);
  // A is 1000 x 256 with rows padded to 264 elements.
  kiln_tensor a =
      Tensor::strided(fakeAddress(1), KILN_DTYPE_BF16, {1000, 256}, {264, 1});
  rt::TensorMapSpec spec;
  ASSERT_EQ(rt::tensorMapSpec(*desc, 0, a, spec), KILN_SUCCESS);
  EXPECT_EQ(spec.dataType, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16);
  EXPECT_EQ(spec.rank, 2u);
  EXPECT_EQ(spec.globalAddress, fakeAddress(1));
  EXPECT_EQ(spec.globalDim[0], 256u) << "innermost first";
  EXPECT_EQ(spec.globalDim[1], 1000u);
  EXPECT_EQ(spec.globalStrides[0], 528u) << "bytes";
  EXPECT_EQ(spec.boxDim[0], 64u);
  EXPECT_EQ(spec.boxDim[1], 128u);
  EXPECT_EQ(spec.elementStrides[0], 1u);
  EXPECT_EQ(spec.elementStrides[1], 1u);
  EXPECT_EQ(spec.interleave, CU_TENSOR_MAP_INTERLEAVE_NONE);
  EXPECT_EQ(spec.swizzle, CU_TENSOR_MAP_SWIZZLE_128B);
  EXPECT_EQ(spec.l2Promotion, CU_TENSOR_MAP_L2_PROMOTION_L2_256B);
  EXPECT_EQ(spec.oobFill, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
}

TEST(TensorMap, ReversesHigherRanks) {
  auto desc = parse(
      replace(replace(replace(kGemmMetadata, R"("rank": 2)", R"("rank": 3)"),
                      R"("block": [128, 64])", R"("block": [1, 128, 64])"),
              R"("tma_box": [128, 64], "swizzle": 128)",
              R"("tma_box": [1, 64, 32], "swizzle": 64)"));
  ASSERT_TRUE(desc);
  kiln_tensor a = Tensor::strided(fakeAddress(1), KILN_DTYPE_BF16, {4, 100, 40},
                                  {8192, 48, 1});
  rt::TensorMapSpec spec;
  ASSERT_EQ(rt::tensorMapSpec(*desc, 0, a, spec), KILN_SUCCESS);
  EXPECT_EQ(spec.rank, 3u);
  EXPECT_EQ(std::vector<cuuint64_t>(spec.globalDim, spec.globalDim + 3),
            (std::vector<cuuint64_t>{40, 100, 4}));
  EXPECT_EQ(std::vector<cuuint64_t>(spec.globalStrides, spec.globalStrides + 2),
            (std::vector<cuuint64_t>{96, 16384}));
  EXPECT_EQ(std::vector<cuuint32_t>(spec.boxDim, spec.boxDim + 3),
            (std::vector<cuuint32_t>{32, 64, 1}));
  EXPECT_EQ(spec.swizzle, CU_TENSOR_MAP_SWIZZLE_64B);
}

/// A kernel with one rank-1 TMA tensor; the capitals are placeholders.
constexpr const char *kOneTmaTensor = R"json({
  "name": "k", "target": "sm_90a", "threads": 128, "smem": 0,
  "grid": [{"value": 1}],
  "params": [{"arg": 0, "name": "t", "kind": "tensor", "dtype": "DTYPE",
              "rank": 1, "block": [64], "tma": true, "tma_box": [BOX],
              "swizzle": SWIZZLE}]
})json";

TEST(TensorMap, MapsEveryDtypeAndSwizzle) {
  const std::pair<kiln_dtype, CUtensorMapDataType> types[] = {
      {KILN_DTYPE_F16, CU_TENSOR_MAP_DATA_TYPE_FLOAT16},
      {KILN_DTYPE_BF16, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16},
      {KILN_DTYPE_F32, CU_TENSOR_MAP_DATA_TYPE_FLOAT32},
      {KILN_DTYPE_F64, CU_TENSOR_MAP_DATA_TYPE_FLOAT64},
      {KILN_DTYPE_F8E4M3, CU_TENSOR_MAP_DATA_TYPE_UINT8},
      {KILN_DTYPE_F8E5M2, CU_TENSOR_MAP_DATA_TYPE_UINT8},
      {KILN_DTYPE_I8, CU_TENSOR_MAP_DATA_TYPE_UINT8},
      {KILN_DTYPE_I16, CU_TENSOR_MAP_DATA_TYPE_UINT16},
      {KILN_DTYPE_I32, CU_TENSOR_MAP_DATA_TYPE_INT32},
      {KILN_DTYPE_I64, CU_TENSOR_MAP_DATA_TYPE_INT64}};
  const std::pair<int32_t, CUtensorMapSwizzle> swizzles[] = {
      {0, CU_TENSOR_MAP_SWIZZLE_NONE},
      {32, CU_TENSOR_MAP_SWIZZLE_32B},
      {64, CU_TENSOR_MAP_SWIZZLE_64B},
      {128, CU_TENSOR_MAP_SWIZZLE_128B}};
  for (auto [dtype, cuType] : types) {
    for (auto [bytes, cuSwizzle] : swizzles) {
      // An innermost box of 16 bytes suits every swizzle.
      std::string box = std::to_string(16 / kiln_dtype_size(dtype));
      auto desc = parse(replace(
          replace(replace(kOneTmaTensor, "DTYPE", kiln_dtype_name(dtype)),
                  "BOX", box),
          "SWIZZLE", std::to_string(bytes)));
      ASSERT_TRUE(desc);
      kiln_tensor t = Tensor::rowMajor(fakeAddress(1), dtype, {100});
      rt::TensorMapSpec spec;
      ASSERT_EQ(rt::tensorMapSpec(*desc, 0, t, spec), KILN_SUCCESS);
      EXPECT_EQ(spec.dataType, cuType) << kiln_dtype_name(dtype);
      EXPECT_EQ(spec.swizzle, cuSwizzle) << bytes;
    }
  }
}

TEST(TensorMap, EmptyTensorsGetZeroFilledMaps) {
  // K = 0: A and B are empty, and C = 0 is still to be stored.
  auto desc = parse(kGemmMetadata);
  ASSERT_TRUE(desc);
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 0);
  args[0].tensor.data = nullptr;
  args[1].tensor.data = nullptr;
  kiln_launch_config config;
  ASSERT_EQ(rt::planLaunch(*desc, args.data(), args.size(), 0, config),
            KILN_SUCCESS)
      << kiln_last_error();
  EXPECT_EQ(grid(config), (std::vector<uint32_t>{8, 2, 1}));

  // No tensor map is encoded: both slots stay zero.
  std::vector<KernelParam> params = rt::kernelParams(*desc);
  rt::DriverApi api = FakeEncoderCalls::api();
  rt::ParamBuffer buffer;
  ASSERT_EQ(buffer.pack(*desc, params, args.data(), api), KILN_SUCCESS)
      << kiln_last_error();
  EXPECT_EQ(FakeEncoderCalls::count, 0);
  void **p = buffer.pointers();
  const unsigned char zeros[sizeof(CUtensorMap)] = {};
  EXPECT_EQ(std::memcmp(p[0], zeros, sizeof(zeros)), 0);
  EXPECT_EQ(std::memcmp(p[5], zeros, sizeof(zeros)), 0);
  // Addresses, extents and strides are passed as usual.
  EXPECT_EQ(read<uint64_t>(p[1]), 0u);
  EXPECT_EQ(read<int32_t>(p[2]), 1000);
  EXPECT_EQ(read<int32_t>(p[3]), 0);
  EXPECT_EQ(read<int32_t>(p[7]), 512);
  EXPECT_EQ(read<int32_t>(p[8]), 0);

  // A tensor map of an empty tensor is never asked for.
  rt::TensorMapSpec spec;
  EXPECT_EQ(rt::tensorMapSpec(*desc, 0, args[0].tensor, spec),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(kiln_last_error(),
               "gemm_bf16: argument 0 ('a'): extent 0 of dimension 1: a "
               "tensor read through TMA needs extents of at least 1");
}

TEST(TensorMap, OneEmptyTensorAmongOthers) {
  // A grid of one CTA over an empty rank-1 TMA tensor.
  auto desc = parse(replace(
      replace(replace(kOneTmaTensor, "DTYPE", "f32"), "BOX", "64"), "SWIZZLE",
      "0"));
  ASSERT_TRUE(desc);
  std::vector<kiln_arg> args = {
      arg(Tensor::rowMajor(nullptr, KILN_DTYPE_F32, {0}))};
  kiln_launch_config config;
  ASSERT_EQ(rt::planLaunch(*desc, args.data(), args.size(), 0, config),
            KILN_SUCCESS)
      << kiln_last_error();
  EXPECT_EQ(grid(config), (std::vector<uint32_t>{1, 1, 1}));
  rt::ParamBuffer buffer;
  ASSERT_EQ(buffer.pack(*desc, rt::kernelParams(*desc), args.data(),
                        FakeEncoderCalls::api()),
            KILN_SUCCESS);
  EXPECT_EQ(FakeEncoderCalls::count, 0);

  // Not empty: encoded.
  args[0] = arg(Tensor::rowMajor(fakeAddress(1), KILN_DTYPE_F32, {100}));
  ASSERT_EQ(buffer.pack(*desc, rt::kernelParams(*desc), args.data(),
                        FakeEncoderCalls::api()),
            KILN_SUCCESS);
  EXPECT_EQ(FakeEncoderCalls::count, 1);
}

//===----------------------------------------------------------------------===//
// Kernel parameters
//===----------------------------------------------------------------------===//

std::vector<
    std::tuple<KernelParam::Kind, uint32_t, uint32_t, uint32_t, uint32_t>>
summarize(const std::vector<KernelParam> &params) {
  std::vector<
      std::tuple<KernelParam::Kind, uint32_t, uint32_t, uint32_t, uint32_t>>
      out;
  for (const KernelParam &p : params)
    out.emplace_back(p.kind, p.arg, p.dim, p.size, p.offset);
  return out;
}

TEST(Params, ExpandArgumentsAsTheAbiSays) {
  auto desc = parse(kGemmMetadata);
  ASSERT_TRUE(desc);
  using K = KernelParam;
  // {kind, argument, dimension, bytes, offset}
  decltype(summarize({})) expected = {
      {K::TensorMap, 0, 0, 128, 0},
      {K::Address, 0, 0, 8, 128},
      {K::Extent, 0, 0, 4, 136},
      {K::Extent, 0, 1, 4, 140},
      // B's map aligned as cuda.h aligns CUtensorMap on the host.
      {K::Stride, 0, 0, 8, 144},
      {K::TensorMap, 1, 0, 128, 256},
      {K::Address, 1, 0, 8, 384},
      {K::Extent, 1, 0, 4, 392},
      {K::Extent, 1, 1, 4, 396},
      {K::Stride, 1, 0, 8, 400},
      // No tensor map for C, which is not read through TMA.
      {K::Address, 2, 0, 8, 408},
      {K::Extent, 2, 0, 4, 416},
      {K::Extent, 2, 1, 4, 420},
      {K::Stride, 2, 0, 8, 424},
      {K::Scalar, 3, 0, 4, 432}};
  EXPECT_EQ(summarize(rt::kernelParams(*desc)), expected);
}

/// A driver whose only entry point writes a recognizable tensor map.
struct FakeEncoder {
  static inline std::vector<rt::TensorMapSpec> calls;
  static inline CUresult result = CUDA_SUCCESS;

  static CUresult encode(CUtensorMap *map, CUtensorMapDataType type,
                         cuuint32_t rank, void *address, const cuuint64_t *dim,
                         const cuuint64_t *strides, const cuuint32_t *box,
                         const cuuint32_t *elementStrides,
                         CUtensorMapInterleave interleave,
                         CUtensorMapSwizzle swizzle, CUtensorMapL2promotion l2,
                         CUtensorMapFloatOOBfill oob) {
    rt::TensorMapSpec spec = {type, rank,       address, {}, {}, {},
                              {},   interleave, swizzle, l2, oob};
    std::copy(dim, dim + rank, spec.globalDim);
    std::copy(strides, strides + rank - 1, spec.globalStrides);
    std::copy(box, box + rank, spec.boxDim);
    std::copy(elementStrides, elementStrides + rank, spec.elementStrides);
    calls.push_back(spec);
    std::memset(map, 0xA0 + int(calls.size()), sizeof(*map));
    return result;
  }

  static rt::DriverApi api() {
    calls.clear();
    result = CUDA_SUCCESS;
    rt::DriverApi api;
    api.cuTensorMapEncodeTiled = encode;
    return api;
  }
};

TEST(Params, PackValuesWhereThePointersSay) {
  auto desc = parse(kGemmMetadata);
  ASSERT_TRUE(desc);
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256, 0.25f);
  args[1].tensor.strides[0] = 272; // padded rows of B
  std::vector<KernelParam> params = rt::kernelParams(*desc);
  rt::DriverApi api = FakeEncoder::api();
  rt::ParamBuffer buffer;
  ASSERT_EQ(buffer.pack(*desc, params, args.data(), api), KILN_SUCCESS)
      << kiln_last_error();
  ASSERT_EQ(buffer.size(), 15u);
  void **p = buffer.pointers();

  // Tensor maps: aligned for CUtensorMap, as the driver wrote them.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p[0]) % alignof(CUtensorMap), 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p[5]) % alignof(CUtensorMap), 0u);
  EXPECT_EQ(read<uint8_t>(p[0]), 0xA1);
  EXPECT_EQ(read<uint8_t>(static_cast<char *>(p[0]) + 127), 0xA1);
  EXPECT_EQ(read<uint8_t>(p[5]), 0xA2);
  ASSERT_EQ(FakeEncoder::calls.size(), 2u);
  EXPECT_EQ(FakeEncoder::calls[1].globalAddress, fakeAddress(2));
  EXPECT_EQ(FakeEncoder::calls[1].globalStrides[0], 544u);
  EXPECT_EQ(FakeEncoder::calls[1].boxDim[1], 256u);

  // A: address, extents M and K, row stride.
  EXPECT_EQ(read<uint64_t>(p[1]), reinterpret_cast<uint64_t>(fakeAddress(1)));
  EXPECT_EQ(read<int32_t>(p[2]), 1000);
  EXPECT_EQ(read<int32_t>(p[3]), 256);
  EXPECT_EQ(read<int64_t>(p[4]), 256);
  // B.
  EXPECT_EQ(read<uint64_t>(p[6]), reinterpret_cast<uint64_t>(fakeAddress(2)));
  EXPECT_EQ(read<int32_t>(p[7]), 512);
  EXPECT_EQ(read<int64_t>(p[9]), 272);
  // C, then alpha.
  EXPECT_EQ(read<uint64_t>(p[10]), reinterpret_cast<uint64_t>(fakeAddress(3)));
  EXPECT_EQ(read<int32_t>(p[11]), 1000);
  EXPECT_EQ(read<int32_t>(p[12]), 512);
  EXPECT_EQ(read<int64_t>(p[13]), 512);
  EXPECT_EQ(read<float>(p[14]), 0.25f);
  for (size_t i = 0; i < buffer.size(); ++i)
    EXPECT_EQ(uint32_t(static_cast<char *>(p[i]) - static_cast<char *>(p[0])),
              params[i].offset);
}

TEST(Params, ScalarsKeepTheirOwnSize) {
  auto desc = parse(R"json({
    "name": "scalars", "target": "sm_90a", "threads": 32, "smem": 0,
    "grid": [{"value": 1}],
    "params": [
      {"arg": 0, "name": "h", "kind": "scalar", "dtype": "f16"},
      {"arg": 1, "name": "b", "kind": "scalar", "dtype": "bf16"},
      {"arg": 2, "name": "c", "kind": "scalar", "dtype": "i8"},
      {"arg": 3, "name": "q", "kind": "scalar", "dtype": "f8e4m3"},
      {"arg": 4, "name": "n", "kind": "scalar", "dtype": "i64"},
      {"arg": 5, "name": "d", "kind": "scalar", "dtype": "f64"},
      {"arg": 6, "name": "s", "kind": "scalar", "dtype": "i16"},
      {"arg": 7, "name": "i", "kind": "scalar", "dtype": "i32"}
    ]})json");
  ASSERT_TRUE(desc);
  std::vector<kiln_arg> args = {scalarBits(KILN_DTYPE_F16, 0x3c00),
                                scalarBits(KILN_DTYPE_BF16, 0x3f80),
                                arg(int8_t(-3)),
                                scalarBits(KILN_DTYPE_F8E4M3, 0x38),
                                arg(int64_t(1) << 40),
                                arg(2.5),
                                arg(int16_t(-300)),
                                arg(int32_t(-7))};
  std::vector<KernelParam> params = rt::kernelParams(*desc);
  std::vector<uint32_t> sizes, offsets;
  for (const KernelParam &p : params) {
    sizes.push_back(p.size);
    offsets.push_back(p.offset);
  }
  EXPECT_EQ(sizes, (std::vector<uint32_t>{2, 2, 1, 1, 8, 8, 2, 4}));
  EXPECT_EQ(offsets, (std::vector<uint32_t>{0, 2, 4, 5, 8, 16, 24, 28}));

  rt::ParamBuffer buffer;
  ASSERT_EQ(buffer.pack(*desc, params, args.data(), rt::DriverApi()),
            KILN_SUCCESS);
  void **p = buffer.pointers();
  EXPECT_EQ(read<uint16_t>(p[0]), 0x3c00);
  EXPECT_EQ(read<uint16_t>(p[1]), 0x3f80);
  EXPECT_EQ(read<int8_t>(p[2]), -3);
  EXPECT_EQ(read<uint8_t>(p[3]), 0x38);
  EXPECT_EQ(read<int64_t>(p[4]), int64_t(1) << 40);
  EXPECT_EQ(read<double>(p[5]), 2.5);
  EXPECT_EQ(read<int16_t>(p[6]), -300);
  EXPECT_EQ(read<int32_t>(p[7]), -7);
}

TEST(Params, EncoderFailureNamesTheArgument) {
  auto desc = parse(kGemmMetadata);
  ASSERT_TRUE(desc);
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  rt::DriverApi api = FakeEncoder::api();
  FakeEncoder::result = CUDA_ERROR_INVALID_VALUE;
  rt::ParamBuffer buffer;
  EXPECT_EQ(buffer.pack(*desc, rt::kernelParams(*desc), args.data(), api),
            KILN_ERROR_DRIVER);
  EXPECT_STREQ(kiln_last_error(),
               "gemm_bf16: argument 0 ('a'): cuTensorMapEncodeTiled failed: "
               "CUresult 1 (no description)");
}

} // namespace
