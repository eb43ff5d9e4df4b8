# Fails when any C source or header differs from what .clang-format makes of it.
file(GLOB_RECURSE sources ${SOURCE_DIR}/cmd/*.[ch] ${SOURCE_DIR}/lib/*.[ch] ${SOURCE_DIR}/plots/*.[ch]
     ${SOURCE_DIR}/tests/*.[ch] ${SOURCE_DIR}/analyses/*.[ch])
list(FILTER sources EXCLUDE REGEX "/build")
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${sources} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "clang-format: sources differ from .clang-format (run clang-format -i on them)")
endif()
list(LENGTH sources n)
message(STATUS "clang-format: ${n} files formatted as .clang-format says")
