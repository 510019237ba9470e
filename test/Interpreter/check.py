#!/usr/bin/env python3
# Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
"""Numerical checks of kiln-run against NumPy references.

Each subcommand makes seeded random inputs, runs a kernel with kiln-run (found
on PATH, as lit sets it), and compares every output with a NumPy reference.
Where the interpreter's result is fully defined (loads, stores, correctly
rounded arithmetic, f32 sums in a fixed order) the comparison is exact; only
transcendental functions get a tolerance of a few units in the last place.
Prints one "ok" line per check and exits non-zero on the first mismatch.

  check.py axpy PROGRAM N...
  check.py scale-rows PROGRAM MxN...
  check.py gemm PROGRAM --kernel [FILE@]K... --layout nn|nt --dtype f16|bf16
                                                                   MxNxK...
  check.py tile-ops PROGRAM
  check.py attention PROGRAM --kernel [FILE@]K... SqxSkxD...
  check.py moe PROGRAM --kernel [FILE@]K... --experts E NxK GROUP_SIZES...
  check.py mlp PROGRAM --kernel [FILE@]K... MxNxK...
  check.py elementwise
  check.py save PATH DTYPE SHAPE       (a seeded random .npy file)
"""

import argparse
import math
import operator
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.dont_write_bytecode = True

F32 = np.float32

# Checks that passed so far.
passed = 0


# --------------------------------------------------------------------------
# Rounding to the narrow float types, as the interpreter (and the hardware)
# rounds: to nearest, ties to even.
# --------------------------------------------------------------------------

def round_bf16(x):
    """float32 values rounded to bf16 (kept as float32), by bit manipulation."""
    x = np.asarray(x, F32)
    bits = x.view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    out = rounded.astype(np.uint32).view(F32)
    return np.where(np.isnan(x), x, out)


def round_format(x, mantissa, emin, largest, has_inf):
    """float64 values rounded to a binary format with `mantissa` fraction
    bits, minimum normal exponent `emin` and largest finite value `largest`;
    overflow gives infinity, or NaN for formats without one."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        _, e = np.frexp(x)
        exponent = np.maximum(e - 1, emin)
        scale = np.ldexp(1.0, exponent - mantissa)
        q = np.round(x / scale) * scale
        over = np.inf * np.sign(x) if has_inf else np.nan
        q = np.where(np.abs(q) > largest, over, q)
        q = np.where(np.isinf(x), over, q)
    return np.where(np.isnan(x), np.nan, q)


def round_to(x, dtype):
    """float values rounded to kernel element type `dtype`, as float64."""
    x = np.asarray(x, np.float64)
    if dtype == "f64":
        return x
    if dtype == "f32":
        return x.astype(F32).astype(np.float64)
    if dtype == "f16":
        return x.astype(np.float16).astype(np.float64)
    if dtype == "bf16":
        # Through f32: exact for the basic operations (24 >= 2 * 8 + 2 bits).
        return round_bf16(x.astype(F32)).astype(np.float64)
    if dtype == "f8E4M3FN":
        return round_format(x, 3, -6, 448.0, False)
    if dtype == "f8E5M2":
        return round_format(x, 2, -14, 57344.0, True)
    raise ValueError(dtype)


# The .npy dtype each kernel element type is written with by kiln-run.
FILE_DTYPE = {"f64": np.float64, "f32": F32, "f16": np.float16, "bf16": F32,
              "f8E4M3FN": F32, "f8E5M2": F32, "i8": np.int8, "i16": np.int16,
              "i32": np.int32, "i64": np.int64}


# --------------------------------------------------------------------------
# Running kiln-run and comparing
# --------------------------------------------------------------------------

class Run:
    """A scratch directory for the .npy files of kiln-run invocations."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="kiln-run-check-")
        self.count = 0

    def path(self, name):
        self.count += 1
        return os.path.join(self.dir.name, "%d-%s.npy" % (self.count, name))

    def __call__(self, program, kernel, args, outputs, grid=None):
        """Runs `kernel` with `args` (arrays are saved to .npy files, other
        values passed as numbers) and returns the arrays of the argument
        indices in `outputs`."""
        cmd = ["kiln-run", program, "--kernel", kernel]
        paths = {}
        words = []
        for i, a in enumerate(args):
            if isinstance(a, np.ndarray):
                paths[i] = self.path("arg%d" % i)
                np.save(paths[i], a)
                words.append(paths[i])
            else:
                words.append(repr(a) if isinstance(a, float) else str(a))
        for i in outputs:
            cmd += ["--output", "%d=%s" % (i, paths[i])]
        if grid:
            cmd += ["--grid", ",".join(map(str, grid))]
        cmd += ["--"] + words
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            fail("kiln-run failed (%d): %s\n%s" % (proc.returncode,
                                                   " ".join(cmd), proc.stderr))
        return [np.load(paths[i]) for i in outputs]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def same_bits(got, want):
    """Equal values, NaN matching NaN (and +0 matching -0)."""
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    return got.shape == want.shape and np.array_equal(got, want, equal_nan=True)


def check_exact(name, got, want):
    if not same_bits(got, want):
        bad = np.argwhere(~np.isclose(np.asarray(got, np.float64),
                                      np.asarray(want, np.float64),
                                      rtol=0, atol=0, equal_nan=True))
        where = tuple(bad[0]) if len(bad) else "shape"
        fail("%s: %d mismatches, first at %s: got %s, want %s" % (
            name, len(bad), where,
            got[where] if len(bad) else got.shape,
            want[where] if len(bad) else np.shape(want)))
    global passed
    passed += 1
    print("ok %s: exact match" % name)


def ulp(values, dtype):
    """The spacing of kernel type `dtype` at `values`."""
    mantissa, emin = {"f32": (23, -126), "f64": (52, -1022), "f16": (10, -14),
                      "bf16": (7, -126)}[dtype]
    _, e = np.frexp(np.abs(np.asarray(values, np.float64)))
    return np.ldexp(1.0, np.maximum(e - 1, emin) - mantissa)


