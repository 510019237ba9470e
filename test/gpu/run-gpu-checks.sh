#!/usr/bin/env bash
# Kiln's GPU checks, in one command, on an H100/H200 with the NVIDIA driver
# and CUDA 13 (cuBLAS, compute-sanitizer). Everything was built beforehand
# by utils/stage-gpu.sh on a machine without a GPU; this script only runs it.
#
#   bash .device/run-gpu-checks.sh          # checks, sanitizers, benchmark
#   QUICK=1 bash .device/run-gpu-checks.sh  # small shapes only, no benchmark
#
# 1. Correctness: every element of C against cuBLAS in f32 (pedantic), random
#    inputs, C poisoned with NaN first; all shapes of the GEMM issue, both B
#    layouts, bf16 and f16, narrow and f32 outputs; the bias + SiLU and the
#    scale + f16 bias + GELU epilogues (also persistent and ping-pong,
#    stored in column chunks); every tile-shape and persistence
#    variant on the smaller shapes; an application linking a generated
#    launcher; attention (P V with P from registers; one head, and the
#    example's batch of heads) against a CPU reference.
# 2. Benchmark: each variant and cuBLAS in the same run, TFLOP/s medians;
#    the best variant per shape, and the one a --variants launcher chooses;
#    then attention's TFLOP/s against PyTorch's SDPA where python3 has it.
# 3. compute-sanitizer memcheck, racecheck and synccheck on three small GEMM
#    shapes (a plain kernel and two persistent ones) and two attention
#    shapes (SKIP where the tool refuses the GPU, as under gVisor).
# A kernel that hangs is reported (HANG, exit 3) after 30 s, and the steps
# that need its layout are skipped; the whole run keeps inside BUDGET
# seconds (default 540), skipping what no longer fits, so its summary
# prints within the device tool's 600 s call.
# The log and TSVs go to $OUT (if set) or /tmp; with DRY_RUN=1 every
# kiln-gemm-check only checks its command line and kernels (no GPU needed).
# Exit status: 0 all passed; 1 a check failed or hung; 5 what ran passed
# but steps were skipped for time; 4 only a sanitizer reported problems.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/bin/kiln-gemm-check
abin=$here/bin/kiln-attention-check
k=$here/kernels
out=${OUT:-/tmp}
log=$out/gpu-checks.log
tsv=$out/gemm-bench.tsv
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
exec > >(tee "$log") 2>&1
start=$SECONDS
budget=${BUDGET:-540}
# A step is not started with less than this left (seconds).
min_step=${MIN_STEP:-20}
dry=${DRY_RUN:+--dry-run}
status=0
sanitizer=0
incomplete=0
summary=()

step() { # step LABEL TIMEOUT CMD...
  local label=$1 limit=$2
  shift 2
  local left=$((budget - (SECONDS - start)))
  if [ $left -lt "$min_step" ]; then
    echo "=== [$((SECONDS - start))s] $label: skipped, ${left}s of the budget left"
    summary+=("SKIP  $label (out of time)")
    incomplete=1
    return 0
  fi
  local cut=0
  if [ "$limit" -gt "$left" ]; then limit=$left; cut=1; fi
  echo "=== [$((SECONDS - start))s] $label"
  timeout -k 5 "$limit" "$@"
  local rc=$?
  # Stopped by the budget rather than by its own limit: no finding about
  # the kernels, and no pass either.
  if [ $cut = 1 ] && { [ $rc = 124 ] || [ $rc = 137 ]; }; then
    summary+=("SKIP  $label (out of time after ${limit}s)")
    incomplete=1
    return 0
  fi
  # A dry run checked a command line, not a kernel: no PASS for it.
  local ok=PASS
  [ -n "$dry" ] && ok=DRY
  if [ $rc = 0 ]; then summary+=("$ok  $label"); else summary+=("FAIL($rc)  $label"); fi
  return $rc
}

# Steps that need a layout whose kernels hung on the small shapes are
# skipped: each would wait out its own limit.
hung=""
hangs() { [ "$1" = 3 ] || [ "$1" = 124 ] || [ "$1" = 137 ]; }
skip_hung() { # skip_hung LAYOUT LABEL: true (and a SKIP line) if LAYOUT hung
  case " $hung " in
    *" $1 "*) summary+=("SKIP  $2 (the $1 kernels hung)"); return 0 ;;
  esac
  return 1
}

