//===- Launch.cpp - argument checks, grids and kernel parameters ----------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Launch.h"

#include "Error.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <tuple>

namespace kiln::rt {

// The kernel takes a tensor map with .align KILN_TENSOR_MAP_ALIGN (abi.h);
// cuda.h may align the host's CUtensorMap more strictly, and the maps that
// cuTensorMapEncodeTiled writes into a ParamBuffer follow cuda.h.
static_assert(sizeof(CUtensorMap) == KILN_TENSOR_MAP_BYTES &&
                  alignof(CUtensorMap) % KILN_TENSOR_MAP_ALIGN == 0,
              "abi.h and cuda.h disagree on CUtensorMap");

namespace {

/// Hardware limits of a grid, in CTAs.
constexpr int64_t kMaxGridX = INT32_MAX;
constexpr int64_t kMaxGridYZ = 65535;
/// TMA takes strides below 2^40 bytes.
constexpr int64_t kTmaMaxStrideBytes = int64_t(1) << 40;

const char *const kAxes[] = {"x", "y", "z"};

kiln_status badArg(const kiln_kernel_desc &desc, size_t index,
                   const std::string &what) {
  return fail(KILN_ERROR_INVALID_ARGUMENT,
              format("%s: argument %zu ('%s'): ", desc.name, index,
                     desc.params[index].name) +
                  what);
}

const char *kindName(kiln_arg_kind kind) {
  return kind == KILN_ARG_TENSOR   ? "a tensor"
         : kind == KILN_ARG_SCALAR ? "a scalar"
                                   : "an invalid kind";
}

/// A tensor the kernel writes must give each element its own address, or
/// threads storing different elements race on one. Sufficient rule, with the
/// dimensions ordered by stride (any order of the outer dimensions is
/// fine): each stride is at least the span of the dimensions inside it.
/// Dimensions of extent 1 take any stride. The tensor is not empty and its
/// innermost stride is 1.
kiln_status checkNoOverlap(const kiln_kernel_desc &desc, size_t index,
                           const kiln_tensor &t) {
  int32_t inner = t.rank - 1;
  // The outer dimensions of extent > 1, by increasing stride (insertion:
  // there are at most KILN_MAX_RANK - 1).
  int32_t order[KILN_MAX_RANK];
  int32_t n = 0;
  for (int32_t d = 0; d < inner; ++d) {
    if (t.shape[d] <= 1)
      continue;
    int32_t i = n++;
    for (; i > 0 && t.strides[order[i - 1]] > t.strides[d]; --i)
      order[i] = order[i - 1];
    order[i] = d;
  }
  // Elements spanned so far: the largest offset plus one.
  int64_t span = t.shape[inner];
  for (int32_t i = 0; i < n; ++i) {
    int32_t d = order[i];
    if (t.strides[d] < span)
      return badArg(desc, index,
                    format("stride %" PRId64 " of dimension %d is less than "
                           "the %" PRId64 " elements the dimensions of "
                           "smaller stride span, so elements overlap, and "
                           "the kernel writes this tensor",
                           t.strides[d], d, span));
    int64_t extra;
    if (__builtin_mul_overflow(t.strides[d], t.shape[d] - 1, &extra) ||
        __builtin_add_overflow(span, extra, &span))
      return badArg(desc, index,
                    format("dimension %d spans more elements than a 64-bit "
                           "offset holds",
                           d));
  }
  return KILN_SUCCESS;
}

kiln_status checkTensor(const kiln_kernel_desc &desc, size_t index,
                        const kiln_tensor &t) {
  const kiln_param_desc &param = desc.params[index];
  auto bad = [&](const std::string &what) { return badArg(desc, index, what); };
  if (t.dtype != param.dtype)
    return bad(format("dtype %s does not match the parameter's %s",
                      kiln_dtype_name(t.dtype), kiln_dtype_name(param.dtype)));
  if (t.rank != param.rank)
    return bad(format("rank %d does not match the parameter's rank %d", t.rank,
                      param.rank));

  bool empty = false;
  for (int32_t d = 0; d < t.rank; ++d) {
    // The kernel receives extents as int32.
    if (t.shape[d] < 0 || t.shape[d] > INT32_MAX)
      return bad(format("extent %" PRId64 " of dimension %d is not in "
                        "0..2147483647 (int32)",
                        t.shape[d], d));
    empty |= t.shape[d] == 0;
  }

  // An empty tensor has no element to address, so its pointer (often null)
  // and strides (often odd) are never used.
  if (empty)
    return KILN_SUCCESS;
  size_t elementSize = kiln_dtype_size(param.dtype);
  uintptr_t address = reinterpret_cast<uintptr_t>(t.data);
  if (!t.data)
    return bad("data pointer is null");
  if (address % elementSize != 0)
    return bad(format("data pointer %p is not aligned to the %zu-byte element "
                      "size",
                      t.data, elementSize));
  if (param.tma && address % KILN_TMA_ALIGN_BYTES != 0)
    return bad(format("data pointer %p is not %d-byte aligned, as TMA requires",
                      t.data, KILN_TMA_ALIGN_BYTES));

  int32_t inner = t.rank - 1;
  if (t.strides[inner] != 1)
    return bad(format("stride %" PRId64 " of the innermost dimension %d must "
                      "be 1 (contiguous)",
                      t.strides[inner], inner));
  for (int32_t d = 0; d < inner; ++d) {
    int64_t stride = t.strides[d];
    if (stride <= 0)
      return bad(format("stride %" PRId64 " of dimension %d must be positive",
                        stride, d));
    if (!param.tma)
      continue;
    if (stride >= kTmaMaxStrideBytes / int64_t(elementSize))
      return bad(format("stride %" PRId64 " of dimension %d spans 2^40 bytes "
                        "or more, beyond what TMA addresses",
                        stride, d));
    if (stride * int64_t(elementSize) % KILN_TMA_ALIGN_BYTES != 0)
      return bad(format("stride %" PRId64 " of dimension %d (%" PRId64
                        " bytes) is not a multiple of %d bytes, as TMA "
                        "requires",
                        stride, d, stride * int64_t(elementSize),
                        KILN_TMA_ALIGN_BYTES));
  }
  if (param.written)
    return checkNoOverlap(desc, index, t);
  return KILN_SUCCESS;
}

/// Extents the metadata's "equal" entries tie together, e.g. a GEMM's K in
/// A and in B; reported on the second argument of the entry.
kiln_status checkEqualExtents(const kiln_kernel_desc &desc,
                              const kiln_arg *args) {
  for (size_t i = 0; i < desc.num_equal; ++i) {
    const kiln_equal_extents &e = desc.equal[i];
    int64_t first = args[e.arg0].tensor.shape[e.dim0];
    int64_t second = args[e.arg1].tensor.shape[e.dim1];
    if (first != second)
      return badArg(desc, size_t(e.arg1),
                    format("extent %" PRId64 " of dimension %d does not match "
                           "extent %" PRId64 " of dimension %d of argument %d "
                           "('%s'): the kernel needs them equal",
                           second, e.dim1, first, e.dim0, e.arg0,
                           desc.params[e.arg0].name));
  }
  return KILN_SUCCESS;
}

/// Whether a tensor has no element.
bool isEmpty(const kiln_tensor &t) {
  for (int32_t d = 0; d < t.rank && d < KILN_MAX_RANK; ++d)
    if (t.shape[d] == 0)
      return true;
  return false;
}

/// A checked tensor of rank 1 or 2 as bytes: `rows` rows of `width` bytes,
/// `pitch` bytes apart (0 for one row), from `base`.
struct ByteRows {
  int64_t base, rows, width, pitch;
};

bool byteRows(const kiln_tensor &t, ByteRows &out) {
  if (t.rank < 1 || t.rank > 2)
    return false;
  int64_t size = int64_t(kiln_dtype_size(t.dtype));
  int64_t rows = t.rank == 2 ? t.shape[0] : 1;
  out = {int64_t(reinterpret_cast<uintptr_t>(t.data)), rows,
         t.shape[t.rank - 1] * size, rows > 1 ? t.strides[0] * size : 0};
  return true;
}

/// floor(a / b) for b >= 1.
int64_t floorDiv(int64_t a, int64_t b) { return a / b - (a % b < 0); }

/// Whether two sets of rows share a byte. Row r of `w` meets row s of `t`
/// where k = r - s satisfies d - w.width < k * pitch < d + t.width, with d
/// the distance between the bases; such a pair of rows exists where k also
/// lies in [-(t.rows - 1), w.rows - 1]. Both with one row: their intervals.
/// Several rows each with different pitches: not decided (false).
bool shareBytes(const ByteRows &w, const ByteRows &t) {
  int64_t d = t.base - w.base;
  if (w.pitch == 0 && t.pitch == 0)
    return d - w.width < 0 && 0 < d + t.width;
  if (w.pitch != 0 && t.pitch != 0 && w.pitch != t.pitch)
    return false;
  int64_t pitch = std::max(w.pitch, t.pitch);
  int64_t low = floorDiv(d - w.width, pitch) + 1;
  int64_t high = -floorDiv(-(d + t.width), pitch) - 1;
  return std::max(low, 1 - t.rows) <= std::min(high, w.rows - 1);
}

/// A tensor the kernel writes shares no memory with the other tensors, or
/// the kernel's reads may see its stores (passes move loads of read-only
/// tensors across stores). Decided exactly for tensors of rank 1 and 2 with
/// one row pitch between them, such as column blocks of one buffer; two
/// tensors that start at the same address always share their first element.
kiln_status checkNoSharing(const kiln_kernel_desc &desc, const kiln_arg *args) {
  for (size_t i = 0; i < desc.num_params; ++i) {
    if (!desc.params[i].written || isEmpty(args[i].tensor))
      continue;
    const kiln_tensor &w = args[i].tensor;
    for (size_t j = 0; j < desc.num_params; ++j) {
      if (j == i || args[j].kind != KILN_ARG_TENSOR || isEmpty(args[j].tensor))
        continue;
      const kiln_tensor &t = args[j].tensor;
      ByteRows wr, tr;
      bool shared = w.data == t.data ||
                    (byteRows(w, wr) && byteRows(t, tr) && shareBytes(wr, tr));
      if (shared)
        return badArg(desc, i,
                      format("shares memory with argument %zu ('%s'), and "
                             "the kernel writes it: a written tensor must not "
                             "share memory with the kernel's other tensors",
                             j, desc.params[j].name));
    }
  }
  return KILN_SUCCESS;
}

kiln_status checkArgs(const kiln_kernel_desc &desc, const kiln_arg *args,
                      size_t numArgs) {
  if (numArgs != desc.num_params)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                format("%s: expected %zu arguments, got %zu", desc.name,
                       desc.num_params, numArgs));
  if (numArgs > 0 && !args)
    return fail(KILN_ERROR_INVALID_VALUE,
                format("%s: the argument array is null", desc.name));
  for (size_t i = 0; i < numArgs; ++i) {
    const kiln_param_desc &param = desc.params[i];
    const kiln_arg &arg = args[i];
    if (arg.kind != param.kind)
      return badArg(desc, i,
                    format("expected %s, got %s", kindName(param.kind),
                           kindName(arg.kind)));
    if (arg.kind == KILN_ARG_TENSOR) {
      if (kiln_status s = checkTensor(desc, i, arg.tensor))
        return s;
    } else if (arg.scalar.dtype != param.dtype) {
      return badArg(desc, i,
                    format("dtype %s does not match the parameter's %s",
                           kiln_dtype_name(arg.scalar.dtype),
                           kiln_dtype_name(param.dtype)));
    }
  }
  if (kiln_status s = checkEqualExtents(desc, args))
    return s;
  return checkNoSharing(desc, args);
}

int64_t integerValue(const kiln_scalar &scalar) {
  switch (scalar.dtype) {
  case KILN_DTYPE_I8:
    return scalar.value.i8;
  case KILN_DTYPE_I16:
    return scalar.value.i16;
  case KILN_DTYPE_I32:
    return scalar.value.i32;
  default:
    return scalar.value.i64;
  }
}

/// ceil(a / b) for a >= 0, b >= 1.
int64_t ceilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0); }

