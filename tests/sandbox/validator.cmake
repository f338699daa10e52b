# sandbox_validator_test: unit tests of the buf.validate evaluator (sandbox/validator.h).
# include()d by tests/sandbox/CMakeLists.txt; needs the sandbox_validator target.
set(SANDBOX_VALIDATOR_SCHEMA_JSON "${PROJECT_SOURCE_DIR}/../shared/api/transcodely-v1-schema.json"
    CACHE FILEPATH "transcodely.v1 schema JSON read by sandbox_validator_test (skipped if missing)")
add_executable(sandbox_validator_test ${CMAKE_CURRENT_LIST_DIR}/validator_test.cc)
target_link_libraries(sandbox_validator_test PRIVATE sandbox_validator GTest::gmock GTest::gtest_main)
target_compile_definitions(sandbox_validator_test PRIVATE
  SANDBOX_VALIDATOR_SCHEMA_JSON="${SANDBOX_VALIDATOR_SCHEMA_JSON}")
connect_cpp_strict_warnings(sandbox_validator_test)
gtest_discover_tests(sandbox_validator_test TEST_PREFIX "sandbox.validator." DISCOVERY_TIMEOUT 60)
