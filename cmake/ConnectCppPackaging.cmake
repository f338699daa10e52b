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

# The runtime, its headers and the plugin.
install(TARGETS connectrpc
  EXPORT connectrpcTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT connectrpc
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT connectrpc
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
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
# installed under /usr. Depends name Debian 12's packages (Boost 1.81 is versioned there).
set(CPACK_PACKAGE_NAME connectrpc)
set(CPACK_PACKAGE_VENDOR "connectrpc-cpp")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_CONTACT "connectrpc-cpp maintainers <connectrpc-cpp@invalid>")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
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
    "Connect RPC for C++: runtime library, headers, CMake and pkg-config files")
# The CMake package names the plugin's file, so the -dev package needs it.
set(CPACK_DEBIAN_CONNECTRPC_PACKAGE_DEPENDS
    "protoc-gen-connect-cpp (= ${PROJECT_VERSION}), libprotobuf-dev, libabsl-dev, libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev, zlib1g-dev")

set(CPACK_DEBIAN_PLUGIN_PACKAGE_NAME protoc-gen-connect-cpp)
set(CPACK_DEBIAN_PLUGIN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PLUGIN_DESCRIPTION
    "protoc plugin generating Connect RPC clients and servers for C++")
set(CPACK_DEBIAN_PLUGIN_PACKAGE_SHLIBDEPS ON)  # libprotoc, libprotobuf, libstdc++, libc
set(CPACK_DEBIAN_PLUGIN_PACKAGE_DEPENDS "protobuf-compiler")

set(CPACK_DEBIAN_VALIDATE_PACKAGE_NAME libconnectrpc-validate-dev)
set(CPACK_DEBIAN_VALIDATE_DESCRIPTION
    "buf.validate request validation for connectrpc servers and clients")
set(CPACK_DEBIAN_VALIDATE_PACKAGE_DEPENDS "libconnectrpc-dev (= ${PROJECT_VERSION})")

set(CPACK_DEBIAN_TRANSCODELY_PACKAGE_NAME libconnectrpc-transcodely-dev)
set(CPACK_DEBIAN_TRANSCODELY_DESCRIPTION "The Transcodely C++ SDK, on the connectrpc runtime")
set(CPACK_DEBIAN_TRANSCODELY_PACKAGE_DEPENDS
    "libconnectrpc-dev (= ${PROJECT_VERSION}), libconnectrpc-validate-dev (= ${PROJECT_VERSION})")

include(CPack)
