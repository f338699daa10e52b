// Tests of the buf.validate evaluator against the real transcodely.v1 messages.
#include "connectrpc/validate/validator.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "buf/validate/validate.pb.h"
#include "transcodely/v1/api_key.pb.h"
#include "transcodely/v1/app.pb.h"
#include "transcodely/v1/billing.pb.h"
#include "transcodely/v1/codec_av1.pb.h"
#include "transcodely/v1/codec_h264.pb.h"
#include "transcodely/v1/codec_h265.pb.h"
#include "transcodely/v1/codec_vp9.pb.h"
#include "transcodely/v1/common.pb.h"
#include "transcodely/v1/content_aware.pb.h"
#include "transcodely/v1/drm.pb.h"
#include "transcodely/v1/hdr.pb.h"
#include "transcodely/v1/health.pb.h"
#include "transcodely/v1/job.pb.h"
#include "transcodely/v1/media.pb.h"
#include "transcodely/v1/membership.pb.h"
#include "transcodely/v1/organization.pb.h"
#include "transcodely/v1/origin.pb.h"
#include "transcodely/v1/preset.pb.h"
#include "transcodely/v1/streaming.pb.h"
#include "transcodely/v1/subtitles.pb.h"
#include "transcodely/v1/thumbnails.pb.h"
#include "transcodely/v1/user.pb.h"
#include "transcodely/v1/video.pb.h"
#include "transcodely/v1/watermark.pb.h"
#include "transcodely/v1/webhook.pb.h"
#include "pattern_regex.h"

namespace connectrpc::validate {

// gtest output for violations.
void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << "{" << v.field << " | " << v.rule_id << " | " << v.description << "}";
}

namespace {

namespace v1 = transcodely::v1;
using google::protobuf::Descriptor;
using google::protobuf::FileDescriptor;
using ::testing::IsEmpty;

std::string Dump(const std::vector<FieldViolation>& vs) {
  std::ostringstream os;
  for (const auto& v : vs) {
    PrintTo(v, &os);
    os << "\n";
  }
  return os.str();
}

// The (field, rule_id) pairs of `vs`, in order.
std::vector<std::pair<std::string, std::string>> Pairs(const std::vector<FieldViolation>& vs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& v : vs) out.emplace_back(v.field, v.rule_id);
  return out;
}

using P = std::vector<std::pair<std::string, std::string>>;

v1::CreateJobRequest ValidCreateJob() {
  v1::CreateJobRequest req;
  req.set_input_url("https://example.com/in.mp4");
  req.set_output_origin_id("ori_abc123");
  req.set_priority(v1::JOB_PRIORITY_STANDARD);
  (*req.mutable_metadata())["customer"] = "acme";
  auto* out = req.add_outputs();
  out->set_type(v1::OUTPUT_FORMAT_MP4);
  auto* video = out->add_video();
  video->set_codec(v1::VIDEO_CODEC_H264);
  video->set_resolution(v1::RESOLUTION_1080P);
  video->set_quality(v1::QUALITY_TIER_STANDARD);
  out->set_path_template("{job_id}/{variant}.mp4");
  req.set_output_path_template("jobs/{job_id}");
  return req;
}

TEST(ValidatorTest, ValidCreateJobPasses) {
  const auto vs = Validate(ValidCreateJob());
  EXPECT_THAT(vs, IsEmpty()) << Dump(vs);
}

TEST(ValidatorTest, MissingOutputs) {
  auto req = ValidCreateJob();
  req.clear_outputs();
  const auto vs = Validate(req);
  ASSERT_EQ(vs.size(), 1u) << Dump(vs);
  EXPECT_EQ(vs[0].field, "outputs");
  EXPECT_EQ(vs[0].rule_id, "repeated.min_items");
  EXPECT_EQ(vs[0].description, "value must contain at least 1 item(s)");
}

TEST(ValidatorTest, TooManyOutputs) {
  auto req = ValidCreateJob();
  for (int i = 0; i < 10; ++i) *req.add_outputs() = req.outputs(0);
  EXPECT_EQ(Pairs(Validate(req)), (P{{"outputs", "repeated.max_items"}}));
}

