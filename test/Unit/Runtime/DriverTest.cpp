//===- DriverTest.cpp - driver loading, modules and launches --------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Without a GPU: the real loader against a missing library, this machine's
// libcuda.so.1 (if any) and the toolkit's stub; then the whole launch path
// against a fake driver that records what the runtime asks of it.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "RuntimeTest.h"
// kilnc --variants=128x256p,128x128p --emit=launcher on examples/gemm.mlir,
// generated at build time (CMakeLists.txt).
#include "gemm_variants.h"

#include <cstring>
#include <map>

using namespace kiln;
using namespace kiln::test;

namespace {

/// A PTX image: text without a terminating NUL.
constexpr char kPtx[] = ".version 8.0\n.target sm_90a\n.address_size 64\n";
constexpr size_t kPtxSize = sizeof(kPtx) - 1;

/// Restores the real loader after each test.
class DriverTest : public ::testing::Test {
protected:
  void TearDown() override { rt::testing::setDriverLibrary(nullptr); }
};

//===----------------------------------------------------------------------===//
// No driver
//===----------------------------------------------------------------------===//

TEST_F(DriverTest, MissingLibraryIsNoDriver) {
  rt::testing::setDriverLibrary("/nonexistent/libcuda.so.1");
  EXPECT_EQ(kiln_init(), KILN_ERROR_NO_DRIVER);
  std::string message = kiln_last_error();
  EXPECT_EQ(message.rfind("the NVIDIA driver (/nonexistent/libcuda.so.1) "
                          "could not be loaded: /nonexistent/libcuda.so.1: ",
                          0),
            0u)
      << message;
  // The outcome is kept: the library is not opened again.
  Status s = kiln::init();
  EXPECT_EQ(s.code(), KILN_ERROR_NO_DRIVER);
  EXPECT_EQ(s.message(), message);
  uint32_t sms = 7;
  s = kiln::deviceSmCount(sms);
  EXPECT_EQ(s.code(), KILN_ERROR_NO_DRIVER);
  EXPECT_EQ(sms, 7u);
}

TEST_F(DriverTest, ArgumentErrorsComeBeforeDriverErrors) {
  // What a generated launcher does: a module and a kernel up front, then
  // launches. Only a valid launch with work reaches the driver.
  rt::testing::setDriverLibrary("/nonexistent/libcuda.so.1");
  Module module;
  Status s = module.load(kPtx, kPtxSize);
  ASSERT_TRUE(s) << "modules need no driver: " << s.message();
  Metadata meta;
  ASSERT_TRUE(meta.parse(kGemmMetadata));
  Kernel kernel;
  ASSERT_TRUE(kernel.create(module, meta.desc()));

  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  args[0].tensor.data = nullptr;
  s = kernel.launch(args);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(), "gemm_bf16: argument 0 ('a'): data pointer is null");
  args = gemmArgs(1000, 512, 256);
  args[1].tensor.shape[1] = 128;
  s = kernel.launch(args);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(kernel.launch(gemmArgs(0, 512, 256))) << "no work";

  s = kernel.launch(gemmArgs(1000, 512, 256));
  EXPECT_EQ(s.code(), KILN_ERROR_NO_DRIVER);
  EXPECT_EQ(s.message().rfind("the NVIDIA driver (/nonexistent/libcuda.so.1) "
                              "could not be loaded",
                              0),
            0u)
      << s.message();
}

TEST_F(DriverTest, ThisMachinesDriverFailsCleanlyOrWorks) {
  rt::testing::setDriverLibrary(nullptr);
  Status s = kiln::init();
  if (s.ok())
    GTEST_SKIP() << "a driver and a device are present";
  EXPECT_TRUE(s.code() == KILN_ERROR_NO_DRIVER ||
              s.code() == KILN_ERROR_NO_DEVICE)
      << kiln_status_string(s.code());
  EXPECT_NE(s.message(), "");
}

TEST_F(DriverTest, StubLibraryHasNoDevice) {
#ifndef KILN_CUDA_STUB_LIBRARY
  GTEST_SKIP() << "the CUDA toolkit's stub libcuda.so was not found";
#else
  rt::testing::setDriverLibrary(KILN_CUDA_STUB_LIBRARY);
  Status s = kiln::init();
  EXPECT_EQ(s.code(), KILN_ERROR_NO_DEVICE);
  EXPECT_EQ(s.message().rfind("the NVIDIA driver failed to initialize "
                              "(cuInit): ",
                              0),
            0u)
      << s.message();
#endif
}

TEST_F(DriverTest, KernelsWithoutModulesValidateButDoNotLaunch) {
  rt::testing::setDriverLibrary("/nonexistent/libcuda.so.1");
  Metadata meta;
  ASSERT_TRUE(meta.parse(kGemmMetadata));
  Kernel kernel;
  ASSERT_TRUE(kernel.create(Module(), meta.desc()));
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  EXPECT_TRUE(kernel.validate(args));
  Status s = kernel.launch(args);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(), "kernel 'gemm_bf16' was created without a module: "
                         "it can be validated, not launched");
}

