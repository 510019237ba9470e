//===- kiln.hpp - the C++ API of Kiln's runtime -----------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Owning wrappers over the C API of kiln.h, and helpers to describe arguments.
// No exceptions: every call that can fail returns a kiln::Status.
//
//   kiln::Metadata meta;   meta.parse(json);
//   kiln::Module module;   module.load(cubin.data(), cubin.size());
//   kiln::Kernel kernel;   kernel.create(module, meta.desc());
//   kiln::Status s = kernel.launch(
//       {kiln::arg(kiln::Tensor::rowMajor(a, KILN_DTYPE_BF16, {m, k})),
//        kiln::arg(1.0f)},
//       stream);
//   if (!s) std::cerr << s.message();
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_KILN_HPP
#define KILN_RUNTIME_KILN_HPP

#include "kiln/runtime/kiln.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

/// The outcome of a call: a kiln_status and, on failure, its message.
class Status {
public:
  /// Success.
  Status() = default;

  /// `code`, with this thread's kiln_last_error() if it is a failure.
  static Status fromLast(kiln_status code) {
    Status s;
    s.code_ = code;
    if (code != KILN_SUCCESS)
      s.message_ = kiln_last_error();
    return s;
  }

  bool ok() const { return code_ == KILN_SUCCESS; }
  explicit operator bool() const { return ok(); }
  kiln_status code() const { return code_; }
  const std::string &message() const { return message_; }

private:
  kiln_status code_ = KILN_SUCCESS;
  std::string message_;
};

/// A kiln_tensor, with constructors for common layouts.
struct Tensor : kiln_tensor {
  Tensor() : kiln_tensor() {}

  /// A tensor with explicit strides in elements, dimension 0 first. A rank
  /// above KILN_MAX_RANK is kept, so that validation reports it.
  static Tensor strided(void *data, kiln_dtype dtype,
                        std::initializer_list<int64_t> shape,
                        std::initializer_list<int64_t> strides) {
    Tensor t = withShape(data, dtype, shape);
    size_t d = 0;
    for (int64_t stride : strides)
      if (d < KILN_MAX_RANK)
        t.strides[d++] = stride;
    return t;
  }

  /// A row-major (C-contiguous) tensor: the last dimension has stride 1.
  /// Extents of 0 count as 1 in the strides, as in PyTorch.
  static Tensor rowMajor(void *data, kiln_dtype dtype,
                         std::initializer_list<int64_t> shape) {
    Tensor t = withShape(data, dtype, shape);
    int64_t stride = 1;
    for (int32_t d = std::min<int32_t>(t.rank, KILN_MAX_RANK) - 1; d >= 0;
         --d) {
      t.strides[d] = stride;
      stride *= std::max<int64_t>(t.shape[d], 1);
    }
    return t;
  }

private:
  static Tensor withShape(void *data, kiln_dtype dtype,
                          std::initializer_list<int64_t> shape) {
    Tensor t;
    t.data = data;
    t.dtype = dtype;
    t.rank = int32_t(shape.size());
    size_t d = 0;
    for (int64_t extent : shape)
      if (d < KILN_MAX_RANK)
        t.shape[d++] = extent;
    return t;
  }
};

/// Launch arguments.
inline kiln_arg arg(const kiln_tensor &tensor) {
  kiln_arg a = {};
  a.kind = KILN_ARG_TENSOR;
  a.tensor = tensor;
  return a;
}

/// A scalar of type `dtype` whose value is the low kiln_dtype_size(dtype)
/// bytes of `bits`: for f16, bf16 and f8 values held as bit patterns.
inline kiln_arg scalarBits(kiln_dtype dtype, uint64_t bits) {
  kiln_arg a = {};
  a.kind = KILN_ARG_SCALAR;
  a.scalar.dtype = dtype;
  std::memcpy(&a.scalar.value, &bits, kiln_dtype_size(dtype));
  return a;
}

