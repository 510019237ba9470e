//===- Metadata.cpp - kernel descriptions ---------------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The JSON reader checks only what the struct cannot hold (types, array
// lengths, names); every rule a kiln_kernel_desc can break is in checkDesc, so
// parsed metadata and launcher tables are held to the same rules and messages.
//
//===----------------------------------------------------------------------===//

#include "Metadata.h"

#include "Error.h"
#include "Json.h"

#include <cinttypes>
#include <limits>

namespace kiln::rt {

namespace {

/// Hardware limit of threads per CTA.
constexpr int64_t kMaxThreadsPerBlock = 1024;
/// No upper bound in a range check.
constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

std::string member(const std::string &path, const char *key) {
  return path.empty() ? key : path + "." + key;
}

std::string element(const std::string &path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

/// The message for `value` at `path` outside [lo, hi]; shared by the reader
/// and checkDesc so that both report a range the same way.
std::string rangeError(const std::string &path, int64_t value, int64_t lo,
                       int64_t hi) {
  if (hi == kUnbounded)
    return format("%s: %" PRId64 " is less than %" PRId64, path.c_str(), value,
                  lo);
  return format("%s: %" PRId64 " is not in %" PRId64 "..%" PRId64, path.c_str(),
                value, lo, hi);
}

/// A kernel grid has 1 to 3 dimensions.
bool validGridRank(size_t n) { return n >= 1 && n <= 3; }

std::string gridRankError(size_t n) {
  return format("grid: has %zu entries, expected 1 to 3", n);
}

kiln_status invalid(const std::string &what) {
  return fail(KILN_ERROR_INVALID_METADATA, kMetadataError + what);
}

bool inRange(int64_t value, int64_t lo, int64_t hi) {
  return value >= lo && value <= hi;
}

//===----------------------------------------------------------------------===//
// checkDesc
//===----------------------------------------------------------------------===//

kiln_status checkRange(const std::string &path, int64_t value, int64_t lo,
                       int64_t hi = kUnbounded) {
  return inRange(value, lo, hi) ? KILN_SUCCESS
                                : invalid(rangeError(path, value, lo, hi));
}

kiln_status checkName(const std::string &path, const char *name) {
  return name && *name ? KILN_SUCCESS : invalid(path + ": must not be empty");
}

bool isIntegerType(kiln_dtype dtype) {
  return dtype == KILN_DTYPE_I8 || dtype == KILN_DTYPE_I16 ||
         dtype == KILN_DTYPE_I32 || dtype == KILN_DTYPE_I64;
}

kiln_status checkParam(const kiln_param_desc &param, size_t index) {
  std::string path = element("params", index);
  if (kiln_status s = checkName(member(path, "name"), param.name))
    return s;
  if (param.kind != KILN_ARG_TENSOR && param.kind != KILN_ARG_SCALAR)
    return invalid(member(path, "kind") + ": must be tensor or scalar");
  if (kiln_dtype_size(param.dtype) == 0)
    return invalid(member(path, "dtype") + ": invalid dtype");
  if (param.kind == KILN_ARG_SCALAR)
    return KILN_SUCCESS;

  if (kiln_status s =
          checkRange(member(path, "rank"), param.rank, 1, KILN_MAX_RANK))
    return s;
  for (int32_t d = 0; d < param.rank; ++d)
    if (kiln_status s =
            checkRange(element(member(path, "block"), d), param.block[d], 1))
      return s;
  if (!param.tma)
    return KILN_SUCCESS;

  std::string box = member(path, "tma_box");
  for (int32_t d = 0; d < param.rank; ++d)
    if (kiln_status s = checkRange(element(box, d), param.tma_box[d], 1,
                                   KILN_TMA_MAX_BOX_DIM))
      return s;
  if (!kiln_swizzle_is_valid(param.swizzle))
    return invalid(format("%s: %d is not 0, 32, 64 or 128",
                          member(path, "swizzle").c_str(), param.swizzle));
  // TMA moves the innermost box dimension in 16-byte units, and a swizzle
  // pattern covers rows of at most its own width.
  int64_t innerBytes = int64_t(param.tma_box[param.rank - 1]) *
                       int64_t(kiln_dtype_size(param.dtype));
  if (innerBytes % KILN_TMA_ALIGN_BYTES != 0)
    return invalid(format("%s: the innermost box dimension spans %" PRId64
                          " bytes, not a multiple of %d",
                          box.c_str(), innerBytes, KILN_TMA_ALIGN_BYTES));
  if (param.swizzle != 0 && innerBytes > param.swizzle)
    return invalid(format("%s: the innermost box dimension spans %" PRId64
                          " bytes, more than the %d-byte swizzle",
                          box.c_str(), innerBytes, param.swizzle));
  return KILN_SUCCESS;
}

kiln_status checkGridRule(const kiln_kernel_desc &desc, size_t index) {
  const kiln_grid_rule &rule = desc.grid[index];
  std::string path = element("grid", index);
  if (rule.kind == KILN_GRID_CONSTANT)
    return checkRange(member(path, "value"), rule.value, 1);
  if (rule.kind != KILN_GRID_TENSOR_DIM && rule.kind != KILN_GRID_SCALAR)
    return invalid(path + ": unknown grid rule kind");

  if (rule.arg < 0 || size_t(rule.arg) >= desc.num_params)
    return invalid(format("%s: argument %d does not exist (the kernel has %zu)",
                          member(path, "arg").c_str(), rule.arg,
                          desc.num_params));
  const kiln_param_desc &param = desc.params[rule.arg];
  if (rule.kind == KILN_GRID_TENSOR_DIM) {
    if (param.kind != KILN_ARG_TENSOR)
      return invalid(format("%s: argument %d ('%s') is not a tensor",
                            member(path, "dim").c_str(), rule.arg, param.name));
    if (!inRange(rule.dim, 0, param.rank - 1))
      return invalid(format("%s: %d is not a dimension of argument %d ('%s'), "
                            "which has rank %d",
                            member(path, "dim").c_str(), rule.dim, rule.arg,
                            param.name, param.rank));
  } else if (param.kind != KILN_ARG_SCALAR || !isIntegerType(param.dtype)) {
    return invalid(format("%s: argument %d ('%s') is not an integer scalar; "
                          "a rule over a tensor needs \"dim\"",
                          member(path, "arg").c_str(), rule.arg, param.name));
  }
  return checkRange(member(path, "div"), rule.div, 1);
}

/// Dimension `dim` of tensor argument `arg`, which `path` names.
kiln_status checkTensorDim(const kiln_kernel_desc &desc,
                           const std::string &path, int32_t arg, int32_t dim) {
  if (arg < 0 || size_t(arg) >= desc.num_params)
    return invalid(format("%s: argument %d does not exist (the kernel has %zu)",
                          path.c_str(), arg, desc.num_params));
  const kiln_param_desc &param = desc.params[arg];
  if (param.kind != KILN_ARG_TENSOR)
    return invalid(format("%s: argument %d ('%s') is not a tensor",
                          path.c_str(), arg, param.name));
  if (!inRange(dim, 0, param.rank - 1))
    return invalid(format("%s: %d is not a dimension of argument %d ('%s'), "
                          "which has rank %d",
                          path.c_str(), dim, arg, param.name, param.rank));
  return KILN_SUCCESS;
}

kiln_status checkEqualExtents(const kiln_kernel_desc &desc, size_t index) {
  const kiln_equal_extents &equal = desc.equal[index];
  std::string path = element("equal", index);
  if (kiln_status s = checkTensorDim(desc, path, equal.arg0, equal.dim0))
    return s;
  return checkTensorDim(desc, path, equal.arg1, equal.dim1);
}

} // namespace

kiln_status checkDesc(const kiln_kernel_desc &desc) {
  if (kiln_status s = checkName("name", desc.name))
    return s;
  if (kiln_status s = checkName("target", desc.target))
    return s;
  if (kiln_status s =
          checkRange("threads", desc.threads, 1, kMaxThreadsPerBlock))
    return s;
  for (int i = 0; i < 3; ++i)
    if (kiln_status s = checkRange(element("cluster", i), desc.cluster[i], 1))
      return s;
  if (desc.persistent && (desc.cluster[1] != 1 || desc.cluster[2] != 1))
    return invalid("cluster: a persistent kernel has a 1-D grid, so cluster "
                   "y and z must be 1");
  if (desc.num_params > 0 && !desc.params)
    return invalid("params: missing");
  for (size_t i = 0; i < desc.num_params; ++i)
    if (kiln_status s = checkParam(desc.params[i], i))
      return s;
  if (!validGridRank(desc.num_grid))
    return invalid(gridRankError(desc.num_grid));
  for (size_t i = 0; i < desc.num_grid; ++i)
    if (kiln_status s = checkGridRule(desc, i))
      return s;
  if (desc.num_options > 0 && !desc.options)
    return invalid("options: missing");
  for (size_t i = 0; i < desc.num_options; ++i)
    if (!desc.options[i].key || !desc.options[i].value)
      return invalid(element("options", i) + ": missing key or value");
  if (desc.num_equal > 0 && !desc.equal)
    return invalid("equal: missing");
  for (size_t i = 0; i < desc.num_equal; ++i)
    if (kiln_status s = checkEqualExtents(desc, i))
      return s;
  return KILN_SUCCESS;
}

//===----------------------------------------------------------------------===//
// OwnedDesc
//===----------------------------------------------------------------------===//

void OwnedDesc::link() {
  name = nameStorage.c_str();
  target = targetStorage.c_str();
  for (size_t i = 0; i < paramStorage.size(); ++i)
    paramStorage[i].name = paramNames[i].c_str();
  num_params = paramStorage.size();
  params = paramStorage.empty() ? nullptr : paramStorage.data();
  optionStorage.resize(optionStrings.size() / 2);
  for (size_t i = 0; i < optionStorage.size(); ++i)
    optionStorage[i] = {optionStrings[2 * i].c_str(),
                        optionStrings[2 * i + 1].c_str()};
  num_options = optionStorage.size();
  options = optionStorage.empty() ? nullptr : optionStorage.data();
  num_equal = equalStorage.size();
  equal = equalStorage.empty() ? nullptr : equalStorage.data();
}

std::unique_ptr<OwnedDesc> copyDesc(const kiln_kernel_desc &desc) {
  auto copy = std::make_unique<OwnedDesc>();
  static_cast<kiln_kernel_desc &>(*copy) = desc;
  copy->nameStorage = desc.name;
  copy->targetStorage = desc.target;
  copy->paramStorage.assign(desc.params, desc.params + desc.num_params);
  for (size_t i = 0; i < desc.num_params; ++i)
    copy->paramNames.emplace_back(desc.params[i].name);
  for (size_t i = 0; i < desc.num_options; ++i) {
    copy->optionStrings.emplace_back(desc.options[i].key);
    copy->optionStrings.emplace_back(desc.options[i].value);
  }
  copy->equalStorage.assign(desc.equal, desc.equal + desc.num_equal);
  copy->link();
  return copy;
}

//===----------------------------------------------------------------------===//
// The JSON reader
//===----------------------------------------------------------------------===//

namespace {

using json::Kind;
using json::Value;

/// Reads a metadata document into an OwnedDesc. Each method returns false
/// after recording in `error` a message that names the field.
class Reader {
public:
  std::string error;