TEST_F(DriverTest, StatusStrings) {
  EXPECT_STREQ(kiln_status_string(KILN_SUCCESS), "KILN_SUCCESS");
  EXPECT_STREQ(kiln_status_string(KILN_ERROR_NO_DRIVER),
               "KILN_ERROR_NO_DRIVER");
  EXPECT_STREQ(kiln_status_string(KILN_ERROR_UNSUPPORTED_DEVICE),
               "KILN_ERROR_UNSUPPORTED_DEVICE");
  EXPECT_STREQ(kiln_status_string(kiln_status(99)), "unknown kiln_status");
}

//===----------------------------------------------------------------------===//
// A fake driver
//===----------------------------------------------------------------------===//

/// Records the calls of the runtime; handles are small integers.
struct Fake {
  static inline Fake *self = nullptr;

  CUcontext current = nullptr;
  CUresult loadResult = CUDA_SUCCESS;
  CUresult launchResult = CUDA_SUCCESS;
  int smCount = 132;
  int ccMajor = 9, ccMinor = 0;
  CUdevice device = 0; ///< the current context's
  /// Whether launches are of kGemmMetadata's kernel, whose 15th parameter
  /// (alpha) is recorded.
  bool gemmWithAlpha = true;

  /// How long a launch takes on the fake clock, by its dynamic shared
  /// memory (which tells variants apart): 1 ms unless listed.
  std::map<unsigned, float> launchMs;
  /// Launches that fail, by dynamic shared memory.
  std::map<unsigned, CUresult> launchFails;
  float clock = 0;
  std::map<CUevent, float> recorded;
  int eventsMade = 0, eventsAlive = 0;

  int retains = 0, loads = 0, unloads = 0, lookups = 0, encodes = 0;
  std::vector<std::string> images; ///< as cuModuleLoadData saw them
  std::vector<CUcontext> loadContexts;
  std::vector<std::pair<CUfunction_attribute, int>> attributes;
  std::vector<std::string> functionNames;
  struct Launch {
    CUlaunchConfig config;
    std::vector<CUlaunchAttribute> attrs;
    CUfunction function;
    void *firstParam;
    std::vector<unsigned char> lastParam; ///< alpha, a float
    std::vector<unsigned char> firstMap;  ///< A's tensor map
  };
  std::vector<Launch> launches;

  static CUcontext context(uintptr_t n) {
    return reinterpret_cast<CUcontext>(n * 0x100);
  }

  rt::DriverApi api() {
    rt::DriverApi api;
    api.cuCtxGetCurrent = [](CUcontext *ctx) -> CUresult {
      *ctx = self->current;
      return CUDA_SUCCESS;
    };
    api.cuCtxSetCurrent = [](CUcontext ctx) -> CUresult {
      self->current = ctx;
      return CUDA_SUCCESS;
    };
    api.cuCtxPushCurrent = [](CUcontext) -> CUresult { return CUDA_SUCCESS; };
    api.cuCtxPopCurrent = [](CUcontext *) -> CUresult { return CUDA_SUCCESS; };
    api.cuDeviceGet = [](CUdevice *device, int ordinal) -> CUresult {
      *device = ordinal;
      return CUDA_SUCCESS;
    };
    api.cuDevicePrimaryCtxRetain = [](CUcontext *ctx, CUdevice) -> CUresult {
      ++self->retains;
      *ctx = context(99);
      return CUDA_SUCCESS;
    };
    api.cuCtxGetDevice = [](CUdevice *device) -> CUresult {
      *device = self->device;
      return CUDA_SUCCESS;
    };
    api.cuDeviceGetAttribute = [](int *value, CUdevice_attribute attribute,
                                  CUdevice) -> CUresult {
      *value = attribute == CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
                   ? self->smCount
               : attribute == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
                   ? self->ccMajor
                   : self->ccMinor;
      return CUDA_SUCCESS;
    };
    api.cuModuleLoadData = [](CUmodule *module, const void *image) -> CUresult {
      if (self->loadResult != CUDA_SUCCESS)
        return self->loadResult;
      self->images.emplace_back(static_cast<const char *>(image));
      self->loadContexts.push_back(self->current);
      *module = reinterpret_cast<CUmodule>(uintptr_t(++self->loads));
      return CUDA_SUCCESS;
    };
    api.cuModuleUnload = [](CUmodule) -> CUresult {
      ++self->unloads;
      return CUDA_SUCCESS;
    };
    api.cuModuleGetFunction = [](CUfunction *function, CUmodule module,
                                 const char *name) -> CUresult {
      self->functionNames.emplace_back(name);
      *function = reinterpret_cast<CUfunction>(
          reinterpret_cast<uintptr_t>(module) * 0x1000 + ++self->lookups);
      return CUDA_SUCCESS;
    };
    api.cuFuncSetAttribute = [](CUfunction, CUfunction_attribute attribute,
                                int value) -> CUresult {
      self->attributes.emplace_back(attribute, value);
      return CUDA_SUCCESS;
    };
    api.cuTensorMapEncodeTiled =
        [](CUtensorMap *map, CUtensorMapDataType, cuuint32_t, void *,
           const cuuint64_t *, const cuuint64_t *, const cuuint32_t *,
           const cuuint32_t *, CUtensorMapInterleave, CUtensorMapSwizzle,
           CUtensorMapL2promotion, CUtensorMapFloatOOBfill) -> CUresult {
      ++self->encodes;
      std::memset(map, 0x5A, sizeof(*map));
      return CUDA_SUCCESS;
    };
    api.cuLaunchKernelEx = [](const CUlaunchConfig *config, CUfunction f,
                              void **params, void **extra) -> CUresult {
      EXPECT_EQ(extra, nullptr);
      auto failing = self->launchFails.find(config->sharedMemBytes);
      if (failing != self->launchFails.end())
        return failing->second;
      auto ms = self->launchMs.find(config->sharedMemBytes);
      self->clock += ms != self->launchMs.end() ? ms->second : 1.0f;
      Launch launch = {*config,
                       {config->attrs, config->attrs + config->numAttrs},
                       f,
                       params[0],
                       {}};
      // The GEMM's last parameter is alpha, the 15th.
      if (self->gemmWithAlpha) {
        auto *alpha = static_cast<unsigned char *>(params[14]);
        launch.lastParam.assign(alpha, alpha + sizeof(float));
      }
      auto *map = static_cast<unsigned char *>(params[0]);
      launch.firstMap.assign(map, map + sizeof(CUtensorMap));
      self->launches.push_back(launch);
      return self->launchResult;
    };
    api.cuEventCreate = [](CUevent *event, unsigned flags) -> CUresult {
      EXPECT_EQ(flags, unsigned(CU_EVENT_DEFAULT));
      *event = reinterpret_cast<CUevent>(uintptr_t(++self->eventsMade));
      ++self->eventsAlive;
      return CUDA_SUCCESS;
    };
    api.cuEventRecord = [](CUevent event, CUstream) -> CUresult {
      self->recorded[event] = self->clock;
      return CUDA_SUCCESS;
    };
    api.cuEventSynchronize = [](CUevent event) -> CUresult {
      return self->recorded.count(event) ? CUDA_SUCCESS
                                         : CUDA_ERROR_INVALID_HANDLE;
    };
    api.cuEventElapsedTime = [](float *ms, CUevent start,
                                CUevent end) -> CUresult {
      *ms = self->recorded.at(end) - self->recorded.at(start);
      return CUDA_SUCCESS;
    };
    api.cuEventDestroy = [](CUevent) -> CUresult {
      --self->eventsAlive;
      return CUDA_SUCCESS;
    };
    api.cuGetErrorName = [](CUresult r, const char **name) -> CUresult {
      *name = r == CUDA_ERROR_NO_BINARY_FOR_GPU ? "CUDA_ERROR_NO_BINARY_FOR_GPU"
              : r == CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES
                  ? "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"
                  : nullptr;
      return *name ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
    };
    return api;
  }
};

