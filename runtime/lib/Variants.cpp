//===- Variants.cpp - variants of a kernel launched as one ----------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A launch checks the arguments against each variant once, then runs the
// variant measured fastest for such arguments in the current context (if
// kiln_variants_tune measured them), or else the cost model's pick for the
// device's SM count; the chosen variant launches without a second check.
//
//===----------------------------------------------------------------------===//

#include "Error.h"
#include "Kernel.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

using namespace kiln::rt;

struct kiln_variants {
  std::vector<const kiln_kernel *> kernels;
  std::vector<const kiln_kernel_desc *> descs;

  mutable std::mutex mutex;
  /// The measured choices: (context, argument key) -> variant.
  std::map<std::pair<CUcontext, std::vector<int64_t>>, size_t> tuned;
  /// The SM count of each context's device.
  mutable std::unordered_map<CUcontext, uint32_t> smCounts;
};

namespace {

kiln_status nullArgument(const char *function, const char *what) {
  return fail(KILN_ERROR_INVALID_VALUE,
              format("%s: %s must not be null", function, what));
}

/// A launch of each variant on one set of arguments.
struct Plan {
  /// The variants that accept the arguments, in order.
  std::vector<size_t> accepted;
  /// Of those, the ones with work (grids without a 0).
  std::vector<size_t> working;
  /// planLaunch's configuration of each accepted variant.
  std::vector<kiln_launch_config> configs;
};

/// Checks the arguments against every variant. If all reject them, the
/// first variant's error.
kiln_status planAll(const kiln_variants &v, const kiln_arg *args,
                    size_t numArgs, Plan &out) {
  out.configs.assign(v.descs.size(), kiln_launch_config{});
  kiln_status firstError = KILN_SUCCESS;
  std::string firstMessage;
  for (size_t i = 0; i < v.descs.size(); ++i) {
    if (kiln_status s =
            planLaunch(*v.descs[i], args, numArgs, 0, out.configs[i])) {
      if (i == 0) {
        firstError = s;
        firstMessage = kiln_last_error();
      }
      continue;
    }
    out.accepted.push_back(i);
    if (hasWork(out.configs[i]))
      out.working.push_back(i);
  }
  if (out.accepted.empty())
    return fail(firstError, firstMessage);
  clearError();
  return KILN_SUCCESS;
}

/// What makes the variants' speeds differ between launches: the tensors'
/// shapes and strides and the integer scalars (which may count tiles), not
/// the data pointers or floating-point values. Arguments planLaunch
/// accepted.
std::vector<int64_t> argumentKey(const kiln_arg *args, size_t numArgs) {
  std::vector<int64_t> key;
  for (size_t i = 0; i < numArgs; ++i) {
    const kiln_arg &a = args[i];
    if (a.kind == KILN_ARG_TENSOR) {
      key.push_back(a.tensor.rank);
      for (int32_t d = 0; d < a.tensor.rank; ++d) {
        key.push_back(a.tensor.shape[d]);
        key.push_back(a.tensor.strides[d]);
      }
      continue;
    }
    switch (a.scalar.dtype) {
    case KILN_DTYPE_I8:
      key.push_back(a.scalar.value.i8);
      break;
    case KILN_DTYPE_I16:
      key.push_back(a.scalar.value.i16);
      break;
    case KILN_DTYPE_I32:
      key.push_back(a.scalar.value.i32);
      break;
    case KILN_DTYPE_I64:
      key.push_back(a.scalar.value.i64);
      break;
    default:
      key.push_back(0);
      break;
    }
  }
  return key;
}

/// The current context and its device's SM count.
struct Device {
  const DriverApi *api;
  CUcontext context;
  uint32_t smCount;
};

kiln_status currentDevice(const kiln_variants &v, Device &out) {
  if (kiln_status s = getDriver(out.api))
    return s;
  if (kiln_status s = currentContext(*out.api, out.context))
    return s;
  std::lock_guard<std::mutex> lock(v.mutex);
  auto it = v.smCounts.find(out.context);
  if (it != v.smCounts.end()) {
    out.smCount = it->second;
    return KILN_SUCCESS;
  }
  if (kiln_status s = deviceSmCount(*out.api, out.smCount))
    return s;
  v.smCounts.emplace(out.context, out.smCount);
  return KILN_SUCCESS;
}

/// The variant to launch for a plan: the first accepting one if none has
/// work (the launch does nothing), else the measured one or the model's.
kiln_status choose(const kiln_variants &v, const kiln_arg *args, size_t numArgs,
                   const Plan &plan, size_t &chosen) {
  if (plan.working.empty()) {
    chosen = plan.accepted.front();
    return KILN_SUCCESS;
  }
  Device device;
  if (kiln_status s = currentDevice(v, device))
    return s;
  {
    std::lock_guard<std::mutex> lock(v.mutex);
    auto it = v.tuned.find({device.context, argumentKey(args, numArgs)});
    if (it != v.tuned.end() &&
        std::find(plan.working.begin(), plan.working.end(), it->second) !=
            plan.working.end()) {
      chosen = it->second;
      return KILN_SUCCESS;
    }
  }
  chosen = cheapestVariant(v.descs.data(), plan.working, args, device.smCount);
  return KILN_SUCCESS;
}

/// Two events of the current context, destroyed with the object.
struct EventPair {
  const DriverApi &api;
  CUevent start = nullptr, end = nullptr;