/// The extents the grid rules give, 1 for dimensions without a rule.
kiln_status gridExtents(const kiln_kernel_desc &desc, const kiln_arg *args,
                        int64_t (&out)[3]) {
  for (size_t i = 0; i < 3; ++i) {
    out[i] = 1;
    if (i >= desc.num_grid)
      continue;
    const kiln_grid_rule &rule = desc.grid[i];
    if (rule.kind == KILN_GRID_CONSTANT) {
      out[i] = rule.value;
    } else if (rule.kind == KILN_GRID_TENSOR_DIM) {
      out[i] = ceilDiv(args[rule.arg].tensor.shape[rule.dim], rule.div);
    } else {
      int64_t value = integerValue(args[rule.arg].scalar);
      if (value < 0)
        return badArg(desc, size_t(rule.arg),
                      format("%" PRId64 " is negative, but grid[%zu] counts "
                             "tiles by it",
                             value, i));
      out[i] = ceilDiv(value, rule.div);
    }
  }
  return KILN_SUCCESS;
}

/// A persistent kernel walks the tiles itself with at most one CTA per SM,
/// in whole clusters.
int64_t persistentGridX(const int64_t (&extents)[3], uint32_t smCount,
                        uint32_t clusterX) {
  int64_t tiles = 1;
  for (int64_t extent : extents) {
    if (extent == 0)
      return 0;
    tiles = tiles > kMaxGridX / extent ? kMaxGridX : tiles * extent;
  }
  if (smCount > 0)
    tiles = std::min<int64_t>(tiles, smCount);
  return std::max<int64_t>(clusterX, tiles / clusterX * clusterX);
}

