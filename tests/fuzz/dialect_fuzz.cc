// The Transcodely JSON dialect (the SDK's codec) on untrusted JSON, over the API's largest
// resources.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/codec_round_trip.h"
#include "transcodely/json_dialect.h"
#include "transcodely/v1/api_key.pb.h"
#include "transcodely/v1/job.pb.h"
#include "transcodely/v1/preset.pb.h"
#include "transcodely/v1/video.pb.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  connectrpc::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace v1 = transcodely::v1;
  static const v1::Job job;
  static const v1::Video video;
  static const v1::Preset preset;
  static const v1::CreateJobRequest create_job;
  static const google::protobuf::Message* const kTypes[] = {&job, &video, &preset, &create_job};
  connectrpc::fuzz::FuzzInput input(data, size);
  const google::protobuf::Message& prototype = *kTypes[input.Byte() % 4];
  connectrpc::fuzz::CheckRoundTrip(transcodely::DialectCodec(), prototype, input.Rest());
  return 0;
}