  explicit EventPair(const DriverApi &api) : api(api) {}
  EventPair(const EventPair &) = delete;
  EventPair &operator=(const EventPair &) = delete;
  ~EventPair() {
    if (start)
      api.cuEventDestroy(start);
    if (end)
      api.cuEventDestroy(end);
  }

  kiln_status create() {
    if (CUresult r = api.cuEventCreate(&start, CU_EVENT_DEFAULT))
      return driverError(api, "cuEventCreate", r);
    if (CUresult r = api.cuEventCreate(&end, CU_EVENT_DEFAULT))
      return driverError(api, "cuEventCreate", r);
    return KILN_SUCCESS;
  }
};

} // namespace

extern "C" kiln_status kiln_variants_create(const kiln_kernel *const *kernels,
                                            size_t num_kernels,
                                            kiln_variants **out) {
  clearError();
  if (!out)
    return nullArgument("kiln_variants_create", "out");
  *out = nullptr;
  if (!kernels || num_kernels == 0)
    return fail(KILN_ERROR_INVALID_VALUE,
                "kiln_variants_create: there must be at least one kernel");
  auto v = std::make_unique<kiln_variants>();
  for (size_t i = 0; i < num_kernels; ++i) {
    if (!kernels[i])
      return fail(KILN_ERROR_INVALID_VALUE,
                  format("kiln_variants_create: kernel %zu is null", i));
    v->kernels.push_back(kernels[i]);
    v->descs.push_back(kernels[i]->desc.get());
  }
  const kiln_kernel_desc &first = *v->descs.front();
  for (size_t i = 1; i < num_kernels; ++i) {
    const kiln_kernel_desc &d = *v->descs[i];
    if (d.num_params != first.num_params)
      return fail(KILN_ERROR_INVALID_VALUE,
                  format("kiln_variants_create: kernel %zu ('%s') takes %zu "
                         "arguments, kernel 0 ('%s') %zu: variants take the "
                         "same parameters",
                         i, d.name, d.num_params, first.name,
                         first.num_params));
    for (size_t p = 0; p < d.num_params; ++p) {
      const kiln_param_desc &a = first.params[p], &b = d.params[p];
      if (std::strcmp(a.name, b.name) != 0 || a.kind != b.kind ||
          a.dtype != b.dtype || a.rank != b.rank)
        return fail(KILN_ERROR_INVALID_VALUE,
                    format("kiln_variants_create: parameter %zu of kernel "
                           "%zu ('%s') differs from that of kernel 0 ('%s') "
                           "in its name, kind, dtype or rank: variants take "
                           "the same parameters",
                           p, i, d.name, first.name));
    }
  }
  *out = v.release();
  return KILN_SUCCESS;
}

extern "C" void kiln_variants_destroy(kiln_variants *variants) {
  delete variants;
}

extern "C" kiln_status kiln_variants_select(const kiln_variants *variants,
                                            const kiln_arg *args,
                                            size_t num_args, size_t *chosen) {
  clearError();
  if (!variants || !chosen)
    return nullArgument("kiln_variants_select", "variants and chosen");
  Plan plan;
  if (kiln_status s = planAll(*variants, args, num_args, plan))
    return s;
  return choose(*variants, args, num_args, plan, *chosen);
}

extern "C" kiln_status kiln_variants_launch(const kiln_variants *variants,
                                            const kiln_arg *args,
                                            size_t num_args, void *stream) {
  clearError();
  if (!variants)
    return nullArgument("kiln_variants_launch", "variants");
  Plan plan;
  size_t chosen;
  if (kiln_status s = planAll(*variants, args, num_args, plan))
    return s;
  if (kiln_status s = choose(*variants, args, num_args, plan, chosen))
    return s;
  return variants->kernels[chosen]->launchPlanned(
      args, plan.configs[chosen], static_cast<CUstream>(stream));
}