def check_close(name, got, want, dtype, ulps):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    with np.errstate(all="ignore"):
        ok = (np.isclose(got, want, rtol=0, atol=0, equal_nan=True) |
              (np.abs(got - want) <= ulps * ulp(want, dtype)))
    if got.shape != want.shape or not ok.all():
        i = np.argwhere(~ok)[0] if got.shape == want.shape else None
        fail("%s: beyond %d ulp at %s: got %r, want %r" % (
            name, ulps, i, got[tuple(i)] if i is not None else got.shape,
            want[tuple(i)] if i is not None else want.shape))
    global passed
    passed += 1
    print("ok %s: within %d ulp" % (name, ulps))


def shape_of(text):
    return tuple(int(e) for e in text.split("x"))


# --------------------------------------------------------------------------
# examples/axpy.mlir and examples/scale-rows.mlir
# --------------------------------------------------------------------------

def cmd_axpy(args):
    run = Run()
    rng = np.random.default_rng(1)
    for n in map(int, args.sizes):
        x = rng.standard_normal(n).astype(F32)
        y = rng.standard_normal(n).astype(F32)
        alpha = float(F32(rng.standard_normal()))
        (out,) = run(args.program, "axpy", [x, y, alpha], [1])
        check_exact("axpy n=%d" % n, out, F32(alpha) * x + y)


def cmd_scale_rows(args):
    run = Run()
    rng = np.random.default_rng(2)
    for text in args.shapes:
        m, n = shape_of(text)
        x = rng.standard_normal((m, n)).astype(F32)
        scale = float(F32(rng.uniform(0.5, 4)))
        poisoned = np.full((m, n), np.nan, F32)
        (out,) = run(args.program, "scale_to_bf16", [x, poisoned, scale], [1])
        check_exact("scale_to_bf16 %s" % text, out, round_bf16(F32(scale) * x))


# --------------------------------------------------------------------------
# GEMM
# --------------------------------------------------------------------------

def matmul_f32_in_order(a, b, acc=None):
    """A (M x K) times B (K x N) with f32 products and sums, K in order: the
    interpreter's tile.dot semantics, exactly."""
    a = np.asarray(a, F32)
    b = np.asarray(b, F32)
    out = np.zeros((a.shape[0], b.shape[1]), F32) if acc is None else acc
    for k in range(a.shape[1]):
        out = out + a[:, k:k + 1] * b[k:k + 1, :]
    return out


def cmd_gemm(args):
    run = Run()
    rng = np.random.default_rng(3)
    if args.batch and args.epilogue:
        fail("--batch takes no --epilogue")
    batch = (args.batch,) if args.batch else ()
    for text in args.shapes:
        m, n, k = shape_of(text)
        a = rng.standard_normal(batch + (m, k)).astype(F32)
        b = rng.standard_normal(batch + (k, n)).astype(F32)
        if batch:
            want = np.stack([matmul_f32_in_order(round_to(a[i], args.dtype),
                                                 round_to(b[i], args.dtype))
                             for i in range(args.batch)])
        else:
            want = matmul_f32_in_order(round_to(a, args.dtype),
                                       round_to(b, args.dtype))
        bias = rng.standard_normal(n).astype(F32)
        extra = [bias]
        if args.epilogue == "bias-silu":
            # f32 steps as the program writes them: x = acc + bias,
            # x / (1 + exp(-x)).
            x = (want + bias[None, :]).astype(F32)
            want = (x / (F32(1) + np.exp(-x).astype(F32))).astype(F32)
        elif args.epilogue == "scale-bias-gelu":
            # x = acc * scale + bias (bias in f16), then GELU's tanh
            # approximation as x / (1 + exp(-2 t)), f32 step by step as
            # Inputs/gemm-gelu.mlir writes it.
            scale = rng.uniform(0.5, 2, m).astype(F32)
            bias = round_to(bias, "f16").astype(F32)
            extra = [scale, bias]
            x = (want * scale[:, None] + bias[None, :]).astype(F32)
            x3 = ((x * x).astype(F32) * x).astype(F32)
            t = (x + (x3 * F32(0.044715)).astype(F32)).astype(F32)
            with np.errstate(over="ignore"):  # to inf, as in f32 on the GPU
                e = np.exp((t * F32(-1.5957691216)).astype(F32)).astype(F32)
            want = (x / (e + F32(1)).astype(F32)).astype(F32)
        if args.out_dtype != "f32":
            want = round_to(want, args.out_dtype)
        b_arg = (b if args.layout == "nn"
                 else np.ascontiguousarray(np.swapaxes(b, -1, -2)))
        results = []
        for kernel in args.kernel:
            program, _, name = kernel.rpartition("@")
            outs = [np.full(batch + (m, n), np.nan, F32)
                    for _ in args.extra_outputs]
            inputs = [a, b_arg] + (extra if args.epilogue else [])
            first = len(inputs)
            got = run(program or args.program, name,
                      inputs + [np.full(batch + (m, n), np.nan, F32)] + outs,
                      [first] + [first + 1 + i for i in range(len(outs))])
            for j, g in enumerate(got):
                label = "%s %s out%d" % (kernel, text, j)
                if args.epilogue:
                    # exp differs between libraries by an ulp or so in f32;
                    # after rounding to the output type, by one of its ulps.
                    check_close(label, g, want, args.out_dtype, 1)
                else:
                    check_exact(label, g, want)
            results.append(got[0])
        for kernel, got in zip(args.kernel[1:], results[1:]):
            if not np.array_equal(got, results[0]):
                fail("%s %s differs from %s" % (kernel, text, args.kernel[0]))


# --------------------------------------------------------------------------
# Model kernels (Inputs/attention.mlir, Inputs/moe-mlp.mlir)
# --------------------------------------------------------------------------