TEST(ValidatorTest, BadInputUrlPattern) {
  auto req = ValidCreateJob();
  req.set_input_url("ftp://example.com/in.mp4");
  const auto vs = Validate(req);
  ASSERT_EQ(vs.size(), 1u) << Dump(vs);
  EXPECT_EQ(vs[0].field, "input_url");
  EXPECT_EQ(vs[0].rule_id, "string.pattern");
  EXPECT_EQ(vs[0].description, "value does not match regex pattern `^(gs|s3|https?)://.*$`");

  req.set_input_url("gs://bucket/in.mp4");
  EXPECT_THAT(Validate(req), IsEmpty());
  req.set_input_url(std::string(2049 - 8, 'a').insert(0, "https://"));
  EXPECT_EQ(Pairs(Validate(req)), (P{{"input_url", "string.max_len"}}));
}

TEST(ValidatorTest, EmptyInputUrlIsIgnoredWhenAnotherSourceIsSet) {
  auto req = ValidCreateJob();
  req.clear_input_url();
  req.set_input_origin_id("ori_in");
  req.set_input_path("videos/in.mp4");
  const auto vs = Validate(req);
  EXPECT_THAT(vs, IsEmpty()) << Dump(vs);
}

TEST(ValidatorTest, OutputPathTemplateSafe) {
  auto req = ValidCreateJob();
  req.set_output_path_template("jobs/../secrets");
  auto vs = Validate(req);
  ASSERT_EQ(vs.size(), 1u) << Dump(vs);
  EXPECT_EQ(vs[0].field, "output_path_template");
  EXPECT_EQ(vs[0].rule_id, "create_job.output_path_template_safe");
  EXPECT_EQ(vs[0].description, "output_path_template must not start with `/` or contain `..`");

  req.set_output_path_template("/abs");
  EXPECT_EQ(Pairs(Validate(req)),
            (P{{"output_path_template", "create_job.output_path_template_safe"}}));
  req.set_output_path_template("");  // set but empty: allowed by the expression
  EXPECT_THAT(Validate(req), IsEmpty());

  req.clear_output_path_template();
  req.mutable_outputs(0)->set_path_template("a/../b");
  EXPECT_EQ(Pairs(Validate(req)),
            (P{{"outputs[0].path_template", "output_spec.path_template_safe"}}));
}

TEST(ValidatorTest, InputSourceExactlyOne) {
  auto req = ValidCreateJob();
  req.set_input_video_id("vid_123");
  auto vs = Validate(req);
  ASSERT_EQ(vs.size(), 1u) << Dump(vs);
  EXPECT_EQ(vs[0].field, "");
  EXPECT_EQ(vs[0].rule_id, "create_job.input_source");
  EXPECT_EQ(vs[0].description,
            "exactly one input source must be specified: input_url, input_origin_id, or "
            "input_video_id");

  req.clear_input_video_id();
  req.clear_input_url();
  EXPECT_EQ(Pairs(Validate(req)), (P{{"", "create_job.input_source"}}));

  req.set_input_video_id("vid_123");
  req.clear_output_origin_id();  // not needed with input_video_id
  EXPECT_THAT(Validate(req), IsEmpty());
}

TEST(ValidatorTest, InputPathRequiresOriginAndOutputOrigin) {
  auto req = ValidCreateJob();
  req.set_input_path("x.mp4");
  req.clear_output_origin_id();
  EXPECT_EQ(Pairs(Validate(req)), (P{{"", "create_job.input_path_requires_origin"},
                                     {"", "create_job.output_origin_required"}}));
  req.clear_input_path();
  req.set_managed(false);
  EXPECT_EQ(Pairs(Validate(req)), (P{{"", "create_job.output_origin_required"}}));
  req.set_managed(true);
  EXPECT_THAT(Validate(req), IsEmpty());
}

TEST(ValidatorTest, MetadataMapRules) {
  auto req = ValidCreateJob();
  const std::string long_key(65, 'k');
  (*req.mutable_metadata())[long_key] = "v";
  (*req.mutable_metadata())[""] = std::string(1025, 'x');
  const auto vs = Validate(req);
  EXPECT_EQ(Pairs(vs), (P{{"metadata[\"\"]", "string.min_len"},
                          {"metadata[\"\"]", "string.max_len"},
                          {"metadata[\"" + long_key + "\"]", "string.max_len"}}))
      << Dump(vs);
  EXPECT_EQ(vs[0].description, "value length must be at least 1 characters");
  EXPECT_EQ(vs[1].description, "value length must be at most 1024 characters");
  EXPECT_EQ(vs[2].description, "value length must be at most 64 characters");

  auto many = ValidCreateJob();
  for (int i = 0; i < 20; ++i) (*many.mutable_metadata())["k" + std::to_string(i)] = "v";
  EXPECT_EQ(Pairs(Validate(many)), (P{{"metadata", "map.max_pairs"}}));
}

