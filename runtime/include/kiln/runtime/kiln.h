/*===- kiln.h - the C API of Kiln's runtime ------------------------*- C -*-===*
 *
 * Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
 *
 *===----------------------------------------------------------------------===*
 *
 * Loads kernels compiled by kilnc and launches them with checked arguments:
 *
 *   kiln_kernel_desc *desc;  kiln_metadata_parse(json, json_len, &desc);
 *   kiln_module *module;     kiln_module_create(cubin, cubin_size, &module);
 *   kiln_kernel *kernel;     kiln_kernel_create(module, desc, &kernel);
 *   kiln_kernel_launch(kernel, args, num_args, stream);
 *
 * Errors: every function that can fail returns a kiln_status; on failure,
 * kiln_last_error() holds a message for the calling thread. Nothing here exits
 * or aborts the process.
 *
 * Driver: libcuda.so.1 is opened on first use (kiln_init or the first launch
 * with work), never linked, so a program built with this runtime starts on a
 * machine without a GPU and gets KILN_ERROR_NO_DRIVER or KILN_ERROR_NO_DEVICE
 * from the calls that need one. A launch checks its arguments before it
 * touches the driver: argument errors are reported the same everywhere.
 *
 * Contexts: a kernel runs in the CUDA context current on the launching thread.
 * When no context is current, the runtime retains the primary context of
 * device 0 (once per process, never released) and makes it current, as the
 * CUDA runtime does. A module is loaded lazily, once per context, and kernel
 * functions are looked up once per context. Destroy modules and kernels before
 * destroying the contexts they ran in.
 *
 * Threads: modules and kernels may be used from several threads at once.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_KILN_H
#define KILN_RUNTIME_KILN_H

#include "kiln/runtime/abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===--- Status -----------------------------------------------------------===*/

typedef enum kiln_status {
  KILN_SUCCESS = 0,
  /* A null pointer or an empty buffer was passed to a kiln_* function. */
  KILN_ERROR_INVALID_VALUE,
  /* Kernel metadata (JSON or kiln_kernel_desc) breaks the schema. */
  KILN_ERROR_INVALID_METADATA,
  /* A launch argument does not fit the kernel's parameter. */
  KILN_ERROR_INVALID_ARGUMENT,
  /* libcuda.so.1 could not be loaded or lacks an entry point. */
  KILN_ERROR_NO_DRIVER,
  /* The driver failed to initialize or found no device. */
  KILN_ERROR_NO_DEVICE,
  /* The kernel image has no code the device can run. */
  KILN_ERROR_UNSUPPORTED_DEVICE,
  /* Any other error reported by the CUDA driver. */
  KILN_ERROR_DRIVER
} kiln_status;

/// The name of a status, e.g. "KILN_ERROR_NO_DRIVER".
const char *kiln_status_string(kiln_status status);

/// The message of the last kiln_* call on this thread that failed, or "" if
/// the last call succeeded. Valid until the next kiln_* call on this thread.
const char *kiln_last_error(void);

/// Records `message` as this thread's last error and returns `status`, so
/// that code built on the runtime (generated launchers) reports its own
/// errors the same way. KILN_SUCCESS, or a null message, records "".
kiln_status kiln_set_error(kiln_status status, const char *message);

/*===--- Kernel descriptions (metadata) -----------------------------------===*/

/// Whether a parameter (or argument) is a global tensor or a scalar.
typedef enum kiln_arg_kind {
  KILN_ARG_TENSOR = 1,
  KILN_ARG_SCALAR = 2
} kiln_arg_kind;

