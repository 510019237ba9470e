#!/usr/bin/env bash
# Stands in for compute-sanitizer in script.test: drops its options and runs
# the program, as if the sanitizer found nothing. FAKE_SANITIZER=unsupported
# answers as the tool does under gVisor; FAKE_SANITIZER=race reports a
# hazard.
case ${FAKE_SANITIZER:-} in
  unsupported)
    echo "========= Error: Device not supported. Please refer to the \"Supported Devices\" section of the sanitizer documentation"
    echo "gemm-check: cudaMalloc failed: unknown error"
    exit 2 ;;
  race)
    echo "========= Error: Race reported between Write access at 0x1f0 in gemm and Read access"
    exit 9 ;;
esac
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
  case $1 in --tool|--error-exitcode) shift ;; esac
  shift
done
exec "$@"