  bool kernel(const Value &doc, OwnedDesc &out) {
    if (!is(doc, "", Kind::Object))
      return false;
    int64_t threads = 0, smem = 0;
    if (!string(doc, "", "name", out.nameStorage) ||
        !string(doc, "", "target", out.targetStorage) ||
        !integer(doc, "", "threads", 0, UINT32_MAX, threads) ||
        !integer(doc, "", "smem", 0, UINT32_MAX, smem))
      return false;
    out.threads = uint32_t(threads);
    out.smem = uint32_t(smem);

    int64_t cluster[3] = {1, 1, 1};
    if (const Value *v = doc.find("cluster"))
      if (!integers(*v, "cluster", 3, "", 0, UINT32_MAX, cluster))
        return false;
    for (int i = 0; i < 3; ++i)
      out.cluster[i] = uint32_t(cluster[i]);
    if (const Value *v = doc.find("persistent"))
      if (!boolean(*v, "persistent", out.persistent))
        return false;

    const Value *params = require(doc, "", "params");
    if (!params || !is(*params, "params", Kind::Array))
      return false;
    for (size_t i = 0; i < params->elements.size(); ++i)
      if (!param(params->elements[i], i, out))
        return false;

    const Value *grid = require(doc, "", "grid");
    if (!grid || !is(*grid, "grid", Kind::Array))
      return false;
    if (!validGridRank(grid->elements.size()))
      return bad("", gridRankError(grid->elements.size()));
    out.num_grid = uint32_t(grid->elements.size());
    for (size_t i = 0; i < grid->elements.size(); ++i)
      if (!gridRule(grid->elements[i], element("grid", i), out.grid[i]))
        return false;

    if (const Value *options = doc.find("options")) {
      if (!is(*options, "options", Kind::Object))
        return false;
      for (size_t i = 0; i < options->keys.size(); ++i) {
        const Value &value = options->elements[i];
        if (!is(value, member("options", options->keys[i].c_str()),
                Kind::String))
          return false;
        out.optionStrings.push_back(options->keys[i]);
        out.optionStrings.push_back(value.string);
      }
    }

    if (const Value *equal = doc.find("equal")) {
      if (!is(*equal, "equal", Kind::Array))
        return false;
      for (size_t i = 0; i < equal->elements.size(); ++i) {
        int64_t v[4];
        if (!integers(equal->elements[i], element("equal", i), 4,
                      " ([arg0, dim0, arg1, dim1])", INT32_MIN, INT32_MAX, v))
          return false;
        out.equalStorage.push_back(
            {int32_t(v[0]), int32_t(v[1]), int32_t(v[2]), int32_t(v[3])});
      }
    }

    if (const Value *ptxas = doc.find("ptxas")) {
      if (!is(*ptxas, "ptxas", Kind::Object))
        return false;
      int32_t *fields[] = {&out.ptxas.registers, &out.ptxas.spill_stores,
                           &out.ptxas.spill_loads, &out.ptxas.stack_frame};
      const char *names[] = {"registers", "spill_stores", "spill_loads",
                             "stack_frame"};
      for (int i = 0; i < 4; ++i) {
        int64_t value;
        if (!integer(*ptxas, "ptxas", names[i], 0, INT32_MAX, value))
          return false;
        *fields[i] = int32_t(value);
      }
      out.has_ptxas = true;
    }
    return true;
  }

private:
  bool bad(const std::string &path, const std::string &what) {
    error = kMetadataError + (path.empty() ? what : path + ": " + what);
    return false;
  }

