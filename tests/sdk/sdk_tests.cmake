# Tests of the Transcodely SDK facade (client, errors, idempotency, retries, pagination, watch,
# webhooks). Included from tests/sdk/CMakeLists.txt.
if(TARGET transcodely)
  add_executable(sdk_unit_test
    ${CMAKE_CURRENT_LIST_DIR}/sdk_webhook_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sdk_errors_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sdk_pagination_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sdk_redact_test.cc)
  target_link_libraries(sdk_unit_test PRIVATE transcodely GTest::gtest_main)
  connect_cpp_strict_warnings(sdk_unit_test)
  gtest_discover_tests(sdk_unit_test TEST_PREFIX "sdk." DISCOVERY_TIMEOUT 60)

  add_executable(sdk_client_test
    ${CMAKE_CURRENT_LIST_DIR}/sdk_client_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sdk_fake_server.cc)
  target_link_libraries(sdk_client_test PRIVATE transcodely GTest::gtest_main)
  connect_cpp_strict_warnings(sdk_client_test)
  gtest_discover_tests(sdk_client_test TEST_PREFIX "sdk." DISCOVERY_TIMEOUT 60)

  add_executable(sdk_async_test
    ${CMAKE_CURRENT_LIST_DIR}/sdk_async_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sdk_fake_server.cc)
  target_link_libraries(sdk_async_test PRIVATE transcodely GTest::gtest_main)
  connect_cpp_strict_warnings(sdk_async_test)
  gtest_discover_tests(sdk_async_test TEST_PREFIX "sdk." DISCOVERY_TIMEOUT 60)
endif()
