// The CreateJobRequest the sandbox tests send: one managed HLS output with one H.264 variant,
// valid under the schema's rules.
#ifndef TESTS_SANDBOX_JOB_REQUESTS_H_
#define TESTS_SANDBOX_JOB_REQUESTS_H_

#include <string>
#include <utility>

#include "transcodely/v1/job.pb.h"

namespace sandbox::testing {

inline transcodely::v1::CreateJobRequest HlsJobRequest(
    std::string input_url,
    transcodely::v1::Resolution resolution = transcodely::v1::RESOLUTION_1080P) {
  transcodely::v1::CreateJobRequest request;
  request.set_input_url(std::move(input_url));
  request.set_managed(true);
  transcodely::v1::OutputSpec* output = request.add_outputs();
  output->set_type(transcodely::v1::OUTPUT_FORMAT_HLS);
  transcodely::v1::VideoVariant* video = output->add_video();
  video->set_codec(transcodely::v1::VIDEO_CODEC_H264);
  video->set_resolution(resolution);
  return request;
}

}  // namespace sandbox::testing

#endif  // TESTS_SANDBOX_JOB_REQUESTS_H_
