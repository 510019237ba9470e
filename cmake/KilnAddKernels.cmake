# kiln_add_kernels: compile tile programs with kilnc at build time and link
# their launchers into a target. Part of Kiln's CMake package (installed next
# to KilnConfig.cmake); Kiln's own build includes it too.
#
#   kiln_add_kernels(<target> <program.mlir>...
#                    [OPTIONS <kilnc flags>...] [OUTPUT_DIR <dir>])
#
# For each program, kilnc writes <dir>/<stem>.h and <dir>/<stem>.cpp (stem:
# the file name without .mlir):
#
#   kilnc <program> --emit=launcher -o <dir>/<stem> <OPTIONS...>
#
# The .cpp embeds the kernels' cubins (PTX where ptxas is missing) and
# defines kiln_<kernel>() for each kernel; <target> compiles it, finds the
# header as "<stem>.h", and links Kiln::kiln_runtime. The command reruns when
# the program or kilnc changes. OUTPUT_DIR defaults to
# ${CMAKE_CURRENT_BINARY_DIR}/kiln/<target>; relative paths are taken from
# the current source (programs) and binary (OUTPUT_DIR) directories.
#
# Needs the targets Kiln::kilnc and Kiln::kiln_runtime.

function(kiln_add_kernels target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT_DIR" "OPTIONS")
  set(programs ${ARG_UNPARSED_ARGUMENTS})
  if(NOT TARGET ${target})
    message(FATAL_ERROR "kiln_add_kernels: '${target}' is not a target")
  endif()
  if(NOT programs)
    message(FATAL_ERROR "kiln_add_kernels(${target}): no tile program given")
  endif()
  foreach(needed Kiln::kilnc Kiln::kiln_runtime)
    if(NOT TARGET ${needed})
      message(FATAL_ERROR "kiln_add_kernels(${target}): ${needed} is not "
                          "defined (Kiln was built without it?)")
    endif()
  endforeach()

  if(ARG_OUTPUT_DIR)
    get_filename_component(out "${ARG_OUTPUT_DIR}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(out "${CMAKE_CURRENT_BINARY_DIR}/kiln/${target}")
  endif()

  set(stems)
  foreach(program IN LISTS programs)
    get_filename_component(source "${program}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(name "${source}" NAME)
    string(REGEX REPLACE "\\.mlir$" "" stem "${name}")
    if(stem IN_LIST stems)
      message(FATAL_ERROR "kiln_add_kernels(${target}): two programs named "
                          "'${stem}'; give them different file names")
    endif()
    list(APPEND stems "${stem}")

    add_custom_command(
      OUTPUT "${out}/${stem}.h" "${out}/${stem}.cpp"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${out}"
      COMMAND Kiln::kilnc "${source}" --emit=launcher -o "${out}/${stem}"
              ${ARG_OPTIONS}
      DEPENDS "${source}" "$<TARGET_FILE:Kiln::kilnc>"
      COMMENT "kilnc: compiling ${name} into launchers ${stem}.h/.cpp"
      VERBATIM)
    target_sources(${target} PRIVATE "${out}/${stem}.cpp" "${out}/${stem}.h")
  endforeach()

  target_include_directories(${target} PRIVATE "${out}")
  target_link_libraries(${target} PRIVATE Kiln::kiln_runtime)
endfunction()
