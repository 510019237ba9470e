#!/usr/bin/env bash
# Builds what changed and runs Kiln's whole test suite (lit: dialects,
# passes, kilnc, PTX and ptxas checks, unit tests). Tests that need ptxas or
# a Hopper GPU are reported UNSUPPORTED where those are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash utils/configure.sh
cmake --build build --target check-kiln
