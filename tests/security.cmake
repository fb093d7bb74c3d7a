# Hardening over real HTTP (tests/integration/security_http_test.cc):
# injection, traversal, other shoppers' data, keys and scopes, CSRF, session
# fixation, password storage, security headers, request limits, slow
# clients, rate limits, hostile product models.

add_executable(security_http_test
  integration/security_http_test.cc integration/test_shop.cc)
target_link_libraries(security_http_test PRIVATE
  atelier::server atelier::orders atelier::config atelier::config_testing atelier::demo atelier_http_test_client Boost::json
  sodium GTest::gtest GTest::gtest_main)
add_test(NAME integration.security_http COMMAND security_http_test)
set_tests_properties(integration.security_http PROPERTIES LABELS "integration;security" TIMEOUT 600)
