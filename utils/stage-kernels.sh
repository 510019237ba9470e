#!/usr/bin/env bash
# Compiles the kernels the GPU checks run (test/gpu/run-gpu-checks.sh) into
# STAGE/kernels, STAGE/epilogue-variants, STAGE/variants/<name> and
# STAGE/mha (examples/attention.mlir):
#
#   bash utils/stage-kernels.sh KILNC STAGE
#
# Called by utils/stage-gpu.sh, and by test/gpu/script-dry.test, which runs
# the check script on these kernels without a GPU.
set -euo pipefail
if [ $# != 2 ]; then
  echo "usage: stage-kernels.sh KILNC STAGE" >&2
  exit 2
fi
# Absolute before the cd to the repository root.
kilnc=$(realpath "$1")
mkdir -p "$2"
stage=$(realpath "$2")
cd "$(dirname "$0")/.."
"$kilnc" test/gpu/gemm-variants.mlir -o "$stage/kernels"
"$kilnc" examples/gemm-epilogue.mlir -o "$stage/kernels"
"$kilnc" test/Interpreter/Inputs/gemm-gelu.mlir -o "$stage/kernels"
# Attention: P V takes P from registers. One head of matrices, and the
# example's tensors of heads (the same kernel name, so a folder of its own).
"$kilnc" test/Interpreter/Inputs/attention.mlir -o "$stage/kernels"
"$kilnc" examples/attention.mlir -o "$stage/mha"
# The fused epilogues persistent and ping-pong: chunked by
# tile-chunk-epilogue, checked on shapes where a CTA walks several tiles.
# Also with stores from registers (--tma-store=false).
for program in examples/gemm-epilogue.mlir test/Interpreter/Inputs/gemm-gelu.mlir; do
  "$kilnc" "$program" --variants=128x256p,64x256pp -o "$stage/epilogue-variants"
  "$kilnc" "$program" --variants=128x256p,64x256pp --tma-store=false \
    -o "$stage/epilogue-variants-direct"
done
# Tile-shape and persistence variants of the same programs: the benchmark
# times each, and reports the best per shape and the one a --variants
# launcher would choose among them (kiln_kernel_choose). Names ending in d
# store C from registers (--tma-store=false), the others with TMA.
while read -r name flags; do
  "$kilnc" test/gpu/gemm-variants.mlir $flags -o "$stage/variants/$name"
done <<'VARIANTS'
t128x256 --tile=128x256x64
t128x256p --tile=128x256x64 --persistent
t128x128p --tile=128x128x64 --persistent
t256x128p --tile=256x128x64 --persistent
t128x128 --tile=128x128x64
t128x128pp --tile=128x128x64 --pingpong
t64x256pp --tile=64x256x64 --pingpong
t128x256d --tile=128x256x64 --tma-store=false
t128x256pd --tile=128x256x64 --persistent --tma-store=false
t256x128pd --tile=256x128x64 --persistent --tma-store=false
t128x128ppd --tile=128x128x64 --pingpong --tma-store=false
VARIANTS