/// One tile-kernel parameter: metadata "params" entry.
typedef struct kiln_param_desc {
  const char *name;
  kiln_arg_kind kind;
  kiln_dtype dtype;
  /* Tensors only. */
  int32_t rank;                   /* 1 .. KILN_MAX_RANK */
  int32_t block[KILN_MAX_RANK];   /* tile shape, dimension 0 first */
  bool tma;                       /* the kernel takes a CUtensorMap for it */
  int32_t tma_box[KILN_MAX_RANK]; /* tma: box, dimension 0 first */
  int32_t swizzle;                /* tma: 0, 32, 64 or 128 bytes */
  /* The kernel stores to it: its elements must not overlap, nor share
     memory with the kernel's other tensors (checked: rank 1 and 2 tensors
     exactly where their rows share one pitch, any tensors that start at one
     address; other cases are the caller's to avoid, as with cuBLAS). */
  bool written;
  /* Written and never loaded (metadata "written": true, "read": false), so
     repeated launches see the same inputs and kiln_variants_tune may time
     the kernel on its arguments. False where not known: metadata without
     "read", and descriptions built field by field that do not set it. */
  bool write_only;
} kiln_param_desc;

/// How one grid dimension follows from the arguments: metadata "grid" entry.
typedef enum kiln_grid_kind {
  KILN_GRID_CONSTANT = 1, /* value */
  KILN_GRID_TENSOR_DIM, /* ceil(extent `dim` of tensor argument `arg` / div) */
  KILN_GRID_SCALAR      /* ceil(integer scalar argument `arg` / div) */
} kiln_grid_kind;

typedef struct kiln_grid_rule {
  kiln_grid_kind kind;
  int64_t value; /* KILN_GRID_CONSTANT, >= 1 */
  int32_t arg;   /* the others: argument index */
  int32_t dim;   /* KILN_GRID_TENSOR_DIM: dimension of that tensor */
  int64_t div;   /* the others: >= 1 */
} kiln_grid_rule;

/// Two extents that must be equal: extent `dim0` of tensor argument `arg0`
/// and extent `dim1` of tensor argument `arg1`. Metadata "equal" entry
/// [arg0, dim0, arg1, dim1]; e.g. the K of A and of B in a GEMM.
typedef struct kiln_equal_extents {
  int32_t arg0;
  int32_t dim0;
  int32_t arg1;
  int32_t dim1;
} kiln_equal_extents;

/// An informational "options" entry.
typedef struct kiln_option {
  const char *key;
  const char *value;
} kiln_option;

/// What ptxas reported; informational.
typedef struct kiln_ptxas_info {
  int32_t registers;
  int32_t spill_stores;
  int32_t spill_loads;
  int32_t stack_frame;
} kiln_ptxas_info;

/// A kernel as kilnc describes it in its metadata JSON. Generated launchers
/// may fill one from static tables instead of parsing JSON.
typedef struct kiln_kernel_desc {
  const char *name;    /* the kernel's symbol in the image */
  const char *target;  /* e.g. "sm_90a" */
  uint32_t threads;    /* threads per CTA, 1-D */
  uint32_t smem;       /* dynamic shared memory bytes */
  uint32_t cluster[3]; /* CTAs per cluster, x first; {1, 1, 1} for none */
  bool persistent;     /* grid.x = min(tiles, SMs), the kernel walks tiles */
  uint32_t num_grid;   /* 1 .. 3 */
  kiln_grid_rule grid[3];
  size_t num_params;
  const kiln_param_desc *params; /* in argument order */
  size_t num_options;
  const kiln_option *options;
  bool has_ptxas;
  kiln_ptxas_info ptxas;
  size_t num_equal;
  const kiln_equal_extents *equal; /* checked at every launch */
} kiln_kernel_desc;

/// Parses the metadata JSON of one kernel (`len` bytes, no terminator needed).
/// On success *out owns everything it points to; free it with
/// kiln_metadata_free. Unknown fields are ignored.
kiln_status kiln_metadata_parse(const char *json, size_t len,
                                kiln_kernel_desc **out);

/// Frees a description returned by kiln_metadata_parse; null is ignored.
void kiln_metadata_free(kiln_kernel_desc *desc);

