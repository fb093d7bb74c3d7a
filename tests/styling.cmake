# Personal shoppers over real HTTP (tests/integration/styling_http_test.cc):
# a shopper asks, a stylist is assigned and sends picks with notes, messages
# both ways, one-click buy, and no one reads another's request.

add_executable(styling_http_test
  integration/styling_http_test.cc integration/test_shop.cc)
target_link_libraries(styling_http_test PRIVATE
  atelier::server atelier::orders atelier::demo atelier_http_test_client Boost::json GTest::gtest GTest::gtest_main)
add_test(NAME integration.styling_http COMMAND styling_http_test)
set_tests_properties(integration.styling_http PROPERTIES LABELS "integration" TIMEOUT 300)
