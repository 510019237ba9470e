//===- Driver.h - the CUDA driver, loaded at run time -----------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The runtime never links libcuda: it opens libcuda.so.1 on first use and
// calls the driver through a table of entry points, so that programs start on
// machines without a GPU and tests can put a fake driver in its place.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_LIB_DRIVER_H
#define KILN_RUNTIME_LIB_DRIVER_H

#include "kiln/runtime/kiln.h"

#include <cuda.h>

#include <string>

namespace kiln::rt {

/// The driver entry points the runtime calls. cuda.h maps some names to
/// versioned symbols (cuCtxPushCurrent is cuCtxPushCurrent_v2); the table's
/// members and the symbols looked up follow the same mapping, so each pointer
/// has the type of the function it points to.
#define KILN_DRIVER_ENTRY_POINTS(X)                                            \
  X(cuInit)                                                                    \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxPushCurrent)                                                          \
  X(cuCtxPopCurrent)                                                           \
  X(cuCtxGetDevice)                                                            \
  X(cuModuleLoadData)                                                          \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernelEx)                                                          \
  X(cuTensorMapEncodeTiled)                                                    \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)

/// Entry points only kiln_variants_tune needs: a driver without them still
/// launches kernels. cuEventElapsedTime is looked up as cuda.h maps it
/// (cuEventElapsedTime_v2, from CUDA 12.8 on) and else as the original,
/// which has the same signature.
#define KILN_DRIVER_TIMING_ENTRY_POINTS(X)                                     \
  X(cuEventCreate)                                                             \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuEventElapsedTime)                                                        \
  X(cuEventDestroy)

struct DriverApi {
#define KILN_DRIVER_MEMBER(name) decltype(&::name) name = nullptr;
  KILN_DRIVER_ENTRY_POINTS(KILN_DRIVER_MEMBER)
  KILN_DRIVER_TIMING_ENTRY_POINTS(KILN_DRIVER_MEMBER)
#undef KILN_DRIVER_MEMBER
};

/// The library opened when no other is set.
inline constexpr const char *kDriverLibrary = "libcuda.so.1";

/// The driver, opened and initialized (cuInit, at least one device) on first
/// use. The outcome, success or failure, is kept for the process.
kiln_status getDriver(const DriverApi *&out);

/// "CUDA_ERROR_NAME (description)".
std::string describe(const DriverApi &api, CUresult result);

/// Fails with KILN_ERROR_DRIVER: "<what> failed: CUDA_ERROR_NAME (...)".
kiln_status driverError(const DriverApi &api, const std::string &what,
                        CUresult result);

/// The context current on this thread; if there is none, the primary
/// context of device 0, retained once per process and made current.
kiln_status currentContext(const DriverApi &api, CUcontext &out);

/// The number of SMs of the current context's device.
kiln_status deviceSmCount(const DriverApi &api, uint32_t &out);

/// Hooks for tests; not for use while other threads use the runtime.
namespace testing {
/// Forgets the driver and its primary context; the next use opens `library`
/// (a file name or path, kDriverLibrary when null).
void setDriverLibrary(const char *library);
/// Uses `api` as an opened and initialized driver; null forgets it.
void setDriverApi(const DriverApi *api);
} // namespace testing

} // namespace kiln::rt

#endif // KILN_RUNTIME_LIB_DRIVER_H