extern "C" kiln_status kiln_variants_tune(kiln_variants *variants,
                                          const kiln_arg *args, size_t num_args,
                                          void *stream, uint32_t repetitions,
                                          size_t *chosen, float *times_ms) {
  clearError();
  if (!variants || !chosen)
    return nullArgument("kiln_variants_tune", "variants and chosen");
  kiln_variants &v = *variants;
  if (times_ms)
    std::fill(times_ms, times_ms + v.kernels.size(), -1.0f);
  if (repetitions == 0)
    repetitions = 10;
  Plan plan;
  if (kiln_status s = planAll(v, args, num_args, plan))
    return s;
  // Repeated launches must see the same inputs.
  for (size_t i : plan.accepted) {
    const kiln_kernel_desc &d = *v.descs[i];
    for (size_t p = 0; p < d.num_params; ++p)
      if (d.params[p].kind == KILN_ARG_TENSOR && d.params[p].written &&
          !d.params[p].write_only)
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    format("kiln_variants_tune: kernel '%s' may read "
                           "argument %zu ('%s'), which it writes, so each "
                           "timed launch could change the next one's input: "
                           "tune on a scratch copy with the same shapes and "
                           "strides (the choice holds for those)",
                           d.name, p, d.params[p].name));
  }
  if (plan.working.empty()) {
    if (times_ms)
      for (size_t i : plan.accepted)
        times_ms[i] = 0;
    *chosen = plan.accepted.front();
    return KILN_SUCCESS;
  }

  Device device;
  if (kiln_status s = currentDevice(v, device))
    return s;
  const DriverApi &api = *device.api;
  if (!api.cuEventCreate || !api.cuEventRecord || !api.cuEventSynchronize ||
      !api.cuEventElapsedTime || !api.cuEventDestroy)
    return fail(KILN_ERROR_DRIVER,
                "kiln_variants_tune: the NVIDIA driver lacks the CUDA event "
                "functions that timing needs");
  CUstream cuStream = static_cast<CUstream>(stream);
  EventPair events(api);
  if (kiln_status s = events.create())
    return s;
  kiln_status firstError = KILN_SUCCESS;
  std::string firstMessage;
  float best = std::numeric_limits<float>::infinity();
  size_t fastest = 0;
  for (size_t i : plan.working) {
    const kiln_kernel &kernel = *v.kernels[i];
    auto run = [&] {
      return kernel.launchPlanned(args, plan.configs[i], cuStream);
    };
    // The first launch loads the module and warms the caches.
    kiln_status s = run();
    if (s == KILN_SUCCESS) {
      if (CUresult r = api.cuEventRecord(events.start, cuStream))
        return driverError(api, "cuEventRecord", r);
      for (uint32_t k = 0; k < repetitions && s == KILN_SUCCESS; ++k)
        s = run();
    }
    if (s != KILN_SUCCESS) {
      // This variant cannot run here; the others may.
      if (firstError == KILN_SUCCESS) {
        firstError = s;
        firstMessage = kiln_last_error();
      }
      continue;
    }
    float ms = 0;
    if (CUresult r = api.cuEventRecord(events.end, cuStream))
      return driverError(api, "cuEventRecord", r);
    if (CUresult r = api.cuEventSynchronize(events.end))
      return driverError(api,
                         format("waiting for the launches of kernel '%s' "
                                "(cuEventSynchronize)",
                                v.descs[i]->name),
                         r);
    if (CUresult r = api.cuEventElapsedTime(&ms, events.start, events.end))
      return driverError(api, "cuEventElapsedTime", r);
    float mean = ms / float(repetitions);
    if (times_ms)
      times_ms[i] = mean;
    if (mean < best) {
      best = mean;
      fastest = i;
    }
  }
  if (best == std::numeric_limits<float>::infinity())
    return fail(firstError, firstMessage);
  clearError();
  std::lock_guard<std::mutex> lock(v.mutex);
  v.tuned[{device.context, argumentKey(args, num_args)}] = fastest;
  *chosen = fastest;
  return KILN_SUCCESS;
}

extern "C" void kiln_variants_forget(kiln_variants *variants) {
  if (!variants)
    return;
  std::lock_guard<std::mutex> lock(variants->mutex);
  variants->tuned.clear();
  variants->smCounts.clear();
}