class FakeDriverTest : public DriverTest {
protected:
  Fake fake;
  rt::DriverApi api;
  Metadata meta;

  void SetUp() override {
    Fake::self = &fake;
    api = fake.api();
    rt::testing::setDriverApi(&api);
    fake.current = Fake::context(1);
    ASSERT_TRUE(meta.parse(kGemmMetadata));
  }

  void TearDown() override {
    DriverTest::TearDown();
    Fake::self = nullptr;
  }

  Kernel gemm(const Module &module) {
    Kernel kernel;
    Status s = kernel.create(module, meta.desc());
    EXPECT_TRUE(s) << s.message();
    return kernel;
  }
};

TEST_F(FakeDriverTest, LaunchesWithTheComputedConfiguration) {
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  EXPECT_EQ(fake.loads, 0) << "modules load lazily";
  Kernel kernel = gemm(module);
  void *stream = reinterpret_cast<void *>(0x5700);
  Status s = kernel.launch(gemmArgs(1000, 512, 256, 0.5f), stream);
  ASSERT_TRUE(s) << s.message();

  ASSERT_EQ(fake.launches.size(), 1u);
  const Fake::Launch &launch = fake.launches[0];
  EXPECT_EQ(launch.config.gridDimX, 8u);
  EXPECT_EQ(launch.config.gridDimY, 2u);
  EXPECT_EQ(launch.config.gridDimZ, 1u);
  EXPECT_EQ(launch.config.blockDimX, 384u);
  EXPECT_EQ(launch.config.blockDimY, 1u);
  EXPECT_EQ(launch.config.blockDimZ, 1u);
  EXPECT_EQ(launch.config.sharedMemBytes, 197632u);
  EXPECT_EQ(launch.config.hStream, static_cast<CUstream>(stream));
  ASSERT_EQ(launch.attrs.size(), 1u);
  EXPECT_EQ(launch.attrs[0].id, CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
  EXPECT_EQ(launch.attrs[0].value.clusterDim.x, 2u);
  EXPECT_EQ(launch.attrs[0].value.clusterDim.y, 1u);
  EXPECT_EQ(launch.attrs[0].value.clusterDim.z, 1u);
  // Parameters: A's tensor map first, alpha last.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(launch.firstParam) %
                alignof(CUtensorMap),
            0u);
  float alpha;
  std::memcpy(&alpha, launch.lastParam.data(), sizeof(alpha));
  EXPECT_EQ(alpha, 0.5f);
  EXPECT_EQ(fake.encodes, 2);
  EXPECT_EQ(launch.firstMap,
            std::vector<unsigned char>(sizeof(CUtensorMap), 0x5A));

  // The image was loaded once, into the current context, with its NUL.
  ASSERT_EQ(fake.images.size(), 1u);
  EXPECT_EQ(fake.images[0], std::string(kPtx, kPtxSize));
  EXPECT_EQ(fake.loadContexts[0], Fake::context(1));
  EXPECT_EQ(fake.functionNames, std::vector<std::string>{"gemm_bf16"});
  // 197632 bytes of shared memory need the opt-in.
  ASSERT_EQ(fake.attributes.size(), 1u);
  EXPECT_EQ(fake.attributes[0].first,
            CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
  EXPECT_EQ(fake.attributes[0].second, 197632);
  EXPECT_EQ(fake.retains, 0) << "a context was current";
}

TEST_F(FakeDriverTest, InitFindsTheDriver) {
  Status s = kiln::init();
  EXPECT_TRUE(s) << s.message();
  EXPECT_STREQ(kiln_last_error(), "");
  EXPECT_EQ(fake.loads, 0) << "nothing is loaded";
}

TEST_F(FakeDriverTest, LoadsOncePerContext) {
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  Kernel other = gemm(module);
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 256);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(kernel.launch(args));
  EXPECT_EQ(fake.loads, 1);
  EXPECT_EQ(fake.lookups, 1);
  EXPECT_EQ(fake.attributes.size(), 1u) << "set once per function";

  // A second kernel of the module shares the load, not the lookup.
  ASSERT_TRUE(other.launch(args));
  EXPECT_EQ(fake.loads, 1);
  EXPECT_EQ(fake.lookups, 2);

  // Another context loads its own copy.
  fake.current = Fake::context(2);
  ASSERT_TRUE(kernel.launch(args));
  ASSERT_TRUE(kernel.launch(args));
  EXPECT_EQ(fake.loads, 2);
  EXPECT_EQ(fake.lookups, 3);
  EXPECT_EQ(fake.loadContexts.back(), Fake::context(2));
  ASSERT_EQ(fake.launches.size(), 6u);
  EXPECT_EQ(fake.launches[2].function, fake.launches[0].function);
  EXPECT_NE(fake.launches[3].function, fake.launches[0].function);
  EXPECT_NE(fake.launches[4].function, fake.launches[0].function);
  EXPECT_EQ(fake.launches[5].function, fake.launches[4].function);
}