TEST(ValidatorTest, QuotesMapKeys) {
  v1::HttpCredentials creds;
  (*creds.mutable_headers())["a\"b"] = "v";
  EXPECT_EQ(Pairs(Validate(creds)), (P{{"headers[\"a\\\"b\"]", "string.pattern"}}));
}

TEST(ValidatorTest, EnumNotDefined) {
  auto req = ValidCreateJob();
  req.set_priority(static_cast<v1::JobPriority>(99));
  auto vs = Validate(req);
  ASSERT_EQ(vs.size(), 1u) << Dump(vs);
  EXPECT_EQ(vs[0].field, "priority");
  EXPECT_EQ(vs[0].rule_id, "enum.defined_only");
  EXPECT_EQ(vs[0].description, "value must be one of the defined enum values");
}

TEST(ValidatorTest, NestedPaths) {
  auto req = ValidCreateJob();
  auto* v = req.mutable_outputs(0)->add_video();
  v->set_codec(static_cast<v1::VideoCodec>(42));
  v->set_width(64);
  req.mutable_outputs(0)->add_video();  // codec missing
  const auto vs = Validate(req);
  EXPECT_EQ(Pairs(vs), (P{{"outputs[0].video[1].codec", "enum.defined_only"},
                          {"outputs[0].video[1].width", "int32.gte_lte"},
                          {"outputs[0].video[2].codec", "required"}}))
      << Dump(vs);
  EXPECT_EQ(vs[1].description,
            "value must be greater than or equal to 128 and less than or equal to 7680");
  EXPECT_EQ(vs[2].description, "value is required");
}

TEST(ValidatorTest, NestedMessageRulesUseTheFieldPath) {
  auto req = ValidCreateJob();
  auto* out = req.mutable_outputs(0);
  out->mutable_hls()->set_manifest("bad name");
  out->add_audio();  // language missing
  auto vs = Validate(req);
  EXPECT_EQ(Pairs(vs), (P{{"outputs[0]", "output_spec.audio_require_streaming"},
                          {"outputs[0]", "output_spec.hls_config_type"},
                          {"outputs[0].audio[0].language", "required"},
                          {"outputs[0].hls.manifest", "string.pattern"}}))
      << Dump(vs);

  auto empty = ValidCreateJob();
  empty.mutable_outputs(0)->clear_video();
  EXPECT_EQ(Pairs(Validate(empty)), (P{{"outputs[0]", "output_spec.preset_or_inline"},
                                       {"outputs[0]", "output_spec.video_required"}}));
  // A captions-only output is allowed.
  auto* track = empty.mutable_outputs(0)->add_subtitle_tracks();
  track->set_operation(v1::SUBTITLE_OPERATION_EXTRACT);
  EXPECT_THAT(Validate(empty), IsEmpty()) << Dump(Validate(empty));
}

TEST(ValidatorTest, StringInAndOptionalPresence) {
  auto req = ValidCreateJob();
  req.mutable_outputs(0)->set_encoding_mode("bogus");
  auto vs = Validate(req);
  ASSERT_EQ(Pairs(vs), (P{{"outputs[0].encoding_mode", "string.in"}})) << Dump(vs);
  EXPECT_EQ(vs[0].description, "value must be in list [fixed, auto]");

  v1::UpdateAppRequest update;
  update.set_id("app_1");
  EXPECT_THAT(Validate(update), IsEmpty());  // unset optionals skip their rules
  update.set_name("");
  EXPECT_EQ(Pairs(Validate(update)), (P{{"name", "string.min_len"}}));
}

TEST(ValidatorTest, RequiredStrings) {
  v1::GetJobRequest get;
  EXPECT_EQ(Pairs(Validate(get)), (P{{"id", "required"}}));  // only `required`, no pattern
  get.set_id("job_1");
  EXPECT_THAT(Validate(get), IsEmpty());
  get.set_id("vid_1");
  EXPECT_EQ(Pairs(Validate(get)), (P{{"id", "string.pattern"}}));
}