  bool is(const Value &v, const std::string &path, Kind kind) {
    static const char *const expected[] = {
        "null", "a boolean", "a number", "a string", "an array", "an object"};
    if (v.kind == kind)
      return true;
    return bad(path, format("expected %s, got %s", expected[int(kind)],
                            json::describe(v)));
  }

  const Value *require(const Value &obj, const std::string &path,
                       const char *key) {
    const Value *v = obj.find(key);
    if (!v)
      bad(member(path, key), "missing");
    return v;
  }

  bool integer(const Value &v, const std::string &path, int64_t lo, int64_t hi,
               int64_t &out) {
    if (v.kind != Kind::Number || !v.isInteger)
      return bad(path,
                 format("expected an integer, got %s", json::describe(v)));
    if (!inRange(v.integer, lo, hi))
      return bad("", rangeError(path, v.integer, lo, hi));
    out = v.integer;
    return true;
  }

  bool integer(const Value &obj, const std::string &path, const char *key,
               int64_t lo, int64_t hi, int64_t &out) {
    const Value *v = require(obj, path, key);
    return v && integer(*v, member(path, key), lo, hi, out);
  }

  bool boolean(const Value &v, const std::string &path, bool &out) {
    if (!is(v, path, Kind::Bool))
      return false;
    out = v.boolean;
    return true;
  }