CUtensorMapDataType tmaDataType(kiln_dtype dtype) {
  switch (dtype) {
  case KILN_DTYPE_F16:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  case KILN_DTYPE_BF16:
    return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
  case KILN_DTYPE_F32:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  case KILN_DTYPE_F64:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT64;
  case KILN_DTYPE_I16:
    return CU_TENSOR_MAP_DATA_TYPE_UINT16;
  case KILN_DTYPE_I32:
    return CU_TENSOR_MAP_DATA_TYPE_INT32;
  case KILN_DTYPE_I64:
    return CU_TENSOR_MAP_DATA_TYPE_INT64;
  default: // f8e4m3, f8e5m2, i8: TMA moves bytes.
    return CU_TENSOR_MAP_DATA_TYPE_UINT8;
  }
}

CUtensorMapSwizzle tmaSwizzle(int32_t bytes) {
  switch (bytes) {
  case 32:
    return CU_TENSOR_MAP_SWIZZLE_32B;
  case 64:
    return CU_TENSOR_MAP_SWIZZLE_64B;
  case 128:
    return CU_TENSOR_MAP_SWIZZLE_128B;
  default:
    return CU_TENSOR_MAP_SWIZZLE_NONE;
  }
}

} // namespace

VariantCost variantCost(const kiln_kernel_desc &desc, const kiln_arg *args,
                        uint32_t smCount) {
  int64_t extents[3];
  // Cannot fail: planLaunch computed the same extents.
  (void)gridExtents(desc, args, extents);
  // Products saturate: descriptions may carry any divisor, and the model
  // only compares.
  auto times = [](int64_t a, int64_t b) {
    int64_t r;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
  };
  int64_t tiles = 1;
  for (int64_t e : extents)
    tiles = times(tiles, e);
  VariantCost out;
  out.tileArea = 1;
  for (uint32_t i = 0; i < desc.num_grid; ++i)
    if (desc.grid[i].kind != KILN_GRID_CONSTANT)
      out.tileArea = times(out.tileArea, desc.grid[i].div);
  // The SMs the tiles spread over: a persistent kernel's CTAs (one per SM,
  // in whole clusters), or all of them. CTAs sharing an SM share its
  // tensor cores, so they count as one SM's work either way.
  int64_t sms = desc.persistent
                    ? std::max<int64_t>(
                          persistentGridX(extents, smCount, desc.cluster[0]), 1)
                    : int64_t(smCount);
  out.work = times(ceilDiv(tiles, sms), out.tileArea);
  out.persistent = desc.persistent;
  return out;
}

