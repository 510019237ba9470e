//===- KernelMetadata.cpp - what a launcher needs to know -----------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/KernelMetadata.h"

#include "kiln/Dialect/Tile/IR/TileDialect.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"

#include <tuple>

using namespace mlir;
using namespace kiln;

std::optional<KernelMetadata> kiln::readKernelMetadata(LLVM::LLVMFuncOp fn) {
  auto dict = fn->getAttrOfType<DictionaryAttr>(kKernelMetadataAttrName);
  if (!dict)
    return std::nullopt;
  KernelMetadata meta;
  meta.name = fn.getSymName().str();
  if (auto threads = dict.getAs<IntegerAttr>("threads"))
    meta.threads = threads.getInt();
  if (auto smem = dict.getAs<IntegerAttr>("smem"))
    meta.smem = smem.getInt();
  meta.persistent = static_cast<bool>(dict.get("persistent"));
  if (auto equal = dict.getAs<ArrayAttr>("equal"))
    for (Attribute a : equal) {
      ArrayRef<int64_t> e = cast<DenseI64ArrayAttr>(a).asArrayRef();
      meta.equal.push_back({e[0], e[1], e[2], e[3]});
    }
  if (auto params = dict.getAs<ArrayAttr>("params")) {
    for (Attribute a : params) {
      auto p = cast<DictionaryAttr>(a);
      KernelParam param;
      param.arg = p.getAs<IntegerAttr>("arg").getInt();
      if (auto name = p.getAs<StringAttr>("name"))
        param.name = name.str();
      else
        param.name = "arg" + std::to_string(param.arg);
      param.isTensor = p.getAs<StringAttr>("kind").getValue() == "tensor";
      param.dtype = p.getAs<StringAttr>("dtype").str();
      if (param.isTensor) {
        param.rank = p.getAs<IntegerAttr>("rank").getInt();
        auto block = p.getAs<DenseI64ArrayAttr>("block");
        param.block.assign(block.asArrayRef().begin(),
                           block.asArrayRef().end());
        param.tma = p.getAs<BoolAttr>("tma").getValue();
        param.written = p.getAs<BoolAttr>("written").getValue();
        param.read = p.getAs<BoolAttr>("read").getValue();
        if (auto box = p.getAs<DenseI64ArrayAttr>("tma_box"))
          param.tmaBox.assign(box.asArrayRef().begin(),
                              box.asArrayRef().end());
        if (auto swizzle = p.getAs<IntegerAttr>("swizzle"))
          param.swizzle = swizzle.getInt();
      }
      meta.params.push_back(std::move(param));
    }
  }
  if (auto grid = dict.getAs<ArrayAttr>("grid")) {
    for (Attribute a : grid) {
      auto e = cast<tile::GridExtentAttr>(a);
      GridExtent extent;
      extent.value = e.getValue();
      if (!e.isConstant()) {
        extent.arg = *e.getArg();
        extent.dim = e.getDim();
        extent.div = *e.getDiv();
      }
      meta.grid.push_back(extent);
    }
  }
  if (auto options = dict.getAs<DictionaryAttr>("options"))
    for (NamedAttribute option : options) {
      std::string value;
      if (auto s = dyn_cast<StringAttr>(option.getValue()))
        value = s.str();
      else if (auto i = dyn_cast<IntegerAttr>(option.getValue()))
        value = std::to_string(i.getInt());
      else if (auto b = dyn_cast<BoolAttr>(option.getValue()))
        value = b.getValue() ? "true" : "false";
      meta.options.emplace_back(option.getName().str(), value);
    }
  return meta;
}

std::optional<PtxasReport> kiln::parsePtxasReport(llvm::StringRef log,
                                                  llvm::StringRef kernel) {
  // ptxas -v prints, per entry function:
  //   Compiling entry function 'k' for 'sm_90a'
  //   Function properties for k
  //       N bytes stack frame, N bytes spill stores, N bytes spill loads
  //   Used N registers, ...
  size_t at = log.find(("Compiling entry function '" + kernel + "'").str());
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef rest = log.substr(at);
  size_t next = rest.find("Compiling entry function", 1);
  llvm::StringRef section = rest.substr(0, next);
  PtxasReport report;
  llvm::SmallVector<llvm::StringRef> m;
  llvm::Regex frame("([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, "
                    "([0-9]+) bytes spill loads");
  if (frame.match(section, &m)) {
    llvm::to_integer(m[1], report.stackFrame);
    llvm::to_integer(m[2], report.spillStores);
    llvm::to_integer(m[3], report.spillLoads);
  }
  llvm::Regex regs("Used ([0-9]+) registers");
  if (regs.match(section, &m))
    llvm::to_integer(m[1], report.registers);
  return report;
}

bool kiln::haveSameParameters(const KernelMetadata &a,
                              const KernelMetadata &b) {
  auto key = [](const KernelParam &p) {
    return std::make_tuple(p.name, p.isTensor, p.dtype, p.rank, p.written,
                           p.read);
  };
  return a.params.size() == b.params.size() &&
         llvm::all_of(llvm::zip(a.params, b.params), [&](const auto &pair) {
           return key(std::get<0>(pair)) == key(std::get<1>(pair));
         });
}

llvm::json::Value kiln::toJSON(const KernelMetadata &meta) {
  llvm::json::Array params;
  for (const KernelParam &p : meta.params) {
    llvm::json::Object o{{"arg", p.arg},
                         {"name", p.name},
                         {"kind", p.isTensor ? "tensor" : "scalar"},
                         {"dtype", p.dtype}};
    if (p.isTensor) {
      o["rank"] = p.rank;
      o["block"] = llvm::json::Array(p.block);
      o["tma"] = p.tma;
      o["written"] = p.written;
      o["read"] = p.read;
      if (p.tma) {
        o["tma_box"] = llvm::json::Array(p.tmaBox);
        o["swizzle"] = p.swizzle;
      }
    }
    params.push_back(std::move(o));
  }
  llvm::json::Array grid;
  for (const GridExtent &e : meta.grid) {
    if (e.value) {
      grid.push_back(llvm::json::Object{{"value", *e.value}});
      continue;
    }
    llvm::json::Object o{{"arg", e.arg}, {"div", e.div}};
    if (e.dim)
      o["dim"] = *e.dim;
    grid.push_back(std::move(o));
  }
  llvm::json::Array equal;
  for (const std::array<int64_t, 4> &e : meta.equal)
    equal.push_back(llvm::json::Array{e[0], e[1], e[2], e[3]});
  llvm::json::Object options;
  for (const auto &[name, value] : meta.options)
    options[name] = value;
  llvm::json::Object root{{"name", meta.name},
                          {"target", meta.target},
                          {"threads", meta.threads},
                          {"smem", meta.smem},
                          {"persistent", meta.persistent},
                          {"cluster", llvm::json::Array{1, 1, 1}},
                          {"grid", std::move(grid)},
                          {"equal", std::move(equal)},
                          {"params", std::move(params)},
                          {"options", std::move(options)}};
  if (meta.ptxas)
    root["ptxas"] = llvm::json::Object{
        {"registers", meta.ptxas->registers},
        {"spill_stores", meta.ptxas->spillStores},
        {"spill_loads", meta.ptxas->spillLoads},
        {"stack_frame", meta.ptxas->stackFrame}};
  return std::move(root);
}
