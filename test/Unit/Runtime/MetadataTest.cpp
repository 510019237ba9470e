//===- MetadataTest.cpp - kernel metadata and descriptions ----------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTest.h"

#include <cstring>

using namespace kiln;
using namespace kiln::test;

namespace {

TEST(Metadata, ParsesEveryField) {
  auto desc = parse(kGemmMetadata);
  ASSERT_TRUE(desc);
  EXPECT_STREQ(desc->name, "gemm_bf16");
  EXPECT_STREQ(desc->target, "sm_90a");
  EXPECT_EQ(desc->threads, 384u);
  EXPECT_EQ(desc->smem, 197632u);
  EXPECT_EQ(desc->cluster[0], 2u);
  EXPECT_EQ(desc->cluster[1], 1u);
  EXPECT_EQ(desc->cluster[2], 1u);
  EXPECT_FALSE(desc->persistent);

  ASSERT_EQ(desc->num_grid, 2u);
  EXPECT_EQ(desc->grid[0].kind, KILN_GRID_TENSOR_DIM);
  EXPECT_EQ(desc->grid[0].arg, 2);
  EXPECT_EQ(desc->grid[0].dim, 0);
  EXPECT_EQ(desc->grid[0].div, 128);
  EXPECT_EQ(desc->grid[1].dim, 1);
  EXPECT_EQ(desc->grid[1].div, 256);

  ASSERT_EQ(desc->num_params, 4u);
  const kiln_param_desc &a = desc->params[0];
  EXPECT_STREQ(a.name, "a");
  EXPECT_EQ(a.kind, KILN_ARG_TENSOR);
  EXPECT_EQ(a.dtype, KILN_DTYPE_BF16);
  EXPECT_EQ(a.rank, 2);
  EXPECT_EQ(a.block[0], 128);
  EXPECT_EQ(a.block[1], 64);
  EXPECT_TRUE(a.tma);
  EXPECT_EQ(a.tma_box[0], 128);
  EXPECT_EQ(a.tma_box[1], 64);
  EXPECT_EQ(a.swizzle, 128);
  EXPECT_EQ(desc->params[1].tma_box[0], 256);
  const kiln_param_desc &c = desc->params[2];
  EXPECT_EQ(c.dtype, KILN_DTYPE_F32);
  EXPECT_FALSE(c.tma);
  EXPECT_TRUE(c.written);
  EXPECT_FALSE(a.written);
  EXPECT_FALSE(c.write_only) << "without \"read\", C may be read";
  const kiln_param_desc &alpha = desc->params[3];
  EXPECT_STREQ(alpha.name, "alpha");
  EXPECT_EQ(alpha.kind, KILN_ARG_SCALAR);
  EXPECT_EQ(alpha.dtype, KILN_DTYPE_F32);

  ASSERT_EQ(desc->num_equal, 3u);
  EXPECT_EQ(desc->equal[0].arg0, 0);
  EXPECT_EQ(desc->equal[0].dim0, 1);
  EXPECT_EQ(desc->equal[0].arg1, 1);
  EXPECT_EQ(desc->equal[0].dim1, 1);
  EXPECT_EQ(desc->equal[2].arg0, 1);
  EXPECT_EQ(desc->equal[2].dim0, 0);
  EXPECT_EQ(desc->equal[2].arg1, 2);
  EXPECT_EQ(desc->equal[2].dim1, 1);

  ASSERT_EQ(desc->num_options, 2u);
  EXPECT_STREQ(desc->options[0].key, "depth");
  EXPECT_STREQ(desc->options[0].value, "4");
  EXPECT_STREQ(desc->options[1].key, "consumers");
  EXPECT_TRUE(desc->has_ptxas);
  EXPECT_EQ(desc->ptxas.registers, 168);
  EXPECT_EQ(desc->ptxas.stack_frame, 8);
}

TEST(Metadata, ParsesWhatKilncWritesWithDefaults) {
  auto desc = parse(kAxpyMetadata);
  ASSERT_TRUE(desc);
  EXPECT_STREQ(desc->name, "axpy");
  EXPECT_EQ(desc->threads, 128u);
  EXPECT_EQ(desc->smem, 0u);
  EXPECT_EQ(desc->cluster[0], 1u);
  EXPECT_EQ(desc->cluster[1], 1u);
  EXPECT_EQ(desc->cluster[2], 1u);
  EXPECT_FALSE(desc->persistent);
  EXPECT_FALSE(desc->has_ptxas);
  EXPECT_EQ(desc->num_options, 0u);
  EXPECT_EQ(desc->num_equal, 0u) << "\"equal\" is optional";
  EXPECT_EQ(desc->equal, nullptr);
  ASSERT_EQ(desc->num_params, 3u);
  EXPECT_EQ(desc->params[0].rank, 1);
  EXPECT_EQ(desc->params[0].block[0], 2048);
  EXPECT_STREQ(desc->params[2].name, "arg2");
  EXPECT_FALSE(desc->params[1].written) << "\"written\" is optional";
}

TEST(Metadata, WriteOnlyNeedsWrittenAndNotRead) {
  auto parsed = [](std::string_view c) {
    return parse(replace(kGemmMetadata, R"("written": true)", c));
  };
  EXPECT_TRUE(
      parsed(R"("written": true, "read": false)")->params[2].write_only);
  EXPECT_FALSE(
      parsed(R"("written": true, "read": true)")->params[2].write_only);
  EXPECT_FALSE(
      parsed(R"("written": false, "read": false)")->params[2].write_only)
      << "not written: nothing for tuning to overwrite";
}

TEST(Metadata, ParsesConstantAndScalarGridRules) {
  std::string json = replace(kGemmMetadata, R"("cluster": [2, 1, 1])",
                             R"("cluster": [1, 1, 1], "persistent": true)");
  json = replace(json, R"({"arg": 2, "dim": 0, "div": 128})",
                 R"({"value": 7}, {"arg": 4, "div": 3})");
  json = replace(json, R"("dtype": "f32"}
  ],)",
                 R"("dtype": "f32"},
    {"arg": 4, "name": "n", "kind": "scalar", "dtype": "i64"}
  ],)");
  auto desc = parse(json);
  ASSERT_TRUE(desc);
  EXPECT_TRUE(desc->persistent);
  ASSERT_EQ(desc->num_grid, 3u);
  EXPECT_EQ(desc->grid[0].kind, KILN_GRID_CONSTANT);
  EXPECT_EQ(desc->grid[0].value, 7);
  EXPECT_EQ(desc->grid[1].kind, KILN_GRID_SCALAR);
  EXPECT_EQ(desc->grid[1].arg, 4);
  EXPECT_EQ(desc->grid[1].div, 3);
  EXPECT_EQ(desc->grid[2].kind, KILN_GRID_TENSOR_DIM);
  EXPECT_EQ(desc->params[4].dtype, KILN_DTYPE_I64);
}

