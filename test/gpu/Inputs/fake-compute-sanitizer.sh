#!/usr/bin/env bash
# Stands in for compute-sanitizer in script.test: drops its options and runs
# the program, as if the sanitizer found nothing.
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
  case $1 in --tool|--error-exitcode) shift ;; esac
  shift
done
exec "$@"