size_t cheapestVariant(const kiln_kernel_desc *const *descs,
                       const std::vector<size_t> &candidates,
                       const kiln_arg *args, uint32_t smCount) {
  auto key = [](const VariantCost &c) {
    return std::make_tuple(c.work, -c.tileArea, !c.persistent);
  };
  size_t chosen = candidates.front();
  VariantCost best = variantCost(*descs[chosen], args, smCount);
  for (size_t j = 1; j < candidates.size(); ++j) {
    size_t i = candidates[j];
    VariantCost cost = variantCost(*descs[i], args, smCount);
    if (key(cost) < key(best)) {
      best = cost;
      chosen = i;
    }
  }
  return chosen;
}

kiln_status chooseVariant(const kiln_kernel_desc *const *descs, size_t count,
                          const kiln_arg *args, size_t numArgs,
                          uint32_t smCount, size_t &chosen) {
  if (count == 0)
    return fail(KILN_ERROR_INVALID_VALUE, "no variants to choose from");
  kiln_status firstError = KILN_SUCCESS;
  std::string firstMessage;
  std::vector<size_t> accepted;
  for (size_t i = 0; i < count; ++i) {
    kiln_launch_config config;
    if (kiln_status s = planLaunch(*descs[i], args, numArgs, smCount, config)) {
      if (i == 0) {
        firstError = s;
        firstMessage = kiln_last_error();
      }
      continue;
    }
    accepted.push_back(i);
  }
  if (accepted.empty())
    return fail(firstError, firstMessage);
  clearError();
  chosen = cheapestVariant(descs, accepted, args, smCount);
  return KILN_SUCCESS;
}

