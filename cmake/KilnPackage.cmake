# Install rules and the CMake package of Kiln: `cmake --install build
# --prefix <p>` puts in place
#
#   bin/                 kilnc, kiln-opt, kiln-run
#   include/kiln/        public headers (and .td), the generated .h.inc they
#                        include, and kiln/runtime/ (the runtime's C/C++ API)
#   lib/                 libkiln_runtime.a and every Kiln library
#                        (libKilnInit.a, libKilnPipelines.a, ...)
#   lib/cmake/Kiln/      KilnConfig.cmake, its version file, the exported
#                        targets and KilnAddKernels.cmake
#
# so that `find_package(Kiln)` gives Kiln::kiln_runtime, Kiln::kilnc (and
# the other tools) and kiln_add_kernels(), and
# `find_package(Kiln COMPONENTS Compiler)` adds the compiler libraries as
# Kiln::<name>, which need MLIR (see KilnConfig.cmake.in). Included by the
# top-level CMakeLists.txt once the libraries and tools are defined.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KILN_VERSION 0.1.0)
set(KILN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Kiln")

# Headers: the source tree's, and the TableGen output they include.
install(DIRECTORY "${KILN_SOURCE_DIR}/include/kiln"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY "${KILN_BINARY_DIR}/include/kiln"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.h.inc"
  PATTERN "CMakeFiles" EXCLUDE)

# The tools link the shared libMLIR.so / libLLVM.so: installed, they look for
# them next to themselves and where LLVM is installed.
set(KILN_TOOLS kilnc kiln-opt kiln-run)
foreach(tool IN LISTS KILN_TOOLS)
  set_property(TARGET ${tool} APPEND PROPERTY INSTALL_RPATH
               "${LLVM_LIBRARY_DIR}")
endforeach()

# The names the package gives, for use inside this build too.
add_executable(Kiln::kilnc ALIAS kilnc)
if(TARGET kiln_runtime)
  add_library(Kiln::kiln_runtime ALIAS kiln_runtime)
endif()
include(KilnAddKernels)

get_property(KILN_COMPILER_LIBRARIES GLOBAL PROPERTY KILN_LIBS)

# kiln_runtime (runtime/CMakeLists.txt) and the tools are in KilnTargets; the
# libraries made with kiln_add_library in KilnCompilerTargets.
install(EXPORT KilnTargets
  NAMESPACE Kiln::
  FILE KilnTargets.cmake
  DESTINATION "${KILN_INSTALL_CMAKEDIR}")
install(EXPORT KilnCompilerTargets
  NAMESPACE Kiln::
  FILE KilnCompilerTargets.cmake
  DESTINATION "${KILN_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${KILN_SOURCE_DIR}/cmake/KilnConfig.cmake.in"
  "${KILN_BINARY_DIR}/cmake/package/KilnConfig.cmake"
  INSTALL_DESTINATION "${KILN_INSTALL_CMAKEDIR}"
  NO_SET_AND_CHECK_MACRO)
write_basic_package_version_file(
  "${KILN_BINARY_DIR}/cmake/package/KilnConfigVersion.cmake"
  VERSION ${KILN_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${KILN_BINARY_DIR}/cmake/package/KilnConfig.cmake"
  "${KILN_BINARY_DIR}/cmake/package/KilnConfigVersion.cmake"
  "${KILN_SOURCE_DIR}/cmake/KilnAddKernels.cmake"
  DESTINATION "${KILN_INSTALL_CMAKEDIR}")

# test/Embed installs the whole build: make the suite build all of it.
set_property(GLOBAL APPEND PROPERTY KILN_TEST_DEPENDS
             ${KILN_TOOLS} ${KILN_COMPILER_LIBRARIES})
if(TARGET kiln_runtime)
  set_property(GLOBAL APPEND PROPERTY KILN_TEST_DEPENDS kiln_runtime)
endif()
