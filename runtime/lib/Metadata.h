//===- Metadata.h - kernel descriptions -------------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// kiln_kernel_desc from metadata JSON or from a caller's tables, checked by
// one set of rules, and owned copies of it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_LIB_METADATA_H
#define KILN_RUNTIME_LIB_METADATA_H

#include "kiln/runtime/kiln.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln::rt {

/// A kiln_kernel_desc that owns the strings and arrays it points to.
/// kiln_metadata_parse hands out the base; kiln_metadata_free deletes it.
struct OwnedDesc : kiln_kernel_desc {
  OwnedDesc() : kiln_kernel_desc() {}
  OwnedDesc(const OwnedDesc &) = delete;
  OwnedDesc &operator=(const OwnedDesc &) = delete;

  std::string nameStorage, targetStorage;
  std::vector<kiln_param_desc> paramStorage;
  std::vector<std::string> paramNames;
  std::vector<kiln_option> optionStorage;
  std::vector<std::string> optionStrings; // key, value, key, value, ...
  std::vector<kiln_equal_extents> equalStorage;

  /// Points the base's pointers at the storage; call once it is complete.
  void link();
};

/// Deep copy of `desc`, which must satisfy checkDesc.
std::unique_ptr<OwnedDesc> copyDesc(const kiln_kernel_desc &desc);

/// Checks the rules of the metadata schema that a kiln_kernel_desc can break
/// (ranks, boxes, swizzles, grid and "equal" references, ...). Fails with
/// KILN_ERROR_INVALID_METADATA and a message naming the field.
kiln_status checkDesc(const kiln_kernel_desc &desc);

/// Parses and checks metadata JSON.
kiln_status parseMetadata(std::string_view json,
                          std::unique_ptr<OwnedDesc> &out);

/// The prefix of every metadata error message.
inline constexpr const char *kMetadataError = "invalid kernel metadata: ";

} // namespace kiln::rt

#endif // KILN_RUNTIME_LIB_METADATA_H