def normal(rng, shape, dtype):
    """Standard-normal values rounded to kernel type `dtype`, as float32."""
    return round_to(rng.standard_normal(shape), dtype).astype(F32)


def run_variants(run, args, name, inputs, output, check):
    """Runs each of args.kernel ([FILE@]KERNEL) on `inputs` with argument
    `output` the one written, checks the first with `check(label, got)`, and
    requires the others to match it bit for bit."""
    first = None
    for kernel in args.kernel:
        program, _, kname = kernel.rpartition("@")
        (got,) = run(program or args.program, kname, inputs, [output])
        if first is None:
            check("%s %s" % (kernel, name), got)
            first = got
        elif not same_bits(got, first):
            fail("%s %s differs from %s" % (kernel, name, args.kernel[0]))
        else:
            global passed
            passed += 1
            print("ok %s %s: same as %s" % (kernel, name, args.kernel[0]))


def cmd_attention(args):
    """Single-head kernels take Sq x D matrices; with --heads H, H x Sq x D
    tensors (examples/attention.mlir)."""
    run = Run()
    rng = np.random.default_rng(5)
    for text in args.shapes:
        sq, sk, d = shape_of(text)
        heads = (args.heads,) if args.heads else ()
        q = normal(rng, heads + (sq, d), "f16")
        k = normal(rng, heads + (sk, d), "f16")
        v = normal(rng, heads + (sk, d), "f16")
        scale = float(F32(1 / math.sqrt(d)))
        s = (q.astype(np.float64) @ np.swapaxes(k, -1, -2).astype(np.float64)) * scale
        if args.causal:
            # Query i sees keys j <= i + sk - sq; one that sees none gets 0.
            seen = np.arange(sk)[None, :] <= np.arange(sq)[:, None] + sk - sq
            s = np.where(seen, s, -np.inf)
        top = s.max(axis=-1, keepdims=True)
        p = np.exp(s - np.where(np.isfinite(top), top, 0))
        total = p.sum(axis=-1, keepdims=True)
        want = (p / np.where(total > 0, total, 1)) @ v.astype(np.float64)

        def check(label, got):
            # P is rounded to f16 before P V (2^-11 of each weight, so of at
            # most max|V| in all) and O to f16 at the end (2^-11 of |O|).
            tolerance = 2.0**-10 * np.abs(v).max() + 2.0**-10 * np.abs(want)
            error = np.abs(got.astype(np.float64) - want)
            if got.shape != want.shape or not (error <= tolerance).all():
                i = tuple(np.argwhere(~(error <= tolerance))[0])
                fail("%s: O%s = %r, want %r" % (label, i, got[i], want[i]))
            global passed
            passed += 1
            print("ok %s: within tolerance (max error %.2g)" % (label,
                                                                error.max()))
        run_variants(run, args, text,
                     [q, k, v, np.full(heads + (sq, d), np.nan, F32), scale],
                     3, check)


