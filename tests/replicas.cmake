# Two replicas on one PostgreSQL: two real `atelier serve` processes (the
# built binary) on a throwaway PostgreSQL 15 the test starts itself; skips
# when PostgreSQL is not installed.
add_executable(replicas_http_test integration/replicas_http_test.cc)
target_link_libraries(replicas_http_test PRIVATE
  atelier::catalog atelier::orders atelier::demo atelier::store atelier::store_testing
  atelier_http_test_client Boost::json GTest::gtest GTest::gtest_main)
target_compile_definitions(replicas_http_test PRIVATE ATELIER_BIN="$<TARGET_FILE:atelier>")
add_dependencies(replicas_http_test atelier)
add_test(NAME integration.replicas_http COMMAND replicas_http_test)
set_tests_properties(integration.replicas_http PROPERTIES LABELS "integration;postgres" TIMEOUT 600)
