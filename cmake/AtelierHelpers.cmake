# atelier_module(NAME SOURCES ... DEPS ...)
# Defines library atelier_<NAME> (alias atelier::<NAME>) from libs/<NAME>/src,
# with its public headers under libs/<NAME>/include.
function(atelier_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(atelier_${name} STATIC ${ARG_SOURCES})
  add_library(atelier::${name} ALIAS atelier_${name})
  target_include_directories(atelier_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(atelier_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# atelier_test_flags(TARGET)
# Test code is compiled with -O1 and line tables only (-g1): a failing test
# still names its file and line, a backtrace its functions, and the suite's
# own code (gtest macros, fixtures) compiles in about half the time of -O2 -g.
# The libraries under test keep the build type's flags. Debug builds are left
# as they are.
function(atelier_test_flags target)
  target_compile_options(${target} PRIVATE "$<$<NOT:$<CONFIG:Debug>>:-O1;-g1>")
endfunction()

# atelier_test(NAME SOURCES ... DEPS ... [LABELS ...])
# A GoogleTest executable registered with ctest (one ctest entry per TEST).
function(atelier_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ATELIER_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  atelier_test_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    ATELIER_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ATELIER_BINARY_DIR="${PROJECT_BINARY_DIR}")
  include(GoogleTest)
  if(ARG_LABELS)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