namespace detail {
template <typename T> kiln_arg scalar(kiln_dtype dtype, T value) {
  kiln_arg a = {};
  a.kind = KILN_ARG_SCALAR;
  a.scalar.dtype = dtype;
  std::memcpy(&a.scalar.value, &value, sizeof(value));
  return a;
}
} // namespace detail

inline kiln_arg arg(float value) {
  return detail::scalar(KILN_DTYPE_F32, value);
}
inline kiln_arg arg(double value) {
  return detail::scalar(KILN_DTYPE_F64, value);
}
inline kiln_arg arg(int8_t value) {
  return detail::scalar(KILN_DTYPE_I8, value);
}
inline kiln_arg arg(int16_t value) {
  return detail::scalar(KILN_DTYPE_I16, value);
}
inline kiln_arg arg(int32_t value) {
  return detail::scalar(KILN_DTYPE_I32, value);
}
inline kiln_arg arg(int64_t value) {
  return detail::scalar(KILN_DTYPE_I64, value);
}

/// Opens the CUDA driver and checks for a device; see kiln_init.
inline Status init() { return Status::fromLast(kiln_init()); }

/// Parsed kernel metadata.
class Metadata {
public:
  Status parse(std::string_view json) {
    kiln_kernel_desc *desc = nullptr;
    kiln_status s = kiln_metadata_parse(json.data(), json.size(), &desc);
    desc_.reset(desc);
    return Status::fromLast(s);
  }

  /// Valid after a successful parse.
  const kiln_kernel_desc &desc() const { return *desc_; }
  explicit operator bool() const { return bool(desc_); }

private:
  struct Free {
    void operator()(kiln_kernel_desc *d) const { kiln_metadata_free(d); }
  };
  std::unique_ptr<kiln_kernel_desc, Free> desc_;
};

/// A loaded kernel image (cubin, fatbin or PTX).
class Module {
public:
  /// Copies `image`; see kiln_module_create.
  Status load(const void *image, size_t size) {
    kiln_module *module = nullptr;
    kiln_status s = kiln_module_create(image, size, &module);
    module_.reset(module);
    return Status::fromLast(s);
  }

  kiln_module *get() const { return module_.get(); }
  explicit operator bool() const { return bool(module_); }

private:
  struct Destroy {
    void operator()(kiln_module *m) const { kiln_module_destroy(m); }
  };
  std::unique_ptr<kiln_module, Destroy> module_;
};

/// One kernel of a module.
class Kernel {
public:
  /// A kernel of `module`; an empty Module gives a kernel that can be
  /// validated but not launched.
  Status create(const Module &module, const kiln_kernel_desc &desc) {
    kiln_kernel *kernel = nullptr;
    kiln_status s = kiln_kernel_create(module.get(), &desc, &kernel);
    kernel_.reset(kernel);
    return Status::fromLast(s);
  }

  // Arguments come as a braced list or any contiguous container of kiln_arg.

  template <typename Args> Status validate(const Args &args) const {
    return Status::fromLast(
        kiln_kernel_validate(kernel_.get(), std::data(args), std::size(args)));
  }
  Status validate(std::initializer_list<kiln_arg> args) const {
    return validate<decltype(args)>(args);
  }

  template <typename Args>
  Status launchConfig(const Args &args, kiln_launch_config &out) const {
    return Status::fromLast(kiln_kernel_launch_config(
        kernel_.get(), std::data(args), std::size(args), &out));
  }
  Status launchConfig(std::initializer_list<kiln_arg> args,
                      kiln_launch_config &out) const {
    return launchConfig<decltype(args)>(args, out);
  }

  /// Launches on `stream` (a CUstream; null for the default stream).
  template <typename Args>
  Status launch(const Args &args, void *stream = nullptr) const {
    return Status::fromLast(kiln_kernel_launch(kernel_.get(), std::data(args),
                                               std::size(args), stream));
  }
  Status launch(std::initializer_list<kiln_arg> args,
                void *stream = nullptr) const {
    return launch<decltype(args)>(args, stream);
  }

