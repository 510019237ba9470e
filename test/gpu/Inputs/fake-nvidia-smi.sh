#!/usr/bin/env bash
# Stands in for nvidia-smi in script.test.
case "$*" in
  *noheader*) echo "NVIDIA H200" ;;
  *) echo "name, driver_version"; echo "NVIDIA H200, 999.99" ;;
esac