/*===--- Arguments --------------------------------------------------------===*/

/// A tensor in global memory. Extents and strides are dimension 0 first;
/// strides count elements, and the last dimension must be contiguous.
typedef struct kiln_tensor {
  void *data; /* device address of element (0, ..., 0) */
  kiln_dtype dtype;
  int32_t rank;
  int64_t shape[KILN_MAX_RANK];
  int64_t strides[KILN_MAX_RANK];
} kiln_tensor;

/// A scalar value, stored in the member its dtype names. f16, bf16 and f8
/// values are given as their bit patterns.
typedef union kiln_scalar_value {
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  uint16_t f16;
  uint16_t bf16;
  uint8_t f8;
} kiln_scalar_value;

typedef struct kiln_scalar {
  kiln_dtype dtype;
  kiln_scalar_value value;
} kiln_scalar;

/// One launch argument: `tensor` or `scalar`, as `kind` says.
typedef struct kiln_arg {
  kiln_arg_kind kind;
  kiln_tensor tensor;
  kiln_scalar scalar;
} kiln_arg;

/*===--- Driver -----------------------------------------------------------===*/

/// Opens the CUDA driver and checks that it has a device, as the first
/// launch with work does; the outcome is kept for the process. Optional: an
/// application calls it to learn early whether it can run kernels, and gets
/// KILN_ERROR_NO_DRIVER or KILN_ERROR_NO_DEVICE with a message if not.
kiln_status kiln_init(void);

/*===--- Modules and kernels ----------------------------------------------===*/

typedef struct kiln_module kiln_module;
typedef struct kiln_kernel kiln_kernel;

/// What a launch would run: grid and cluster in CTAs, block in threads.
typedef struct kiln_launch_config {
  uint32_t grid[3]; /* a 0 means no work: the launch does nothing */
  uint32_t block[3];
  uint32_t smem;
  uint32_t cluster[3];
} kiln_launch_config;

/// Makes a module from a cubin, fatbin or PTX image. The image is copied
/// (PTX gets a terminating NUL if it lacks one), so the caller may free it.
/// Needs no driver: the image is loaded into a context at the first launch
/// there, so a generated launcher that creates its module up front still
/// reports argument errors before driver errors.
kiln_status kiln_module_create(const void *image, size_t size,
                               kiln_module **out);

/// Releases a module. Kernels made from it keep it alive until they are
/// destroyed. Null is ignored.
void kiln_module_destroy(kiln_module *module);

/// Makes a kernel of `module` described by `desc`, which is checked and
/// copied. `module` may be null: such a kernel can be validated on any
/// machine, without a driver, but not launched.
kiln_status kiln_kernel_create(kiln_module *module,
                               const kiln_kernel_desc *desc, kiln_kernel **out);

/// Frees a kernel; null is ignored.
void kiln_kernel_destroy(kiln_kernel *kernel);

/// The kernel's description (owned by the kernel).
const kiln_kernel_desc *kiln_kernel_get_desc(const kiln_kernel *kernel);

/// Checks arguments against the kernel's parameters (kinds, dtypes, ranks,
/// extents, pointers, strides, TMA alignment, and the desc's `equal`
/// extents) and computes the grid, on the CPU only.
kiln_status kiln_kernel_validate(const kiln_kernel *kernel,
                                 const kiln_arg *args, size_t num_args);

/// As kiln_kernel_validate, and returns the launch configuration. The SM
/// count is unknown here, so a persistent kernel's grid.x is its tile count.
kiln_status kiln_kernel_launch_config(const kiln_kernel *kernel,
                                      const kiln_arg *args, size_t num_args,
                                      kiln_launch_config *out);

/// Validates and launches on `stream` (a CUstream; null for the default
/// stream) in the current context. A launch with no work (a grid dimension
/// of 0) succeeds without touching the driver. Validation comes first, so an
/// argument error is reported as such on a machine without a driver too.
kiln_status kiln_kernel_launch(const kiln_kernel *kernel, const kiln_arg *args,
                               size_t num_args, void *stream);