TEST(ValidatorTest, CreateOriginRules) {
  v1::CreateOriginRequest req;
  req.set_name("in");
  req.add_permissions(v1::ORIGIN_PERMISSION_READ);
  EXPECT_EQ(Pairs(Validate(req)), (P{{"", "create_origin.exactly_one_config"}}));

  auto* http = req.mutable_http();
  http->set_base_url("https://media.example.com/videos");
  EXPECT_THAT(Validate(req), IsEmpty()) << Dump(Validate(req));

  req.add_permissions(v1::ORIGIN_PERMISSION_WRITE);
  EXPECT_EQ(Pairs(Validate(req)), (P{{"", "create_origin.http_read_only"}}));

  req.set_permissions(1, v1::ORIGIN_PERMISSION_UNSPECIFIED);
  req.mutable_gcs();
  const auto vs = Validate(req);
  EXPECT_EQ(Pairs(vs), (P{{"", "create_origin.exactly_one_config"},
                          {"", "create_origin.http_read_only"},
                          {"permissions[1]", "enum.not_in"},
                          {"gcs.bucket", "required"},
                          {"gcs.credentials", "required"}}))
      << Dump(vs);
  EXPECT_EQ(vs[2].description, "value must not be in list [0]");
}

TEST(ValidatorTest, R2AndUri) {
  v1::R2OriginConfig r2;
  r2.set_bucket("media");
  r2.mutable_credentials()->set_access_key_id(std::string(16, 'A'));
  r2.mutable_credentials()->set_secret_access_key(std::string(16, 'B'));
  r2.set_account_id(std::string(32, 'a'));
  EXPECT_THAT(Validate(r2), IsEmpty()) << Dump(Validate(r2));
  r2.set_endpoint("not a uri");
  EXPECT_EQ(Pairs(Validate(r2)), (P{{"", "r2.exactly_one_location"}, {"endpoint", "string.uri"}}));
  r2.clear_account_id();
  r2.set_endpoint("https://acc.r2.cloudflarestorage.com");
  r2.set_jurisdiction(static_cast<v1::R2Jurisdiction>(1));
  EXPECT_EQ(Pairs(Validate(r2)), (P{{"", "r2.jurisdiction_requires_account_id"}}));
}

TEST(ValidatorTest, WebhookUrlPrefixAndUri) {
  v1::CreateWebhookEndpointRequest req;
  req.set_app_id("app_1");
  req.set_url("https://hooks.example.com/x?y=1#z");
  req.add_enabled_events("job.completed");
  EXPECT_THAT(Validate(req), IsEmpty());
  req.set_url("http://hooks.example.com/x");
  EXPECT_EQ(Pairs(Validate(req)), (P{{"url", "string.prefix"}}));
  req.set_url("https://hooks example.com/");
  EXPECT_EQ(Pairs(Validate(req)), (P{{"url", "string.uri"}}));
  req.set_url("https://[::1]:8443/%41");
  EXPECT_THAT(Validate(req), IsEmpty());
  req.set_url("https://x/%4");
  EXPECT_EQ(Pairs(Validate(req)), (P{{"url", "string.uri"}}));
}

TEST(ValidatorTest, EmailAndLenInCodePoints) {
  v1::CreateOrganizationRequest req;
  req.set_slug("acme-media");
  req.set_display_name("Acme");
  req.set_billing_email("billing@acme.example");
  req.set_currency("eur");
  EXPECT_THAT(Validate(req), IsEmpty());
  req.set_currency("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC");  // three code points, nine bytes
  EXPECT_THAT(Validate(req), IsEmpty());
  req.set_currency("euro");
  req.set_billing_email("not-an-email");
  req.set_slug("Acme");
  const auto vs = Validate(req);
  EXPECT_EQ(Pairs(vs), (P{{"slug", "string.pattern"},
                          {"billing_email", "string.email"},
                          {"currency", "string.len"}}))
      << Dump(vs);
  req.set_billing_email("");
  EXPECT_EQ(Pairs(Validate(req))[1],
            (std::pair<std::string, std::string>{"billing_email", "string.email_empty"}));
}

TEST(ValidatorTest, RepeatedUniqueAndItems) {
  v1::ListJobsRequest req;
  req.add_statuses(v1::JOB_STATUS_PENDING);
  req.add_statuses(v1::JOB_STATUS_PENDING);
  req.add_statuses(v1::JOB_STATUS_UNSPECIFIED);
  req.add_statuses(static_cast<v1::JobStatus>(77));
  const auto vs = Validate(req);
  EXPECT_EQ(Pairs(vs), (P{{"statuses", "repeated.unique"},
                          {"statuses[2]", "enum.not_in"},
                          {"statuses[3]", "enum.defined_only"}}))
      << Dump(vs);
}