# kiln-gemm-check and embed-app need CUDA 13's libcudart and libcublas; the
# binaries look in /usr/local/cuda/lib (this build machine's layout). Where
# the loader finds neither there nor in its own paths, look for them.
if ldd "$bin" "$abin" "$here/bin/embed-app" 2>/dev/null | grep -q "not found"; then
  dirs=$(find /usr/local /usr/lib /opt -name 'libcublas.so.13' -o -name 'libcudart.so.13' \
    -o -name 'libcublasLt.so.13' 2>/dev/null | xargs -r -n1 dirname | sort -u | tr '\n' ':')
  export LD_LIBRARY_PATH=${dirs}${LD_LIBRARY_PATH:-}
  echo "libraries: LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  ldd "$bin" "$abin" "$here/bin/embed-app" 2>/dev/null | grep "not found"
fi

echo "kiln gpu checks: $(date -u +%FT%TZ), commit $(tr '\n' ' ' < "$here/commit")"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv || true
echo "kernel $(uname -r)"

small="1x8x8 127x136x72 1000x1000x1000 4000x5000x3000"
perf="4096x4096x4096 8192x8192x8192 4096x14336x4096 4096x4096x14336 512x4096x4096 16384x1024x8192 2048x2048x2048 8192x8192x1024"
[ -n "${QUICK:-}" ] && perf=""
variants=$(ls -d "$here"/variants/* 2>/dev/null)

# 1. Correctness. The small shapes first, every kernel and variant, with
# short limits (and kiln-gemm-check's 30 s watchdog): a kernel that hangs
# costs a minute of device time, not the call; then the large shapes. One
# kiln-gemm-check takes kernels of one input type.
# The variants' f32 outputs of 128-column tiles are staged for TMA whole
# and copied out in several boxes; the 256-column ones are too large to
# stage.
for layout in nt nn; do
  for t in bf16 f16; do
    vk=()
    for v in $variants; do
      vk+=(--kernel "$v/gemm_${t}_${layout}_${t}" --kernel "$v/gemm_${t}_${layout}_f32")
    done
    step "check small shapes $layout $t: -> $t and f32, every variant" 60 \
      "$bin" $dry --layout $layout --check \
      --kernel "$k/gemm_${t}_${layout}_${t}" --kernel "$k/gemm_${t}_${layout}_f32" \
      "${vk[@]}" $small
    rc=$?
    [ $rc = 0 ] && continue
    status=1
    hangs $rc && hung="$hung $layout"
  done
done
for layout in nt nn; do
  if [ -n "$perf" ] && ! skip_hung $layout "check large shapes bf16 $layout"; then
    step "check large shapes bf16 $layout: -> bf16, -> f32" 180 "$bin" $dry \
      --layout $layout --check --kernel "$k/gemm_bf16_${layout}_bf16" \
      --kernel "$k/gemm_bf16_${layout}_f32" $perf || status=1
  fi
  for t in bf16 f16; do
    skip_hung $layout "check variants $t $layout on 2048x2048x2048" && continue
    vk=()
    for v in $variants; do vk+=(--kernel "$v/gemm_${t}_${layout}_${t}"); done
    step "check variants $t $layout on 2048x2048x2048" 60 "$bin" $dry --layout $layout \
      --check "${vk[@]}" 2048x2048x2048 || status=1
  done
done
# The fused epilogues, plain and the staged variants.
for epilogue in bias-silu:gemm_bias_silu scale-bias-gelu:gemm_scale_bias_gelu; do
  name=${epilogue#*:}
  ek=()
  for v in "$here"/epilogue-variants*/"$name".*.cubin; do
    [ -e "$v" ] && ek+=(--kernel "${v%.cubin}")
  done
  skip_hung nt "check ${epilogue%%:*} epilogue" && continue
  step "check ${epilogue%%:*} epilogue, plain and the staged variants" 90 "$bin" $dry \
    --layout nt --epilogue "${epilogue%%:*}" --check --kernel "$k/$name" "${ek[@]}" \
    127x136x72 1000x1000x1000 4000x5000x320 || status=1
done
# An application linked against the installed package and the launcher
# kiln_add_kernels generated: bad launches rejected, then its GEMM checked.
if [ -x "$here/bin/embed-app" ]; then
  step "embed-app: launcher argument checks" 60 "$here/bin/embed-app" checks || status=1
  if [ -n "$dry" ]; then
    summary+=("SKIP  embed-app run (dry run)")
  elif ! skip_hung nt "embed-app run"; then
    step "embed-app: GEMM through the generated launcher" 60 "$here/bin/embed-app" run \
      1x8x8 127x136x72 256x512x1000 1000x1000x1000 130x264x0 || status=1
  fi
else
  summary+=("SKIP  embed-app (not staged)")
fi
# Attention: a key count that is not a multiple of the 64-key block, one
# key, a head dimension below the tile's, and larger ones; one head of
# matrices (64-row tiles, one consumer warp group), then the example's
# tensors of heads (128-row tiles split between two).
att_hung=""
if [ -x "$abin" ]; then
  step "check attention, one head (P V from registers)" 60 "$abin" $dry \
    --kernel "$k/attention_fwd" 128x200x64 1x1x64 70x64x40 1000x1000x64 2048x2048x64
  rc=$?
  [ $rc != 0 ] && status=1
  hangs $rc && att_hung=1
  step "check attention, heads (examples/attention.mlir)" 60 "$abin" $dry \
    --kernel "$here/mha/attention_fwd" 3x200x130x64 2x1x1x64 5x70x64x40 8x1000x1000x64 2x4096x2048x64
  rc=$?
  [ $rc != 0 ] && status=1
  hangs $rc && att_hung=1
  # Causal: square; more keys than queries; more queries than keys (the
  # first see none: zeros).
  step "check causal attention, heads" 60 "$abin" $dry --causal \
    --kernel "$here/mha/attention_causal_fwd" 3x200x200x64 2x130x300x64 2x300x130x40 2x1x1x64 4x2048x2048x64
  rc=$?
  [ $rc != 0 ] && status=1
  hangs $rc && att_hung=1
else
  summary+=("SKIP  attention (not staged)")
fi

# 2. Benchmark.
if [ -n "$perf" ]; then
  : > "$scratch/bench.raw"
  for kernel in gemm_bf16_nt_bf16 gemm_f16_nt_f16 gemm_bf16_nn_bf16; do
    layout=${kernel#gemm_*_}; layout=${layout%%_*}
    skip_hung $layout "bench $kernel" && continue
    vk=()
    for v in $variants; do vk+=(--kernel "$v/$kernel"); done
    # Not through a pipe: step's status and summary line must reach this
    # shell.
    step "bench $kernel" 120 "$bin" $dry --layout $layout --bench 50 --warmup 5 "${vk[@]}" \
      $perf > "$scratch/bench.part" || status=1
    tee -a "$scratch/bench.raw" < "$scratch/bench.part"
  done
  # variant kernel shape kiln cublas ratio, from
  # "bench <dir>/<kernel> <shape> kiln <t> TFLOP/s (..) cublas <t> TFLOP/s (..) ratio <r>"
  grep '^bench' "$scratch/bench.raw" | awk '{ n = split($2, p, "/"); print p[n-1]"\t"p[n]"\t"$3"\t"$5"\t"$10"\t"$15 }' > "$tsv"
  # kernel shape variant, from "choose <dir>/<kernel> <shape> on <n> SMs"
  grep '^choose' "$scratch/bench.raw" | awk '{ n = split($2, p, "/"); print p[n]"\t"$3"\t"p[n-1] }' > "$scratch/choice.tsv"
  # cuBLAS was timed once beside each variant: its median per kernel and
  # shape is the baseline of every row of that shape. Comparing each
  # variant with its own cuBLAS sample and keeping the best ratio would
  # pick the sample where cuBLAS happened to run slow (the clocks of a
  # long run drop: 8192^3 cuBLAS samples of one run spanned 554-729).
  sort -t$'\t' -k2,2 -k3,3 -k5,5g "$tsv" | awk -F'\t' '
    function flush() { if (n) print key"\t"((n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }
    ($2 FS $3) != key { flush(); key = $2 FS $3; n = 0 }
    { v[++n] = $5 }
    END { flush() }' > "$scratch/cublas.tsv"
  # Rows kernel shape variant kiln cublas ratio: the fastest variant, and
  # the one a --variants launcher runs (kiln_kernel_choose).
  rows() { # rows < "variant kernel shape kiln" lines: with the median cuBLAS
    awk -F'\t' 'NR == FNR { base[$1 FS $2] = $3; next }
      { c = base[$2 FS $3]; printf "%s\t%s\t%s\t%s\t%.1f\t%.3f\n", $2, $3, $1, $4, c, $4 / c }' \
      "$scratch/cublas.tsv" -
  }
  sort -t$'\t' -k2,2 -k3,3 -k4,4gr "$tsv" | awk -F'\t' '!seen[$2 FS $3]++' | rows > "$out/gemm-best.tsv"
  awk -F'\t' 'NR == FNR { pick[$1 FS $2] = $3; next } pick[$2 FS $3] == $1' \
    "$scratch/choice.tsv" "$tsv" | rows | sort > "$out/gemm-chosen.tsv"
  card=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)
  commit=$(head -n1 "$here/commit")
  table() { # table TITLE FILE NOTE: the rows, their geomean, and the same rows for bench/RESULTS.md
    echo
    echo "$1 (Kiln and cuBLAS TFLOP/s from the same run; cuBLAS the median of its samples):"
    echo "kernel	shape	variant	kiln	cublas	ratio"
    cat "$2"
    awk -F'\t' -v what="$3" '{ l += log($6); n++; if ($6 < min || n == 1) min = $6 }
      END { if (n) printf "geomean kiln/cublas %.3f over %d kernel-shapes, lowest %.3f (%s)\n", exp(l / n), n, min, what }' "$2"
    echo "rows for bench/RESULTS.md:"
    awk -F'\t' -v date="$(date -u +%F)" -v card="${card:-unknown}" -v commit="$commit" -v note="$3" \
      '{ printf "| %s | %s | %s | %s | %s | %s | %s | cuBLAS | %s | %s | %s |\n", date, card, commit, $1, $2, $3, $4, $5, $6, note }' "$2"
  }
  table "best variant per kernel and shape" "$out/gemm-best.tsv" "best of the staged variants"
  table "variant the launcher chooses (kiln_kernel_choose) per kernel and shape" \
    "$out/gemm-chosen.tsv" "launcher's choice"
fi

# Attention timings, plain and causal, over tensors of heads; the baseline
# is PyTorch's scaled_dot_product_attention where python3 has PyTorch
# (bench/attention_torch.py, timed the same way).
if [ -n "$perf" ] && [ -x "$abin" ] && [ -z "$att_hung" ]; then
  : > "$scratch/att.raw"
  torch=""
  [ -z "$dry" ] && [ -e "$here/attention_torch.py" ] &&
    python3 -c 'import torch' 2> /dev/null && torch=1
  [ -z "$torch" ] && summary+=("SKIP  attention baseline (no PyTorch, or a dry run)")
  att_shapes="16x4096x4096x64 32x2048x2048x64 4x16384x16384x64"
  for kernel in attention_fwd attention_causal_fwd; do
    causal=""; [ $kernel = attention_causal_fwd ] && causal=--causal
    # Not through a pipe, as for the GEMMs.
    step "bench $kernel" 90 "$abin" $dry --bench 20 $causal \
      --kernel "$here/mha/$kernel" $att_shapes > "$scratch/att.part" || status=1
    tee -a "$scratch/att.raw" < "$scratch/att.part"
    if [ -n "$torch" ]; then
      step "bench $kernel baseline: torch SDPA" 90 python3 "$here/attention_torch.py" \
        --bench 20 $causal $att_shapes > "$scratch/att.part" || status=1
      cat "$scratch/att.part"
      sed "s/^baseline /baseline $kernel /" "$scratch/att.part" >> "$scratch/att.raw"
    fi
  done
  # "bench <dir>/<kernel> <HxSqxSkxD> kiln <ms> ms <t> TFLOP/s" and
  # "baseline <kernel> torch-sdpa <HxSqxSkxD> <ms> ms <t> TFLOP/s (torch <v>)"
  echo "rows for bench/RESULTS.md (attention; shape HxSqxSkxD):"
  awk -v date="$(date -u +%F)" -v card="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)" \
    -v commit="$(head -n1 "$here/commit")" '
    /^baseline / { base[$2 FS $4] = $7; version = $9 " " $10; gsub(/[()]/, "", version); next }
    /^bench / { n = split($2, p, "/"); kern[++rows] = p[n]; shape[rows] = $3; kiln[rows] = $7 }
    END {
      for (i = 1; i <= rows; i++) {
        b = base[kern[i] FS shape[i]]
        if (b != "")
          printf "| %s | %s | %s | %s | %s | examples/attention.mlir | %s | torch SDPA | %s | %.3f | %s |\n",
            date, card, commit, kern[i], shape[i], kiln[i], b, kiln[i] / b, version
        else
          printf "| %s | %s | %s | %s | %s | examples/attention.mlir | %s | none | - | - | no baseline in this run |\n",
            date, card, commit, kern[i], shape[i], kiln[i]
      }
    }' "$scratch/att.raw"
fi

# 3. compute-sanitizer on three small GEMM shapes (the ring wraps in the
# first) and on the attention example. Last: under the tools a kernel runs
# many times slower, and a slow tool must not crowd the benchmark out of
# the budget.
cs=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer \
  /usr/local/cuda*/compute-sanitizer/compute-sanitizer 2>/dev/null | head -n1)
sanitize() { # sanitize LABEL TIMEOUT CMD...: each tool on CMD
  local label=$1 limit=$2
  shift 2
  for tool in memcheck racecheck synccheck; do
    # Not through a pipe, as in the benchmark below.
    step "compute-sanitizer $tool$label" "$limit" "$cs" --tool $tool --error-exitcode 9 \
      "$@" > "$scratch/sanitizer.log" 2>&1
    rc=$?
    cat "$scratch/sanitizer.log"
    # Under gVisor the tool refuses the device (KINDS.md): that is no finding
    # about the kernel, and no pass either.
    if [ $rc != 0 ] && grep -q "Device not supported" "$scratch/sanitizer.log"; then
      unset 'summary[-1]'
      summary+=("SKIP  compute-sanitizer $tool$label (it does not support this machine's GPU runtime)")
    elif [ $rc != 0 ]; then
      sanitizer=1
    fi
  done
}
if [ -z "$cs" ]; then
  summary+=("SKIP  compute-sanitizer (not installed)")
elif skip_hung nt "compute-sanitizer"; then
  :
else
  # With persistent variants where staged: 4096x2048x64 gives their CTAs
  # several tiles each, so the TMA stores reuse their staging slots; the
  # f32 output of 128x128 tiles is staged whole and copied out in four
  # boxes.
  more=()
  for v in t128x256p/gemm_bf16_nt_bf16 t128x128p/gemm_bf16_nt_f32; do
    [ -e "$here/variants/$v.cubin" ] && more+=(--kernel "$here/variants/$v")
  done
  sanitize "" 120 "$bin" $dry --watchdog 110 --layout nt --check \
    --kernel "$k/gemm_bf16_nt_bf16" "${more[@]}" 256x512x1024 127x136x72 4096x2048x64
fi
if [ -n "$cs" ] && [ -x "$abin" ] && [ -z "$att_hung" ]; then
  sanitize " attention, one head" 90 "$abin" $dry --watchdog 80 --kernel "$k/attention_fwd" 128x200x64
  sanitize " attention, heads" 90 "$abin" $dry --watchdog 80 --kernel "$here/mha/attention_fwd" 2x200x130x64
fi

echo
echo "=== summary ($((SECONDS - start)) s)"
printf '  %s\n' "${summary[@]}"
if [ $status != 0 ]; then echo "gpu checks: FAILED"; exit 1; fi
if [ $incomplete != 0 ]; then echo "gpu checks: INCOMPLETE: what ran passed, some steps did not fit the ${budget}s budget"; exit 5; fi
if [ $sanitizer != 0 ]; then echo "gpu checks: correct, but compute-sanitizer reported problems"; exit 4; fi
if [ -n "$dry" ]; then echo "gpu checks: dry run passed (command lines and kernels only, nothing ran on a GPU)"; exit 0; fi
echo "gpu checks: ALL PASSED"