/*===--- Variants ---------------------------------------------------------===*/

/// The number of SMs of the current context's device. Needs the driver;
/// without a current context, device 0's primary context is made current,
/// as for a launch.
kiln_status kiln_device_sm_count(uint32_t *out);

/// Picks among variants of one kernel: kernels with the same parameters and
/// results but other tile shapes or schedules (kilnc --variants builds them
/// from one tile program). The model: the fewest tile-area units an SM
/// computes on a GPU of `sm_count` SMs, counting whole waves of tiles; on a
/// tie the larger tile, then a persistent kernel, then the earlier one. It
/// is a first model, not tuned on measurements. Variants that reject the
/// arguments are skipped; if all do, the first one's error is returned.
/// CPU only: pass kiln_device_sm_count's answer, or any count to ask what
/// another GPU would run.
kiln_status kiln_kernel_choose(const kiln_kernel *const *kernels,
                               size_t num_kernels, const kiln_arg *args,
                               size_t num_args, uint32_t sm_count,
                               size_t *chosen);

/// Variants of one kernel that launch as one: each launch runs the variant
/// kiln_variants_tune measured fastest for arguments of the same shapes and
/// strides in the current context, or else kiln_kernel_choose's pick for the current
/// device. Thread-safe. Generated launchers of kernels with variants use
/// one.
typedef struct kiln_variants kiln_variants;

/// Makes a set of `num_kernels` (>= 1) variants, which must take the same
/// parameters (names, kinds, dtypes, ranks). The kernels are not copied:
/// they must outlive the set.
kiln_status kiln_variants_create(const kiln_kernel *const *kernels,
                                 size_t num_kernels, kiln_variants **out);

/// Frees a set (not its kernels); null is ignored.
void kiln_variants_destroy(kiln_variants *variants);

/// The variant a launch on `args` would run now. Checks the arguments
/// against every variant first (the error, if all reject them, is the
/// first variant's); a launch with work then needs the driver (for the
/// context and its SM count), one without work picks the first variant
/// that accepts the arguments.
kiln_status kiln_variants_select(const kiln_variants *variants,
                                 const kiln_arg *args, size_t num_args,
                                 size_t *chosen);

/// Launches the variant kiln_variants_select picks, on `stream`.
kiln_status kiln_variants_launch(const kiln_variants *variants,
                                 const kiln_arg *args, size_t num_args,
                                 void *stream);

/// Measures every variant that accepts `args`: one launch to warm up, then
/// `repetitions` launches (0: 10) between two events on `stream`; waits for
/// them. The fastest is kept for arguments with these shapes, strides and
/// integer scalars (not data pointers or floating-point scalars) in the
/// current context, for later launches, and returned in `chosen`;
/// `times_ms`, if not null, receives `num_kernels` mean times per launch,
/// -1 for variants that rejected the arguments or failed to launch (a
/// variant needing more shared memory than the device has, say). A tuning
/// error, or every variant failing, keeps nothing.
///
/// The launches write the kernel's outputs. A kernel that may read a tensor
/// it writes (in place, or its description does not say: write_only unset)
/// is refused: tune it on a scratch copy with the same shapes and strides,
/// and the choice applies to the real arguments. With
/// no work to time (an empty grid) nothing is kept, the accepting variants'
/// times are 0, and `chosen` is the first of them.
kiln_status kiln_variants_tune(kiln_variants *variants, const kiln_arg *args,
                               size_t num_args, void *stream,
                               uint32_t repetitions, size_t *chosen,
                               float *times_ms);

/// Forgets every measurement of the set, and the SM counts it keeps. Both
/// are kept per CUcontext handle: call this after destroying a context
/// that the set launched in, since a new context may get the same handle.
void kiln_variants_forget(kiln_variants *variants);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_KILN_H */