TEST(ValidatorTest, NumericRanges) {
  v1::PaginationRequest page;
  page.set_limit(101);
  page.set_offset(-1);
  auto vs = Validate(page);
  EXPECT_EQ(Pairs(vs), (P{{"limit", "int32.gte_lte"}, {"offset", "int32.gte"}})) << Dump(vs);
  EXPECT_EQ(vs[1].description, "value must be greater than or equal to 0");

  v1::CreateUploadRequest upload;
  upload.set_filename("a.mp4");
  upload.set_content_type("video/mp4");
  upload.set_app_id("app_1");
  EXPECT_EQ(Pairs(Validate(upload)), (P{{"size_bytes", "int64.gt_lte"}}));
  upload.set_size_bytes(5368709120);
  EXPECT_THAT(Validate(upload), IsEmpty());
  upload.set_size_bytes(5368709121);
  vs = Validate(upload);
  ASSERT_EQ(vs.size(), 1u);
  EXPECT_EQ(vs[0].description, "value must be greater than 0 and less than or equal to 5368709120");

  v1::ListVideosRequest list;  // page_size 0 from every SDK (wire §6)
  EXPECT_EQ(Pairs(Validate(list)), (P{{"page_size", "int32.gte_lte"}}));
  ValidateOptions options;
  options.ignore_if_zero.insert("transcodely.v1.ListVideosRequest.page_size");
  EXPECT_THAT(Validate(list, options), IsEmpty());
  list.set_page_size(500);
  EXPECT_EQ(Pairs(Validate(list, options)), (P{{"page_size", "int32.gte_lte"}}));

  v1::CreateAPIKeyRequest key;  // the official SDKs never send `environment` (wire §9)
  key.set_name("ci");
  key.set_app_id("app_1");
  EXPECT_EQ(Pairs(Validate(key)), (P{{"environment", "required"}}));
  options.ignore_if_zero.insert("transcodely.v1.CreateAPIKeyRequest.environment");
  EXPECT_THAT(Validate(key, options), IsEmpty());
  key.set_environment(static_cast<v1::APIKeyEnvironment>(0));
  key.set_app_id("");  // a plain string with a pattern: empty fails under protovalidate
  EXPECT_EQ(Pairs(Validate(key, options)), (P{{"app_id", "string.pattern"}}));
}

TEST(ValidatorTest, DoubleRulesAndClipCel) {
  v1::ClipConfig clip;
  EXPECT_THAT(Validate(clip), IsEmpty());
  clip.set_start_seconds(std::numeric_limits<double>::quiet_NaN());
  clip.set_end_seconds(2e7);
  auto vs = Validate(clip);
  EXPECT_EQ(Pairs(vs), (P{{"", "clip.end_after_start"},
                          {"start_seconds", "double.gte"},
                          {"start_seconds", "double.finite"},
                          {"start_seconds", "clip.start_storable"},  // NaN <= x is false
                          {"end_seconds", "clip.end_storable"}}))
      << Dump(vs);
  clip.set_start_seconds(5);
  clip.set_end_seconds(5.0005);
  EXPECT_EQ(Pairs(Validate(clip)), (P{{"", "clip.end_after_start"}}));
  clip.set_end_seconds(6);
  EXPECT_THAT(Validate(clip), IsEmpty());

  v1::WatermarkConfig wm;
  wm.set_image_url("https://x/y.png");
  wm.set_opacity(1.5);
  vs = Validate(wm);
  ASSERT_EQ(Pairs(vs), (P{{"opacity", "double.gt_lte"}})) << Dump(vs);
  EXPECT_EQ(vs[0].description, "value must be greater than 0 and less than or equal to 1");
}

TEST(ValidatorTest, RepeatedDoubleItems) {
  v1::ThumbnailSpec spec;
  spec.set_mode(static_cast<v1::ThumbnailMode>(1));
  spec.add_start_offsets(1.5);
  spec.add_start_offsets(-0.5);
  EXPECT_EQ(Pairs(Validate(spec)), (P{{"start_offsets[1]", "double.gte"}}));
}

