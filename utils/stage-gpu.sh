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
cmake --build build --target kilnc kiln-gemm-check kiln-attention-check

stage=.device
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/kernels"
bash utils/stage-kernels.sh "$PWD/build/bin/kilnc" "$stage"
cp build/test/gpu/kiln-gemm-check build/test/gpu/kiln-attention-check "$stage/bin/"

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
cp test/gpu/run-gpu-checks.sh bench/attention_torch.py "$stage/"
git rev-parse --short HEAD > "$stage/commit" 2>/dev/null || echo unknown > "$stage/commit"
git diff --quiet HEAD 2>/dev/null || echo "(with uncommitted changes)" >> "$stage/commit"
du -sh "$stage"
echo "stage-gpu: ready; on the GPU run: bash $stage/run-gpu-checks.sh"