TEST(Metadata, IgnoresUnknownFields) {
  std::string json = replace(kGemmMetadata, R"("threads": 384,)",
                             R"("threads": 384, "future": {"x": [1, null]},)");
  json = replace(json, R"("name": "alpha",)",
                 R"("name": "alpha", "rank": "ignored for scalars",)");
  auto desc = parse(json);
  ASSERT_TRUE(desc);
  EXPECT_EQ(desc->threads, 384u);
  EXPECT_EQ(desc->params[3].rank, 0);
}

TEST(Metadata, CApiOwnsAndFreesTheDescription) {
  kiln_kernel_desc *desc = reinterpret_cast<kiln_kernel_desc *>(1);
  std::string json = kAxpyMetadata;
  ASSERT_EQ(kiln_metadata_parse(json.data(), json.size(), &desc), KILN_SUCCESS);
  EXPECT_STREQ(kiln_last_error(), "");
  // The description holds its own strings.
  json.assign(json.size(), ' ');
  EXPECT_STREQ(desc->name, "axpy");
  EXPECT_STREQ(desc->params[1].name, "arg1");
  kiln_metadata_free(desc);
  kiln_metadata_free(nullptr);

  desc = reinterpret_cast<kiln_kernel_desc *>(1);
  EXPECT_EQ(kiln_metadata_parse("{", 1, &desc), KILN_ERROR_INVALID_METADATA);
  EXPECT_EQ(desc, nullptr);
  EXPECT_STREQ(kiln_last_error(),
               "invalid kernel metadata: line 1, column 2: expected a string "
               "key");
  EXPECT_EQ(kiln_metadata_parse(nullptr, 0, &desc), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(kiln_metadata_parse("{}", 2, nullptr), KILN_ERROR_INVALID_VALUE);
}

TEST(Metadata, CppWrapperCarriesTheMessage) {
  Metadata meta;
  Status s = meta.parse(R"({"name": "k"})");
  EXPECT_FALSE(s);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_METADATA);
  EXPECT_EQ(s.message(), "invalid kernel metadata: target: missing");
  EXPECT_FALSE(meta);
  ASSERT_TRUE(meta.parse(kAxpyMetadata));
  EXPECT_STREQ(meta.desc().name, "axpy");
}