TEST(ValidatorTest, WebhookDeliveriesAndUpdateVideoCel) {
  v1::ListWebhookDeliveriesRequest deliveries;
  EXPECT_EQ(Pairs(Validate(deliveries)),
            (P{{"", "webhook_deliveries.endpoint_or_event_required"}}));
  v1::UpdateVideoRequest update;
  update.set_id("vid_1");
  update.set_clear_tags(true);
  update.add_tags("x");
  EXPECT_EQ(Pairs(Validate(update)), (P{{"", "update_video.clear_tags_excludes_tags"}}));
}

// -------------------------------------------------------------------------------------------
// Every CEL rule of the schema has an implementation.

// Undoes protobuf text-format string escapes (\' \" \\ and the usual letters).
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Reads a text-format string literal starting at `s[pos]` (the opening quote).
std::string ReadQuoted(const std::string& s, size_t pos) {
  const char quote = s[pos];
  std::string raw;
  for (size_t i = pos + 1; i < s.size() && s[i] != quote; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) raw += s[i++];
    raw += s[i];
  }
  return Unescape(raw);
}

// Undoes JSON string escapes of the raw schema file (only \" \\ \/ \n \t \uXXXX ASCII).
std::string JsonUnescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'n') {
      out += '\n';
    } else if (c == 't') {
      out += '\t';
    } else if (c == 'u' && i + 4 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 4), nullptr, 16));
      i += 4;
    } else {
      out += c;
    }
  }
  return out;
}

// id -> expression of every `cel { id: ... expression: ... }` in the schema's rule strings.
std::map<std::string, std::string> SchemaCelRules(const std::string& text) {
  std::map<std::string, std::string> rules;
  size_t pos = 0;
  while ((pos = text.find("cel {", pos)) != std::string::npos) {
    const size_t id = text.find("id: ", pos);
    const size_t expr = text.find("expression: ", pos);
    if (id == std::string::npos || expr == std::string::npos) break;
    rules[ReadQuoted(text, id + 4)] = ReadQuoted(text, expr + 12);
    pos = expr;
  }
  return rules;
}

TEST(ValidatorCelCoverageTest, EveryCelIdInTheSchemaJsonIsImplemented) {
  std::ifstream in(VALIDATE_SCHEMA_JSON);
  if (!in) GTEST_SKIP() << "schema JSON not found: " << VALIDATE_SCHEMA_JSON;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto rules = SchemaCelRules(JsonUnescape(buffer.str()));
  EXPECT_GE(rules.size(), 25u);
  for (const auto& [id, expression] : rules) {
    EXPECT_TRUE(HasCelRule(id)) << "no implementation for CEL rule " << id;
    EXPECT_TRUE(HasCelRule(id, &expression))
        << "CEL rule " << id << " changed; the schema now says: " << expression;
  }
  for (const std::string& id : CelRuleIds()) {
    EXPECT_TRUE(rules.count(id) > 0) << "implemented CEL rule " << id << " is not in the schema";
  }
}

std::vector<const FileDescriptor*> TranscodelyFiles() {
  return {v1::PaginationRequest::descriptor()->file(),
          v1::APIKey::descriptor()->file(),
          v1::App::descriptor()->file(),
          v1::Invoice::descriptor()->file(),
          v1::AV1Options::descriptor()->file(),
          v1::H264Options::descriptor()->file(),
          v1::H265Options::descriptor()->file(),
          v1::VP9Options::descriptor()->file(),
          v1::AutoABRConfig::descriptor()->file(),
          v1::BYOKConfig::descriptor()->file(),
          v1::HDRConfig::descriptor()->file(),
          v1::HealthCheckRequest::descriptor()->file(),
          v1::InputMetadata::descriptor()->file(),
          v1::GcsCredentials::descriptor()->file(),
          v1::StreamingConfig::descriptor()->file(),
          v1::ThumbnailSpec::descriptor()->file(),
          v1::BurnInStyle::descriptor()->file(),
          v1::WatermarkPixelPlacement::descriptor()->file(),
          v1::AudioTrackConfig::descriptor()->file(),
          v1::Membership::descriptor()->file(),
          v1::Organization::descriptor()->file(),
          v1::VideoSettings::descriptor()->file(),
          v1::User::descriptor()->file(),
          v1::Video::descriptor()->file(),
          v1::WebhookEndpoint::descriptor()->file()};
}

