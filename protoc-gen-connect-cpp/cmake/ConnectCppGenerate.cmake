# connect_cpp_generate(): builds a static library from .proto files with protoc's C++ messages
# and protoc-gen-connect-cpp's clients and handlers.
#
#   connect_cpp_generate(<target>
#     PROTO_ROOT <dir>                 # the import root the PROTOS are relative to
#     PROTOS <file.proto>...           # relative to PROTO_ROOT
#     [IMPORT_DIRS <dir>...]           # further import roots (protobuf's own is always included)
#     [OUT_DIR <dir>]                  # default: ${CMAKE_CURRENT_BINARY_DIR}/<target>_gen
#     [PLUGIN_OPTIONS <opts>]          # passed as --connect-cpp_opt, e.g. "server=false"
#     [MOCKS]                          # also <stem>.connect_mock.h (the mocks=true option)
#     [CONNECT_SOURCES_DIR <dir>])     # use checked-in .connect.h/.cc from <dir> instead
#
# <target> is a STATIC library holding every .pb.cc and, for files that define services, the
# .connect.cc. Its PUBLIC include directories are OUT_DIR (and CONNECT_SOURCES_DIR), and it links
# PUBLIC to connectrpc and protobuf::libprotobuf. Generated code is built without -Werror and with
# -Wno-deprecated-declarations. Editing a .proto or rebuilding the plugin regenerates the code.
#
# MOCKS adds a gMock Mock<Service>Client per service in <stem>.connect_mock.h, for tests (with
# CONNECT_SOURCES_DIR, the checked-in directory must hold them). The library itself does not
# include them: a test target that does links GTest::gmock itself.
#
# Works in this source tree and when the project is embedded (add_subdirectory, FetchContent: the
# protoc-gen-connect-cpp target), after find_package(connectrpc) (the imported
# connectrpc::protoc-gen-connect-cpp), and otherwise finds an installed plugin (find_program next
# to this file's prefix and on PATH, or set CONNECT_CPP_PLUGIN_EXECUTABLE). It finds Protobuf
# (protoc, protobuf::libprotobuf and its import directory) itself when the caller has not.
include_guard(GLOBAL)

function(_connect_cpp_has_services proto_file out_var)
  file(READ "${proto_file}" content)
  # Drop comments so a commented-out service does not count.
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" content "${content}")
  string(REGEX REPLACE "//[^\n]*" "" content "${content}")
  if(content MATCHES "(^|[^A-Za-z0-9_.])service[ \t\r\n]+[A-Za-z_][A-Za-z0-9_]*[ \t\r\n]*{")
    set(${out_var} TRUE PARENT_SCOPE)
  else()
    set(${out_var} FALSE PARENT_SCOPE)
  endif()
endfunction()