void fitToDevice(const kiln_kernel_desc &desc, const kiln_arg *args,
                 uint32_t smCount, kiln_launch_config &config) {
  if (!desc.persistent || !hasWork(config))
    return;
  int64_t extents[3];
  (void)gridExtents(desc, args, extents);
  config.grid[0] = uint32_t(persistentGridX(extents, smCount, desc.cluster[0]));
}

bool hasWork(const kiln_launch_config &config) {
  return config.grid[0] != 0 && config.grid[1] != 0 && config.grid[2] != 0;
}

kiln_status planLaunch(const kiln_kernel_desc &desc, const kiln_arg *args,
                       size_t numArgs, uint32_t smCount,
                       kiln_launch_config &out) {
  if (kiln_status s = checkArgs(desc, args, numArgs))
    return s;
  int64_t extents[3];
  if (kiln_status s = gridExtents(desc, args, extents))
    return s;

  out = {};
  out.block[0] = desc.threads;
  out.block[1] = out.block[2] = 1;
  out.smem = desc.smem;
  std::copy(desc.cluster, desc.cluster + 3, out.cluster);
  if (desc.persistent) {
    out.grid[0] = uint32_t(persistentGridX(extents, smCount, desc.cluster[0]));
    out.grid[1] = out.grid[2] = 1;
  } else {
    for (int i = 0; i < 3; ++i) {
      int64_t limit = i == 0 ? kMaxGridX : kMaxGridYZ;
      if (extents[i] > limit)
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    format("%s: grid.%s = %" PRId64 " exceeds the limit of "
                           "%" PRId64 " CTAs",
                           desc.name, kAxes[i], extents[i], limit));
      out.grid[i] = uint32_t(extents[i]);
    }
    if (!hasWork(out))
      return KILN_SUCCESS;
    for (int i = 0; i < 3; ++i)
      if (out.grid[i] % desc.cluster[i] != 0)
        return fail(KILN_ERROR_INVALID_ARGUMENT,
                    format("%s: grid.%s = %u is not a multiple of cluster.%s "
                           "= %u",
                           desc.name, kAxes[i], out.grid[i], kAxes[i],
                           desc.cluster[i]));
  }
  if (!hasWork(out))
    return KILN_SUCCESS;
  // An empty TMA tensor gets a zero-filled map (abi.h); the others must
  // make a map.
  for (size_t i = 0; i < desc.num_params; ++i) {
    TensorMapSpec spec;
    if (desc.params[i].tma && !isEmpty(args[i].tensor))
      if (kiln_status s = tensorMapSpec(desc, i, args[i].tensor, spec))
        return s;
  }
  return KILN_SUCCESS;
}

kiln_status tensorMapSpec(const kiln_kernel_desc &desc, size_t index,
                          const kiln_tensor &tensor, TensorMapSpec &out) {
  const kiln_param_desc &param = desc.params[index];
  int32_t rank = param.rank;
  for (int32_t d = 0; d < rank; ++d)
    if (tensor.shape[d] == 0)
      return badArg(desc, index,
                    format("extent 0 of dimension %d: a tensor read through "
                           "TMA needs extents of at least 1",
                           d));
  size_t elementSize = kiln_dtype_size(param.dtype);
  out = {};
  out.dataType = tmaDataType(param.dtype);
  out.rank = cuuint32_t(rank);
  out.globalAddress = tensor.data;
  // TMA lists dimensions innermost first; metadata and kiln_tensor list
  // dimension 0 first.
  for (int32_t i = 0; i < rank; ++i) {
    int32_t d = rank - 1 - i;
    out.globalDim[i] = cuuint64_t(tensor.shape[d]);
    out.boxDim[i] = cuuint32_t(param.tma_box[d]);
    out.elementStrides[i] = 1;
    if (i > 0)
      out.globalStrides[i - 1] = cuuint64_t(tensor.strides[d]) * elementSize;
  }
  out.interleave = CU_TENSOR_MAP_INTERLEAVE_NONE;
  out.swizzle = tmaSwizzle(param.swizzle);
  out.l2Promotion = CU_TENSOR_MAP_L2_PROMOTION_L2_256B;
  // Out-of-bounds elements read as zero.
  out.oobFill = CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;
  return KILN_SUCCESS;
}

