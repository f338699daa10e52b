# Install rules, the CMake package (connectrpcConfig.cmake), the pkg-config files and CPack.
# Included from the top-level CMakeLists.txt when CONNECTRPC_INSTALL is on.
#
# Installed layout (<prefix> is CMAKE_INSTALL_PREFIX or cmake --install --prefix):
#   bin/protoc-gen-connect-cpp
#   include/connectrpc/**.h                        the runtime's public headers
#   lib/libconnectrpc.{a,so}
#   lib/cmake/connectrpc/                          connectrpcConfig.cmake, ...Version.cmake,
#                                                  connectrpcTargets.cmake, ConnectCppGenerate.cmake
#   lib/pkgconfig/connectrpc.pc
#   with request validation (CONNECTRPC_BUILD_VALIDATE) or the SDK, as the component "validate":
#   include/connectrpc/validate/*.h (with CONNECTRPC_BUILD_VALIDATE), include/buf/validate/*.pb.h
#   lib/libconnectrpc_validate.{a,so}, lib/libconnectrpc_validate_proto.a
#   lib/cmake/connectrpc/connectrpcValidateTargets.cmake, lib/pkgconfig/connectrpc-validate.pc
#   with the SDK (CONNECTRPC_BUILD_SDK), as the component "transcodely" (which needs "validate"):
#   include/transcodely/*.h, include/transcodely/v1/*.{pb,connect}.h
#   lib/libtranscodely.{a,so}, lib/libtranscodely_proto.a
#   lib/cmake/connectrpc/connectrpcTranscodelyTargets.cmake, lib/pkgconfig/connectrpc-transcodely.pc
include(CMakePackageConfigHelpers)

set(CONNECTRPC_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/connectrpc" CACHE STRING
    "Where connectrpcConfig.cmake is installed, relative to the prefix")
set(CONNECTRPC_PKGCONFIG_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
    "Where connectrpc.pc is installed, relative to the prefix")
set(CONNECTRPC_BOOST_MIN_VERSION 1.81)

# install --strip (and CPack with CPACK_STRIP_FILES) strips executables and shared libraries but
# leaves static archives as built; this drops their debug sections too (what Debian's dh_strip
# does to a -dev package's .a files).
function(_connectrpc_install_strip_archives component)
  foreach(target IN LISTS ARGN)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      set(archive "\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:${target}>")
      install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug --enable-deterministic-archives
                          \"${archive}\" COMMAND_ERROR_IS_FATAL ANY)
endif()"
        COMPONENT ${component})
    endif()
  endforeach()
endfunction()

# The runtime, its headers and the plugin.
install(TARGETS connectrpc
  EXPORT connectrpcTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT connectrpc
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT connectrpc
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
_connectrpc_install_strip_archives(connectrpc connectrpc)
install(TARGETS protoc-gen-connect-cpp
  EXPORT connectrpcTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT plugin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/connectrpc
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT connectrpc
  FILES_MATCHING PATTERN "*.h")
install(EXPORT connectrpcTargets
  NAMESPACE connectrpc::
  DESTINATION ${CONNECTRPC_CMAKE_INSTALL_DIR}
  COMPONENT connectrpc)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/connectrpcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/connectrpcConfig.cmake
  INSTALL_DESTINATION ${CONNECTRPC_CMAKE_INSTALL_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/connectrpcConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/connectrpcConfig.cmake
  ${PROJECT_BINARY_DIR}/connectrpcConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/protoc-gen-connect-cpp/cmake/ConnectCppGenerate.cmake
  DESTINATION ${CONNECTRPC_CMAKE_INSTALL_DIR}
  COMPONENT connectrpc)

# pkg-config. The prefix is found from the .pc file's own directory, so an installed tree can be
# moved (and the same file serves cmake --install --prefix <anything>).
file(RELATIVE_PATH CONNECTRPC_PC_PREFIX_FROM_PCDIR "/prefix/${CONNECTRPC_PKGCONFIG_INSTALL_DIR}"
     "/prefix")
string(REGEX REPLACE "/$" "" CONNECTRPC_PC_PREFIX_FROM_PCDIR "${CONNECTRPC_PC_PREFIX_FROM_PCDIR}")
set(_connectrpc_pc_public protobuf absl_any_invocable)
set(_connectrpc_pc_private absl_strings absl_flat_hash_map absl_synchronization openssl zlib)
set(_connectrpc_pc_private_libs -lboost_json -lboost_url)
if(BUILD_SHARED_LIBS)
  list(JOIN _connectrpc_pc_public " " CONNECTRPC_PC_REQUIRES)
  list(JOIN _connectrpc_pc_private " " CONNECTRPC_PC_REQUIRES_PRIVATE)
  set(CONNECTRPC_PC_LIBS "-pthread")
  list(JOIN _connectrpc_pc_private_libs " " CONNECTRPC_PC_LIBS_PRIVATE)
else()
  # A static library: everything it uses must be linked, so plain `pkg-config --libs` (without
  # --static) lists it all.
  list(JOIN _connectrpc_pc_public " " CONNECTRPC_PC_REQUIRES)
  list(JOIN _connectrpc_pc_private " " _private)
  string(APPEND CONNECTRPC_PC_REQUIRES " ${_private}")
  set(CONNECTRPC_PC_REQUIRES_PRIVATE "")
  list(JOIN _connectrpc_pc_private_libs " " CONNECTRPC_PC_LIBS)
  string(APPEND CONNECTRPC_PC_LIBS " -pthread")
  set(CONNECTRPC_PC_LIBS_PRIVATE "")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/connectrpc.pc.in ${PROJECT_BINARY_DIR}/connectrpc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/connectrpc.pc
  DESTINATION ${CONNECTRPC_PKGCONFIG_INSTALL_DIR}
  COMPONENT connectrpc)

