// Includes the generated conformance protos. protoc emits `Codec_MAX = CODEC_TEXT` in
// config.pb.h, and CODEC_TEXT is deprecated, which would trip -Werror in every file that
// includes it; the warning is silenced for these headers only.
#ifndef CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_PROTOS_H_
#define CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_PROTOS_H_

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include "connectrpc/conformance/v1/client_compat.pb.h"
#include "connectrpc/conformance/v1/config.pb.h"
#include "connectrpc/conformance/v1/server_compat.pb.h"
#include "connectrpc/conformance/v1/service.connect.h"
#include "connectrpc/conformance/v1/service.pb.h"
#pragma GCC diagnostic pop

#endif  // CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_PROTOS_H_