TEST_F(FakeDriverTest, WithoutAContextUsesThePrimaryOfDevice0) {
  fake.current = nullptr;
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
  EXPECT_EQ(fake.retains, 1);
  EXPECT_EQ(fake.current, Fake::context(99)) << "made current";
  EXPECT_EQ(fake.loadContexts[0], Fake::context(99));
  // Retained once per process, even when the thread loses it again.
  fake.current = nullptr;
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
  EXPECT_EQ(fake.retains, 1);
  EXPECT_EQ(fake.loads, 1);
}

TEST_F(FakeDriverTest, PersistentGridUsesTheDevicesSMs) {
  fake.smCount = 114;
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Metadata persistent;
  ASSERT_TRUE(persistent.parse(replace(kGemmMetadata, R"("cluster": [2, 1, 1])",
                                       R"("persistent": true)")));
  Kernel kernel;
  ASSERT_TRUE(kernel.create(module, persistent.desc()));
  ASSERT_TRUE(kernel.launch(gemmArgs(4096, 4096, 256)));
  ASSERT_TRUE(kernel.launch(gemmArgs(256, 512, 256)));
  ASSERT_EQ(fake.launches.size(), 2u);
  EXPECT_EQ(fake.launches[0].config.gridDimX, 114u);
  EXPECT_EQ(fake.launches[0].config.gridDimY, 1u);
  EXPECT_EQ(fake.launches[1].config.gridDimX, 4u) << "2 x 2 tiles";
  EXPECT_EQ(fake.launches[1].attrs.size(), 0u) << "no cluster";
}

TEST_F(FakeDriverTest, DeviceSmCountOfTheCurrentContext) {
  fake.current = Fake::context(41);
  fake.device = 5;
  fake.smCount = 132;
  uint32_t sms = 0;
  ASSERT_TRUE(kiln::deviceSmCount(sms));
  EXPECT_EQ(sms, 132u);
  // Remembered for the thread's device (a launcher asks at every launch)...
  fake.smCount = 114;
  fake.current = Fake::context(42);
  ASSERT_TRUE(kiln::deviceSmCount(sms));
  EXPECT_EQ(sms, 132u);
  // ... and asked again for another one.
  fake.device = 6;
  ASSERT_TRUE(kiln::deviceSmCount(sms));
  EXPECT_EQ(sms, 114u);
  // A device without SMs is the driver's error, not a count to divide by.
  fake.device = 7;
  fake.smCount = 0;
  Status s = kiln::deviceSmCount(sms);
  EXPECT_EQ(s.code(), KILN_ERROR_DRIVER);
  EXPECT_EQ(s.message(), "the driver reports 0 SMs for device 7");
  EXPECT_EQ(kiln_device_sm_count(nullptr), KILN_ERROR_INVALID_VALUE);
}

//===----------------------------------------------------------------------===//
// A generated launcher with variants
//===----------------------------------------------------------------------===//

