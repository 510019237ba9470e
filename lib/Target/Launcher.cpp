//===- Launcher.cpp - C/C++ launchers for compiled kernels ----------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/Launcher.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

using namespace kiln;

namespace {

/// The C identifier for an argument name from the tile program.
std::string identifier(llvm::StringRef name) {
  std::string id;
  for (char c : name)
    id += llvm::isAlnum(c) || c == '_' ? c : '_';
  if (id.empty() || llvm::isDigit(id.front()))
    id = "arg_" + id;
  return id;
}

/// The kiln_dtype enumerator of a metadata dtype name.
std::string dtypeEnum(llvm::StringRef name) {
  return ("KILN_DTYPE_" + name.upper());
}

/// The C type a scalar argument of `dtype` is passed as: 16- and 8-bit
/// floats as their bits.
const char *scalarCType(llvm::StringRef dtype) {
  return llvm::StringSwitch<const char *>(dtype)
      .Case("f32", "float")
      .Case("f64", "double")
      .Case("i8", "int8_t")
      .Case("i16", "int16_t")
      .Case("i32", "int32_t")
      .Case("i64", "int64_t")
      .Case("f16", "uint16_t")
      .Case("bf16", "uint16_t")
      .Default("uint8_t");
}

std::string guardOf(llvm::StringRef stem) {
  std::string g = "KILN_GENERATED_";
  for (char c : stem)
    g += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  return g + "_H";
}

/// "const kiln_tensor *a, const kiln_tensor *b, float alpha" (C) or with
/// references (C++).
std::string parameterList(const KernelMetadata &meta, bool cxx) {
  std::string list;
  for (const KernelParam &p : meta.params) {
    if (!list.empty())
      list += ", ";
    if (p.isTensor)
      list += cxx ? "const kiln_tensor &" : "const kiln_tensor *";
    else
      list += std::string(scalarCType(p.dtype)) + " ";
    list += identifier(p.name);
  }
  if (!list.empty())
    list += ", ";
  return list;
}

void emitDocComment(llvm::raw_ostream &os,
                    llvm::ArrayRef<const CompiledKernel *> variants) {
  const KernelMetadata &meta = variants.front()->meta;
  if (variants.size() == 1) {
    os << "/// Launches " << meta.name << " (" << meta.threads
       << " threads per CTA, " << meta.smem << " bytes of shared memory"
       << (meta.persistent ? ", persistent" : "") << ") on `stream`, a\n"
       << "/// CUstream or NULL. Checks every argument first; returns\n"
       << "/// KILN_SUCCESS or an error whose message kiln_last_error() "
          "gives.\n";
  } else {
    os << "/// Launches " << meta.name << ": the variant kiln_" << meta.name
       << "_tune measured\n/// fastest for arguments of these shapes in the "
          "current context, or else\n/// the one kiln_kernel_choose picks "
          "for the current device, among:\n";
    for (const CompiledKernel *k : variants)
      os << "///   " << k->variant << ": " << k->meta.threads
         << " threads per CTA, " << k->meta.smem << " bytes of shared memory"
         << (k->meta.persistent ? ", persistent" : "") << "\n";
    os << "/// on `stream`, a CUstream or NULL. Checks every argument first;\n"
       << "/// returns KILN_SUCCESS or an error whose message "
          "kiln_last_error()\n/// gives.\n";
  }
  for (const KernelParam &p : meta.params) {
    os << "///   " << identifier(p.name) << ": ";
    if (p.isTensor) {
      os << "rank-" << p.rank << " " << p.dtype << " tensor";
      if (variants.size() == 1)
        os << ", tiles of "
           << llvm::join(
                  llvm::map_range(p.block,
                                  [](int64_t d) { return std::to_string(d); }),
                  "x");
      if (p.tma)
        os << " (moved with TMA: 16-byte aligned, pitches multiples of 16 "
              "bytes)";
      if (p.written)
        os << ", written (its elements must not overlap, nor share memory "
              "with the other tensors)";
    } else {
      os << p.dtype << " scalar";
    }
    os << "\n";
  }
  for (const std::array<int64_t, 4> &e : meta.equal)
    os << "///   requires extent " << e[1] << " of "
       << identifier(meta.params[e[0]].name) << " == extent " << e[3]
       << " of " << identifier(meta.params[e[2]].name) << "\n";
}

/// The name of one compiled kernel's objects in the generated source.
std::string tagOf(const CompiledKernel &k) {
  // Not "__": C++ reserves names with a double underscore.
  return k.variant.empty() ? k.meta.name : k.meta.name + "_v_" + k.variant;
}

/// The argument array of a launcher function, from its parameters.
void emitArgs(llvm::raw_ostream &os, const KernelMetadata &m) {
  os << "  const kiln_arg args[] = {\n";
  for (const KernelParam &p : m.params) {
    if (p.isTensor)
      os << "      tensorArg(" << identifier(p.name) << "),\n";
    else
      os << "      scalarArg(" << dtypeEnum(p.dtype) << ", "
         << identifier(p.name) << "),\n";
  }
  if (m.params.empty())
    os << "      kiln_arg{},\n";
  os << "  };\n";
}

} // namespace