//===----------------------------------------------------------------------===//
// Each schema error, with the message that names its field
//===----------------------------------------------------------------------===//

struct BadMetadata {
  const char *from; ///< text of kGemmMetadata to replace
  const char *to;
  const char *message; ///< after "invalid kernel metadata: "
};

std::ostream &operator<<(std::ostream &os, const BadMetadata &bad) {
  return os << "'" << bad.from << "' -> '" << bad.to << "'";
}

class MetadataErrors : public ::testing::TestWithParam<BadMetadata> {};

TEST_P(MetadataErrors, NameTheField) {
  const BadMetadata &bad = GetParam();
  std::string json = replace(kGemmMetadata, bad.from, bad.to);
  std::unique_ptr<rt::OwnedDesc> desc;
  EXPECT_EQ(rt::parseMetadata(json, desc), KILN_ERROR_INVALID_METADATA);
  EXPECT_FALSE(desc);
  EXPECT_EQ(kiln_last_error(),
            std::string("invalid kernel metadata: ") + bad.message);
}

INSTANTIATE_TEST_SUITE_P(
    Metadata, MetadataErrors,
    ::testing::Values(
        // Syntax and document.
        BadMetadata{R"("threads": 384,)", R"("threads": 384,,)",
                    "line 4, column 18: expected a string key"},
        BadMetadata{R"("smem": 197632,)", R"("smem": 197632)",
                    "line 6, column 3: expected ',' or '}'"},
        // Top-level fields.
        BadMetadata{R"("name": "gemm_bf16",)", "", "name: missing"},
        BadMetadata{R"("name": "gemm_bf16")", R"("name": 7)",
                    "name: expected a string, got an integer"},
        BadMetadata{R"("name": "gemm_bf16")", R"("name": "")",
                    "name: must not be empty"},
        BadMetadata{R"("target": "sm_90a",)", "", "target: missing"},
        BadMetadata{R"("threads": 384)", R"("threads": "384")",
                    "threads: expected an integer, got a string"},
        BadMetadata{R"("threads": 384)", R"("threads": 3.5)",
                    "threads: expected an integer, got a number"},
        BadMetadata{R"("threads": 384)", R"("threads": 0)",
                    "threads: 0 is not in 1..1024"},
        BadMetadata{R"("threads": 384)", R"("threads": 2048)",
                    "threads: 2048 is not in 1..1024"},
        BadMetadata{R"("threads": 384)", R"("threads": -1)",
                    "threads: -1 is not in 0..4294967295"},
        BadMetadata{R"("smem": 197632,)", "", "smem: missing"},
        BadMetadata{R"("smem": 197632)", R"("smem": 4294967296)",
                    "smem: 4294967296 is not in 0..4294967295"},
        BadMetadata{R"("cluster": [2, 1, 1])", R"("cluster": [2, 1])",
                    "cluster: expected 3 entries, got 2"},
        BadMetadata{R"("cluster": [2, 1, 1])", R"("cluster": [0, 1, 1])",
                    "cluster[0]: 0 is less than 1"},
        BadMetadata{R"("cluster": [2, 1, 1])", R"("cluster": "2x1x1")",
                    "cluster: expected an array, got a string"},
        BadMetadata{R"("cluster": [2, 1, 1])",
                    R"("cluster": [2, 1, 1], "persistent": 1)",
                    "persistent: expected a boolean, got an integer"},
        BadMetadata{R"("cluster": [2, 1, 1])",
                    R"("cluster": [1, 2, 1], "persistent": true)",
                    "cluster: a persistent kernel has a 1-D grid, so cluster "
                    "y and z must be 1"},
        BadMetadata{R"("options": {"depth": "4", "consumers": "2"})",
                    R"("options": {"depth": 4})",
                    "options.depth: expected a string, got an integer"},
        BadMetadata{R"("stack_frame": 8)", R"("stack_frames": 8)",
                    "ptxas.stack_frame: missing"},
        // Grid rules.
        BadMetadata{R"("grid": [)", R"("grid0": [)", "grid: missing"},
        BadMetadata{R"("grid": [{"arg": 2, "dim": 0, "div": 128}, )"
                    R"({"arg": 2, "dim": 1, "div": 256}])",
                    R"("grid": [])", "grid: has 0 entries, expected 1 to 3"},
        BadMetadata{R"("grid": [)", R"("grid": [{"value": 1}, {"value": 1}, )",
                    "grid: has 4 entries, expected 1 to 3"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})", R"({"value": 0})",
                    "grid[0].value: 0 is less than 1"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"value": 1, "arg": 2})",
                    "grid[0]: has both \"value\" and \"arg\""},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"dim": 0, "div": 128})", "grid[0].arg: missing"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"arg": 2, "dim": 0})", "grid[0].div: missing"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"arg": 2, "dim": 0, "div": 0})",
                    "grid[0].div: 0 is less than 1"},
        BadMetadata{R"({"arg": 2, "dim": 1, "div": 256})",
                    R"({"arg": 7, "dim": 1, "div": 256})",
                    "grid[1].arg: argument 7 does not exist (the kernel has "
                    "4)"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"arg": 3, "dim": 0, "div": 1})",
                    "grid[0].dim: argument 3 ('alpha') is not a tensor"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"arg": 2, "dim": 2, "div": 128})",
                    "grid[0].dim: 2 is not a dimension of argument 2 ('c'), "
                    "which has rank 2"},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"arg": 3, "div": 1})",
                    "grid[0].arg: argument 3 ('alpha') is not an integer "
                    "scalar; a rule over a tensor needs \"dim\""},
        BadMetadata{R"({"arg": 2, "dim": 0, "div": 128})",
                    R"({"arg": 0, "div": 1})",
                    "grid[0].arg: argument 0 ('a') is not an integer scalar; "
                    "a rule over a tensor needs \"dim\""},
        // Equal extents.
        BadMetadata{R"("equal": [[0, 1, 1, 1], )", R"("equal": 7, "x": [)",
                    "equal: expected an array, got an integer"},
        BadMetadata{R"([[0, 1, 1, 1], )", R"([7, )",
                    "equal[0]: expected an array, got an integer"},
        BadMetadata{"[[0, 1, 1, 1]", "[[0, 1, 1]",
                    "equal[0]: expected 4 entries ([arg0, dim0, arg1, dim1]), "
                    "got 3"},
        BadMetadata{"[0, 0, 2, 0]", R"([0, 0, 2, "0"])",
                    "equal[1][3]: expected an integer, got a string"},
        BadMetadata{"[[0, 1, 1, 1]", "[[0, 1, 7, 1]",
                    "equal[0]: argument 7 does not exist (the kernel has 4)"},
        BadMetadata{"[[0, 1, 1, 1]", "[[-1, 1, 1, 1]",
                    "equal[0]: argument -1 does not exist (the kernel has 4)"},
        BadMetadata{"[[0, 1, 1, 1]", "[[0, 1, 3, 0]",
                    "equal[0]: argument 3 ('alpha') is not a tensor"},
        BadMetadata{"[1, 0, 2, 1]", "[1, 0, 2, 2]",
                    "equal[2]: 2 is not a dimension of argument 2 ('c'), which "
                    "has rank 2"},
        BadMetadata{"[[0, 1, 1, 1]", "[[0, -1, 1, 1]",
                    "equal[0]: -1 is not a dimension of argument 0 ('a'), "
                    "which has rank 2"},
        // Parameters.
        BadMetadata{R"("params": [)", R"("params0": [)", "params: missing"},
        BadMetadata{R"("params": [)", R"("params": {"a": 1}, "x": [)",
                    "params: expected an array, got an object"},
        BadMetadata{R"({"arg": 0, "name": "a")", R"({"arg": 1, "name": "a")",
                    "params[0].arg: is 1, expected 0: params are listed in "
                    "argument order"},
        BadMetadata{R"("name": "a", )", "", "params[0].name: missing"},
        BadMetadata{R"("kind": "tensor")", R"("kind": "vector")",
                    "params[0].kind: unknown kind \"vector\", expected tensor "
                    "or scalar"},
        BadMetadata{R"("dtype": "bf16")", R"("dtype": "f12")",
                    "params[0].dtype: unknown dtype \"f12\""},
        BadMetadata{R"("dtype": "f32"})", R"("dtype": "float"})",
                    "params[3].dtype: unknown dtype \"float\""},
        BadMetadata{R"("rank": 2)", R"("rank": 0)",
                    "params[0].rank: 0 is not in 1..5"},
        BadMetadata{R"("rank": 2)", R"("rank": 6)",
                    "params[0].rank: 6 is not in 1..5"},
        BadMetadata{R"("block": [128, 64])", R"("block": [128])",
                    "params[0].block: expected 2 entries (the rank), got 1"},
        BadMetadata{R"("block": [128, 64])", R"("block": [128, 0])",
                    "params[0].block[1]: 0 is less than 1"},
        BadMetadata{R"("block": [128, 256], "tma": false)",
                    R"("block": [128, 256])", "params[2].tma: missing"},
        BadMetadata{R"("written": true)", R"("written": 1)",
                    "params[2].written: expected a boolean, got an integer"},
        BadMetadata{R"("written": true)", R"("written": true, "read": 0)",
                    "params[2].read: expected a boolean, got an integer"},
        BadMetadata{R"(, "tma_box": [128, 64])", "",
                    "params[0].tma_box: missing"},
        BadMetadata{R"("tma_box": [128, 64])", R"("tma_box": [128])",
                    "params[0].tma_box: expected 2 entries (the rank), got 1"},
        BadMetadata{R"("tma_box": [128, 64])", R"("tma_box": [512, 64])",
                    "params[0].tma_box[0]: 512 is not in 1..256"},
        BadMetadata{R"("tma_box": [128, 64])", R"("tma_box": [128, 60])",
                    "params[0].tma_box: the innermost box dimension spans 120 "
                    "bytes, not a multiple of 16"},
        BadMetadata{R"("swizzle": 128})", R"("swizzle": 64})",
                    "params[0].tma_box: the innermost box dimension spans 128 "
                    "bytes, more than the 64-byte swizzle"},
        BadMetadata{R"("swizzle": 128})", R"("swizzle": 48})",
                    "params[0].swizzle: 48 is not 0, 32, 64 or 128"},
        BadMetadata{R"(, "swizzle": 128})", R"(})",
                    "params[0].swizzle: missing"}));