kiln_tensor bf16Matrix(uintptr_t index, int64_t rows, int64_t cols) {
  return Tensor::rowMajor(fakeAddress(index), KILN_DTYPE_BF16, {rows, cols});
}

TEST_F(FakeDriverTest, GeneratedLauncherChoosesAVariantPerLaunch) {
  fake.gemmWithAlpha = false;
  fake.device = 8; // one no other test asked the SM count of
  fake.smCount = 132;
  ASSERT_EQ(kiln_gemm_bf16_nt_num_variants(), 2u);
  EXPECT_STREQ(kiln_gemm_bf16_nt_variant_name(0), "128x256p");
  EXPECT_STREQ(kiln_gemm_bf16_nt_variant_name(1), "128x128p");
  uint32_t smem0 = kiln_gemm_bf16_nt_variant_desc(0)->smem;
  uint32_t smem1 = kiln_gemm_bf16_nt_variant_desc(1)->smem;
  ASSERT_NE(smem0, smem1);
  // 512 x 4096: 64 tiles of 128x256 would leave 68 SMs idle; 128 of 128x128
  // do not.
  ASSERT_TRUE(kiln::kernels::gemm_bf16_nt(bf16Matrix(1, 512, 4096),
                                          bf16Matrix(2, 4096, 4096),
                                          bf16Matrix(3, 512, 4096)));
  // 4096 x 4096: the same work either way; the larger tile.
  ASSERT_TRUE(kiln::kernels::gemm_bf16_nt(bf16Matrix(1, 4096, 4096),
                                          bf16Matrix(2, 4096, 4096),
                                          bf16Matrix(3, 4096, 4096)));
  // Forced: the larger tile on 512 x 4096, 64 CTAs.
  ASSERT_TRUE(kiln::kernels::gemm_bf16_nt_variant(0, bf16Matrix(1, 512, 4096),
                                                  bf16Matrix(2, 4096, 4096),
                                                  bf16Matrix(3, 512, 4096)));
  ASSERT_EQ(fake.launches.size(), 3u);
  EXPECT_EQ(fake.launches[0].config.sharedMemBytes, smem1);
  EXPECT_EQ(fake.launches[0].config.gridDimX, 128u);
  EXPECT_EQ(fake.launches[1].config.sharedMemBytes, smem0);
  EXPECT_EQ(fake.launches[1].config.gridDimX, 132u);
  EXPECT_EQ(fake.launches[2].config.sharedMemBytes, smem0);
  EXPECT_EQ(fake.launches[2].config.gridDimX, 64u);

  Status s = kiln::kernels::gemm_bf16_nt_variant(2, bf16Matrix(1, 512, 4096),
                                                 bf16Matrix(2, 4096, 4096),
                                                 bf16Matrix(3, 512, 4096));
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(),
            "kiln_gemm_bf16_nt_variant: there are 2 variants, numbered from 0");
  EXPECT_EQ(fake.launches.size(), 3u);
}

TEST_F(FakeDriverTest, GeneratedLauncherChecksArgumentsBeforeTheDriver) {
  fake.gemmWithAlpha = false;
  // With no current context, any use of the driver would retain one.
  fake.current = nullptr;
  kiln_tensor c = bf16Matrix(3, 512, 4096);
  c.data = nullptr;
  Status s = kiln::kernels::gemm_bf16_nt(bf16Matrix(1, 512, 4096),
                                         bf16Matrix(2, 4096, 4096), c);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(),
            "gemm_bf16_nt: argument 2 ('c'): data pointer is null");
  // No work (M = 0) is a success that needs no driver either.
  s = kiln::kernels::gemm_bf16_nt(bf16Matrix(1, 0, 4096),
                                  bf16Matrix(2, 4096, 4096),
                                  bf16Matrix(3, 0, 4096));
  EXPECT_TRUE(s) << s.message();
  EXPECT_EQ(fake.retains, 0);
  EXPECT_EQ(fake.current, nullptr);
  EXPECT_TRUE(fake.launches.empty());
}

//===----------------------------------------------------------------------===//
// Variants tuned by measurement
//===----------------------------------------------------------------------===//

/// kGemmMetadata's kernel (128x256 tiles; C not read) and a variant of it
/// with 128x128 tiles and less shared memory.
class VariantsTest : public FakeDriverTest {
protected:
  static constexpr unsigned kWideSmem = 197632, kNarrowSmem = 131072;
  Module module;
  Metadata wideMeta, narrowMeta;
  Kernel wide, narrow;
  Variants variants;

  void SetUp() override {
    FakeDriverTest::SetUp();
    fake.gemmWithAlpha = false;
    ASSERT_TRUE(module.load(kPtx, kPtxSize));
    std::string json = replace(kGemmMetadata, R"("written": true)",
                               R"("written": true, "read": false)");
    ASSERT_TRUE(wideMeta.parse(json));
    json = replace(json, R"("div": 256})", R"("div": 128})");
    json = replace(json, R"("block": [256, 64])", R"("block": [128, 64])");
    json = replace(json, R"("tma_box": [256, 64])", R"("tma_box": [128, 64])");
    json = replace(json, R"("block": [128, 256])", R"("block": [128, 128])");
    json = replace(json, R"("smem": 197632)", R"("smem": 131072)");
    ASSERT_TRUE(narrowMeta.parse(json));
    ASSERT_TRUE(wide.create(module, wideMeta.desc()));
    ASSERT_TRUE(narrow.create(module, narrowMeta.desc()));
    Status s = variants.create({&wide, &narrow});
    ASSERT_TRUE(s) << s.message();
  }

