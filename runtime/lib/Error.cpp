//===- Error.cpp - status codes and the thread's last error ---------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Error.h"

#include <cstdarg>
#include <cstdio>

namespace kiln::rt {

namespace {
thread_local std::string lastError;
} // namespace

std::string format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list again;
  va_copy(again, args);
  int size = std::vsnprintf(nullptr, 0, fmt, args);
  va_end(args);
  std::string result(size > 0 ? size_t(size) : 0, '\0');
  if (size > 0)
    std::vsnprintf(result.data(), result.size() + 1, fmt, again);
  va_end(again);
  return result;
}

kiln_status fail(kiln_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

void clearError() { lastError.clear(); }

} // namespace kiln::rt

extern "C" const char *kiln_status_string(kiln_status status) {
  switch (status) {
  case KILN_SUCCESS:
    return "KILN_SUCCESS";
  case KILN_ERROR_INVALID_VALUE:
    return "KILN_ERROR_INVALID_VALUE";
  case KILN_ERROR_INVALID_METADATA:
    return "KILN_ERROR_INVALID_METADATA";
  case KILN_ERROR_INVALID_ARGUMENT:
    return "KILN_ERROR_INVALID_ARGUMENT";
  case KILN_ERROR_NO_DRIVER:
    return "KILN_ERROR_NO_DRIVER";
  case KILN_ERROR_NO_DEVICE:
    return "KILN_ERROR_NO_DEVICE";
  case KILN_ERROR_UNSUPPORTED_DEVICE:
    return "KILN_ERROR_UNSUPPORTED_DEVICE";
  case KILN_ERROR_DRIVER:
    return "KILN_ERROR_DRIVER";
  }
  return "unknown kiln_status";
}

extern "C" const char *kiln_last_error(void) {
  return kiln::rt::lastError.c_str();
}

extern "C" kiln_status kiln_set_error(kiln_status status, const char *message) {
  return kiln::rt::fail(status,
                        status != KILN_SUCCESS && message ? message : "");
}
