//===- Error.h - status codes and the thread's last error -------*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every failing path of the runtime ends in `fail`, which records a message
// for kiln_last_error() and returns the status to hand back to the caller.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_LIB_ERROR_H
#define KILN_RUNTIME_LIB_ERROR_H

#include "kiln/runtime/kiln.h"

#include <string>

namespace kiln::rt {

/// Formats a message with printf conventions.
std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/// Records `message` as this thread's last error and returns `status`.
kiln_status fail(kiln_status status, std::string message);

/// Clears this thread's last error; every C entry point starts with it.
void clearError();

} // namespace kiln::rt

#endif // KILN_RUNTIME_LIB_ERROR_H
