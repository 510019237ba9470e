//===- Json.h - a small strict JSON parser ----------------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Enough JSON (RFC 8259) for kernel metadata, with no dependencies: a document
// is parsed whole into a tree of values. Strict: no comments, no trailing
// commas, no duplicate keys, no leading zeros, nesting at most 64 deep.
// Integers without fraction or exponent that fit int64 keep their exact value.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_LIB_JSON_H
#define KILN_RUNTIME_LIB_JSON_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::rt::json {

enum class Kind { Null, Bool, Number, String, Array, Object };

/// One JSON value; the members that `kind` names are meaningful.
struct Value {
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  /// Whether the number was written as an integer that fits int64.
  bool isInteger = false;
  int64_t integer = 0;
  std::string string;
  /// Array elements, or object values in document order.
  std::vector<Value> elements;
  /// Object keys, parallel to `elements`.
  std::vector<std::string> keys;

  /// The value of object member `key`, or null if absent.
  const Value *find(std::string_view key) const;
};

/// A readable name for a kind, as in "expected an integer, got a string".
const char *describe(const Value &value);

/// Parses `text` as one JSON document. On failure returns false and sets
/// `error` to "line L, column C: what went wrong".
bool parse(std::string_view text, Value &out, std::string &error);

} // namespace kiln::rt::json

#endif // KILN_RUNTIME_LIB_JSON_H