  /// The kernels unload their module through the fake, which goes next.
  void TearDown() override {
    variants = Variants();
    wide = Kernel();
    narrow = Kernel();
    module = Module();
    FakeDriverTest::TearDown();
  }

  unsigned lastSmem() const {
    EXPECT_FALSE(fake.launches.empty());
    return fake.launches.empty() ? 0
                                 : fake.launches.back().config.sharedMemBytes;
  }
};

TEST_F(VariantsTest, TuningKeepsTheFastestForTheseShapes) {
  fake.launchMs = {{kWideSmem, 2.0f}, {kNarrowSmem, 0.5f}};
  std::vector<kiln_arg> args = gemmArgs(4096, 4096, 256);
  size_t chosen = 9;
  ASSERT_TRUE(variants.select(args, chosen));
  EXPECT_EQ(chosen, 0u) << "the model: the same work, the larger tile";

  std::vector<float> times;
  Status s = variants.tune(args, nullptr, 4, chosen, &times);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 1u);
  EXPECT_EQ(times, (std::vector<float>{2.0f, 0.5f})) << "mean per launch";
  EXPECT_EQ(fake.launches.size(), 10u) << "a warm-up and 4 timed each";
  EXPECT_EQ(fake.eventsAlive, 0);

  // Launches with these shapes run it, wherever the data and whatever
  // alpha...
  std::vector<kiln_arg> moved = gemmArgs(4096, 4096, 256, -3.0f);
  moved[0].tensor.data = fakeAddress(7);
  ASSERT_TRUE(variants.select(moved, chosen));
  EXPECT_EQ(chosen, 1u);
  ASSERT_TRUE(variants.launch(moved));
  EXPECT_EQ(lastSmem(), kNarrowSmem);
  // ... but other shapes, strides or contexts get the model's pick.
  ASSERT_TRUE(variants.launch(gemmArgs(4096, 4096, 512)));
  EXPECT_EQ(lastSmem(), kWideSmem);
  std::vector<kiln_arg> padded = gemmArgs(4096, 4096, 256);
  padded[2].tensor.strides[0] = 4096 + 64;
  ASSERT_TRUE(variants.launch(padded));
  EXPECT_EQ(lastSmem(), kWideSmem);
  fake.current = Fake::context(2);
  ASSERT_TRUE(variants.launch(args));
  EXPECT_EQ(lastSmem(), kWideSmem);
  fake.current = Fake::context(1);
  ASSERT_TRUE(variants.launch(args));
  EXPECT_EQ(lastSmem(), kNarrowSmem);
  variants.forget();
  ASSERT_TRUE(variants.launch(args));
  EXPECT_EQ(lastSmem(), kWideSmem);

  // Repetitions 0 means 10.
  fake.launches.clear();
  ASSERT_TRUE(variants.tune(args, nullptr, 0, chosen));
  EXPECT_EQ(fake.launches.size(), 22u);
}

TEST_F(VariantsTest, TuningSkipsVariantsThatCannotLaunch) {
  fake.launchMs = {{kWideSmem, 2.0f}, {kNarrowSmem, 0.5f}};
  fake.launchFails = {{kNarrowSmem, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES}};
  std::vector<kiln_arg> args = gemmArgs(4096, 4096, 256);
  size_t chosen = 9;
  std::vector<float> times;
  Status s = variants.tune(args, nullptr, 2, chosen, &times);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 0u);
  EXPECT_EQ(times, (std::vector<float>{2.0f, -1.0f}));

  // None can: the first failure, and nothing kept.
  variants.forget();
  fake.launchFails[kWideSmem] = CUDA_ERROR_OUT_OF_MEMORY;
  s = variants.tune(args, nullptr, 2, chosen, &times);
  EXPECT_EQ(s.code(), KILN_ERROR_DRIVER);
  EXPECT_EQ(s.message(), "kernel 'gemm_bf16': cuLaunchKernelEx failed: "
                         "CUresult 2 (no description)");
  EXPECT_EQ(times, (std::vector<float>{-1.0f, -1.0f}));
  EXPECT_EQ(fake.eventsAlive, 0);
  fake.launchFails.clear();
  ASSERT_TRUE(variants.select(args, chosen));
  EXPECT_EQ(chosen, 0u) << "the model's pick";
}

TEST_F(VariantsTest, ArgumentErrorsAndEmptyLaunchesNeedNoDriver) {
  // With no current context, any use of the driver would retain one.
  fake.current = nullptr;
  std::vector<kiln_arg> args = gemmArgs(4096, 4096, 256);
  args[2].tensor.data = nullptr;
  size_t chosen = 9;
  for (Status s : {variants.select(args, chosen), variants.launch(args),
                   variants.tune(args, nullptr, 1, chosen)}) {
    EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(s.message(), "gemm_bf16: argument 2 ('c'): data pointer is null");
  }
  // M = 0: nothing to launch or time; the first variant, times 0.
  args = gemmArgs(0, 4096, 256);
  std::vector<float> times;
  ASSERT_TRUE(variants.tune(args, nullptr, 1, chosen, &times));
  EXPECT_EQ(chosen, 0u);
  EXPECT_EQ(times, (std::vector<float>{0.0f, 0.0f}));
  ASSERT_TRUE(variants.launch(args));
  EXPECT_EQ(fake.retains, 0);
  EXPECT_TRUE(fake.launches.empty());
  EXPECT_EQ(fake.eventsMade, 0);
}