  bool string(const Value &obj, const std::string &path, const char *key,
              std::string &out) {
    const Value *v = require(obj, path, key);
    if (!v || !is(*v, member(path, key), Kind::String))
      return false;
    out = v->string;
    return true;
  }

  /// An array of exactly `count` integers, each in [lo, hi].
  bool integers(const Value &v, const std::string &path, size_t count,
                const char *what, int64_t lo, int64_t hi, int64_t *out) {
    if (!is(v, path, Kind::Array))
      return false;
    if (v.elements.size() != count)
      return bad(path, format("expected %zu entries%s, got %zu", count, what,
                              v.elements.size()));
    for (size_t i = 0; i < count; ++i)
      if (!integer(v.elements[i], element(path, i), lo, hi, out[i]))
        return false;
    return true;
  }

  /// A per-dimension array of a tensor of rank `rank`.
  bool dims(const Value &obj, const std::string &path, const char *key,
            int32_t rank, int32_t *out) {
    const Value *v = require(obj, path, key);
    int64_t values[KILN_MAX_RANK];
    if (!v || !integers(*v, member(path, key), size_t(rank), " (the rank)",
                        INT32_MIN, INT32_MAX, values))
      return false;
    for (int32_t d = 0; d < rank; ++d)
      out[d] = int32_t(values[d]);
    return true;
  }

