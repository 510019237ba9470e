//===- Runtime.cpp - modules, kernels and launches ------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A module keeps a copy of its image and loads it lazily into each context
// that launches one of its kernels; a kernel looks its function up once per
// context. Both caches are guarded by a mutex per object; a kernel holds its
// module alive.
//
//===----------------------------------------------------------------------===//

#include "Error.h"
#include "Kernel.h"

#include <cstring>

using namespace kiln::rt;

namespace {

/// Dynamic shared memory a function may use without opting in through
/// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES.
constexpr uint32_t kDefaultDynamicSmemBytes = 48 * 1024;

/// Whether `image` is a cubin (ELF) or a fatbin rather than PTX text.
bool isBinaryImage(const char *image, size_t size) {
  static const char elf[] = {0x7f, 'E', 'L', 'F'};
  static const unsigned char fatbin[] = {0x50, 0xed, 0x55, 0xba};
  return size >= 4 && (std::memcmp(image, elf, 4) == 0 ||
                       std::memcmp(image, fatbin, 4) == 0);
}

} // namespace

namespace kiln::rt {

/// The image of a module and the contexts it is loaded in.
class Module {
public:
  explicit Module(std::vector<char> bytes) : image(std::move(bytes)) {}

  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  /// Unloads the module from every context that is still alive.
  ~Module() {
    for (auto [context, module] : loaded) {
      if (api->cuCtxPushCurrent(context) != CUDA_SUCCESS)
        continue;
      api->cuModuleUnload(module);
      CUcontext popped;
      api->cuCtxPopCurrent(&popped);
    }
  }

  /// The module in `context`, the current one, loaded on first use. `desc`
  /// is the kernel that asks, for messages.
  kiln_status get(const DriverApi &driver, CUcontext context,
                  const kiln_kernel_desc &desc, CUmodule &out) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = loaded.find(context);
    if (it != loaded.end()) {
      out = it->second;
      return KILN_SUCCESS;
    }
    CUresult r = driver.cuModuleLoadData(&out, image.data());
    if (r == CUDA_ERROR_NO_BINARY_FOR_GPU || r == CUDA_ERROR_INVALID_PTX ||
        r == CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
      return unsupported(driver, desc, r);
    if (r != CUDA_SUCCESS)
      return driverError(driver,
                         format("loading the module of kernel '%s' "
                                "(cuModuleLoadData)",
                                desc.name),
                         r);
    api = &driver;
    loaded.emplace(context, out);
    return KILN_SUCCESS;
  }

private:
  std::vector<char> image;
  std::mutex mutex;
  std::unordered_map<CUcontext, CUmodule> loaded;
  /// The driver that loaded them.
  const DriverApi *api = nullptr;

