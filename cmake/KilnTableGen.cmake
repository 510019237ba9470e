# Helpers for running mlir-tblgen on Kiln's .td files. TableGen reads the
# include path from its arguments, so nothing is added to global include
# directories.

include(GNUInstallDirs)

function(kiln_tablegen ofn)
  mlir_tablegen(${ofn} ${ARGN}
    EXTRA_INCLUDES ${MLIR_INCLUDE_DIRS} ${KILN_SOURCE_DIR}/include)
  set(TABLEGEN_OUTPUT ${TABLEGEN_OUTPUT} PARENT_SCOPE)
endfunction()

# Declares the include directories and MLIR headers a Kiln library needs.
function(kiln_target_includes target)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${KILN_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${KILN_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_include_directories(${target} SYSTEM PUBLIC
    $<BUILD_INTERFACE:${MLIR_INCLUDE_DIRS}>
    $<BUILD_INTERFACE:${LLVM_INCLUDE_DIRS}>)
endfunction()

# A Kiln library: plain add_library linked against the shared libMLIR.so,
# installed into lib/ and exported as Kiln::<name> by the package's Compiler
# component (cmake/KilnPackage.cmake).
#   kiln_add_library(name SOURCES... DEPENDS targets... LINK libs...)
function(kiln_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_compile_features(${name} PUBLIC cxx_std_17)
  kiln_target_includes(${name})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK} MLIR LLVM)
  set_property(GLOBAL APPEND PROPERTY KILN_LIBS ${name})
  install(TARGETS ${name} EXPORT KilnCompilerTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()
