//===- Driver.cpp - the CUDA driver, loaded at run time -------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "Error.h"

#include <dlfcn.h>

#include <mutex>

namespace kiln::rt {

namespace {

struct DriverState {
  std::mutex mutex;
  std::string library = kDriverLibrary;
  const DriverApi *injected = nullptr;
  bool opened = false;
  kiln_status status = KILN_SUCCESS;
  std::string message;
  DriverApi api;
  CUcontext primary = nullptr;
};

/// Never destroyed: modules released by static destructors still unload
/// through it. The library is never closed either, as unloading libcuda
/// under live contexts is unsafe.
DriverState &state() {
  static DriverState *s = new DriverState;
  return *s;
}

#define KILN_STRINGIFY_(x) #x
#define KILN_STRINGIFY(x) KILN_STRINGIFY_(x)

kiln_status openDriver(DriverState &s) {
  void *handle = dlopen(s.library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return fail(KILN_ERROR_NO_DRIVER,
                format("the NVIDIA driver (%s) could not be loaded: %s",
                       s.library.c_str(), dlerror()));

// KILN_STRINGIFY expands the versioning macros of cuda.h first, so that each
// entry point is looked up under the symbol its prototype belongs to.
#define KILN_DRIVER_RESOLVE(name)                                              \
  s.api.name = reinterpret_cast<decltype(s.api.name)>(                         \
      dlsym(handle, KILN_STRINGIFY(name)));                                    \
  if (!s.api.name)                                                             \
    return fail(KILN_ERROR_NO_DRIVER,                                          \
                format("the NVIDIA driver (%s) lacks %s: it is older than "    \
                       "the runtime needs",                                    \
                       s.library.c_str(), KILN_STRINGIFY(name)));
  KILN_DRIVER_ENTRY_POINTS(KILN_DRIVER_RESOLVE)
#undef KILN_DRIVER_RESOLVE
#define KILN_DRIVER_RESOLVE_OPTIONAL(name)                                     \
  s.api.name = reinterpret_cast<decltype(s.api.name)>(                         \
      dlsym(handle, KILN_STRINGIFY(name)));
  KILN_DRIVER_TIMING_ENTRY_POINTS(KILN_DRIVER_RESOLVE_OPTIONAL)
#undef KILN_DRIVER_RESOLVE_OPTIONAL
  if (!s.api.cuEventElapsedTime)
    s.api.cuEventElapsedTime =
        reinterpret_cast<decltype(s.api.cuEventElapsedTime)>(
            dlsym(handle, "cuEventElapsedTime"));

  if (CUresult r = s.api.cuInit(0))
    return fail(KILN_ERROR_NO_DEVICE,
                "the NVIDIA driver failed to initialize (cuInit): " +
                    describe(s.api, r));
  int count = 0;
  if (CUresult r = s.api.cuDeviceGetCount(&count))
    return fail(KILN_ERROR_NO_DEVICE,
                "cuDeviceGetCount failed: " + describe(s.api, r));
  if (count == 0)
    return fail(KILN_ERROR_NO_DEVICE, "the NVIDIA driver found no device");
  return KILN_SUCCESS;
}

} // namespace

kiln_status getDriver(const DriverApi *&out) {
  DriverState &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.injected) {
    out = s.injected;
    return KILN_SUCCESS;
  }
  if (!s.opened) {
    s.opened = true;
    s.status = openDriver(s);
    if (s.status != KILN_SUCCESS)
      s.message = kiln_last_error();
  }
  if (s.status != KILN_SUCCESS)
    return fail(s.status, s.message);
  out = &s.api;
  return KILN_SUCCESS;
}

std::string describe(const DriverApi &api, CUresult result) {
  const char *name = nullptr;
  const char *text = nullptr;
  if (api.cuGetErrorName)
    api.cuGetErrorName(result, &name);
  if (api.cuGetErrorString)
    api.cuGetErrorString(result, &text);
  return format("%s (%s)",
                name ? name : ("CUresult " + std::to_string(result)).c_str(),
                text ? text : "no description");
}

kiln_status driverError(const DriverApi &api, const std::string &what,
                        CUresult result) {
  return fail(KILN_ERROR_DRIVER, what + " failed: " + describe(api, result));
}

kiln_status currentContext(const DriverApi &api, CUcontext &out) {
  if (CUresult r = api.cuCtxGetCurrent(&out))
    return driverError(api, "cuCtxGetCurrent", r);
  if (out)
    return KILN_SUCCESS;
  DriverState &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.primary) {
    CUdevice device;
    if (CUresult r = api.cuDeviceGet(&device, 0))
      return driverError(api, "cuDeviceGet(0)", r);
    if (CUresult r = api.cuDevicePrimaryCtxRetain(&s.primary, device))
      return driverError(api, "cuDevicePrimaryCtxRetain", r);
  }
  if (CUresult r = api.cuCtxSetCurrent(s.primary))
    return driverError(api, "cuCtxSetCurrent", r);
  out = s.primary;
  return KILN_SUCCESS;
}

kiln_status deviceSmCount(const DriverApi &api, uint32_t &out) {
  CUdevice device;
  int count = 0;
  if (CUresult r = api.cuCtxGetDevice(&device))
    return driverError(api, "cuCtxGetDevice", r);
  if (CUresult r = api.cuDeviceGetAttribute(
          &count, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device))
    return driverError(api, "cuDeviceGetAttribute(MULTIPROCESSOR_COUNT)", r);
  if (count < 1)
    return fail(KILN_ERROR_DRIVER, format("the driver reports %d SMs for "
                                          "device %d",
                                          count, int(device)));
  out = uint32_t(count);
  return KILN_SUCCESS;
}

namespace testing {

void setDriverLibrary(const char *library) {
  DriverState &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.library = library ? library : kDriverLibrary;
  s.injected = nullptr;
  s.opened = false;
  s.status = KILN_SUCCESS;
  s.message.clear();
  s.api = DriverApi();
  s.primary = nullptr;
}

void setDriverApi(const DriverApi *api) {
  DriverState &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.injected = api;
  s.primary = nullptr;
}

} // namespace testing

} // namespace kiln::rt