  static kiln_status unsupported(const DriverApi &driver,
                                 const kiln_kernel_desc &desc, CUresult r) {
    CUdevice device = 0;
    int major = 0, minor = 0;
    driver.cuCtxGetDevice(&device);
    driver.cuDeviceGetAttribute(
        &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    driver.cuDeviceGetAttribute(
        &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    return fail(KILN_ERROR_UNSUPPORTED_DEVICE,
                format("kernel '%s' was compiled for %s, which device %d "
                       "(compute capability %d.%d) cannot run: ",
                       desc.name, desc.target, int(device), major, minor) +
                    describe(driver, r));
  }
};

} // namespace kiln::rt

struct kiln_module {
  std::shared_ptr<Module> module;
};

kiln_status kiln_kernel::prepare(Function &out) const {
  if (!module)
    return fail(KILN_ERROR_INVALID_VALUE,
                format("kernel '%s' was created without a module: it can "
                       "be validated, not launched",
                       desc->name));
  const DriverApi *api;
  CUcontext context;
  if (kiln_status s = getDriver(api))
    return s;
  if (kiln_status s = currentContext(*api, context))
    return s;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = functions.find(context);
  if (it != functions.end()) {
    out = it->second;
    return KILN_SUCCESS;
  }
  out.api = api;
  out.context = context;
  CUmodule cuModule;
  if (kiln_status s = module->get(*api, context, *desc, cuModule))
    return s;
  std::string what = format("kernel '%s': ", desc->name);
  if (CUresult r =
          api->cuModuleGetFunction(&out.function, cuModule, desc->name))
    return driverError(*api, what + "cuModuleGetFunction", r);
  if (desc->smem > kDefaultDynamicSmemBytes)
    if (CUresult r = api->cuFuncSetAttribute(
            out.function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
            int(desc->smem)))
      return driverError(
          *api,
          what + format("requesting %u bytes of dynamic shared memory",
                        desc->smem),
          r);
  if (kiln_status s = deviceSmCount(*api, out.smCount))
    return s;
  functions.emplace(context, out);
  return KILN_SUCCESS;
}

kiln_status kiln_kernel::launchPlanned(const kiln_arg *args,
                                       const kiln_launch_config &planned,
                                       CUstream stream) const {
  if (!hasWork(planned))
    return KILN_SUCCESS;
  Function fn;
  if (kiln_status s = prepare(fn))
    return s;
  const DriverApi &api = *fn.api;
  kiln_launch_config config = planned;
  fitToDevice(*desc, args, fn.smCount, config);

  ParamBuffer buffer;
  if (kiln_status s = buffer.pack(*desc, params, args, api))
    return s;
  CUlaunchAttribute cluster;
  cluster.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  cluster.value.clusterDim.x = config.cluster[0];
  cluster.value.clusterDim.y = config.cluster[1];
  cluster.value.clusterDim.z = config.cluster[2];
  bool clustered = config.cluster[0] != 1 || config.cluster[1] != 1 ||
                   config.cluster[2] != 1;
  CUlaunchConfig launch = {};
  launch.gridDimX = config.grid[0];
  launch.gridDimY = config.grid[1];
  launch.gridDimZ = config.grid[2];
  launch.blockDimX = config.block[0];
  launch.blockDimY = config.block[1];
  launch.blockDimZ = config.block[2];
  launch.sharedMemBytes = config.smem;
  launch.hStream = stream;
  launch.attrs = clustered ? &cluster : nullptr;
  launch.numAttrs = clustered ? 1 : 0;
  if (CUresult r = api.cuLaunchKernelEx(&launch, fn.function, buffer.pointers(),
                                        nullptr))
    return driverError(api, format("kernel '%s': cuLaunchKernelEx", desc->name),
                       r);
  return KILN_SUCCESS;
}

kiln_status kiln_kernel::launch(const kiln_arg *args, size_t numArgs,
                                CUstream stream) const {
  kiln_launch_config config;
  if (kiln_status s = planLaunch(*desc, args, numArgs, 0, config))
    return s;
  return launchPlanned(args, config, stream);
}

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

namespace {

kiln_status nullArgument(const char *function, const char *what) {
  return fail(KILN_ERROR_INVALID_VALUE,
              format("%s: %s must not be null", function, what));
}

} // namespace

extern "C" kiln_status kiln_init(void) {
  clearError();
  const DriverApi *api;
  return getDriver(api);
}

extern "C" kiln_status kiln_module_create(const void *image, size_t size,
                                          kiln_module **out) {
  clearError();
  if (!out)
    return nullArgument("kiln_module_create", "out");
  *out = nullptr;
  if (!image || size == 0)
    return fail(KILN_ERROR_INVALID_VALUE,
                "kiln_module_create: the image is empty");
  // No driver yet: a launch checks its arguments before it needs one.
  const char *bytes = static_cast<const char *>(image);
  std::vector<char> copy(bytes, bytes + size);
  // cuModuleLoadData reads PTX up to its terminating NUL.
  if (!isBinaryImage(bytes, size) && copy.back() != '\0')
    copy.push_back('\0');
  *out = new kiln_module{std::make_shared<Module>(std::move(copy))};
  return KILN_SUCCESS;
}

extern "C" void kiln_module_destroy(kiln_module *module) { delete module; }

extern "C" kiln_status kiln_kernel_create(kiln_module *module,
                                          const kiln_kernel_desc *desc,
                                          kiln_kernel **out) {
  clearError();
  if (!out)
    return nullArgument("kiln_kernel_create", "out");
  *out = nullptr;
  if (!desc)
    return nullArgument("kiln_kernel_create", "desc");
  if (kiln_status s = checkDesc(*desc))
    return s;
  auto kernel = std::make_unique<kiln_kernel>();
  if (module)
    kernel->module = module->module;
  kernel->desc = copyDesc(*desc);
  kernel->params = kernelParams(*kernel->desc);
  *out = kernel.release();
  return KILN_SUCCESS;
}

extern "C" void kiln_kernel_destroy(kiln_kernel *kernel) { delete kernel; }

extern "C" const kiln_kernel_desc *
kiln_kernel_get_desc(const kiln_kernel *kernel) {
  return kernel ? kernel->desc.get() : nullptr;
}

extern "C" kiln_status kiln_kernel_launch_config(const kiln_kernel *kernel,
                                                 const kiln_arg *args,
                                                 size_t num_args,
                                                 kiln_launch_config *out) {
  clearError();
  if (!kernel || !out)
    return nullArgument("kiln_kernel_launch_config", "kernel and out");
  return planLaunch(*kernel->desc, args, num_args, 0, *out);
}

extern "C" kiln_status kiln_kernel_validate(const kiln_kernel *kernel,
                                            const kiln_arg *args,
                                            size_t num_args) {
  clearError();
  if (!kernel)
    return nullArgument("kiln_kernel_validate", "kernel");
  kiln_launch_config config;
  return planLaunch(*kernel->desc, args, num_args, 0, config);
}

extern "C" kiln_status kiln_device_sm_count(uint32_t *out) {
  clearError();
  if (!out)
    return nullArgument("kiln_device_sm_count", "out");
  const DriverApi *api;
  CUcontext context;
  CUdevice device;
  if (kiln_status s = getDriver(api))
    return s;
  if (kiln_status s = currentContext(*api, context))
    return s;
  if (CUresult r = api->cuCtxGetDevice(&device))
    return driverError(*api, "cuCtxGetDevice", r);
  // A launcher asks at every launch: remember the answer for the thread's
  // last device.
  thread_local CUdevice lastDevice = -1;
  thread_local uint32_t lastCount = 0;
  if (device != lastDevice) {
    if (kiln_status s = deviceSmCount(*api, lastCount))
      return s;
    lastDevice = device;
  }
  *out = lastCount;
  return KILN_SUCCESS;
}

extern "C" kiln_status kiln_kernel_choose(const kiln_kernel *const *kernels,
                                          size_t num_kernels,
                                          const kiln_arg *args, size_t num_args,
                                          uint32_t sm_count, size_t *chosen) {
  clearError();
  if ((!kernels && num_kernels) || !chosen)
    return nullArgument("kiln_kernel_choose", "kernels and chosen");
  if (sm_count == 0)
    return fail(KILN_ERROR_INVALID_VALUE,
                "kiln_kernel_choose: sm_count must be at least 1");
  std::vector<const kiln_kernel_desc *> descs;
  for (size_t i = 0; i < num_kernels; ++i) {
    if (!kernels[i])
      return fail(KILN_ERROR_INVALID_VALUE,
                  format("kiln_kernel_choose: kernel %zu is null", i));
    descs.push_back(kernels[i]->desc.get());
  }
  return chooseVariant(descs.data(), descs.size(), args, num_args, sm_count,
                       *chosen);
}

extern "C" kiln_status kiln_kernel_launch(const kiln_kernel *kernel,
                                          const kiln_arg *args, size_t num_args,
                                          void *stream) {
  clearError();
  if (!kernel)
    return nullArgument("kiln_kernel_launch", "kernel");
  return kernel->launch(args, num_args, static_cast<CUstream>(stream));
}