//===----------------------------------------------------------------------===//
// Descriptions from tables, as generated launchers make them
//===----------------------------------------------------------------------===//

/// The GEMM's description as static tables.
struct GemmTables {
  // clang-format off
  kiln_param_desc params[4] = {
    {"a", KILN_ARG_TENSOR, KILN_DTYPE_BF16, 2, {128, 64}, true, {128, 64}, 128},
    {"b", KILN_ARG_TENSOR, KILN_DTYPE_BF16, 2, {256, 64}, true, {256, 64}, 128},
    {"c", KILN_ARG_TENSOR, KILN_DTYPE_F32, 2, {128, 256}, false, {}, 0},
    {"alpha", KILN_ARG_SCALAR, KILN_DTYPE_F32, 0, {}, false, {}, 0}};
  kiln_option options[1] = {{"depth", "4"}};
  kiln_equal_extents equal[3] = {{0, 1, 1, 1}, {0, 0, 2, 0}, {1, 0, 2, 1}};
  kiln_kernel_desc desc = {
    "gemm_bf16", "sm_90a", 384, 197632, {2, 1, 1}, false,
    2, {{KILN_GRID_TENSOR_DIM, 0, 2, 0, 128},
        {KILN_GRID_TENSOR_DIM, 0, 2, 1, 256}},
    4, params, 1, options, false, {}, 3, equal};
  // clang-format on
};

