/*===- abi.h - the contract between Kiln's compiler and runtime ----*- C -*-===*
 *
 * Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
 *
 *===----------------------------------------------------------------------===*
 *
 * How the arguments of a `tile.kernel` become the parameters of the compiled
 * kernel, and the names of element types in kernel metadata. The compiler
 * emits parameters and metadata by these rules; the runtime and the generated
 * launchers fill them by the same rules. Plain C, no dependencies.
 *
 * A `!tile.desc` argument of rank r expands, in order, to:
 *   1. a CUtensorMap passed by value (KILN_TENSOR_MAP_BYTES bytes, aligned to
 *      KILN_TENSOR_MAP_ALIGN), only if the metadata marks the tensor "tma";
 *   2. the global address of element (0, ..., 0);
 *   3. r extents, int32, dimension 0 first;
 *   4. r - 1 strides in elements, int64, for dimensions 0 .. r-2 (the last
 *      dimension is contiguous).
 * A scalar argument is passed as itself.
 *
 * Empty TMA tensors: the driver encodes no tensor map for an extent of 0, so
 * a "tma" tensor with an extent of 0 gets a zero-filled CUtensorMap (its
 * address, extents and strides are passed as usual). The compiler must
 * issue no TMA through such a map: it loads a TMA tensor only inside a loop
 * bounded by that tensor's extents, as a GEMM loads A and B in its loop over
 * K, which runs no iteration when K = 0 (and C = 0 is stored). A launch whose
 * grid is empty does nothing at all.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_ABI_H
#define KILN_RUNTIME_ABI_H

#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_TENSOR_MAP_BYTES 128
#define KILN_TENSOR_MAP_ALIGN 64
/* The tensor-memory accelerator handles tensors of rank 1 to 5. */
#define KILN_MAX_RANK 5
/* TMA needs every stride but the innermost, and the base address, to be a
 * multiple of 16 bytes. */
#define KILN_TMA_ALIGN_BYTES 16
/* A TMA box spans at most this many elements along each dimension. */
#define KILN_TMA_MAX_BOX_DIM 256

/* Metadata gives the shared-memory swizzle of a TMA tensor in bytes: 0
 * (none), 32, 64 or 128. The innermost box dimension of a swizzled tensor
 * spans at most that many bytes, and that of any TMA box a multiple of
 * KILN_TMA_ALIGN_BYTES. */
static inline int kiln_swizzle_is_valid(int bytes) {
  return bytes == 0 || bytes == 32 || bytes == 64 || bytes == 128;
}

/* Element types of tensors and scalars. */
typedef enum kiln_dtype {
  KILN_DTYPE_INVALID = 0,
  KILN_DTYPE_F16,
  KILN_DTYPE_BF16,
  KILN_DTYPE_F32,
  KILN_DTYPE_F64,
  KILN_DTYPE_F8E4M3,
  KILN_DTYPE_F8E5M2,
  KILN_DTYPE_I8,
  KILN_DTYPE_I16,
  KILN_DTYPE_I32,
  KILN_DTYPE_I64,
  KILN_DTYPE_COUNT_
} kiln_dtype;

/* The names metadata uses for element types, indexed by kiln_dtype. */
static inline const char *kiln_dtype_name(kiln_dtype t) {
  static const char *const names[KILN_DTYPE_COUNT_] = {
      "invalid", "f16", "bf16", "f32", "f64", "f8e4m3", "f8e5m2",
      "i8",      "i16", "i32",  "i64"};
  return (t > KILN_DTYPE_INVALID && t < KILN_DTYPE_COUNT_) ? names[t]
                                                           : "invalid";
}

/* Parses a metadata name; KILN_DTYPE_INVALID if unknown. */
static inline kiln_dtype kiln_dtype_from_name(const char *name) {
  int i;
  for (i = KILN_DTYPE_INVALID + 1; i < KILN_DTYPE_COUNT_; ++i)
    if (strcmp(kiln_dtype_name((kiln_dtype)i), name) == 0)
      return (kiln_dtype)i;
  return KILN_DTYPE_INVALID;
}

/* Bytes of one element; 0 for an invalid type. */
static inline size_t kiln_dtype_size(kiln_dtype t) {
  switch (t) {
  case KILN_DTYPE_F8E4M3:
  case KILN_DTYPE_F8E5M2:
  case KILN_DTYPE_I8:
    return 1;
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16:
  case KILN_DTYPE_I16:
    return 2;
  case KILN_DTYPE_F32:
  case KILN_DTYPE_I32:
    return 4;
  case KILN_DTYPE_F64:
  case KILN_DTYPE_I64:
    return 8;
  default:
    return 0;
  }
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_ABI_H */