std::vector<std::vector<const CompiledKernel *>>
kiln::groupVariants(llvm::ArrayRef<CompiledKernel> kernels) {
  std::vector<std::vector<const CompiledKernel *>> groups;
  for (const CompiledKernel &k : kernels) {
    auto it = llvm::find_if(groups, [&](const auto &g) {
      return g.front()->meta.name == k.meta.name;
    });
    if (it == groups.end()) {
      groups.push_back({&k});
      continue;
    }
    assert(haveSameParameters(it->front()->meta, k.meta) &&
           "variants of a kernel must take the same arguments");
    it->push_back(&k);
  }
  return groups;
}

std::string kiln::emitLauncherHeader(llvm::ArrayRef<CompiledKernel> kernels,
                                     llvm::StringRef stem,
                                     llvm::StringRef source) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = guardOf(stem);
  os << "// Launchers for the kernels of " << source
     << ".\n// Generated by kilnc; do not edit.\n\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"kiln/runtime/kiln.h\"\n\n#include <stddef.h>\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  auto groups = groupVariants(kernels);
  for (const auto &variants : groups) {
    const KernelMetadata &m = variants.front()->meta;
    emitDocComment(os, variants);
    os << "kiln_status kiln_" << m.name << "(" << parameterList(m, false)
       << "void *stream);\n\n";
    if (variants.size() == 1) {
      os << "/// " << m.name
         << "'s description: symbol, parameters, grid rule.\n"
         << "const kiln_kernel_desc *kiln_" << m.name << "_desc(void);\n\n";
      continue;
    }
    os << "/// " << m.name << "'s variants: " << variants.size()
       << ", in the order above.\n"
       << "size_t kiln_" << m.name << "_num_variants(void);\n\n"
       << "/// Variant `variant`'s name and description (NULL past the "
          "last).\n"
       << "const char *kiln_" << m.name << "_variant_name(size_t variant);\n"
       << "const kiln_kernel_desc *kiln_" << m.name
       << "_variant_desc(size_t variant);\n\n"
       << "/// Launches variant `variant`, whatever the shapes.\n"
       << "kiln_status kiln_" << m.name << "_variant(size_t variant, "
       << parameterList(m, false) << "void *stream);\n\n"
       << "/// The variant kiln_" << m.name
       << " would launch on these arguments now.\n"
       << "kiln_status kiln_" << m.name << "_select(" << parameterList(m, false)
       << "size_t *chosen);\n\n"
       << "/// Times every variant on these arguments on `stream` and keeps "
          "the\n/// fastest for later launches with the same shapes in this "
          "context\n/// (kiln_variants_tune: the launches write the "
          "outputs; `repetitions`\n/// 0 means 10).\n"
       << "kiln_status kiln_" << m.name << "_tune(" << parameterList(m, false)
       << "void *stream, uint32_t repetitions, size_t *chosen);\n\n";
  }
  os << "#ifdef __cplusplus\n} // extern \"C\"\n\n"
     << "#include \"kiln/runtime/kiln.hpp\"\n\nnamespace kiln::kernels {\n\n";
  for (const auto &variants : groups) {
    const KernelMetadata &m = variants.front()->meta;
    std::string forwarded;
    for (const KernelParam &p : m.params)
      forwarded += (p.isTensor ? "&" : "") + identifier(p.name) + ", ";
    os << "/// See kiln_" << m.name << ".\ninline kiln::Status " << m.name
       << "(" << parameterList(m, true) << "void *stream = nullptr) {\n"
       << "  return kiln::Status::fromLast(kiln_" << m.name << "(" << forwarded
       << "stream));\n}\n\n";
    if (variants.size() == 1)
      continue;
    os << "/// See kiln_" << m.name << "_variant.\ninline kiln::Status "
       << m.name << "_variant(size_t variant, " << parameterList(m, true)
       << "void *stream = nullptr) {\n"
       << "  return kiln::Status::fromLast(kiln_" << m.name
       << "_variant(variant, " << forwarded << "stream));\n}\n\n"
       << "/// See kiln_" << m.name << "_select.\ninline kiln::Status "
       << m.name << "_select(" << parameterList(m, true)
       << "size_t &chosen) {\n"
       << "  return kiln::Status::fromLast(kiln_" << m.name << "_select("
       << forwarded << "&chosen));\n}\n\n"
       << "/// See kiln_" << m.name << "_tune.\ninline kiln::Status " << m.name
       << "_tune(" << parameterList(m, true)
       << "void *stream, uint32_t repetitions, size_t &chosen) {\n"
       << "  return kiln::Status::fromLast(kiln_" << m.name << "_tune("
       << forwarded << "stream, repetitions, &chosen));\n}\n\n";
  }
  os << "} // namespace kiln::kernels\n#endif\n\n#endif // " << guard << "\n";
  return text;
}

