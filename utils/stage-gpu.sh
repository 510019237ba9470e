#!/usr/bin/env bash
# Prepares everything the GPU checks need, on a machine without a GPU:
# builds Kiln, compiles the GPU kernels with kilnc and copies them with the
# check programs into .device/ (ignored by git). Then, on an H100/H200 (the
# device tool: carry ".device"), one command runs every check:
#
#   bash .device/run-gpu-checks.sh
#
set -euo pipefail
cd "$(dirname "$0")/.."
bash utils/configure.sh
cmake --build build --target kilnc kiln-gemm-check

stage=.device
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/kernels"
build/bin/kilnc test/gpu/gemm-variants.mlir -o "$stage/kernels"
build/bin/kilnc examples/gemm-epilogue.mlir -o "$stage/kernels"
build/bin/kilnc test/Interpreter/Inputs/gemm-gelu.mlir -o "$stage/kernels"
# The fused epilogues persistent and ping-pong: chunked by
# tile-chunk-epilogue, checked on shapes where a CTA walks several tiles.
for program in examples/gemm-epilogue.mlir test/Interpreter/Inputs/gemm-gelu.mlir; do
  build/bin/kilnc "$program" --variants=128x256p,64x256pp -o "$stage/epilogue-variants"
done
# Tile-shape and persistence variants of the same programs: the benchmark
# times each, and reports the best per shape and the one a --variants
# launcher would choose among them (kiln_kernel_choose).
while read -r name flags; do
  build/bin/kilnc test/gpu/gemm-variants.mlir $flags -o "$stage/variants/$name"
done <<'VARIANTS'
t128x256 --tile=128x256x64
t128x256p --tile=128x256x64 --persistent
t128x128p --tile=128x128x64 --persistent
t256x128p --tile=256x128x64 --persistent
t128x128 --tile=128x128x64
t128x128pp --tile=128x128x64 --pingpong
t64x256pp --tile=64x256x64 --pingpong
VARIANTS
cp build/test/gpu/kiln-gemm-check "$stage/bin/"

# An application built against the installed package, linking the GEMM
# launcher that kiln_add_kernels generates (issue: AOT packaging).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --build build
cmake --install build --prefix "$scratch/prefix" > /dev/null
cmake -G Ninja -S test/Embed -B "$scratch/app" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" -DEMBED_OPT=OFF > /dev/null
cmake --build "$scratch/app" --target embed-app > /dev/null
cp "$scratch/app/embed-app" "$stage/bin/"
cp test/gpu/run-gpu-checks.sh "$stage/"
git rev-parse --short HEAD > "$stage/commit" 2>/dev/null || echo unknown > "$stage/commit"
git diff --quiet HEAD 2>/dev/null || echo "(with uncommitted changes)" >> "$stage/commit"
du -sh "$stage"
echo "stage-gpu: ready; on the GPU run: bash $stage/run-gpu-checks.sh"
