/*===- CHeader.c - kiln.h from C, with static tables ----------------------===*
 *
 * Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
 *
 *===----------------------------------------------------------------------===*
 *
 * Compiled as C: kiln.h must be a C header, and a generated launcher may
 * describe its kernel with static tables instead of parsing JSON.
 *
 *===----------------------------------------------------------------------===*/

#include "kiln/runtime/kiln.h"

#include <string.h>

static const kiln_param_desc axpy_params[] = {
    {.name = "x",
     .kind = KILN_ARG_TENSOR,
     .dtype = KILN_DTYPE_F32,
     .rank = 1,
     .block = {2048}},
    {.name = "n", .kind = KILN_ARG_SCALAR, .dtype = KILN_DTYPE_I32},
};

static const kiln_kernel_desc axpy_desc = {
    .name = "axpy",
    .target = "sm_90a",
    .threads = 128,
    .cluster = {1, 1, 1},
    .num_grid = 1,
    .grid = {{.kind = KILN_GRID_SCALAR, .arg = 1, .div = 2048}},
    .num_params = 2,
    .params = axpy_params,
};

/* The launch configuration of axpy over n elements; see LaunchTest.cpp. */
kiln_status kiln_test_c_axpy_config(int32_t n, kiln_launch_config *out) {
  kiln_kernel *kernel;
  kiln_arg args[2];
  kiln_status status = kiln_kernel_create(NULL, &axpy_desc, &kernel);
  if (status != KILN_SUCCESS)
    return status;
  memset(args, 0, sizeof(args));
  args[0].kind = KILN_ARG_TENSOR;
  args[0].tensor.data = (void *)0x10000;
  args[0].tensor.dtype = KILN_DTYPE_F32;
  args[0].tensor.rank = 1;
  args[0].tensor.shape[0] = n;
  args[0].tensor.strides[0] = 1;
  args[1].kind = KILN_ARG_SCALAR;
  args[1].scalar.dtype = KILN_DTYPE_I32;
  args[1].scalar.value.i32 = n;
  status = kiln_kernel_launch_config(kernel, args, 2, out);
  kiln_kernel_destroy(kernel);
  return status;
}