TEST(ValidatorCelCoverageTest, EveryCelRuleInTheProtosIsImplemented) {
  std::set<std::string> seen;
  auto check = [&](const buf::validate::Rule& rule, const std::string& where) {
    seen.insert(rule.id());
    EXPECT_TRUE(HasCelRule(rule.id(), &rule.expression()))
        << where << ": CEL rule " << rule.id() << " missing or changed: " << rule.expression();
  };
  for (const FileDescriptor* file : TranscodelyFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      const Descriptor* d = file->message_type(i);
      for (const auto& rule : d->options().GetExtension(buf::validate::message).cel()) {
        check(rule, d->full_name());
      }
      for (int f = 0; f < d->field_count(); ++f) {
        const auto& fr = d->field(f)->options().GetExtension(buf::validate::field);
        for (const auto& rule : fr.cel()) check(rule, d->field(f)->full_name());
      }
    }
  }
  EXPECT_EQ(seen.size(), CelRuleIds().size());
}

TEST(ValidatorCelCoverageTest, NoCelRuleIsSkippedOnAnyMessage) {
  const int64_t before = SkippedCelRuleCount();
  for (const FileDescriptor* file : TranscodelyFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      const google::protobuf::Message* prototype =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(
              file->message_type(i));
      ASSERT_NE(prototype, nullptr);
      ValidateStats stats;
      Validate(*prototype, ValidateOptions{}, &stats);
      EXPECT_THAT(stats.skipped_cel, IsEmpty()) << file->message_type(i)->full_name();
      EXPECT_THAT(stats.mismatched_cel, IsEmpty()) << file->message_type(i)->full_name();
    }
  }
  EXPECT_EQ(SkippedCelRuleCount(), before);
}

// The library covers the schema: no rule reachable from any transcodely.v1 message is one that
// the evaluator would skip (UnsupportedRules() is what a server's reject_unsupported_rules uses).
TEST(ValidatorCoverageTest, EveryRuleOfTheSchemaIsSupported) {
  int messages = 0;
  for (const FileDescriptor* file : TranscodelyFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      ++messages;
      EXPECT_THAT(UnsupportedRules(*file->message_type(i)), IsEmpty())
          << file->message_type(i)->full_name();
    }
  }
  EXPECT_GT(messages, 100);
}

TEST(ValidatorCelCoverageTest, UnknownCelIdIsSkippedAndCounted) {
  EXPECT_FALSE(HasCelRule("no.such_rule"));
  std::string wrong = "true";
  EXPECT_FALSE(HasCelRule("create_job.input_source", &wrong));

  // A message from a separate pool whose options carry an unknown field-level rule id, an
  // id-less message-level expression and a standard rule.
  google::protobuf::FileDescriptorProto file;
  file.set_name("validator_test/unknown.proto");
  file.set_package("validator_test");
  file.set_syntax("proto3");
  auto* message = file.add_message_type();
  message->set_name("M");
  message->mutable_options()
      ->MutableExtension(buf::validate::message)
      ->add_cel_expression("this.s != 'x'");
  auto* field = message->add_field();
  field->set_name("s");
  field->set_number(1);
  field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
  field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
  auto* rules = field->mutable_options()->MutableExtension(buf::validate::field);
  rules->mutable_string()->set_max_len(2);
  auto* cel = rules->add_cel();
  cel->set_id("no.such_rule");
  cel->set_expression("this != ''");

  google::protobuf::DescriptorPool pool;
  const FileDescriptor* built = pool.BuildFile(file);
  ASSERT_NE(built, nullptr);
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(built->message_type(0))->New());
  m->GetReflection()->SetString(m.get(), built->message_type(0)->field(0), "abc");

  const int64_t before = SkippedCelRuleCount();
  ValidateStats stats;
  EXPECT_EQ(Pairs(Validate(*m, ValidateOptions{}, &stats)), (P{{"s", "string.max_len"}}));
  EXPECT_EQ(stats.skipped_cel, (std::vector<std::string>{"this.s != 'x'", "no.such_rule"}));
  EXPECT_EQ(SkippedCelRuleCount(), before + 2);
}

// -------------------------------------------------------------------------------------------
// The regex engine.

bool Match(const std::string& pattern, const std::string& text) {
  std::string error;
  auto re = internal::Regex::Compile(pattern, &error);
  EXPECT_NE(re, nullptr) << pattern << ": " << error;
  return re != nullptr && re->PartialMatch(text);
}