  const kiln_kernel_desc &desc() const {
    return *kiln_kernel_get_desc(kernel_.get());
  }
  kiln_kernel *get() const { return kernel_.get(); }
  explicit operator bool() const { return bool(kernel_); }

private:
  struct Destroy {
    void operator()(kiln_kernel *k) const { kiln_kernel_destroy(k); }
  };
  std::unique_ptr<kiln_kernel, Destroy> kernel_;
};

/// The SM count of the current context's device; see kiln_device_sm_count.
inline Status deviceSmCount(uint32_t &out) {
  return Status::fromLast(kiln_device_sm_count(&out));
}

/// Which of `variants` (kernels from one tile program with other tile
/// shapes or schedules) to run on `args` with `smCount` SMs; see
/// kiln_kernel_choose.
template <typename Args>
Status chooseVariant(const std::vector<const Kernel *> &variants,
                     const Args &args, uint32_t smCount, size_t &chosen) {
  std::vector<const kiln_kernel *> kernels;
  for (const Kernel *k : variants)
    kernels.push_back(k ? k->get() : nullptr);
  return Status::fromLast(kiln_kernel_choose(kernels.data(), kernels.size(),
                                             std::data(args), std::size(args),
                                             smCount, &chosen));
}

/// Variants of one kernel launched as one, tuned by measurement or chosen
/// by the cost model; see kiln_variants_create. The kernels must outlive
/// it.
class Variants {
public:
  Status create(const std::vector<const Kernel *> &variants) {
    std::vector<const kiln_kernel *> kernels;
    for (const Kernel *k : variants)
      kernels.push_back(k ? k->get() : nullptr);
    kiln_variants *v = nullptr;
    kiln_status s = kiln_variants_create(kernels.data(), kernels.size(), &v);
    variants_.reset(v);
    size_ = kernels.size();
    return Status::fromLast(s);
  }

  /// The variant a launch would run; see kiln_variants_select.
  template <typename Args>
  Status select(const Args &args, size_t &chosen) const {
    return Status::fromLast(kiln_variants_select(
        variants_.get(), std::data(args), std::size(args), &chosen));
  }
  Status select(std::initializer_list<kiln_arg> args, size_t &chosen) const {
    return select<decltype(args)>(args, chosen);
  }

  template <typename Args>
  Status launch(const Args &args, void *stream = nullptr) const {
    return Status::fromLast(kiln_variants_launch(
        variants_.get(), std::data(args), std::size(args), stream));
  }
  Status launch(std::initializer_list<kiln_arg> args,
                void *stream = nullptr) const {
    return launch<decltype(args)>(args, stream);
  }

  /// Times the variants and keeps the fastest for such arguments; see
  /// kiln_variants_tune. `times`, if given, gets one mean per variant.
  template <typename Args>
  Status tune(const Args &args, void *stream, uint32_t repetitions,
              size_t &chosen, std::vector<float> *times = nullptr) {
    std::vector<float> local(size_);
    kiln_status s =
        kiln_variants_tune(variants_.get(), std::data(args), std::size(args),
                           stream, repetitions, &chosen, local.data());
    if (times)
      *times = std::move(local);
    return Status::fromLast(s);
  }
  Status tune(std::initializer_list<kiln_arg> args, void *stream,
              uint32_t repetitions, size_t &chosen,
              std::vector<float> *times = nullptr) {
    return tune<decltype(args)>(args, stream, repetitions, chosen, times);
  }

  /// Forgets the measurements.
  void forget() { kiln_variants_forget(variants_.get()); }

  kiln_variants *get() const { return variants_.get(); }
  explicit operator bool() const { return bool(variants_); }

private:
  struct Destroy {
    void operator()(kiln_variants *v) const { kiln_variants_destroy(v); }
  };
  std::unique_ptr<kiln_variants, Destroy> variants_;
  size_t size_ = 0;
};

} // namespace kiln

#endif // KILN_RUNTIME_KILN_HPP
