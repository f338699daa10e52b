// The dialect codec on real transcodely.v1 messages: the example bodies of the wire document.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "connectrpc/code.h"
#include "transcodely/json_dialect.h"
#include "transcodely/v1/job.pb.h"

namespace transcodely {
namespace {

namespace json = boost::json;
namespace v1 = ::transcodely::v1;

TEST(DialectTranscodelyTest, CreateJobRequestFromTheSdks) {
  constexpr std::string_view kBody =
      R"({"input_url":"https://example.com/in.mp4","outputs":[{"type":"hls","video":[)"
      R"({"codec":"h264","resolution":"1080p","quality":"unspecified"}],"audio":[],)"
      R"("subtitle_tracks":[]}],"priority":"unspecified","metadata":{},"delayed_start":false,)"
      R"("thumbnails":[],"idempotency_key":"6f1c0a52-3e0b-4c5e-9a57-0d2f0e9b8c11"})";
  v1::CreateJobRequest request;
  const connectrpc::Status status = DialectCodec().Unmarshal(kBody, &request);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(request.input_url(), "https://example.com/in.mp4");
  ASSERT_EQ(request.outputs_size(), 1);
  EXPECT_EQ(request.outputs(0).type(), v1::OUTPUT_FORMAT_HLS);
  ASSERT_EQ(request.outputs(0).video_size(), 1);
  EXPECT_EQ(request.outputs(0).video(0).codec(), v1::VIDEO_CODEC_H264);
  EXPECT_EQ(request.outputs(0).video(0).resolution(), v1::RESOLUTION_1080P);
  EXPECT_EQ(request.outputs(0).video(0).quality(), v1::QUALITY_TIER_UNSPECIFIED);
  EXPECT_EQ(request.priority(), v1::JOB_PRIORITY_UNSPECIFIED);
  EXPECT_TRUE(request.has_idempotency_key());
  EXPECT_FALSE(request.has_managed());

  // Re-encoding gives the same shape back (plus nothing unset-optional).
  std::string text;
  ASSERT_TRUE(DialectCodec().Marshal(request, &text).ok());
  const json::value encoded = json::parse(text);
  EXPECT_EQ(encoded.at("outputs").at(0).at("type"), "hls");
  EXPECT_EQ(encoded.at("outputs").at(0).at("video").at(0).at("codec"), "h264");
  EXPECT_EQ(encoded.at("outputs").at(0).at("video").at(0).at("resolution"), "1080p");
  EXPECT_EQ(encoded.at("outputs").at(0).at("video").at(0).at("quality"), "unspecified");
  EXPECT_EQ(encoded.at("priority"), "unspecified");
  EXPECT_EQ(encoded.at("metadata"), json::object());
  EXPECT_FALSE(encoded.as_object().contains("managed"));
  EXPECT_FALSE(encoded.as_object().contains("webhook_url"));
}

TEST(DialectTranscodelyTest, CreateJobRequestCamelCaseAndMixedForms) {
  constexpr std::string_view kBody =
      R"({"inputUrl":"https://example.com/in.mp4","outputs":[{"type":"OUTPUT_FORMAT_DASH",)"
      R"("video":[{"codec":4,"resolution":"2160P","quality":"premium"}]}],)"
      R"("priority":"JOB_PRIORITY_PREMIUM","delayedStart":true,"made_up_field":1})";
  v1::CreateJobRequest request;
  const connectrpc::Status status = DialectCodec().Unmarshal(kBody, &request);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(request.input_url(), "https://example.com/in.mp4");
  EXPECT_EQ(request.outputs(0).type(), v1::OUTPUT_FORMAT_DASH);
  EXPECT_EQ(request.outputs(0).video(0).codec(), v1::VIDEO_CODEC_AV1);
  EXPECT_EQ(request.outputs(0).video(0).resolution(), v1::RESOLUTION_2160P);
  EXPECT_EQ(request.outputs(0).video(0).quality(), v1::QUALITY_TIER_PREMIUM);
  EXPECT_EQ(request.priority(), v1::JOB_PRIORITY_PREMIUM);
  EXPECT_TRUE(request.delayed_start());
}

TEST(DialectTranscodelyTest, GetJobResponseLikeTheServer) {
  constexpr std::string_view kBody =
      R"({"job":{"id":"job_1","status":"processing","priority":"standard",)"
      R"("created_at":"2026-05-24T10:54:00Z","execution":null,"metadata":{},"outputs":[],)"
      R"("total_actual_cost":1.25}})";
  v1::GetJobResponse response;
  const connectrpc::Status status = DialectCodec().Unmarshal(kBody, &response);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(response.job().status(), v1::JOB_STATUS_PROCESSING);
  EXPECT_EQ(response.job().priority(), v1::JOB_PRIORITY_STANDARD);
  EXPECT_FALSE(response.job().has_execution());
  EXPECT_EQ(response.job().total_actual_cost(), 1.25);

  std::string text;
  ASSERT_TRUE(DialectCodec().Marshal(response, &text).ok());
  const json::value encoded = json::parse(text);
  EXPECT_EQ(encoded.at("job").at("status"), "processing");
  EXPECT_EQ(encoded.at("job").at("priority"), "standard");
  EXPECT_EQ(encoded.at("job").at("created_at"), "2026-05-24T10:54:00Z");
  EXPECT_EQ(encoded.at("job").at("total_actual_cost"), 1.25);
  EXPECT_FALSE(encoded.at("job").as_object().contains("completed_at"));
  EXPECT_FALSE(encoded.at("job").as_object().contains("error_code"));
}

TEST(DialectTranscodelyTest, UnknownStatusIsDroppedNotAnError) {
  v1::GetJobResponse response;
  const connectrpc::Status status = DialectCodec().Unmarshal(
      R"({"job":{"id":"job_1","status":"job_status_pending","priority":"warp"}})", &response);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(response.job().id(), "job_1");
  EXPECT_EQ(response.job().status(), v1::JOB_STATUS_UNSPECIFIED);
  EXPECT_EQ(response.job().priority(), v1::JOB_PRIORITY_UNSPECIFIED);
}

}  // namespace
}  // namespace transcodely
