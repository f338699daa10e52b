// Marshal+unmarshal of small messages through one JSON implementation, N times: a fixed workload
// for `valgrind --tool=callgrind` (instructions per round trip = total / N, less the empty run).
//
//   json_codec_cost {codec|json_util|proto|none} N [greet|say]
//
// codec: connectrpc::JsonCodec() (the fast path for these types); json_util: protobuf's
// MessageToJsonString/JsonStringToMessage with the options the codec used before the fast path;
// proto: the binary codec; none: the loop alone. The message is greet.v1.GreetRequest{name}, or
// with "say" e2e.v1.SayResponse{text, timeout_ms, http_method} (when the tests are built).
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "connectrpc/codec.h"
#include "greet/v1/greet.pb.h"
#ifdef JSON_CODEC_COST_HAS_E2E
#include "e2e/v1/echo.pb.h"
#endif

namespace {

bool JsonUtilRoundTrip(const google::protobuf::Message& in, std::string* json,
                       google::protobuf::Message* out) {
  google::protobuf::util::JsonPrintOptions print;
  json->clear();
  if (!google::protobuf::util::MessageToJsonString(in, json, print).ok()) return false;
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = true;
  out->Clear();
  return google::protobuf::util::JsonStringToMessage(*json, out, parse).ok();
}

}  // namespace

template <typename M>
long Run(const std::string& mode, long n, const M& message, M* parsed, std::string* bytes) {
  long failures = 0;
  for (long i = 0; i < n; ++i) {
    if (mode == "codec") {
      failures += !connectrpc::JsonCodec().Marshal(message, bytes).ok();
      failures += !connectrpc::JsonCodec().Unmarshal(*bytes, parsed).ok();
    } else if (mode == "json_util") {
      failures += !JsonUtilRoundTrip(message, bytes, parsed);
    } else if (mode == "proto") {
      failures += !connectrpc::ProtoCodec().Marshal(message, bytes).ok();
      failures += !connectrpc::ProtoCodec().Unmarshal(*bytes, parsed).ok();
    }
  }
  if (mode != "none" && parsed->SerializeAsString() != message.SerializeAsString()) ++failures;
  return failures;
}

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s {codec|json_util|proto|none} N [greet|say]\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  const std::string type = argc == 4 ? argv[3] : "greet";
  if (mode != "codec" && mode != "json_util" && mode != "proto" && mode != "none") {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::string bytes;
  long failures = 0;
  if (type == "greet") {
    greet::v1::GreetRequest request;
    request.set_name("Jane Doe");
    greet::v1::GreetRequest parsed;
    failures = Run(mode, n, request, &parsed, &bytes);
#ifdef JSON_CODEC_COST_HAS_E2E
  } else if (type == "say") {
    e2e::v1::SayResponse response;
    response.set_text("hello, world");
    response.set_timeout_ms(1500);
    response.set_http_method("POST");
    e2e::v1::SayResponse parsed;
    failures = Run(mode, n, response, &parsed, &bytes);
#endif
  } else {
    std::fprintf(stderr, "unknown message %s\n", type.c_str());
    return 2;
  }
  std::printf("%s %s: %ld round trips, %ld failures, last JSON/bytes size %zu\n", mode.c_str(),
              type.c_str(), n, failures, bytes.size());
  return failures == 0 ? 0 : 1;
}