# Request validation, the component "validate": connectrpc::validate and the buf.validate
# generated code (connectrpc::validate_proto), which the Transcodely protos also use.
if(TARGET connectrpc_validate_proto)
  set(_connectrpc_validate_targets connectrpc_validate_proto)
  if(TARGET connectrpc_validate)
    list(APPEND _connectrpc_validate_targets connectrpc_validate)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/validate/include/connectrpc/validate
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/connectrpc
      COMPONENT validate
      FILES_MATCHING PATTERN "*.h")
  endif()
  install(TARGETS ${_connectrpc_validate_targets}
    EXPORT connectrpcValidateTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT validate
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT validate
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  _connectrpc_install_strip_archives(validate ${_connectrpc_validate_targets})
  install(DIRECTORY ${PROJECT_BINARY_DIR}/validate/connectrpc_validate_proto_gen/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT validate
    FILES_MATCHING PATTERN "*.h")
  install(EXPORT connectrpcValidateTargets
    NAMESPACE connectrpc::
    DESTINATION ${CONNECTRPC_CMAKE_INSTALL_DIR}
    COMPONENT validate)

  if(TARGET connectrpc_validate)
    set(CONNECTRPC_VALIDATE_PC_LIBS "-lconnectrpc_validate")
  else()
    set(CONNECTRPC_VALIDATE_PC_LIBS "")
  endif()
  if(BUILD_SHARED_LIBS AND TARGET connectrpc_validate)
    # connectrpc_validate_proto (static) is inside libconnectrpc_validate.so.
    set(CONNECTRPC_VALIDATE_PC_LIBS_PRIVATE "-lconnectrpc_validate_proto")
  else()
    string(APPEND CONNECTRPC_VALIDATE_PC_LIBS " -lconnectrpc_validate_proto")
    set(CONNECTRPC_VALIDATE_PC_LIBS_PRIVATE "")
  endif()
  configure_file(${CMAKE_CURRENT_LIST_DIR}/connectrpc-validate.pc.in
                 ${PROJECT_BINARY_DIR}/connectrpc-validate.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/connectrpc-validate.pc
    DESTINATION ${CONNECTRPC_PKGCONFIG_INSTALL_DIR}
    COMPONENT validate)
endif()

# The Transcodely SDK, the component "transcodely".
if(TARGET transcodely AND TARGET transcodely_proto)
  install(TARGETS transcodely transcodely_proto
    EXPORT connectrpcTranscodelyTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT transcodely
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT transcodely
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  _connectrpc_install_strip_archives(transcodely transcodely transcodely_proto)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/transcodely
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT transcodely
    FILES_MATCHING PATTERN "*.h")
  # protoc's headers (built) and the checked-in Connect headers (generated/).
  install(DIRECTORY ${PROJECT_BINARY_DIR}/proto/transcodely_proto_gen/
                    ${PROJECT_SOURCE_DIR}/generated/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT transcodely
    FILES_MATCHING PATTERN "*.h")
  install(EXPORT connectrpcTranscodelyTargets
    NAMESPACE connectrpc::
    DESTINATION ${CONNECTRPC_CMAKE_INSTALL_DIR}
    COMPONENT transcodely)

  if(BUILD_SHARED_LIBS)
    # transcodely_proto (static) is inside libtranscodely.so.
    set(CONNECTRPC_TRANSCODELY_PC_REQUIRES "")
    set(CONNECTRPC_TRANSCODELY_PC_REQUIRES_PRIVATE "libcrypto")
    set(CONNECTRPC_TRANSCODELY_PC_LIBS "")
    set(CONNECTRPC_TRANSCODELY_PC_LIBS_PRIVATE "-lboost_json")
  else()
    set(CONNECTRPC_TRANSCODELY_PC_REQUIRES "libcrypto")
    set(CONNECTRPC_TRANSCODELY_PC_REQUIRES_PRIVATE "")
    set(CONNECTRPC_TRANSCODELY_PC_LIBS "-ltranscodely_proto -lconnectrpc_validate_proto -lboost_json")
    set(CONNECTRPC_TRANSCODELY_PC_LIBS_PRIVATE "")
  endif()
  configure_file(${CMAKE_CURRENT_LIST_DIR}/connectrpc-transcodely.pc.in
                 ${PROJECT_BINARY_DIR}/connectrpc-transcodely.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/connectrpc-transcodely.pc
    DESTINATION ${CONNECTRPC_PKGCONFIG_INSTALL_DIR}
    COMPONENT transcodely)
endif()

# Debian packages: cpack -G DEB in the build directory makes
#   libconnectrpc-dev               headers, libconnectrpc, the CMake package, connectrpc.pc
#   protoc-gen-connect-cpp          the plugin
#   libconnectrpc-validate-dev      connectrpc::validate and the buf.validate code (when built)
#   libconnectrpc-transcodely-dev   the Transcodely SDK (when built)
# installed under /usr, each with /usr/share/doc/<package>/copyright, binaries and libraries
# stripped. Depends name the Debian 12 packages whose headers, libraries, .pc files and CMake
# packages the installed files use (checked with dpkg -S), at the versions this tree was built
# against: the static libraries and the generated .pb.h files hold protobuf's and Abseil's ABI
# (Abseil's inline namespace is its LTS date; protobuf's generated code accepts only its own
# minor release), so those two are pinned to the release series found at configure time.
string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _match "${Protobuf_VERSION}")
math(EXPR _connectrpc_protobuf_next_minor "${CMAKE_MATCH_2} + 1")
set(_connectrpc_protobuf_range
    "(>= ${Protobuf_VERSION}), %PKG% (<< ${CMAKE_MATCH_1}.${_connectrpc_protobuf_next_minor})")