TEST(KernelDesc, TablesMatchTheParsedMetadata) {
  GemmTables tables;
  kiln_kernel *kernel = nullptr;
  ASSERT_EQ(kiln_kernel_create(nullptr, &tables.desc, &kernel), KILN_SUCCESS)
      << kiln_last_error();
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  kiln_launch_config fromTables, fromJson;
  ASSERT_EQ(
      kiln_kernel_launch_config(kernel, args.data(), args.size(), &fromTables),
      KILN_SUCCESS)
      << kiln_last_error();
  kiln_kernel_destroy(kernel);

  Metadata meta;
  ASSERT_TRUE(meta.parse(kGemmMetadata));
  Kernel parsed;
  ASSERT_TRUE(parsed.create(Module(), meta.desc()));
  ASSERT_TRUE(parsed.launchConfig(args, fromJson));
  EXPECT_EQ(std::memcmp(&fromTables, &fromJson, sizeof(fromJson)), 0);
}

TEST(KernelDesc, KernelCopiesItsDescription) {
  auto tables = std::make_unique<GemmTables>();
  std::string name = "gemm_bf16";
  tables->desc.name = name.c_str();
  Kernel kernel;
  ASSERT_TRUE(kernel.create(Module(), tables->desc));
  name = "overwritten";
  tables.reset();
  EXPECT_STREQ(kernel.desc().name, "gemm_bf16");
  EXPECT_STREQ(kernel.desc().params[3].name, "alpha");
  EXPECT_EQ(kernel.desc().params[1].tma_box[0], 256);
  EXPECT_STREQ(kernel.desc().options[0].value, "4");
  ASSERT_EQ(kernel.desc().num_equal, 3u);
  EXPECT_EQ(kernel.desc().equal[2].arg0, 1);
  EXPECT_EQ(kernel.desc().equal[2].dim1, 1);
}