def cmd_moe(args):
    """Tokens grouped by expert, each group padded to 64-row blocks."""
    run = Run()
    rng = np.random.default_rng(6)
    n, k = shape_of(args.nk)
    e = args.experts
    w = normal(rng, (e * n, k), "bf16")
    for text in args.groups:
        sizes = [int(t) for t in text.split(",")]
        if len(sizes) != e:
            fail("%s: %d group sizes for %d experts" % (text, len(sizes), e))
        blocks = [(size + 63) // 64 for size in sizes]
        rows = 64 * sum(blocks)
        a = np.zeros((rows, k), F32)
        block_expert = np.repeat(np.arange(e, dtype=np.int32), blocks)
        want = np.zeros((rows, n), F32)
        start = 0
        for expert, (size, count) in enumerate(zip(sizes, blocks)):
            a[start:start + size] = normal(rng, (size, k), "bf16")
            want[start:start + 64 * count] = matmul_f32_in_order(
                a[start:start + 64 * count], w[expert * n:(expert + 1) * n].T)
            start += 64 * count
        want = round_to(want, "bf16")
        label = "experts %s NxK %s" % (text, args.nk)
        run_variants(run, args, label,
                     [a, w, block_expert, np.full((rows, n), np.nan, F32)], 3,
                     lambda name, got: check_exact(name, got, want))


def cmd_mlp(args):
    run = Run()
    rng = np.random.default_rng(7)
    for text in args.shapes:
        m, n, k = shape_of(text)
        x = normal(rng, (m, k), "bf16")
        wg = normal(rng, (n, k), "bf16")
        wu = normal(rng, (n, k), "bf16")
        g = matmul_f32_in_order(x, wg.T)
        u = matmul_f32_in_order(x, wu.T)
        # f32 steps as the program writes them.
        silu = (g / (F32(1) + np.exp(-g).astype(F32))).astype(F32)
        want = round_to((silu * u).astype(F32), "bf16")
        # exp differs between libraries by an ulp or so in f32; after
        # rounding to bf16, by one ulp of it.
        run_variants(run, args, text, [x, wg, wu, np.full((m, n), np.nan, F32)],
                     3, lambda name, got: check_close(name, got, want, "bf16",
                                                      1))


# --------------------------------------------------------------------------
# Tile ops (Inputs/tile-ops.mlir)
# --------------------------------------------------------------------------

def sum_in_order(x, axis, dtype):
    """Sums along `axis` in order, rounding to `dtype` after every add."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, 0)
    acc = np.zeros(x.shape[1:])
    for row in x:
        acc = round_to(acc + row, dtype)
    return acc


def window(x, coords, shape):
    """The block of `shape` at `coords` of `x`, zero outside."""
    out = np.zeros(shape, x.dtype)
    src = tuple(slice(max(c, 0), max(min(c + s, e), 0))
                for c, s, e in zip(coords, shape, x.shape))
    dst = tuple(slice(sl.start - c, sl.stop - c) for sl, c in zip(src, coords))
    out[dst] = x[src]
    return out


def put_window(x, coords, block):
    """`x` with `block` written at `coords`, dropping what falls outside."""
    x = x.copy()
    src = tuple(slice(max(c, 0), max(min(c + s, e), 0))
                for c, s, e in zip(coords, block.shape, x.shape))
    blk = tuple(slice(sl.start - c, sl.stop - c) for sl, c in zip(src, coords))
    x[src] = block[blk]
    return x


def check_reductions(run, program, rng):
    x = rng.standard_normal((64, 128)).astype(F32)
    x[3, 5] = -0.0
    outs = [np.zeros(128, F32), np.zeros(64, F32), np.zeros(64, F32),
            np.zeros(128, F32)]
    got = run(program, "reduce_f32", [x] + outs, [1, 2, 3, 4])
    check_exact("reduce sum dim 0 f32", got[0], sum_in_order(x, 0, "f32"))
    check_exact("reduce sum dim 1 f32", got[1], sum_in_order(x, 1, "f32"))
    check_exact("reduce max dim 1 f32", got[2], x.max(axis=1))
    check_exact("reduce min dim 0 f32", got[3], x.min(axis=0))

    xb = rng.standard_normal((64, 128)).astype(F32) * 8
    got = run(program, "reduce_bf16", [xb, np.zeros(64, F32)], [1])
    check_exact("reduce sum dim 1 bf16", got[0],
                sum_in_order(round_to(xb, "bf16"), 1, "bf16"))

    xi = rng.integers(-2**31, 2**31, (64, 128), dtype=np.int64).astype(np.int32)
    outs = [np.zeros(128, np.int32), np.zeros(64, np.int32),
            np.zeros(64, np.int32)]
    got = run(program, "reduce_i32", [xi] + outs, [1, 2, 3])
    with np.errstate(all="ignore"):
        check_exact("reduce sum dim 0 i32 (wraps)", got[0],
                    xi.sum(axis=0, dtype=np.int32))
    check_exact("reduce max dim 1 i32", got[1], xi.max(axis=1))
    check_exact("reduce min dim 1 i32", got[2], xi.min(axis=1))


def check_shapes_and_masks(run, program, rng):
    row = rng.standard_normal(128).astype(F32)
    col = rng.standard_normal(64).astype(F32)
    outs = [np.zeros((64, 128), F32), np.zeros((64, 128), F32),
            np.zeros((64, 128), np.int32)]
    got = run(program, "broadcast_iota", [row, col] + outs, [2, 3, 4])
    check_exact("broadcast dims [0]", got[0], np.broadcast_to(row, (64, 128)))
    check_exact("broadcast dims [1]", got[1],
                np.broadcast_to(col[:, None], (64, 128)))
    check_exact("iota + broadcast", got[2],
                np.broadcast_to(np.arange(128, dtype=np.int32), (64, 128)))

    x = rng.standard_normal(128).astype(F32)
    for limit, flag in [(37, 0), (128, 1), (0, 1)]:
        got = run(program, "select_mask",
                  [x, np.zeros(128, F32), np.zeros(128, F32), limit, flag],
                  [1, 2])
        check_exact("select tensor mask n=%d" % limit, got[0],
                    np.where(np.arange(128) < limit, x, F32(-1)))
        check_exact("select scalar condition %d n=%d" % (flag, limit), got[1],
                    x if flag else -x)


def check_memory(run, program, rng):
    x = rng.standard_normal(100).astype(F32)
    offsets = np.array([0, 90, -8, 50], np.int32)
    out = np.full(5 * 16, np.nan, F32)
    (got,) = run(program, "scalar_load", [offsets, x, out], [2], grid=[5])
    want = out.copy()
    for p in range(5):
        start = offsets[p] if p < len(offsets) else 0
        want[16 * p:16 * p + 16] = window(x, (start,), (16,))
    check_exact("scalar_load (one past the end reads 0)", got, want)

    x = rng.standard_normal((70, 90)).astype(F32)
    for (m, n, p, q) in [(0, 0, 0, 0), (-3, -5, 10, 20), (40, 70, -7, -9),
                         (69, 89, 60, 80), (-64, 0, 0, 0)]:
        y = rng.standard_normal((70, 90)).astype(F32)
        (got,) = run(program, "offsets", [x, y, m, n, p, q], [1])
        want = put_window(y, (p, q), window(x, (m, n), (64, 32)))
        check_exact("load at (%d, %d), store at (%d, %d)" % (m, n, p, q),
                    got, want)

    for (m, n, p, q) in [(0, 0, 0, 0), (-3, 5, 60, 20), (50, 10, -7, -9)]:
        y = rng.standard_normal((70, 90)).astype(F32)
        z = rng.standard_normal((70, 90)).astype(F32)
        got_y, got_z = run(program, "parts", [x, y, z, m, n, p, q], [1, 2])
        check_exact("part load at (%d, %d), store at (%d, %d)" % (m, n, p, q),
                    got_y, put_window(y, (p, q), window(x, (m, n), (16, 32))))
        check_exact("extract_slice at (%d, %d), store at (%d, %d)"
                    % (m, n, p, q), got_z,
                    put_window(z, (p, q),
                               window(x, (m, n), (64, 32))[32:64, 8:24]))

    x = rng.standard_normal((3, 300)).astype(F32)
    (got,) = run(program, "dims", [x, np.zeros(8, np.int32)], [1],
                 grid=[2, 3, 4])
    check_exact("dim and num_programs", got,
                np.array([3, 300, 2, 3, 4, 0, 0, 0], np.int32))


def check_control_and_constants(run, program, rng):
    x = rng.standard_normal(64).astype(F32)
    for alpha in [2.5, -1.5]:
        (got,) = run(program, "if_for", [x, np.zeros(64, F32), alpha, 3], [1])
        want = x
        for i in range(3):
            want = want * F32(alpha) + F32(i) if alpha > 0 else want - F32(1)
        check_exact("scf.if in scf.for alpha=%g" % alpha, got, want)
    (got,) = run(program, "dense_constant", [x, np.zeros(64, F32)], [1])
    check_exact("dense constant", got,
                x + np.tile(np.array([1, -2, 0.5, 4], F32), 16))
    got = run(program, "scalars",
                 [np.zeros(4, F32), np.zeros(4, np.int32), 1.5, -7], [0, 1])
    check_exact("scalar float math", got[0],
                np.array([1.5 * 2 - 1, 1.5 / 4, -1.5, np.sqrt(1.5)], F32))
    # [n * 3, floordivsi(n, 2) + 1, remsi(n, 3) - 3, absi(n)] for n = -7.
    check_exact("scalar integer math", got[1],
                np.array([-21, -3, -4, 7], np.int32))


def check_dots(run, program, rng):
    a = rng.uniform(-6, 6, (64, 32))
    b = rng.uniform(-6, 6, (64, 32))
    (got,) = run(program, "dot_fp8", [a.astype(F32), b.astype(F32),
                                      np.zeros((64, 64), F32)], [2])
    want = matmul_f32_in_order(round_to(a, "f8E4M3FN"),
                               round_to(b, "f8E5M2").T)
    check_exact("dot f8E4M3FN x f8E5M2 transpose_b", got, want)

    a = rng.standard_normal((64, 64)).astype(F32)
    b = rng.standard_normal((64, 64)).astype(F32)
    c = rng.standard_normal((64, 64)).astype(F32)
    (got,) = run(program, "dot_transpose_a", [a, b, c], [2])
    want = matmul_f32_in_order(round_to(a, "f16").T, round_to(b, "f16"), c)
    check_exact("dot f16 transpose_a with accumulator", got, want)


def cmd_tile_ops(args):
    run = Run()
    rng = np.random.default_rng(4)
    check_reductions(run, args.program, rng)
    check_shapes_and_masks(run, args.program, rng)
    check_memory(run, args.program, rng)
    check_control_and_constants(run, args.program, rng)
    check_dots(run, args.program, rng)


# --------------------------------------------------------------------------
# Element-wise arith and math ops: generated kernels, one output per op
# --------------------------------------------------------------------------

N = 256

# op -> (arity, NumPy reference on float64 values, exact?)
FLOAT_OPS = {
    "arith.addf": (2, np.add, True),
    "arith.subf": (2, np.subtract, True),
    "arith.mulf": (2, np.multiply, True),
    "arith.divf": (2, np.divide, True),
    "arith.remf": (2, np.fmod, True),
    "arith.maximumf": (2, np.maximum, True),
    "arith.minimumf": (2, np.minimum, True),
    "arith.maxnumf": (2, np.fmax, True),
    "arith.minnumf": (2, np.fmin, True),
    "arith.negf": (1, np.negative, True),
    "math.absf": (1, np.abs, True),
    "math.sqrt": (1, np.sqrt, True),
    "math.floor": (1, np.floor, True),
    "math.ceil": (1, np.ceil, True),
    "math.trunc": (1, np.trunc, True),
    "math.roundeven": (1, np.round, True),
    # Half away from zero; exact here since inputs have at most 24 bits.
    "math.round": (1, lambda x: np.trunc(x + np.copysign(0.5, x)), True),
    "math.copysign": (2, np.copysign, True),
    "math.rsqrt": (1, lambda x: 1 / np.sqrt(x), False),
    "math.exp": (1, np.exp, False),
    "math.exp2": (1, np.exp2, False),
    "math.expm1": (1, np.expm1, False),
    "math.log": (1, np.log, False),
    "math.log2": (1, np.log2, False),
    "math.log10": (1, np.log10, False),
    "math.log1p": (1, np.log1p, False),
    "math.tanh": (1, np.tanh, False),
    "math.erf": (1, np.vectorize(math.erf), False),
    "math.sin": (1, np.sin, False),
    "math.cos": (1, np.cos, False),
    "math.powf": (2, np.power, False),
    "math.atan2": (2, np.arctan2, False),
    "math.fma": (3, lambda a, b, c: a * b + c, False),
}

CMPF = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt",
        "uge", "ult", "ule", "une", "uno", "true"]


def cmpf_reference(pred, a, b):
    unordered = np.isnan(a) | np.isnan(b)
    base = {"eq": a == b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b,
            "ne": a != b}
    if pred == "false":
        return np.zeros_like(unordered)
    if pred == "true":
        return np.ones_like(unordered)
    if pred == "ord":
        return ~unordered
    if pred == "uno":
        return unordered
    if pred[0] == "o":
        return ~unordered & base[pred[1:]]
    return unordered | base[pred[1:]]


def float_inputs(rng, dtype):
    """x, y, z in ranges every op of FLOAT_OPS accepts, with special values
    at the front; the second half of x is positive for log, sqrt and pow."""
    x = rng.standard_normal(N) * 3
    y = rng.standard_normal(N) * 3
    z = rng.standard_normal(N)
    x[N // 2:] = np.abs(x[N // 2:]) + 0.01
    specials = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, 2.5, -2.5, 0.5, -0.5]
    x[:10] = specials
    y[:10] = specials[::-1]
    y[10] = 0.0
    x[11], y[11] = 3.0, 3.0
    return [round_to(v, dtype) for v in (x, y, z)]


def kernel_text(name, params, body):
    return "tile.kernel @%s(%s) {\n%s\n  tile.return\n}\n" % (
        name, ",\n    ".join(params), "\n".join("  " + line for line in body))


def store_flags(body, params, compare, preds, t):
    """Appends, per predicate, `compare` of %a and %b extended to i8 and
    stored into its own output."""
    for j, pred in enumerate(preds):
        params.append(f"%p{j}: !tile.desc<{N}xi8>")
        body += [f"%q{j} = {compare} {pred}, %a, %b : {t}",
                 f"%e{j} = arith.extui %q{j} : tensor<{N}xi1> to tensor<{N}xi8>",
                 f"tile.store %e{j}, %p{j}[%c0] : tensor<{N}xi8>, "
                 f"!tile.desc<{N}xi8>"]


def load_inputs(names, d, t):
    """Parameters and loads of the inputs `names` (x -> %a, ...)."""
    params = [f"%{n}: {d}" for n, _ in names]
    body = ["%c0 = arith.constant 0 : i32"]
    body += [f"%{v} = tile.load %{n}[%c0] : {d} -> {t}" for n, v in names]
    return params, body


def generate_float_kernel(dtype, ops):
    t, d = f"tensor<{N}x{dtype}>", f"!tile.desc<{N}x{dtype}>"
    params, body = load_inputs([("x", "a"), ("y", "b"), ("z", "c")], d, t)
    for i, op in enumerate(ops):
        operands = ", ".join(["%a", "%b", "%c"][:FLOAT_OPS[op][0]])
        params.append(f"%o{i}: {d}")
        body += [f"%r{i} = {op} {operands} : {t}",
                 f"tile.store %r{i}, %o{i}[%c0] : {t}, {d}"]
    store_flags(body, params, "arith.cmpf", CMPF, t)
    params.append(f"%sel: {d}")
    body += [f"%m = arith.cmpf olt, %a, %b : {t}",
             f"%s = arith.select %m, %a, %c : tensor<{N}xi1>, {t}",
             f"tile.store %s, %sel[%c0] : {t}, {d}"]
    return kernel_text("float_" + dtype, params, body)


def check_float_ops(run, rng, dtype, ops):
    program = os.path.join(run.dir.name, "float_%s.mlir" % dtype)
    with open(program, "w") as f:
        f.write(generate_float_kernel(dtype, ops))
    x, y, z = float_inputs(rng, dtype)
    file_type = FILE_DTYPE[dtype]
    inputs = [v.astype(file_type) for v in (x, y, z)]
    outs = [np.zeros(N, file_type) for _ in ops]
    flags = [np.zeros(N, np.int8) for _ in CMPF]
    got = run(program, "float_" + dtype,
              inputs + outs + flags + [np.zeros(N, file_type)],
              range(3, 3 + len(ops) + len(CMPF) + 1))
    with np.errstate(all="ignore"):
        for op, g in zip(ops, got):
            arity, ref, exact = FLOAT_OPS[op]
            want = round_to(ref(*[x, y, z][:arity]), dtype)
            name = "%s %s" % (op, dtype)
            if exact:
                check_exact(name, g, want)
            else:
                # f32 math runs in float on both sides; narrow types in
                # double, then rounded.
                check_close(name, g, want, dtype, 4 if dtype == "f32" else 1)
        for pred, g in zip(CMPF, got[len(ops):]):
            check_exact("arith.cmpf %s %s" % (pred, dtype), g,
                        cmpf_reference(pred, x, y).astype(np.int8))
    check_exact("arith.select tensor mask %s" % dtype, got[-1],
                np.where(x < y, x, z))


def wrap(values, bits):
    """Python integers wrapped to signed `bits`-bit integers."""
    m = 1 << bits
    return [((v + m // 2) % m) - m // 2 for v in values]


def c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


INT_OPS = {
    "arith.addi": lambda a, b, u, n: a + b,
    "arith.subi": lambda a, b, u, n: a - b,
    "arith.muli": lambda a, b, u, n: a * b,
    "arith.divsi": lambda a, b, u, n: c_div(a, b),
    "arith.remsi": lambda a, b, u, n: a - b * c_div(a, b),
    "arith.divui": lambda a, b, u, n: u(a) // u(b),
    "arith.remui": lambda a, b, u, n: u(a) % u(b),
    "arith.ceildivsi": lambda a, b, u, n: -((-a) // b),
    "arith.ceildivui": lambda a, b, u, n: -((-u(a)) // u(b)),
    "arith.floordivsi": lambda a, b, u, n: a // b,
    "arith.maxsi": lambda a, b, u, n: max(a, b),
    "arith.minsi": lambda a, b, u, n: min(a, b),
    "arith.maxui": lambda a, b, u, n: max(u(a), u(b)),
    "arith.minui": lambda a, b, u, n: min(u(a), u(b)),
    "arith.andi": lambda a, b, u, n: a & b,
    "arith.ori": lambda a, b, u, n: a | b,
    "arith.xori": lambda a, b, u, n: a ^ b,
    "arith.shli": lambda a, b, u, n: a << n,
    "arith.shrsi": lambda a, b, u, n: a >> n,
    "arith.shrui": lambda a, b, u, n: u(a) >> n,
    "math.absi": lambda a, b, u, n: abs(a),
}

CMPI = {"eq": operator.eq, "ne": operator.ne, "slt": operator.lt,
        "sle": operator.le, "sgt": operator.gt, "sge": operator.ge,
        "ult": operator.lt, "ule": operator.le, "ugt": operator.gt,
        "uge": operator.ge}


def generate_int_kernel(bits):
    t, d = f"tensor<{N}xi{bits}>", f"!tile.desc<{N}xi{bits}>"
    params, body = load_inputs([("x", "a"), ("y", "b"), ("s", "n")], d, t)
    for i, op in enumerate(INT_OPS):
        operands = ("%a" if op == "math.absi" else
                    "%a, %n" if op.startswith("arith.sh") else "%a, %b")
        params.append(f"%o{i}: {d}")
        body += [f"%r{i} = {op} {operands} : {t}",
                 f"tile.store %r{i}, %o{i}[%c0] : {t}, {d}"]
    store_flags(body, params, "arith.cmpi", CMPI, t)
    return kernel_text(f"int_i{bits}", params, body)


def check_int_ops(run, rng, bits):
    program = os.path.join(run.dir.name, "int_i%d.mlir" % bits)
    with open(program, "w") as f:
        f.write(generate_int_kernel(bits))
    lo, hi = -(1 << (bits - 1)), 1 << (bits - 1)
    dtype = FILE_DTYPE["i%d" % bits]
    x = rng.integers(lo, hi, N, dtype=np.int64)
    y = rng.integers(lo, hi, N, dtype=np.int64)
    x[:6] = [lo, hi - 1, 0, -1, 7, -7]
    y[:6] = [3, -3, 5, 2, -2, 2]
    y[y == 0] = 1
    x[(x == lo) & (y == -1)] = lo + 1  # sdiv overflow is undefined
    s = rng.integers(0, bits, N, dtype=np.int64)
    ops = list(INT_OPS)
    outs = [np.zeros(N, dtype) for _ in ops]
    flags = [np.zeros(N, np.int8) for _ in CMPI]
    got = run(program, "int_i%d" % bits,
              [x.astype(dtype), y.astype(dtype), s.astype(dtype)] + outs + flags,
              range(3, 3 + len(ops) + len(CMPI)))
    xs, ys, ss = (v.tolist() for v in (x, y, s))
    u = lambda v: v % (1 << bits)
    for op, g in zip(ops, got):
        want = wrap([INT_OPS[op](a, b, u, n) for a, b, n in zip(xs, ys, ss)],
                    bits)
        check_exact("%s i%d" % (op, bits), g.astype(np.int64),
                    np.array(want, np.int64))
    for (pred, compare), g in zip(CMPI.items(), got[len(ops):]):
        conv = u if pred[0] == "u" else (lambda v: v)
        want = [int(compare(conv(a), conv(b))) for a, b in zip(xs, ys)]
        check_exact("arith.cmpi %s i%d" % (pred, bits), g, np.array(want))


# (op, input type, output type): conversions, with the NumPy reference on
# the input values (as float64 or int64) giving output values.
CASTS = [
    ("arith.extf", "f16", "f32", lambda v: v),
    ("arith.extf", "bf16", "f32", lambda v: v),
    ("arith.extf", "f32", "f64", lambda v: v),
    ("arith.extf", "f8E4M3FN", "f16", lambda v: v),
    ("arith.truncf", "f32", "f16", lambda v: round_to(v, "f16")),
    ("arith.truncf", "f32", "bf16", lambda v: round_to(v, "bf16")),
    ("arith.truncf", "f64", "f32", lambda v: round_to(v, "f32")),
    ("arith.truncf", "f32", "f8E4M3FN", lambda v: round_to(v, "f8E4M3FN")),
    ("arith.truncf", "f32", "f8E5M2", lambda v: round_to(v, "f8E5M2")),
    ("arith.extsi", "i8", "i32", lambda v: v),
    ("arith.extui", "i8", "i32", lambda v: v % 256),
    ("arith.extsi", "i16", "i64", lambda v: v),
    ("arith.trunci", "i32", "i8", lambda v: np.array(wrap(v.tolist(), 8))),
    ("arith.sitofp", "i32", "f32", lambda v: round_to(v, "f32")),
    ("arith.sitofp", "i64", "f32", lambda v: v.astype(F32)),
    ("arith.sitofp", "i32", "f16", lambda v: round_to(v, "f16")),
    ("arith.uitofp", "i32", "f32", lambda v: (v % 2**32).astype(F32)),
    ("arith.uitofp", "i8", "bf16", lambda v: round_to(v % 256, "bf16")),
    ("arith.fptosi", "f32", "i32", np.trunc),
    ("arith.fptosi", "bf16", "i16", np.trunc),
    ("arith.fptoui", "f32", "i32", lambda v: np.array(wrap(
        np.trunc(v).astype(np.int64).tolist(), 32))),
    ("arith.bitcast", "f32", "i32", lambda v: v.astype(F32).view(np.int32)),
    ("arith.bitcast", "i32", "f32", lambda v: v.astype(np.int32).view(F32)),
    ("arith.bitcast", "f16", "i16",
     lambda v: v.astype(np.float16).view(np.int16)),
    ("arith.bitcast", "bf16", "i16",
     lambda v: (v.astype(F32).view(np.uint32) >> 16).astype(
         np.uint16).view(np.int16)),
    ("arith.index_cast", "i32", "index", lambda v: v),
    ("arith.index_castui", "i32", "index", lambda v: v % 2**32),
]


def cast_input(rng, op, t):
    if op == "arith.fptoui":
        return round_to(rng.uniform(0, 4e9, N), t)
    if op in ("arith.fptosi", "arith.truncf"):
        v = rng.standard_normal(N) * (100 if t != "f64" else 1e30)
        if op == "arith.truncf":
            v[:8] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-9, 6e4, 1e-40]
        return round_to(v, t)
    if t.startswith(("f", "bf")):
        return round_to(rng.standard_normal(N) * 50, t)
    bits = int(t[1:])
    return rng.integers(-(1 << (bits - 1)), 1 << (bits - 1), N, dtype=np.int64)


def generate_cast_kernel():
    params, body = [], ["%c0 = arith.constant 0 : i32"]
    for i, (op, tin, tout, _) in enumerate(CASTS):
        din, tti = f"!tile.desc<{N}x{tin}>", f"tensor<{N}x{tin}>"
        tto = f"tensor<{N}x{tout}>"
        # index has no descriptor: it is stored through i64.
        stored = "i64" if tout == "index" else tout
        dout, tts = f"!tile.desc<{N}x{stored}>", f"tensor<{N}x{stored}>"
        params += [f"%i{i}: {din}", f"%o{i}: {dout}"]
        body += [f"%a{i} = tile.load %i{i}[%c0] : {din} -> {tti}",
                 f"%r{i} = {op} %a{i} : {tti} to {tto}"]
        result = f"%r{i}"
        if tout == "index":
            body.append(f"%w{i} = arith.index_cast %r{i} : {tto} to {tts}")
            result = f"%w{i}"
        body.append(f"tile.store {result}, %o{i}[%c0] : {tts}, {dout}")
    return kernel_text("casts", params, body)


def check_casts(run, rng):
    program = os.path.join(run.dir.name, "casts.mlir")
    with open(program, "w") as f:
        f.write(generate_cast_kernel())
    args, inputs = [], []
    for op, tin, tout, _ in CASTS:
        v = cast_input(rng, op, tin)
        inputs.append(v)
        args.append(v.astype(FILE_DTYPE[tin]))
        args.append(np.zeros(N, FILE_DTYPE.get(tout, np.int64)))
    got = run(program, "casts", args, range(1, 2 * len(CASTS), 2))
    with np.errstate(all="ignore"):
        for (op, tin, tout, ref), v, g in zip(CASTS, inputs, got):
            want = np.asarray(ref(v))
            if want.dtype.kind == "f" and g.dtype.kind == "f":
                want = want.astype(np.float64)
            check_exact("%s %s to %s" % (op, tin, tout), g, want)


def cmd_elementwise(args):
    run = Run()
    rng = np.random.default_rng(5)
    all_float = list(FLOAT_OPS)
    basic = [op for op in all_float if FLOAT_OPS[op][2]]
    check_float_ops(run, rng, "f32", all_float)
    check_float_ops(run, rng, "f64", basic)
    check_float_ops(run, rng, "f16", all_float)
    check_float_ops(run, rng, "bf16", all_float)
    for bits in (8, 32, 64):
        check_int_ops(run, rng, bits)
    check_casts(run, rng)
    print("elementwise: %d checks passed" % passed)


# --------------------------------------------------------------------------
# Helpers for other tests
# --------------------------------------------------------------------------

def cmd_save(args):
    rng = np.random.default_rng(6)
    shape = shape_of(args.shape)
    dtype = np.dtype(args.dtype)
    if dtype.kind == "f":
        data = rng.standard_normal(shape).astype(dtype)
    else:
        data = rng.integers(-100, 100, shape).astype(dtype)
    if args.fortran:
        data = np.asfortranarray(data.reshape(shape[::-1]).T)
    np.save(args.path, data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("axpy")
    p.add_argument("program")
    p.add_argument("sizes", nargs="+")
    p.set_defaults(fn=cmd_axpy)
    p = sub.add_parser("scale-rows")
    p.add_argument("program")
    p.add_argument("shapes", nargs="+")
    p.set_defaults(fn=cmd_scale_rows)
    p = sub.add_parser("gemm")
    p.add_argument("program")
    p.add_argument("--kernel", action="append", required=True,
                   help="a kernel of PROGRAM, or FILE@KERNEL; the outputs of "
                        "all kernels must agree")
    p.add_argument("--layout", choices=["nn", "nt"], required=True)
    p.add_argument("--dtype", choices=["f16", "bf16", "f8E4M3FN"], required=True)
    p.add_argument("--out-dtype", choices=["f32", "f16", "bf16"],
                   default="f32", help="element type of C")
    p.add_argument("--epilogue", choices=["bias-silu", "scale-bias-gelu"],
                   default=None,
                   help="bias-silu: the kernel takes an f32 bias of N and "
                        "returns silu(A·B + bias); scale-bias-gelu: an f32 "
                        "scale of M and an f16 bias of N, and returns "
                        "gelu(scale * A·B + bias)")
    p.add_argument("--extra-outputs", type=int, default=0,
                   help="C outputs after the first, each a copy of A·B")
    p.add_argument("--batch", type=int, default=0,
                   help="B x M x K, B x (K x N or N x K) and B x M x N "
                        "tensors: B GEMMs (default: matrices)")
    p.add_argument("shapes", nargs="+")
    p.set_defaults(fn=cmd_gemm)
    p = sub.add_parser("attention")
    p.add_argument("program")
    p.add_argument("--kernel", action="append", required=True)
    p.add_argument("--heads", type=int, default=0,
                   help="H x S x D tensors of H heads (default: matrices)")
    p.add_argument("--causal", action="store_true",
                   help="query i sees keys j <= i + Sk - Sq")
    p.add_argument("shapes", nargs="+", help="SqxSkxD")
    p.set_defaults(fn=cmd_attention)
    p = sub.add_parser("moe")
    p.add_argument("program")
    p.add_argument("--kernel", action="append", required=True)
    p.add_argument("--experts", type=int, required=True)
    p.add_argument("nk", help="NxK of each expert's weights")
    p.add_argument("groups", nargs="+",
                   help="tokens per expert, comma-separated")
    p.set_defaults(fn=cmd_moe)
    p = sub.add_parser("mlp")
    p.add_argument("program")
    p.add_argument("--kernel", action="append", required=True)
    p.add_argument("shapes", nargs="+", help="MxNxK")
    p.set_defaults(fn=cmd_mlp)
    p = sub.add_parser("tile-ops")
    p.add_argument("program")
    p.set_defaults(fn=cmd_tile_ops)
    p = sub.add_parser("elementwise")
    p.set_defaults(fn=cmd_elementwise)
    p = sub.add_parser("save")
    p.add_argument("path")
    p.add_argument("dtype")
    p.add_argument("shape")
    p.add_argument("--fortran", action="store_true")
    p.set_defaults(fn=cmd_save)
    args = parser.parse_args()
    if getattr(args, "extra_outputs", 0):
        args.extra_outputs = range(args.extra_outputs)
    elif args.command == "gemm":
        args.extra_outputs = []
    args.fn(args)


if __name__ == "__main__":
    main()
