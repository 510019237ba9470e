//===- Values.h - run-time values of the interpreter ------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_INTERPRETER_VALUES_H
#define KILN_LIB_INTERPRETER_VALUES_H

#include "kiln/Interpreter/Interpreter.h"

#include <memory>

namespace kiln::interp {

class ArefState;

/// A dense C-order array of elements: a tile value or a slot buffer.
struct Array {
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  std::vector<Element> data;

  /// A zero-filled array of `type`'s shape and element type.
  static Array zeros(mlir::ShapedType type);
};

/// The run-time value of one SSA value. Tiles have value semantics and are
/// shared, never modified, once made; slot buffers and global tensors are
/// memory and are modified in place.
struct RtValue {
  /// Integers, index and floats.
  Element scalar;
  /// Ranked tensors.
  std::shared_ptr<const Array> tile;
  /// Shared-memory buffers (`memref<..., 3>`) handed out by the enter ops.
  std::shared_ptr<Array> buffer;
  /// `!tile.desc` arguments.
  HostTensor *global = nullptr;
  /// `!aref.ref` values.
  ArefState *aref = nullptr;

  static RtValue ofScalar(Element e) {
    RtValue v;
    v.scalar = e;
    return v;
  }
  static RtValue ofTile(Array array) {
    RtValue v;
    v.tile = std::make_shared<const Array>(std::move(array));
    return v;
  }
};

} // namespace kiln::interp

#endif // KILN_LIB_INTERPRETER_VALUES_H