math(EXPR _connectrpc_absl_next "${absl_VERSION} + 1")
set(_connectrpc_boost_series "${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR}")
string(REGEX MATCH "^[0-9]+" _connectrpc_openssl_major "${OPENSSL_VERSION}")
string(REPLACE "%PKG%" "libprotobuf-dev" _connectrpc_dep_protobuf
       "libprotobuf-dev ${_connectrpc_protobuf_range}")
string(REPLACE "%PKG%" "protobuf-compiler" _connectrpc_dep_protoc
       "protobuf-compiler ${_connectrpc_protobuf_range}")
set(_connectrpc_dep_absl "libabsl-dev (>= ${absl_VERSION}), libabsl-dev (<< ${_connectrpc_absl_next})")

# Debian's copyright file, once per package.
foreach(_pair "connectrpc;libconnectrpc-dev" "plugin;protoc-gen-connect-cpp"
              "validate;libconnectrpc-validate-dev" "transcodely;libconnectrpc-transcodely-dev")
  list(GET _pair 0 _component)
  list(GET _pair 1 _package)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_package}
    COMPONENT ${_component})
endforeach()

set(CPACK_PACKAGE_NAME connectrpc)
set(CPACK_PACKAGE_VENDOR "connectrpc-cpp")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Left at CPack's default on purpose: CPack DEB then takes each package's summary line from the
# first line of its own CPACK_DEBIAN_<COMPONENT>_DESCRIPTION below instead of prepending one
# summary to all four.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_CONTACT "connectrpc-cpp maintainers <connectrpc-cpp@invalid>")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # executables and shared libraries; static archives: see above
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING IGNORE)
set(CPACK_COMPONENTS_ALL connectrpc plugin)
if(TARGET connectrpc_validate_proto)
  list(APPEND CPACK_COMPONENTS_ALL validate)
