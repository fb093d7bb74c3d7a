# Crash safety of the real binary: `atelier serve --demo` killed with SIGKILL
# 20 times during mixed write load and restarted on the same data directory
# (tests/integration/crash_http_test.cc). About a minute on 2 cores.
add_executable(crash_http_test integration/crash_http_test.cc)
target_link_libraries(crash_http_test PRIVATE
  atelier::store atelier::demo atelier_http_test_client SQLiteCpp Boost::json GTest::gtest GTest::gtest_main)
target_compile_definitions(crash_http_test PRIVATE ATELIER_BIN="$<TARGET_FILE:atelier>")
add_dependencies(crash_http_test atelier)
add_test(NAME integration.crash_http COMMAND crash_http_test)
set_tests_properties(integration.crash_http PROPERTIES LABELS "integration;slow" TIMEOUT 900)