TEST_F(VariantsTest, TuningRefusesKernelsThatReadWhatTheyWrite) {
  // kGemmMetadata does not say whether C is read: it may be.
  Kernel inPlace;
  ASSERT_TRUE(inPlace.create(module, meta.desc()));
  Variants set;
  ASSERT_TRUE(set.create({&wide, &inPlace}));
  size_t chosen = 9;
  Status s = set.tune(gemmArgs(4096, 4096, 256), nullptr, 1, chosen);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s.message(),
            "kiln_variants_tune: kernel 'gemm_bf16' may read argument 2 "
            "('c'), which it writes, so each timed launch could change the "
            "next one's input: tune on a scratch copy with the same shapes "
            "and strides (the choice holds for those)");
  EXPECT_TRUE(fake.launches.empty());
  // Launching is fine.
  EXPECT_TRUE(set.launch(gemmArgs(4096, 4096, 256)));
}

TEST_F(VariantsTest, TuningNeedsTheDriversEventFunctions) {
  // Drivers before CUDA 12.8 lack cuEventElapsedTime_v2; one without any
  // cuEventElapsedTime still launches, but cannot time.
  api.cuEventElapsedTime = nullptr;
  size_t chosen = 9;
  Status s = variants.tune(gemmArgs(4096, 4096, 256), nullptr, 1, chosen);
  EXPECT_EQ(s.code(), KILN_ERROR_DRIVER);
  EXPECT_EQ(s.message(), "kiln_variants_tune: the NVIDIA driver lacks the "
                         "CUDA event functions that timing needs");
  EXPECT_TRUE(fake.launches.empty());
  EXPECT_TRUE(variants.launch(gemmArgs(4096, 4096, 256)));
}

TEST_F(VariantsTest, VariantsTakeTheSameParameters) {
  Metadata axpyMeta;
  ASSERT_TRUE(axpyMeta.parse(kAxpyMetadata));
  Kernel axpy;
  ASSERT_TRUE(axpy.create(module, axpyMeta.desc()));
  Variants set;
  Status s = set.create({&wide, &axpy});
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(), "kiln_variants_create: kernel 1 ('axpy') takes 3 "
                         "arguments, kernel 0 ('gemm_bf16') 4: variants take "
                         "the same parameters");
  Metadata f16Meta;
  ASSERT_TRUE(f16Meta.parse(
      replace(kGemmMetadata, R"("dtype": "bf16")", R"("dtype": "f16")")));
  Kernel f16;
  ASSERT_TRUE(f16.create(module, f16Meta.desc()));
  s = set.create({&wide, &f16});
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(), "kiln_variants_create: parameter 0 of kernel 1 "
                         "('gemm_bf16') differs from that of kernel 0 "
                         "('gemm_bf16') in its name, kind, dtype or rank: "
                         "variants take the same parameters");
  s = set.create({&wide, nullptr});
  EXPECT_EQ(s.message(), "kiln_variants_create: kernel 1 is null");
  s = set.create({});
  EXPECT_EQ(s.message(),
            "kiln_variants_create: there must be at least one kernel");
  size_t chosen;
  EXPECT_EQ(kiln_variants_select(nullptr, nullptr, 0, &chosen),
            KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(
      kiln_variants_tune(nullptr, nullptr, 0, nullptr, 1, &chosen, nullptr),
      KILN_ERROR_INVALID_VALUE);
  kiln_variants_forget(nullptr);
  kiln_variants_destroy(nullptr);
}

TEST_F(VariantsTest, GeneratedLauncherTunes) {
  fake.current = Fake::context(50); // one no other test launches in
  unsigned smem0 = kiln_gemm_bf16_nt_variant_desc(0)->smem;
  unsigned smem1 = kiln_gemm_bf16_nt_variant_desc(1)->smem;
  fake.launchMs = {{smem0, 3.0f}, {smem1, 1.0f}};
  kiln_tensor a = bf16Matrix(1, 4096, 4096), b = bf16Matrix(2, 4096, 4096),
              c = bf16Matrix(3, 4096, 4096);
  size_t chosen = 9;
  ASSERT_TRUE(kiln::kernels::gemm_bf16_nt_select(a, b, c, chosen));
  EXPECT_EQ(chosen, 0u);
  Status s = kiln::kernels::gemm_bf16_nt_tune(a, b, c, nullptr, 2, chosen);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(chosen, 1u);
  ASSERT_TRUE(kiln::kernels::gemm_bf16_nt_select(a, b, c, chosen));
  EXPECT_EQ(chosen, 1u);
  fake.launches.clear();
  ASSERT_TRUE(kiln::kernels::gemm_bf16_nt(a, b, c));
  ASSERT_EQ(fake.launches.size(), 1u);
  EXPECT_EQ(fake.launches[0].config.sharedMemBytes, smem1);
}

