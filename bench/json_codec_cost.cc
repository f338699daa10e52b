// Marshal+unmarshal of small messages through one JSON implementation, N times: a fixed workload
// for `valgrind --tool=callgrind` (instructions per round trip = total / N, less the empty run).
//
//   json_codec_cost {codec|json_util|proto|none} N
//
// codec: connectrpc::JsonCodec() (the fast path for these types); json_util: protobuf's
// MessageToJsonString/JsonStringToMessage with the options the codec used before the fast path;
// proto: the binary codec; none: the loop alone.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "connectrpc/codec.h"
#include "greet/v1/greet.pb.h"

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

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s {codec|json_util|proto|none} N\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  greet::v1::GreetRequest request;
  request.set_name("Jane Doe");
  greet::v1::GreetRequest parsed;
  std::string bytes;
  long failures = 0;
  for (long i = 0; i < n; ++i) {
    if (mode == "codec") {
      failures += !connectrpc::JsonCodec().Marshal(request, &bytes).ok();
      failures += !connectrpc::JsonCodec().Unmarshal(bytes, &parsed).ok();
    } else if (mode == "json_util") {
      failures += !JsonUtilRoundTrip(request, &bytes, &parsed);
    } else if (mode == "proto") {
      failures += !connectrpc::ProtoCodec().Marshal(request, &bytes).ok();
      failures += !connectrpc::ProtoCodec().Unmarshal(bytes, &parsed).ok();
    } else if (mode != "none") {
      std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
      return 2;
    }
  }
  if (mode != "none" && parsed.name() != request.name()) ++failures;
  std::printf("%s: %ld round trips, %ld failures, last JSON/bytes size %zu\n", mode.c_str(), n,
              failures, bytes.size());
  return failures == 0 ? 0 : 1;
}