struct BadTable {
  const char *what;
  void (*mutate)(GemmTables &);
  const char *message; ///< after "invalid kernel metadata: "
};

std::ostream &operator<<(std::ostream &os, const BadTable &bad) {
  return os << bad.what;
}

class KernelDescErrors : public ::testing::TestWithParam<BadTable> {};

TEST_P(KernelDescErrors, NameTheField) {
  GemmTables tables;
  GetParam().mutate(tables);
  kiln_kernel *kernel = reinterpret_cast<kiln_kernel *>(1);
  EXPECT_EQ(kiln_kernel_create(nullptr, &tables.desc, &kernel),
            KILN_ERROR_INVALID_METADATA);
  EXPECT_EQ(kernel, nullptr);
  EXPECT_EQ(kiln_last_error(),
            std::string("invalid kernel metadata: ") + GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    KernelDesc, KernelDescErrors,
    ::testing::Values(
        BadTable{"null name", [](GemmTables &t) { t.desc.name = nullptr; },
                 "name: must not be empty"},
        BadTable{"null target", [](GemmTables &t) { t.desc.target = nullptr; },
                 "target: must not be empty"},
        BadTable{"no params", [](GemmTables &t) { t.desc.params = nullptr; },
                 "params: missing"},
        BadTable{"grid rank", [](GemmTables &t) { t.desc.num_grid = 4; },
                 "grid: has 4 entries, expected 1 to 3"},
        BadTable{"grid kind",
                 [](GemmTables &t) { t.desc.grid[1].kind = kiln_grid_kind(9); },
                 "grid[1]: unknown grid rule kind"},
        BadTable{"param kind",
                 [](GemmTables &t) { t.params[2].kind = kiln_arg_kind(0); },
                 "params[2].kind: must be tensor or scalar"},
        BadTable{"param dtype",
                 [](GemmTables &t) { t.params[3].dtype = KILN_DTYPE_INVALID; },
                 "params[3].dtype: invalid dtype"},
        BadTable{"param name", [](GemmTables &t) { t.params[1].name = ""; },
                 "params[1].name: must not be empty"},
        BadTable{"rank", [](GemmTables &t) { t.params[0].rank = 6; },
                 "params[0].rank: 6 is not in 1..5"},
        BadTable{"box", [](GemmTables &t) { t.params[1].tma_box[1] = 0; },
                 "params[1].tma_box[1]: 0 is not in 1..256"},
        BadTable{"swizzle", [](GemmTables &t) { t.params[1].swizzle = 16; },
                 "params[1].swizzle: 16 is not 0, 32, 64 or 128"},
        BadTable{"options", [](GemmTables &t) { t.options[0].value = nullptr; },
                 "options[0]: missing key or value"},
        BadTable{"no equal", [](GemmTables &t) { t.desc.equal = nullptr; },
                 "equal: missing"},
        BadTable{"equal argument",
                 [](GemmTables &t) { t.equal[1].arg1 = 3; },
                 "equal[1]: argument 3 ('alpha') is not a tensor"},
        BadTable{"equal dimension",
                 [](GemmTables &t) { t.equal[0].dim0 = 5; },
                 "equal[0]: 5 is not a dimension of argument 0 ('a'), which "
                 "has rank 2"}));

} // namespace