  bool param(const Value &v, size_t index, OwnedDesc &out) {
    std::string path = element("params", index);
    if (!is(v, path, Kind::Object))
      return false;
    kiln_param_desc param = {};
    std::string name, kind, dtype;
    int64_t arg;
    if (!integer(v, path, "arg", INT64_MIN, INT64_MAX, arg) ||
        !string(v, path, "name", name) || !string(v, path, "kind", kind) ||
        !string(v, path, "dtype", dtype))
      return false;
    if (arg != int64_t(index))
      return bad(member(path, "arg"),
                 format("is %" PRId64 ", expected %zu: params are listed in "
                        "argument order",
                        arg, index));
    if (kind == "tensor")
      param.kind = KILN_ARG_TENSOR;
    else if (kind == "scalar")
      param.kind = KILN_ARG_SCALAR;
    else
      return bad(member(path, "kind"),
                 "unknown kind \"" + kind + "\", expected tensor or scalar");
    param.dtype = kiln_dtype_from_name(dtype.c_str());
    if (param.dtype == KILN_DTYPE_INVALID)
      return bad(member(path, "dtype"), "unknown dtype \"" + dtype + "\"");

    if (param.kind == KILN_ARG_TENSOR) {
      int64_t rank, swizzle;
      if (!integer(v, path, "rank", 1, KILN_MAX_RANK, rank))
        return false;
      param.rank = int32_t(rank);
      if (!dims(v, path, "block", param.rank, param.block))
        return false;
      // Optional: metadata from before the rule existed reads as not written.
      if (const Value *written = v.find("written"))
        if (!boolean(*written, member(path, "written"), param.written))
          return false;
      // Optional: metadata from before the field existed may read anything.
      bool read = true;
      if (const Value *value = v.find("read"))
        if (!boolean(*value, member(path, "read"), read))
          return false;
      param.write_only = param.written && !read;
      const Value *tmaValue = require(v, path, "tma");
      if (!tmaValue || !boolean(*tmaValue, member(path, "tma"), param.tma))
        return false;
      if (param.tma) {
        if (!dims(v, path, "tma_box", param.rank, param.tma_box) ||
            !integer(v, path, "swizzle", INT32_MIN, INT32_MAX, swizzle))
          return false;
        param.swizzle = int32_t(swizzle);
      }
    }
    out.paramStorage.push_back(param);
    out.paramNames.push_back(std::move(name));
    return true;
  }

  bool gridRule(const Value &v, const std::string &path, kiln_grid_rule &out) {
    if (!is(v, path, Kind::Object))
      return false;
    out = {};
    const Value *value = v.find("value");
    if (value && v.find("arg"))
      return bad(path, "has both \"value\" and \"arg\"");
    if (value) {
      out.kind = KILN_GRID_CONSTANT;
      return integer(*value, member(path, "value"), INT64_MIN, INT64_MAX,
                     out.value);
    }
    int64_t arg, dim = 0;
    if (!integer(v, path, "arg", INT32_MIN, INT32_MAX, arg) ||
        !integer(v, path, "div", INT64_MIN, INT64_MAX, out.div))
      return false;
    out.arg = int32_t(arg);
    const Value *dimValue = v.find("dim");
    if (dimValue &&
        !integer(*dimValue, member(path, "dim"), INT32_MIN, INT32_MAX, dim))
      return false;
    out.kind = dimValue ? KILN_GRID_TENSOR_DIM : KILN_GRID_SCALAR;
    out.dim = int32_t(dim);
    return true;
  }
};

} // namespace

kiln_status parseMetadata(std::string_view json,
                          std::unique_ptr<OwnedDesc> &out) {
  json::Value doc;
  std::string error;
  if (!json::parse(json, doc, error))
    return invalid(error);
  auto desc = std::make_unique<OwnedDesc>();
  Reader reader;
  if (!reader.kernel(doc, *desc))
    return fail(KILN_ERROR_INVALID_METADATA, reader.error);
  desc->link();
  if (kiln_status s = checkDesc(*desc))
    return s;
  out = std::move(desc);
  return KILN_SUCCESS;
}

} // namespace kiln::rt

using namespace kiln::rt;

extern "C" kiln_status kiln_metadata_parse(const char *json, size_t len,
                                           kiln_kernel_desc **out) {
  clearError();
  if (!json || !out)
    return fail(KILN_ERROR_INVALID_VALUE,
                "kiln_metadata_parse: json and out must not be null");
  *out = nullptr;
  std::unique_ptr<OwnedDesc> desc;
  if (kiln_status s = parseMetadata(std::string_view(json, len), desc))
    return s;
  *out = desc.release();
  return KILN_SUCCESS;
}

extern "C" void kiln_metadata_free(kiln_kernel_desc *desc) {
  delete static_cast<OwnedDesc *>(desc);
}