std::string kiln::emitLauncherSource(llvm::ArrayRef<CompiledKernel> kernels,
                                     llvm::StringRef stem,
                                     llvm::StringRef source) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "// Launchers for the kernels of " << source
     << ".\n// Generated by kilnc; do not edit.\n\n"
     << "#include \"" << stem
     << ".h\"\n\n#include <cstring>\n#include <mutex>\n\n"
     << "namespace {\n\n"
     << "/// A compiled kernel of this file: the runtime objects made from "
        "its\n"
     << "/// image and description on first use. Making them needs no driver,\n"
     << "/// so argument errors come before driver errors.\n"
     << "struct Launcher {\n"
     << "  const unsigned char *image;\n"
     << "  size_t size;\n"
     << "  const kiln_kernel_desc &desc;\n"
     << "  std::mutex mutex;\n"
     << "  kiln_module *module = nullptr;\n"
     << "  kiln_kernel *kernel = nullptr;\n\n"
     << "  kiln_status get(kiln_kernel **out) {\n"
     << "    std::lock_guard<std::mutex> lock(mutex);\n"
     << "    if (!module) {\n"
     << "      kiln_status s = kiln_module_create(image, size, &module);\n"
     << "      if (s != KILN_SUCCESS)\n"
     << "        return s;\n"
     << "    }\n"
     << "    if (!kernel) {\n"
     << "      kiln_status s = kiln_kernel_create(module, &desc, &kernel);\n"
     << "      if (s != KILN_SUCCESS)\n"
     << "        return s;\n"
     << "    }\n"
     << "    *out = kernel;\n"
     << "    return KILN_SUCCESS;\n"
     << "  }\n\n"
     << "  kiln_status launch(const kiln_arg *args, size_t count, void "
        "*stream) {\n"
     << "    kiln_kernel *k = nullptr;\n"
     << "    kiln_status s = get(&k);\n"
     << "    return s != KILN_SUCCESS ? s : kiln_kernel_launch(k, args, count, "
        "stream);\n"
     << "  }\n"
     << "};\n\n";
  auto groups = groupVariants(kernels);
  if (llvm::any_of(groups, [](const auto &g) { return g.size() > 1; }))
    os << "/// The runtime's set of a kernel's variants, made on first use "
          "(as\n/// their Launchers, without a driver).\n"
       << "template <size_t N> struct VariantSet {\n"
       << "  Launcher *const *variants;\n"
       << "  std::mutex mutex;\n"
       << "  kiln_variants *set = nullptr;\n\n"
       << "  kiln_status get(kiln_variants **out) {\n"
       << "    std::lock_guard<std::mutex> lock(mutex);\n"
       << "    if (!set) {\n"
       << "      kiln_kernel *kernels[N];\n"
       << "      for (size_t i = 0; i < N; ++i) {\n"
       << "        kiln_status s = variants[i]->get(&kernels[i]);\n"
       << "        if (s != KILN_SUCCESS)\n"
       << "          return s;\n"
       << "      }\n"
       << "      kiln_status s = kiln_variants_create(kernels, N, &set);\n"
       << "      if (s != KILN_SUCCESS)\n"
       << "        return s;\n"
       << "    }\n"
       << "    *out = set;\n"
       << "    return KILN_SUCCESS;\n"
       << "  }\n"
       << "};\n\n";
  os << "kiln_arg tensorArg(const kiln_tensor *t) {\n"
     << "  kiln_arg a;\n  std::memset(&a, 0, sizeof a);\n"
     << "  a.kind = KILN_ARG_TENSOR;\n"
     << "  if (t)\n    a.tensor = *t;\n"
     << "  return a;\n}\n\n"
     << "template <typename T> kiln_arg scalarArg(kiln_dtype dtype, T value) "
        "{\n"
     << "  kiln_arg a;\n  std::memset(&a, 0, sizeof a);\n"
     << "  a.kind = KILN_ARG_SCALAR;\n  a.scalar.dtype = dtype;\n"
     << "  std::memcpy(&a.scalar.value, &value, sizeof value);\n"
     << "  return a;\n}\n\n";

  for (const CompiledKernel &k : kernels) {
    const KernelMetadata &m = k.meta;
    std::string tag = tagOf(k);
    // The image, as bytes (PTX keeps its terminating NUL).
    os << "/// " << tag << "'s " << (k.isCubin ? "cubin" : "PTX") << " for "
       << m.target << ".\n"
       << "const unsigned char image_" << tag << "[] = {";
    std::string image = k.image;
    if (!k.isCubin)
      image.push_back('\0');
    for (size_t i = 0; i < image.size(); ++i) {
      if (i % 16 == 0)
        os << "\n   ";
      os << " " << static_cast<unsigned>(static_cast<unsigned char>(image[i]))
         << ",";
    }
    os << "\n};\n\n";

    // The description, built field by field so that it reads the same
    // whatever the runtime adds to the struct.
    os << "const kiln_kernel_desc &desc_" << tag << "() {\n"
       << "  static const kiln_kernel_desc desc = [] {\n"
       << "    static kiln_param_desc p["
       << std::max<size_t>(1, m.params.size()) << "] = {};\n";
    for (auto [i, p] : llvm::enumerate(m.params)) {
      os << llvm::formatv("    p[{0}].name = \"{1}\";\n", i, p.name)
         << llvm::formatv("    p[{0}].kind = {1};\n", i,
                          p.isTensor ? "KILN_ARG_TENSOR" : "KILN_ARG_SCALAR")
         << llvm::formatv("    p[{0}].dtype = {1};\n", i, dtypeEnum(p.dtype));
      if (!p.isTensor)
        continue;
      os << llvm::formatv("    p[{0}].rank = {1};\n", i, p.rank);
      for (auto [d, b] : llvm::enumerate(p.block))
        os << llvm::formatv("    p[{0}].block[{1}] = {2};\n", i, d, b);
      if (p.written)
        os << llvm::formatv("    p[{0}].written = true;\n", i);
      if (p.written && !p.read)
        os << llvm::formatv("    p[{0}].write_only = true;\n", i);
      if (p.tma) {
        os << llvm::formatv("    p[{0}].tma = true;\n", i)
           << llvm::formatv("    p[{0}].swizzle = {1};\n", i, p.swizzle);
        for (auto [d, b] : llvm::enumerate(p.tmaBox))
          os << llvm::formatv("    p[{0}].tma_box[{1}] = {2};\n", i, d, b);
      }
    }
    os << "    static kiln_grid_rule grid[3] = {};\n";
    for (auto [i, g] : llvm::enumerate(m.grid)) {
      if (g.value) {
        os << llvm::formatv("    grid[{0}].kind = KILN_GRID_CONSTANT;\n", i)
           << llvm::formatv("    grid[{0}].value = {1};\n", i, *g.value);
        continue;
      }
      os << llvm::formatv("    grid[{0}].kind = {1};\n", i,
                          g.dim ? "KILN_GRID_TENSOR_DIM" : "KILN_GRID_SCALAR")
         << llvm::formatv("    grid[{0}].arg = {1};\n", i, g.arg)
         << llvm::formatv("    grid[{0}].dim = {1};\n", i, g.dim.value_or(0))
         << llvm::formatv("    grid[{0}].div = {1};\n", i, g.div);
    }
    if (!m.equal.empty()) {
      os << "    static const kiln_equal_extents equal[] = {\n";
      for (const std::array<int64_t, 4> &e : m.equal)
        os << llvm::formatv("        {{{0}, {1}, {2}, {3}},\n", e[0], e[1],
                            e[2], e[3]);
      os << "    };\n";
    }
    os << "    kiln_kernel_desc d;\n    std::memset(&d, 0, sizeof d);\n"
       << llvm::formatv("    d.name = \"{0}\";\n", m.name)
       << llvm::formatv("    d.target = \"{0}\";\n", m.target)
       << llvm::formatv("    d.threads = {0};\n", m.threads)
       << llvm::formatv("    d.smem = {0};\n", m.smem)
       << "    d.cluster[0] = d.cluster[1] = d.cluster[2] = 1;\n"
       << llvm::formatv("    d.persistent = {0};\n",
                        m.persistent ? "true" : "false")
       << llvm::formatv("    d.num_grid = {0};\n",
                        std::max<size_t>(1, m.grid.size()));
    if (m.grid.empty())
      os << "    grid[0].kind = KILN_GRID_CONSTANT;\n    grid[0].value = 1;\n";
    os << "    for (int i = 0; i < 3; ++i)\n      d.grid[i] = grid[i];\n"
       << llvm::formatv("    d.num_params = {0};\n", m.params.size())
       << "    d.params = p;\n";
    if (!m.equal.empty())
      os << llvm::formatv("    d.num_equal = {0};\n", m.equal.size())
         << "    d.equal = equal;\n";
    os << "    return d;\n  }();\n  return desc;\n}\n\n";

    os << "Launcher &launcher_" << tag << "() {\n"
       << "  static Launcher launcher{image_" << tag << ", sizeof image_" << tag
       << ", desc_" << tag << "(), {}, nullptr, nullptr};\n"
       << "  return launcher;\n}\n\n";
  }
  for (const auto &variants : groups) {
    if (variants.size() == 1)
      continue;
    const std::string &name = variants.front()->meta.name;
    os << "Launcher *const *variants_" << name << "() {\n"
       << "  static Launcher *const variants[] = {";
    for (const CompiledKernel *k : variants)
      os << "&launcher_" << tagOf(*k) << "(), ";
    os << "};\n  return variants;\n}\n\n"
       << "VariantSet<" << variants.size() << "> &variantSet_" << name
       << "() {\n  static VariantSet<" << variants.size() << "> set{variants_"
       << name << "(), {}, nullptr};\n"
       << "  return set;\n}\n\n"
       << "const char *const variantNames_" << name << "[] = {";
    for (const CompiledKernel *k : variants)
      os << "\"" << k->variant << "\", ";
    os << "};\n\n";
  }
  os << "} // namespace\n\n";

  for (const auto &variants : groups) {
    const KernelMetadata &m = variants.front()->meta;
    size_t n = variants.size();
    std::string first = tagOf(*variants.front());
    os << "extern \"C\" kiln_status kiln_" << m.name << "("
       << parameterList(m, false) << "void *stream) {\n";
    emitArgs(os, m);
    if (n == 1) {
      os << "  return launcher_" << first << "().launch(args, "
         << m.params.size() << ", stream);\n}\n\n"
         << "extern \"C\" const kiln_kernel_desc *kiln_" << m.name
         << "_desc(void) {\n  return &desc_" << first << "();\n}\n\n";
      continue;
    }
    std::string count = std::to_string(m.params.size());
    auto emitSet = [&] {
      os << "  kiln_variants *set = nullptr;\n"
         << "  kiln_status s = variantSet_" << m.name << "().get(&set);\n"
         << "  if (s != KILN_SUCCESS)\n    return s;\n";
    };
    emitSet();
    os << "  return kiln_variants_launch(set, args, " << count
       << ", stream);\n}\n\n"
       << "extern \"C\" kiln_status kiln_" << m.name << "_select("
       << parameterList(m, false) << "size_t *chosen) {\n";
    emitArgs(os, m);
    emitSet();
    os << "  return kiln_variants_select(set, args, " << count
       << ", chosen);\n}\n\n"
       << "extern \"C\" kiln_status kiln_" << m.name << "_tune("
       << parameterList(m, false)
       << "void *stream, uint32_t repetitions, size_t *chosen) {\n";
    emitArgs(os, m);
    emitSet();
    os << "  return kiln_variants_tune(set, args, " << count
       << ", stream, repetitions, chosen, nullptr);\n}\n\n"
       << "extern \"C\" size_t kiln_" << m.name
       << "_num_variants(void) {\n  return " << n << ";\n}\n\n"
       << "extern \"C\" const char *kiln_" << m.name
       << "_variant_name(size_t variant) {\n  return variant < " << n
       << " ? variantNames_" << m.name << "[variant] : nullptr;\n}\n\n"
       << "extern \"C\" const kiln_kernel_desc *kiln_" << m.name
       << "_variant_desc(size_t variant) {\n  return variant < " << n
       << " ? &variants_" << m.name << "()[variant]->desc : nullptr;\n}\n\n"
       << "extern \"C\" kiln_status kiln_" << m.name
       << "_variant(size_t variant, " << parameterList(m, false)
       << "void *stream) {\n";
    emitArgs(os, m);
    os << "  if (variant >= " << n << ")\n"
       << "    return kiln_set_error(KILN_ERROR_INVALID_VALUE, \"kiln_"
       << m.name << "_variant: there are " << n
       << " variants, numbered from 0\");\n"
       << "  return variants_" << m.name << "()[variant]->launch(args, "
       << m.params.size() << ", stream);\n}\n\n";
  }
  return text;
}