TEST_F(FakeDriverTest, SmallSharedMemoryNeedsNoAttribute) {
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Metadata small;
  ASSERT_TRUE(small.parse(
      replace(kGemmMetadata, R"("smem": 197632)", R"("smem": 49152)")));
  Kernel kernel;
  ASSERT_TRUE(kernel.create(module, small.desc()));
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
  EXPECT_TRUE(fake.attributes.empty());
  EXPECT_EQ(fake.launches[0].config.sharedMemBytes, 49152u);
}

TEST_F(FakeDriverTest, EmptyTmaTensorsLaunchWithZeroMaps) {
  // K = 0: C = 0 is computed, with no tensor map encoded for A or B.
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  std::vector<kiln_arg> args = gemmArgs(1000, 512, 0);
  args[0].tensor.data = nullptr;
  args[1].tensor.data = nullptr;
  Status s = kernel.launch(args);
  ASSERT_TRUE(s) << s.message();
  ASSERT_EQ(fake.launches.size(), 1u);
  EXPECT_EQ(fake.launches[0].config.gridDimX, 8u);
  EXPECT_EQ(fake.encodes, 0);
  EXPECT_EQ(fake.launches[0].firstMap,
            std::vector<unsigned char>(sizeof(CUtensorMap), 0));
}

TEST_F(FakeDriverTest, ZeroWorkDoesNotTouchTheDriver) {
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 0, 256)));
  EXPECT_EQ(fake.loads, 0);
  EXPECT_TRUE(fake.launches.empty());
}

TEST_F(FakeDriverTest, ImageWithoutCodeForTheDeviceIsUnsupported) {
  fake.loadResult = CUDA_ERROR_NO_BINARY_FOR_GPU;
  fake.ccMajor = 8;
  fake.ccMinor = 6;
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  Status s = kernel.launch(gemmArgs(1000, 512, 256));
  EXPECT_EQ(s.code(), KILN_ERROR_UNSUPPORTED_DEVICE);
  EXPECT_EQ(s.message(),
            "kernel 'gemm_bf16' was compiled for sm_90a, which device 0 "
            "(compute capability 8.6) cannot run: "
            "CUDA_ERROR_NO_BINARY_FOR_GPU (no description)");
  // Nothing was cached: a later load is tried again.
  fake.loadResult = CUDA_ERROR_INVALID_PTX;
  EXPECT_EQ(kernel.launch(gemmArgs(1000, 512, 256)).code(),
            KILN_ERROR_UNSUPPORTED_DEVICE);
  fake.loadResult = CUDA_SUCCESS;
  EXPECT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
}

TEST_F(FakeDriverTest, DriverErrorsCarryTheirNames) {
  fake.loadResult = CUDA_ERROR_OUT_OF_MEMORY;
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  Status s = kernel.launch(gemmArgs(1000, 512, 256));
  EXPECT_EQ(s.code(), KILN_ERROR_DRIVER);
  EXPECT_EQ(s.message(), "loading the module of kernel 'gemm_bf16' "
                         "(cuModuleLoadData) failed: CUresult 2 (no "
                         "description)");

  fake.loadResult = CUDA_SUCCESS;
  fake.launchResult = CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  s = kernel.launch(gemmArgs(1000, 512, 256));
  EXPECT_EQ(s.code(), KILN_ERROR_DRIVER);
  EXPECT_EQ(s.message(), "kernel 'gemm_bf16': cuLaunchKernelEx failed: "
                         "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (no "
                         "description)");
}

TEST_F(FakeDriverTest, KernelsKeepTheirModuleAlive) {
  Module module;
  ASSERT_TRUE(module.load(kPtx, kPtxSize));
  Kernel kernel = gemm(module);
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
  fake.current = Fake::context(2);
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
  module = Module();
  EXPECT_EQ(fake.unloads, 0);
  ASSERT_TRUE(kernel.launch(gemmArgs(1000, 512, 256)));
  kernel = Kernel();
  EXPECT_EQ(fake.unloads, 2) << "one per context";
}

TEST_F(FakeDriverTest, ImagesAreCopied) {
  std::string ptx = kPtx; // without a NUL in the size given
  std::vector<char> cubin = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  Module fromPtx, fromCubin;
  ASSERT_TRUE(fromPtx.load(ptx.data(), ptx.size()));
  ASSERT_TRUE(fromCubin.load(cubin.data(), cubin.size()));
  ptx.assign(ptx.size(), 'x');
  cubin[1] = 'X';
  ASSERT_TRUE(gemm(fromPtx).launch(gemmArgs(1000, 512, 256)));
  ASSERT_TRUE(gemm(fromCubin).launch(gemmArgs(1000, 512, 256)));
  ASSERT_EQ(fake.images.size(), 2u);
  EXPECT_EQ(fake.images[0], kPtx);
  EXPECT_EQ(fake.images[1].substr(0, 4), "\x7f"
                                         "ELF");

  Module empty;
  Status s = empty.load(kPtx, 0);
  EXPECT_EQ(s.code(), KILN_ERROR_INVALID_VALUE);
  EXPECT_EQ(s.message(), "kiln_module_create: the image is empty");
}

} // namespace