std::vector<KernelParam> kernelParams(const kiln_kernel_desc &desc) {
  std::vector<KernelParam> params;
  uint32_t offset = 0;
  auto add = [&](KernelParam::Kind kind, size_t arg, int32_t dim, uint32_t size,
                 uint32_t align) {
    offset = (offset + align - 1) / align * align;
    params.push_back({kind, uint32_t(arg), uint32_t(dim), size, offset});
    offset += size;
  };
  for (size_t i = 0; i < desc.num_params; ++i) {
    const kiln_param_desc &param = desc.params[i];
    if (param.kind == KILN_ARG_SCALAR) {
      uint32_t size = uint32_t(kiln_dtype_size(param.dtype));
      add(KernelParam::Scalar, i, 0, size, size);
      continue;
    }
    if (param.tma)
      add(KernelParam::TensorMap, i, 0, sizeof(CUtensorMap),
          alignof(CUtensorMap));
    add(KernelParam::Address, i, 0, sizeof(uint64_t), alignof(uint64_t));
    for (int32_t d = 0; d < param.rank; ++d)
      add(KernelParam::Extent, i, d, sizeof(int32_t), alignof(int32_t));
    for (int32_t d = 0; d + 1 < param.rank; ++d)
      add(KernelParam::Stride, i, d, sizeof(int64_t), alignof(int64_t));
  }
  return params;
}

kiln_status ParamBuffer::pack(const kiln_kernel_desc &desc,
                              const std::vector<KernelParam> &params,
                              const kiln_arg *args, const DriverApi &api) {
  size_t size = params.empty() ? 0 : params.back().offset + params.back().size;
  // Room to align the start for the tensor maps.
  constexpr uintptr_t align = alignof(CUtensorMap);
  bytes_.assign(size + align, 0);
  uintptr_t start = reinterpret_cast<uintptr_t>(bytes_.data());
  unsigned char *base = bytes_.data() + (-start & (align - 1));
  pointers_.resize(params.size());

  for (size_t k = 0; k < params.size(); ++k) {
    const KernelParam &param = params[k];
    const kiln_arg &arg = args[param.arg];
    void *slot = base + param.offset;
    pointers_[k] = slot;
    switch (param.kind) {
    case KernelParam::TensorMap: {
      // The driver encodes no map of an empty tensor, and the kernel issues
      // no TMA through it (abi.h): the slot stays zero-filled.
      if (isEmpty(arg.tensor))
        break;
      TensorMapSpec spec;
      if (kiln_status s = tensorMapSpec(desc, param.arg, arg.tensor, spec))
        return s;
      CUresult r = api.cuTensorMapEncodeTiled(
          static_cast<CUtensorMap *>(slot), spec.dataType, spec.rank,
          spec.globalAddress, spec.globalDim, spec.globalStrides, spec.boxDim,
          spec.elementStrides, spec.interleave, spec.swizzle, spec.l2Promotion,
          spec.oobFill);
      if (r != CUDA_SUCCESS)
        return driverError(api,
                           format("%s: argument %u ('%s'): "
                                  "cuTensorMapEncodeTiled",
                                  desc.name, param.arg,
                                  desc.params[param.arg].name),
                           r);
      break;
    }
    case KernelParam::Address: {
      uint64_t address = reinterpret_cast<uintptr_t>(arg.tensor.data);
      std::memcpy(slot, &address, sizeof(address));
      break;
    }
    case KernelParam::Extent: {
      int32_t extent = int32_t(arg.tensor.shape[param.dim]);
      std::memcpy(slot, &extent, sizeof(extent));
      break;
    }
    case KernelParam::Stride:
      std::memcpy(slot, &arg.tensor.strides[param.dim], sizeof(int64_t));
      break;
    case KernelParam::Scalar:
      // Every member of kiln_scalar_value starts at its first byte.
      std::memcpy(slot, &arg.scalar.value, param.size);
      break;
    }
  }
  return KILN_SUCCESS;
}

} // namespace kiln::rt
