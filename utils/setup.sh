#!/usr/bin/env bash
# Sets up Kiln on a fresh Debian 12 machine and runs its main job:
#   1. installs the Debian packages Kiln builds with (LLVM/MLIR 22, CMake,
#      Ninja, ccache, GoogleTest, NumPy for tests) if any is missing;
#   2. configures and builds everything into build/;
#   3. compiles the example GEMM with kilnc into build/out/ (PTX, cubin,
#      metadata and launcher per kernel).
# The CUDA toolkit (ptxas, cuda.h) is expected at /usr/local/cuda or
# $CUDA_HOME; without ptxas kilnc writes PTX but no cubins.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build ccache g++ python3 python3-numpy libgtest-dev
          libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

bash utils/configure.sh
cmake --build build

mkdir -p build/out
build/bin/kilnc examples/gemm.mlir -o build/out
echo "setup: compiled examples/gemm.mlir into build/out:"
ls -l build/out