TEST(ValidatorRegexTest, SchemaPatterns) {
  EXPECT_TRUE(Match("^job_[a-zA-Z0-9_-]+$", "job_AbC-9_x"));
  EXPECT_FALSE(Match("^job_[a-zA-Z0-9_-]+$", "job_"));
  EXPECT_FALSE(Match("^job_[a-zA-Z0-9_-]+$", "job_a b"));
  EXPECT_FALSE(Match("^job_[a-zA-Z0-9_-]+$", "xjob_a"));
  EXPECT_FALSE(Match("^job_[a-zA-Z0-9_-]+$", "job_a\n"));  // `$` only at the very end
  EXPECT_TRUE(Match("^[a-z]{3}$", "eur"));
  EXPECT_FALSE(Match("^[a-z]{3}$", "euro"));
  EXPECT_FALSE(Match("^[a-z]{3}$", "eu"));
  EXPECT_TRUE(Match("^([a-z]{3}|auto)$", "auto"));
  EXPECT_TRUE(Match("^([a-f0-9]{32})?$", ""));
  EXPECT_FALSE(Match("^([a-f0-9]{32})?$", "abc"));
  EXPECT_TRUE(Match("^(#[0-9a-fA-F]{6})?$", "#FFaa00"));
  EXPECT_TRUE(Match("^-?[0-6]:-?[0-6]$", "-1:6"));
  EXPECT_FALSE(Match("^-?[0-6]:-?[0-6]$", "7:1"));
  EXPECT_TRUE(Match("^[0-9]+(\\.[0-9]+)?:[0-9]+(\\.[0-9]+)?$", "16:9"));
  EXPECT_TRUE(Match("^[0-9]+(\\.[0-9]+)?:[0-9]+(\\.[0-9]+)?$", "2.35:1"));
  EXPECT_FALSE(Match("^[0-9]+(\\.[0-9]+)?:[0-9]+(\\.[0-9]+)?$", "2.:1"));
  EXPECT_TRUE(Match("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "acme-media-2"));
  EXPECT_FALSE(Match("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "acme--media"));
  EXPECT_TRUE(Match("^[a-zA-Z0-9_.{}-]+$", "{name}_{index}.m3u8"));
  EXPECT_TRUE(Match("^[a-z0-9][a-z0-9._-]*[a-z0-9]$", "my.bucket_1"));
  EXPECT_FALSE(Match("^[a-z0-9][a-z0-9._-]*[a-z0-9]$", "my-bucket-"));
  EXPECT_TRUE(Match("^https?://.*$", "http://x"));
  EXPECT_FALSE(Match("^https?://.*$", "https://x\ny"));  // `.` does not match a newline
  EXPECT_TRUE(Match("^[a-zA-Z0-9 _-]+$", "Open Sans"));
}

TEST(ValidatorRegexTest, SyntaxAndLongInputs) {
  EXPECT_TRUE(Match("b", "abc"));  // unanchored
  EXPECT_TRUE(Match("a{2,}", "xaay"));
  EXPECT_FALSE(Match("^a{2,3}$", "aaaa"));
  EXPECT_TRUE(Match("^(?:ab|cd)*$", "abcdab"));
  EXPECT_TRUE(Match("^\\d+\\s\\w+$", "12 ab_c"));
  EXPECT_TRUE(Match("^[^/]+$", "abc"));
  EXPECT_FALSE(Match("^[^/]+$", "a/c"));
  EXPECT_TRUE(Match("^\\x41\\.$", "A."));
  EXPECT_TRUE(Match("^.$", "\xC3\xA9"));  // one code point
  EXPECT_TRUE(Match("a{,2}", "a{,2}"));   // not a repetition: literal, as in RE2
  EXPECT_TRUE(Match("^(a*)*$", std::string(20000, 'a')));
  EXPECT_FALSE(Match("^(a*)*$", std::string(20000, 'a') + "b"));
  for (const char* bad : {"(", "[a-", "a**", "*a", "\\q", "(?i)a", "a{5,2}"}) {
    std::string error;
    EXPECT_EQ(internal::Regex::Compile(bad, &error), nullptr) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(ValidatorRegexTest, NestingIsBoundedNotAStackOverflow) {
  const auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '(') + "a" +
           std::string(static_cast<size_t>(depth), ')');
  };
  EXPECT_TRUE(Match(nested(1000), "a"));
  std::string error;
  EXPECT_EQ(internal::Regex::Compile(nested(1001), &error), nullptr);
  EXPECT_EQ(error, "groups nested too deeply");
  EXPECT_EQ(internal::Regex::Compile(std::string(60000, '('), &error), nullptr);
  EXPECT_EQ(error, "groups nested too deeply");
}

}  // namespace
}  // namespace connectrpc::validate
