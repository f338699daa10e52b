// The runtime's proto and JSON codecs on untrusted request bodies, over message types that reach
// every field kind (scalars, repeated, maps, nesting, oneofs, well-known types).
#include <cstddef>
#include <cstdint>

#include "connectrpc/codec.h"
#include "connectrpc/jsontest/v1/json_codec_test.pb.h"
#include "tests/fuzz/codec_round_trip.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  connectrpc::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace jt = connectrpc::jsontest::v1;
  static const jt::Everything everything;
  static const jt::Tree tree;
  static const jt::ReachesTimestamp reaches_timestamp;
  static const google::protobuf::Message* const kTypes[] = {&everything, &tree,
                                                            &reaches_timestamp};
  connectrpc::fuzz::FuzzInput input(data, size);
  const uint8_t choice = input.Byte();
  const google::protobuf::Message& prototype = *kTypes[(choice >> 1) % 3];
  const connectrpc::Codec& codec =
      (choice & 1) ? connectrpc::JsonCodec() : connectrpc::ProtoCodec();
  connectrpc::fuzz::CheckRoundTrip(codec, prototype, input.Rest());
  return 0;
}