endif()
if(TARGET transcodely)
  list(APPEND CPACK_COMPONENTS_ALL transcodely)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)

set(CPACK_DEBIAN_CONNECTRPC_PACKAGE_NAME libconnectrpc-dev)
set(CPACK_DEBIAN_CONNECTRPC_DESCRIPTION
    "Connect RPC runtime library for C++ (development files)
The connectrpc library: Connect RPC clients and servers over HTTP/1.1 and
TLS (Boost.Beast), proto and JSON codecs, gzip, deadlines, streaming and
interceptors, for the code that protoc-gen-connect-cpp generates. This
package has the headers, the library, the CMake package
(find_package(connectrpc) and connect_cpp_generate()) and connectrpc.pc.")
# Headers: Boost (Asio, Beast), protobuf, Abseil. The static library also links Boost.JSON,
# Boost.URL, OpenSSL and zlib, which the CMake package and connectrpc.pc name; the CMake package
# names the plugin's file, and connect_cpp_generate() runs protoc.
string(JOIN ", " CPACK_DEBIAN_CONNECTRPC_PACKAGE_DEPENDS
  "protoc-gen-connect-cpp (= ${PROJECT_VERSION})"
  "${_connectrpc_dep_protobuf}" "${_connectrpc_dep_protoc}" "${_connectrpc_dep_absl}"
  "libboost${_connectrpc_boost_series}-dev" "libboost-json${_connectrpc_boost_series}-dev"
  "libboost-url${_connectrpc_boost_series}-dev"
  "libssl-dev (>= ${_connectrpc_openssl_major})" "zlib1g-dev")
set(CPACK_DEBIAN_CONNECTRPC_PACKAGE_RECOMMENDS "pkg-config, cmake (>= 3.25)")

set(CPACK_DEBIAN_PLUGIN_PACKAGE_NAME protoc-gen-connect-cpp)
set(CPACK_DEBIAN_PLUGIN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PLUGIN_DESCRIPTION
    "protoc plugin generating Connect RPC clients and servers for C++
protoc-gen-connect-cpp turns the services of .proto files into typed C++
clients, blocking and coroutine server handlers and their registration
functions (<name>.connect.h and .connect.cc beside protoc's <name>.pb.h),
for the connectrpc runtime (libconnectrpc-dev).")
set(CPACK_DEBIAN_PLUGIN_PACKAGE_SHLIBDEPS ON)  # libprotoc, libprotobuf, libstdc++, libc
set(CPACK_DEBIAN_PLUGIN_PACKAGE_DEPENDS "${_connectrpc_dep_protoc}")

set(CPACK_DEBIAN_VALIDATE_PACKAGE_NAME libconnectrpc-validate-dev)
set(CPACK_DEBIAN_VALIDATE_DESCRIPTION
    "buf.validate request validation for connectrpc (development files)
connectrpc::validate checks requests against the buf.validate
(protovalidate) rules of their messages, as a server interceptor and a
client interceptor. This package has its headers and library, the
buf.validate messages compiled by protoc, their CMake targets
(find_package(connectrpc COMPONENTS validate)) and connectrpc-validate.pc.")
# Everything it includes and links beyond itself comes with libconnectrpc-dev (protobuf, Abseil).
set(CPACK_DEBIAN_VALIDATE_PACKAGE_DEPENDS "libconnectrpc-dev (= ${PROJECT_VERSION})")

set(CPACK_DEBIAN_TRANSCODELY_PACKAGE_NAME libconnectrpc-transcodely-dev)
set(CPACK_DEBIAN_TRANSCODELY_DESCRIPTION
    "Transcodely C++ SDK on the connectrpc runtime (development files)
transcodely::Client: the Transcodely API's services with authentication,
idempotency keys, retries, auto-paging, Watch streams, typed errors and
webhook signature checks. This package has its headers and libraries, the
generated transcodely.v1 code, the CMake targets (find_package(connectrpc
COMPONENTS transcodely)) and connectrpc-transcodely.pc.")
# Beyond libconnectrpc-dev's: Boost.JSON and libcrypto (webhook HMAC), also required there.
set(CPACK_DEBIAN_TRANSCODELY_PACKAGE_DEPENDS
    "libconnectrpc-dev (= ${PROJECT_VERSION}), libconnectrpc-validate-dev (= ${PROJECT_VERSION})")

include(CPack)
