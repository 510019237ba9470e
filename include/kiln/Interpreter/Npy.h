//===- Npy.h - reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Little-endian, C-order .npy arrays (format versions 1 to 3) with the dtypes
// '<f2', '<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4'.
// Floats convert to a kernel's float type with correct rounding (an f32 file
// feeds a bf16 tensor); integers to an integer type when every value fits.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INTERPRETER_NPY_H
#define KILN_INTERPRETER_NPY_H

#include "kiln/Interpreter/Interpreter.h"

#include "llvm/Support/Error.h"

namespace kiln::interp {

/// Reads the .npy file `path` as a C-order tensor of `elementType` with
/// `rank` dimensions, converting its elements.
llvm::Expected<HostTensor> readNpy(llvm::StringRef path,
                                   mlir::Type elementType, int64_t rank);

/// The dtype `writeNpy` uses for `elementType`: the type itself where NumPy
/// has it, '<f4' (exact) for bf16 and the 8-bit floats.
llvm::StringRef getNpyDescr(mlir::Type elementType);

/// Writes `tensor` (any strides) to `path` as a C-order .npy array.
llvm::Error writeNpy(llvm::StringRef path, const HostTensor &tensor);

} // namespace kiln::interp

#endif // KILN_INTERPRETER_NPY_H