function(connect_cpp_generate target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "MOCKS"
    "PROTO_ROOT;OUT_DIR;PLUGIN_OPTIONS;CONNECT_SOURCES_DIR" "PROTOS;IMPORT_DIRS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "connect_cpp_generate(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_PROTO_ROOT OR NOT ARG_PROTOS)
    message(FATAL_ERROR "connect_cpp_generate(${target}): PROTO_ROOT and PROTOS are required")
  endif()
  get_filename_component(proto_root "${ARG_PROTO_ROOT}" ABSOLUTE)
  if(ARG_OUT_DIR)
    get_filename_component(out_dir "${ARG_OUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_gen")
  endif()
  set(connect_dir "")
  if(ARG_CONNECT_SOURCES_DIR)
    get_filename_component(connect_dir "${ARG_CONNECT_SOURCES_DIR}" ABSOLUTE)
  endif()

  # Protobuf: the caller's, else found here (an embedding project's directory does not see the
  # imported targets that connectrpc's own find_package(Protobuf) created).
  if(NOT TARGET protobuf::libprotobuf OR (NOT Protobuf_INCLUDE_DIRS AND NOT Protobuf_INCLUDE_DIR)
     OR (NOT TARGET protobuf::protoc AND NOT Protobuf_PROTOC_EXECUTABLE))
    find_package(Protobuf REQUIRED)
  endif()
  if(NOT Protobuf_INCLUDE_DIRS)
    set(Protobuf_INCLUDE_DIRS "${Protobuf_INCLUDE_DIR}")
  endif()

  # protoc.
  if(TARGET protobuf::protoc)
    set(protoc protobuf::protoc)
  elseif(Protobuf_PROTOC_EXECUTABLE)
    set(protoc "${Protobuf_PROTOC_EXECUTABLE}")
  else()
    message(FATAL_ERROR "connect_cpp_generate(${target}): protoc not found; find_package(Protobuf) first")
  endif()

  # The plugin: CONNECT_CPP_PLUGIN_EXECUTABLE if set, else the in-tree target, else the imported
  # one, else an installed executable.
  set(plugin_args "")
  set(plugin_depends "")
  if(NOT connect_dir)
    if(CONNECT_CPP_PLUGIN_EXECUTABLE)
      set(plugin "${CONNECT_CPP_PLUGIN_EXECUTABLE}")
      set(plugin_depends "${CONNECT_CPP_PLUGIN_EXECUTABLE}")
    elseif(TARGET protoc-gen-connect-cpp)
      set(plugin "$<TARGET_FILE:protoc-gen-connect-cpp>")
      set(plugin_depends protoc-gen-connect-cpp)
    elseif(TARGET connectrpc::protoc-gen-connect-cpp)
      set(plugin "$<TARGET_FILE:connectrpc::protoc-gen-connect-cpp>")
      set(plugin_depends "$<TARGET_FILE:connectrpc::protoc-gen-connect-cpp>")
    else()
      # Installed as <prefix>/lib/cmake/connectrpc/ConnectCppGenerate.cmake: look in <prefix>/bin.
      find_program(CONNECT_CPP_PLUGIN_EXECUTABLE protoc-gen-connect-cpp
        HINTS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../../../bin" REQUIRED)
      set(plugin "${CONNECT_CPP_PLUGIN_EXECUTABLE}")
      set(plugin_depends "${CONNECT_CPP_PLUGIN_EXECUTABLE}")
    endif()
    set(plugin_args "--plugin=protoc-gen-connect-cpp=${plugin}" "--connect-cpp_out=${out_dir}")
    set(plugin_options "${ARG_PLUGIN_OPTIONS}")
    if(ARG_MOCKS)
      if(plugin_options)
        string(APPEND plugin_options ",")
      endif()
      string(APPEND plugin_options "mocks=true")
    endif()
    if(plugin_options)
      list(APPEND plugin_args "--connect-cpp_opt=${plugin_options}")
    endif()
  endif()

  set(import_args "-I${proto_root}")
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    get_filename_component(dir "${dir}" ABSOLUTE)
    list(APPEND import_args "-I${dir}")
  endforeach()
  foreach(dir IN LISTS Protobuf_INCLUDE_DIRS)
    list(APPEND import_args "-I${dir}")
  endforeach()

  set(proto_files "")
  set(outputs "")
  set(sources "")
  set(connect_sources "")
  foreach(proto IN LISTS ARG_PROTOS)
    set(proto_file "${proto_root}/${proto}")
    if(NOT EXISTS "${proto_file}")
      message(FATAL_ERROR "connect_cpp_generate(${target}): ${proto_file} does not exist")
    endif()
    list(APPEND proto_files "${proto_file}")
    string(REGEX REPLACE "\\.proto$" "" stem "${proto}")
    list(APPEND outputs "${out_dir}/${stem}.pb.h" "${out_dir}/${stem}.pb.cc")
    list(APPEND sources "${out_dir}/${stem}.pb.cc")
    _connect_cpp_has_services("${proto_file}" has_services)
    if(has_services)
      if(connect_dir)
        list(APPEND connect_sources "${connect_dir}/${stem}.connect.cc")
        if(ARG_MOCKS AND NOT EXISTS "${connect_dir}/${stem}.connect_mock.h")
          message(FATAL_ERROR "connect_cpp_generate(${target}): MOCKS, but "
                              "${connect_dir}/${stem}.connect_mock.h does not exist")
        endif()
      else()
        list(APPEND outputs "${out_dir}/${stem}.connect.h" "${out_dir}/${stem}.connect.cc")
        list(APPEND connect_sources "${out_dir}/${stem}.connect.cc")
        if(ARG_MOCKS)
          list(APPEND outputs "${out_dir}/${stem}.connect_mock.h")
        endif()
      endif()
    endif()
  endforeach()

  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${out_dir}"
    COMMAND ${protoc} ${import_args} "--cpp_out=${out_dir}" ${plugin_args} ${ARG_PROTOS}
    WORKING_DIRECTORY "${proto_root}"
    DEPENDS ${proto_files} ${plugin_depends} ${protoc}
    COMMENT "Generating C++ and Connect code for ${target}"
    COMMAND_EXPAND_LISTS
    VERBATIM)

  add_library(${target} STATIC ${sources} ${connect_sources})
  target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${out_dir}>")
  if(connect_dir)
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${connect_dir}>")
  endif()
  # connectrpc::connectrpc is the in-tree alias or the installed imported target.
  if(TARGET connectrpc::connectrpc)
    set(runtime connectrpc::connectrpc)
  else()
    set(runtime connectrpc)
  endif()
  target_link_libraries(${target} PUBLIC ${runtime} protobuf::libprotobuf)
  # Generated code is not held to the project's -Werror, and may use deprecated APIs.
  target_compile_options(${target} PRIVATE -Wno-deprecated-declarations)
endfunction()
