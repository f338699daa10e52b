# sandbox_validator: the protovalidate ("buf.validate") rule evaluator for transcodely.v1
# messages. include()d by sandbox/CMakeLists.txt; needs the transcodely_proto target.
add_library(sandbox_validator STATIC
  ${CMAKE_CURRENT_LIST_DIR}/validator.cc
  ${CMAKE_CURRENT_LIST_DIR}/validator_cel.cc
  ${CMAKE_CURRENT_LIST_DIR}/validator_regex.cc
)
target_include_directories(sandbox_validator PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sandbox_validator PUBLIC transcodely_proto)
connect_cpp_strict_warnings(sandbox_validator)
