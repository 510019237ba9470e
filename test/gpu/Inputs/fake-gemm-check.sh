#!/usr/bin/env bash
# Stands in for kiln-gemm-check in script.test: the same command line and
# output lines, made-up numbers. Checks pass unless FAKE_FAIL names
# "<layout> <shape>". Benchmarks: variant t2 runs at 600 TFLOP/s and t1 at
# 500, except on 512x4096x4096 (t1 550, t2 400) and 8192x8192x8192 (t1 590);
# cuBLAS beside t1 at 640 and beside t2 at 660 (median 650), but on
# 8192x8192x8192 at 500 beside t1 and 800 beside t2, where t1 has the best
# ratio to its own sample and t2 is the faster kernel. The choice
# among variants is always the first one given (t1). FAKE_BENCH_FAIL makes
# benchmarks exit 1. FAKE_HANG="<layout>" makes checks of that layout hang
# (HANG, exit 3, as the real program's watchdog). Like the real program, it
# refuses kernels of two input types in one call. FAKE_SLOW=<seconds>
# makes every run take that long.
layout=nt mode= kernels=() shapes=()
while [ $# -gt 0 ]; do
  case $1 in
    --layout) layout=$2; shift ;;
    --kernel) kernels+=("$2"); shift ;;
    --check) mode=check ;;
    --bench) mode=bench; shift ;;
    --warmup|--epilogue|--watchdog) shift ;;
    --dry-run) ;;
    -*) echo "fake-gemm-check: unknown option $1" >&2; exit 2 ;;
    *) shapes+=("$1") ;;
  esac
  shift
done
types=$(printf '%s\n' "${kernels[@]}" | sed -n 's|.*/gemm_\(b\?f16\)_.*|\1|p' | sort -u | wc -l)
if [ "$types" -gt 1 ]; then
  echo "gemm-check: ${kernels[0]} and others take different inputs" >&2
  exit 2
fi
if [ "$mode" = check ] && [ "${FAKE_HANG:-}" = "$layout" ]; then
  echo "HANG check ${kernels[0]} ${shapes[0]}: not finished after 30 s"
  exit 3
fi
[ -n "${FAKE_SLOW:-}" ] && sleep "$FAKE_SLOW"
status=0
for kernel in "${kernels[@]}"; do
  for shape in "${shapes[@]}"; do
    if [ "$mode" = check ]; then
      if [ "${FAKE_FAIL:-}" = "$layout $shape" ]; then
        echo "check $kernel $shape: 3 elements wrong"; status=1
      else
        echo "check $kernel $shape ok"
      fi
      continue
    fi
    case $kernel:$shape in
      */t1/*:512x4096x4096) t=550.0 c=640.0 ;;
      */t2/*:512x4096x4096) t=400.0 c=660.0 ;;
      */t1/*:8192x8192x8192) t=590.0 c=500.0 ;;
      */t2/*:8192x8192x8192) t=600.0 c=800.0 ;;
      */t1/*) t=500.0 c=640.0 ;;
      *) t=600.0 c=660.0 ;;
    esac
    echo "bench $kernel $shape kiln $t TFLOP/s (1.0000 ms) cublas $c TFLOP/s (1.0000 ms) ratio $(awk "BEGIN { printf \"%.3f\", $t / $c }")"
  done
done
# The launcher's choice: the first kernel (t1), after each shape's lines in
# the real program; the script must not depend on where.
if [ "$mode" = bench ] && [ ${#kernels[@]} -gt 1 ]; then
  for shape in "${shapes[@]}"; do echo "choose ${kernels[0]} $shape on 132 SMs"; done
fi
# FAKE_BENCH_FAIL: a benchmark that fails after printing its lines.
[ "$mode" = bench ] && [ -n "${FAKE_BENCH_FAIL:-}" ] && status=1
exit $status
