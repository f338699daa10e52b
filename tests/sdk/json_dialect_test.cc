// The Transcodely JSON dialect codec against the dialecttest.v1 test messages.
#include "transcodely/json_dialect.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connectrpc/code.h"
#include "dialecttest/v1/sample.pb.h"

namespace transcodely {
namespace {

namespace json = boost::json;
using dialecttest::v1::Inner;
using dialecttest::v1::Sample;

const connectrpc::Codec& Codec() { return DialectCodec(); }

std::string Encode(const google::protobuf::Message& message) {
  std::string out;
  const connectrpc::Status status = Codec().Marshal(message, &out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

json::object EncodeToObject(const google::protobuf::Message& message) {
  const std::string text = Encode(message);
  json::value value = json::parse(text);
  EXPECT_TRUE(value.is_object()) << text;
  return value.is_object() ? value.get_object() : json::object();
}

Sample Decode(std::string_view text) {
  Sample sample;
  const connectrpc::Status status = Codec().Unmarshal(text, &sample);
  EXPECT_TRUE(status.ok()) << status.ToString() << " for " << text;
  return sample;
}

// ---------------------------------------------------------------------------------------------
// Prefixes and wire strings.

TEST(EnumPrefixTest, DocumentedNames) {
  EXPECT_EQ(EnumPrefix("JobStatus"), "JOB_STATUS_");
  EXPECT_EQ(EnumPrefix("HLSSegmentFormat"), "HLS_SEGMENT_FORMAT_");
  EXPECT_EQ(EnumPrefix("DRMSystem"), "DRM_SYSTEM_");
  EXPECT_EQ(EnumPrefix("HDRFormat"), "HDR_FORMAT_");
  EXPECT_EQ(EnumPrefix("GOPAlignmentMode"), "GOP_ALIGNMENT_MODE_");
  EXPECT_EQ(EnumPrefix("APIKeyEnvironment"), "API_KEY_ENVIRONMENT_");
  EXPECT_EQ(EnumPrefix("Resolution"), "RESOLUTION_");
  EXPECT_EQ(EnumPrefix("R2Jurisdiction"), "R2_JURISDICTION_");
  EXPECT_EQ(EnumPrefix("HTTPCredentials"), "HTTP_CREDENTIALS_");
  EXPECT_EQ(EnumPrefix("ExposureThresholdSource"), "EXPOSURE_THRESHOLD_SOURCE_");
}

TEST(EnumPrefixTest, EdgeCases) {
  EXPECT_EQ(EnumPrefix("A"), "A_");
  EXPECT_EQ(EnumPrefix("AB"), "AB_");
  EXPECT_EQ(EnumPrefix("aB"), "A_B_");
  EXPECT_EQ(EnumPrefix("Vp9Options"), "VP9_OPTIONS_");
  EXPECT_EQ(EnumPrefix("H264Profile"), "H264_PROFILE_");
  EXPECT_EQ(EnumPrefix("ABc"), "A_BC_");
  EXPECT_EQ(EnumPrefix("Snake_Case"), "SNAKE_CASE_");
  EXPECT_EQ(EnumPrefix(""), "_");
}

TEST(EnumWireStringTest, StripsPrefixAndLowercases) {
  const auto* status = dialecttest::v1::JobStatus_descriptor();
  EXPECT_EQ(EnumWireString(*status->FindValueByNumber(0)), "unspecified");
  EXPECT_EQ(EnumWireString(*status->FindValueByNumber(2)), "processing");
  EXPECT_EQ(EnumWireString(*status->FindValueByNumber(3)), "awaiting_confirmation");
  const auto* hls = dialecttest::v1::HLSSegmentFormat_descriptor();
  EXPECT_EQ(EnumWireString(*hls->FindValueByNumber(2)), "fmp4");
  const auto* r2 = dialecttest::v1::R2Jurisdiction_descriptor();
  EXPECT_EQ(EnumWireString(*r2->FindValueByNumber(3)), "fedramp");
  const auto* legacy = dialecttest::v1::Legacy_descriptor();
  EXPECT_EQ(EnumWireString(*legacy->FindValueByNumber(0)), "unspecified");
  EXPECT_EQ(EnumWireString(*legacy->FindValueByNumber(1)), "other_name");
}

TEST(EnumFromWireStringTest, AcceptsEveryDocumentedForm) {
  const auto& status = *dialecttest::v1::JobStatus_descriptor();
  for (const char* text : {"processing", "Processing", "PROCESSING", "JOB_STATUS_PROCESSING"}) {
    const auto* value = EnumFromWireString(status, text);
    ASSERT_NE(value, nullptr) << text;
    EXPECT_EQ(value->number(), 2) << text;
  }
  ASSERT_NE(EnumFromWireString(status, "unspecified"), nullptr);
  EXPECT_EQ(EnumFromWireString(status, "unspecified")->number(), 0);
  EXPECT_EQ(EnumFromWireString(status, "awaiting_confirmation")->number(), 3);
  EXPECT_EQ(EnumFromWireString(status, "totally_unknown"), nullptr);
  EXPECT_EQ(EnumFromWireString(status, "job_status_pending"), nullptr);
  EXPECT_EQ(EnumFromWireString(status, ""), nullptr);
  EXPECT_EQ(EnumFromWireString(status, "1"), nullptr);
  const auto& legacy = *dialecttest::v1::Legacy_descriptor();
  EXPECT_EQ(EnumFromWireString(legacy, "OTHER_NAME")->number(), 1);
  // A name without the prefix is canonical, but its lowercase form is not expandable.
  EXPECT_EQ(EnumFromWireString(legacy, "other_name"), nullptr);
}

TEST(DialectCodecTest, NameIsJson) { EXPECT_EQ(Codec().name(), "json"); }

// ---------------------------------------------------------------------------------------------
// Encoding.

TEST(DialectEncodeTest, DefaultsOfImplicitPresenceFields) {
  EXPECT_EQ(Encode(Inner()),
            R"({"format":"unspecified","permissions":[],"name":"","type":"unspecified"})");
  const json::object object = EncodeToObject(Sample());
  EXPECT_EQ(object.at("id"), "");
  EXPECT_EQ(object.at("status"), "unspecified");
  EXPECT_EQ(object.at("legacy"), "unspecified");
  EXPECT_EQ(object.at("permissions"), json::array());
  EXPECT_EQ(object.at("permission_by_key"), json::object());
  EXPECT_EQ(object.at("metadata"), json::object());
  EXPECT_EQ(object.at("size_bytes"), "0");
  EXPECT_EQ(object.at("count"), 0);
  EXPECT_EQ(object.at("ratio"), 0);
  EXPECT_EQ(object.at("flag"), false);
  EXPECT_EQ(object.at("status_text"), "");
  for (const char* omitted : {"optional_status", "limit_cents", "completed_at", "note",
                              "optional_ratio", "optional_inner", "inner", "created_at"}) {
    EXPECT_FALSE(object.contains(omitted)) << omitted;
  }
}

TEST(DialectEncodeTest, UnsetOptionalOmittedSetZeroEmitted) {
  Sample sample;
  sample.set_limit_cents(0);
  sample.set_optional_status(dialecttest::v1::JOB_STATUS_UNSPECIFIED);
  sample.set_optional_ratio(0);
  sample.set_note("");
  sample.mutable_completed_at();
  const json::object object = EncodeToObject(sample);
  EXPECT_EQ(object.at("limit_cents"), "0");
  EXPECT_EQ(object.at("optional_status"), "unspecified");
  EXPECT_EQ(object.at("optional_ratio"), 0);
  EXPECT_EQ(object.at("note"), "");
  EXPECT_EQ(object.at("completed_at"), "1970-01-01T00:00:00Z");
}

Sample Populated() {
  Sample sample;
  sample.set_id("job_1");
  sample.set_status(dialecttest::v1::JOB_STATUS_PROCESSING);
  sample.set_optional_status(dialecttest::v1::JOB_STATUS_PENDING);
  sample.add_permissions(dialecttest::v1::PERMISSION_READ);
  sample.add_permissions(dialecttest::v1::PERMISSION_WRITE);
  sample.add_permissions(static_cast<dialecttest::v1::Permission>(7));
  (*sample.mutable_permission_by_key())["a"] = dialecttest::v1::PERMISSION_WRITE;
  (*sample.mutable_permission_by_key())["b"] = dialecttest::v1::PERMISSION_UNSPECIFIED;
  Inner* inner = sample.mutable_inner();
  inner->set_format(dialecttest::v1::HLS_SEGMENT_FORMAT_FMP4);
  inner->set_jurisdiction(dialecttest::v1::R2_JURISDICTION_EU);
  inner->add_permissions(dialecttest::v1::PERMISSION_WRITE);
  inner->set_type(dialecttest::v1::OUTPUT_FORMAT_DASH);
  inner->mutable_deeper()->set_status(dialecttest::v1::JOB_STATUS_AWAITING_CONFIRMATION);
  sample.mutable_optional_inner()->set_format(dialecttest::v1::HLS_SEGMENT_FORMAT_TS);
  sample.add_inners()->set_type(dialecttest::v1::OUTPUT_FORMAT_HLS);
  sample.add_inners()->set_jurisdiction(dialecttest::v1::R2_JURISDICTION_UNSPECIFIED);
  (*sample.mutable_inner_by_key())["x"].set_jurisdiction(dialecttest::v1::R2_JURISDICTION_FEDRAMP);
  (*sample.mutable_metadata())["status"] = "JOB_STATUS_PENDING";
  sample.set_size_bytes(9007199254740993);
  sample.set_limit_cents(-9223372036854775807 - 1);
  sample.set_count(-3);
  sample.set_ratio(1.5);
  sample.set_flag(true);
  sample.mutable_created_at()->set_seconds(1716548100);
  sample.mutable_created_at()->set_nanos(500000000);
  sample.add_times()->set_seconds(1716548100);
  sample.set_status_text("JOB_STATUS_PENDING");
  sample.mutable_dynamic()->set_string_value("JOB_STATUS_PENDING");
  (*sample.mutable_attributes()->mutable_fields())["status"].set_string_value("PERMISSION_READ");
  sample.set_optional_ratio(0.1);
  return sample;
}

TEST(DialectEncodeTest, EveryEnumPositionSimplified) {
  const json::object object = EncodeToObject(Populated());
  EXPECT_EQ(object.at("status"), "processing");
  EXPECT_EQ(object.at("optional_status"), "pending");
  EXPECT_EQ(object.at("permissions"), (json::array{"read", "write", 7}));
  EXPECT_EQ(object.at("permission_by_key"), (json::object{{"a", "write"}, {"b", "unspecified"}}));
  const json::object& inner = object.at("inner").as_object();
  EXPECT_EQ(inner.at("format"), "fmp4");
  EXPECT_EQ(inner.at("jurisdiction"), "eu");
  EXPECT_EQ(inner.at("permissions"), json::array{"write"});
  EXPECT_EQ(inner.at("type"), "dash");
  EXPECT_EQ(inner.at("deeper").at("status"), "awaiting_confirmation");
  EXPECT_EQ(object.at("optional_inner").at("format"), "ts");
  EXPECT_EQ(object.at("inners").at(0).at("type"), "hls");
  EXPECT_EQ(object.at("inners").at(1).at("jurisdiction"), "unspecified");
  EXPECT_EQ(object.at("inners").at(1).at("format"), "unspecified");
  EXPECT_EQ(object.at("inner_by_key").at("x").at("jurisdiction"), "fedramp");
}

TEST(DialectEncodeTest, ValueNameWithoutThePrefixIsLowercased) {
  Sample sample;
  sample.set_legacy(dialecttest::v1::OTHER_NAME);
  EXPECT_EQ(EncodeToObject(sample).at("legacy"), "other_name");
  // As in the reference codec, such a wire string does not expand back (no transcodely.v1 enum
  // has such a value); the canonical name does.
  EXPECT_EQ(Decode(R"({"legacy":"other_name"})").legacy(), dialecttest::v1::LEGACY_UNSPECIFIED);
  EXPECT_EQ(Decode(R"({"legacy":"OTHER_NAME"})").legacy(), dialecttest::v1::OTHER_NAME);
}

TEST(DialectEncodeTest, NonEnumStringsUntouched) {
  const json::object object = EncodeToObject(Populated());
  EXPECT_EQ(object.at("id"), "job_1");
  EXPECT_EQ(object.at("metadata").at("status"), "JOB_STATUS_PENDING");
  EXPECT_EQ(object.at("status_text"), "JOB_STATUS_PENDING");
  EXPECT_EQ(object.at("dynamic"), "JOB_STATUS_PENDING");
  EXPECT_EQ(object.at("attributes").at("status"), "PERMISSION_READ");
}

TEST(DialectEncodeTest, ScalarsAndTimestamps) {
  const std::string text = Encode(Populated());
  EXPECT_NE(text.find(R"("size_bytes":"9007199254740993")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("limit_cents":"-9223372036854775808")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("count":-3)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("ratio":1.5,)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("optional_ratio":0.1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("flag":true)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("created_at":"2024-05-24T10:55:00.500Z")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("times":["2024-05-24T10:55:00Z"])"), std::string::npos) << text;
  EXPECT_EQ(text.find(' '), std::string::npos) << "compact output: " << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << "compact output: " << text;
}

TEST(DialectEncodeTest, SpecialDoublesAndEscapes) {
  Sample sample;
  sample.set_ratio(std::numeric_limits<double>::infinity());
  sample.set_optional_ratio(std::numeric_limits<double>::quiet_NaN());
  sample.set_id("quote\" backslash\\ newline\n tab\t bell\x07 \xc3\xa9");
  const std::string text = Encode(sample);
  EXPECT_NE(text.find(R"("ratio":"Infinity")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("optional_ratio":"NaN")"), std::string::npos) << text;
  Sample decoded = Decode(text);
  EXPECT_EQ(decoded.id(), sample.id());
  EXPECT_TRUE(std::isinf(decoded.ratio()));
  EXPECT_TRUE(std::isnan(decoded.optional_ratio()));
}

TEST(DialectEncodeTest, TimestampFractionDigits) {
  Sample sample;
  sample.mutable_created_at()->set_seconds(1716548100);
  sample.mutable_created_at()->set_nanos(123456000);
  EXPECT_EQ(EncodeToObject(sample).at("created_at"), "2024-05-24T10:55:00.123456Z");
  sample.mutable_created_at()->set_nanos(1);
  EXPECT_EQ(EncodeToObject(sample).at("created_at"), "2024-05-24T10:55:00.000000001Z");
}

// ---------------------------------------------------------------------------------------------
// Decoding.

TEST(DialectDecodeTest, WireStrings) {
  const Sample sample = Decode(
      R"({"status":"processing","optional_status":"unspecified","permissions":["read","write"],)"
      R"("permission_by_key":{"a":"write"},"inner":{"format":"fmp4","jurisdiction":"eu",)"
      R"("type":"dash","deeper":{"status":"awaiting_confirmation"}},"inners":[{"type":"hls"}],)"
      R"("inner_by_key":{"x":{"permissions":["read"]}},"legacy":"OTHER_NAME"})");
  EXPECT_EQ(sample.status(), dialecttest::v1::JOB_STATUS_PROCESSING);
  EXPECT_TRUE(sample.has_optional_status());
  EXPECT_EQ(sample.optional_status(), dialecttest::v1::JOB_STATUS_UNSPECIFIED);
  ASSERT_EQ(sample.permissions_size(), 2);
  EXPECT_EQ(sample.permissions(0), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(sample.permissions(1), dialecttest::v1::PERMISSION_WRITE);
  EXPECT_EQ(sample.permission_by_key().at("a"), dialecttest::v1::PERMISSION_WRITE);
  EXPECT_EQ(sample.inner().format(), dialecttest::v1::HLS_SEGMENT_FORMAT_FMP4);
  EXPECT_EQ(sample.inner().jurisdiction(), dialecttest::v1::R2_JURISDICTION_EU);
  EXPECT_EQ(sample.inner().type(), dialecttest::v1::OUTPUT_FORMAT_DASH);
  EXPECT_EQ(sample.inner().deeper().status(), dialecttest::v1::JOB_STATUS_AWAITING_CONFIRMATION);
  EXPECT_EQ(sample.inners(0).type(), dialecttest::v1::OUTPUT_FORMAT_HLS);
  EXPECT_EQ(sample.inner_by_key().at("x").permissions(0), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(sample.legacy(), dialecttest::v1::OTHER_NAME);
}

TEST(DialectDecodeTest, CaseInsensitiveAfterPrefix) {
  EXPECT_EQ(Decode(R"({"status":"Processing"})").status(), dialecttest::v1::JOB_STATUS_PROCESSING);
  EXPECT_EQ(Decode(R"({"status":"PROCESSING"})").status(), dialecttest::v1::JOB_STATUS_PROCESSING);
  EXPECT_EQ(Decode(R"({"status":"Awaiting_Confirmation"})").status(),
            dialecttest::v1::JOB_STATUS_AWAITING_CONFIRMATION);
}

TEST(DialectDecodeTest, CanonicalNamesIntegersAndMixedForms) {
  const Sample sample = Decode(
      R"({"status":"JOB_STATUS_PENDING","optional_status":2,)"
      R"("permissions":["PERMISSION_WRITE","read",1,9],"permission_by_key":{"a":2,"b":"read"},)"
      R"("inner":{"format":"HLS_SEGMENT_FORMAT_TS","jurisdiction":"fedramp"}})");
  EXPECT_EQ(sample.status(), dialecttest::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(sample.optional_status(), dialecttest::v1::JOB_STATUS_PROCESSING);
  ASSERT_EQ(sample.permissions_size(), 4);
  EXPECT_EQ(sample.permissions(0), dialecttest::v1::PERMISSION_WRITE);
  EXPECT_EQ(sample.permissions(1), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(sample.permissions(2), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(static_cast<int>(sample.permissions(3)), 9);
  EXPECT_EQ(sample.permission_by_key().at("a"), dialecttest::v1::PERMISSION_WRITE);
  EXPECT_EQ(sample.permission_by_key().at("b"), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(sample.inner().format(), dialecttest::v1::HLS_SEGMENT_FORMAT_TS);
  EXPECT_EQ(sample.inner().jurisdiction(), dialecttest::v1::R2_JURISDICTION_FEDRAMP);
}

TEST(DialectDecodeTest, UnknownEnumStringsBecomeUnset) {
  const Sample sample =
      Decode(R"({"id":"kept","status":"totally_unknown","optional_status":"job_status_pending",)"
             R"("permissions":["read","admin","Permission_Write","write"],)"
             R"("permission_by_key":{"a":"read","b":"owner"},)"
             R"("inner":{"format":"mp4","jurisdiction":"mars","deeper":{"status":"weird"}},)"
             R"("inners":[{"type":"webm"}],"legacy":"legacy_other_name"})");
  EXPECT_EQ(sample.id(), "kept");
  EXPECT_EQ(sample.status(), dialecttest::v1::JOB_STATUS_UNSPECIFIED);
  EXPECT_FALSE(sample.has_optional_status());
  ASSERT_EQ(sample.permissions_size(), 2);
  EXPECT_EQ(sample.permissions(0), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(sample.permissions(1), dialecttest::v1::PERMISSION_WRITE);
  EXPECT_EQ(sample.permission_by_key().size(), 1u);
  EXPECT_EQ(sample.permission_by_key().at("a"), dialecttest::v1::PERMISSION_READ);
  EXPECT_TRUE(sample.has_inner());
  EXPECT_EQ(sample.inner().format(), dialecttest::v1::HLS_SEGMENT_FORMAT_UNSPECIFIED);
  EXPECT_FALSE(sample.inner().has_jurisdiction());
  EXPECT_TRUE(sample.inner().has_deeper());
  EXPECT_EQ(sample.inner().deeper().status(), dialecttest::v1::JOB_STATUS_UNSPECIFIED);
  ASSERT_EQ(sample.inners_size(), 1);
  EXPECT_EQ(sample.inners(0).type(), dialecttest::v1::OUTPUT_FORMAT_UNSPECIFIED);
  EXPECT_EQ(sample.legacy(), dialecttest::v1::LEGACY_UNSPECIFIED);
}

TEST(DialectDecodeTest, LoneValueForARepeatedField) {
  // protobuf's parser reads a lone value as a one-element list; the dialect pass agrees.
  Sample sample = Decode(R"({"permissions":"write","inners":{"format":"fmp4"}})");
  ASSERT_EQ(sample.permissions_size(), 1);
  EXPECT_EQ(sample.permissions(0), dialecttest::v1::PERMISSION_WRITE);
  ASSERT_EQ(sample.inners_size(), 1);
  EXPECT_EQ(sample.inners(0).format(), dialecttest::v1::HLS_SEGMENT_FORMAT_FMP4);
  sample = Decode(R"({"permissions":"admin"})");
  EXPECT_EQ(sample.permissions_size(), 0);
}

TEST(DialectDecodeTest, CamelCaseNames) {
  const Sample sample =
      Decode(R"({"optionalStatus":"pending","permissionByKey":{"a":"read"},)"
             R"("innerByKey":{"k":{"format":"fmp4","deeper":{"status":"processing"}}},)"
             R"("optionalInner":{"jurisdiction":"default"},"sizeBytes":"12","limitCents":7,)"
             R"("statusText":"processing","createdAt":"2024-05-24T12:55:00+02:00",)"
             R"("completedAt":"2024-05-24T10:55:00.5Z","optionalRatio":2.25})");
  EXPECT_EQ(sample.optional_status(), dialecttest::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(sample.permission_by_key().at("a"), dialecttest::v1::PERMISSION_READ);
  EXPECT_EQ(sample.inner_by_key().at("k").format(), dialecttest::v1::HLS_SEGMENT_FORMAT_FMP4);
  EXPECT_EQ(sample.inner_by_key().at("k").deeper().status(),
            dialecttest::v1::JOB_STATUS_PROCESSING);
  EXPECT_EQ(sample.optional_inner().jurisdiction(), dialecttest::v1::R2_JURISDICTION_DEFAULT);
  EXPECT_EQ(sample.size_bytes(), 12);
  EXPECT_EQ(sample.limit_cents(), 7);
  EXPECT_EQ(sample.status_text(), "processing");
  EXPECT_EQ(sample.created_at().seconds(), 1716548100);
  EXPECT_EQ(sample.completed_at().seconds(), 1716548100);
  EXPECT_EQ(sample.completed_at().nanos(), 500000000);
  EXPECT_EQ(sample.optional_ratio(), 2.25);
}

TEST(DialectDecodeTest, NullForAnyField) {
  const Sample sample = Decode(
      R"({"id":null,"status":null,"optional_status":null,"permissions":null,)"
      R"("permission_by_key":null,"inner":null,"optional_inner":null,"inners":null,)"
      R"("inner_by_key":null,"metadata":null,"size_bytes":null,"limit_cents":null,"count":null,)"
      R"("ratio":null,"flag":null,"created_at":null,"completed_at":null,"times":null,)"
      R"("legacy":null,"attributes":null,"optional_ratio":null,"note":null})");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(sample, Sample()))
      << sample.DebugString();
}

TEST(DialectDecodeTest, NullInsideRepeatedAndMaps) {
  const Sample sample = Decode(
      R"({"permissions":[null,"write"],"inners":[null,{"format":"ts"}],)"
      R"("permission_by_key":{"a":null,"b":"read"},"inner_by_key":{"x":null,"y":{"format":null}},)"
      R"("metadata":{"k":null,"l":"v"},"times":[null,"2024-05-24T10:55:00Z"],)"
      R"("inner":{"jurisdiction":null,"deeper":null}})");
  ASSERT_EQ(sample.permissions_size(), 1);
  EXPECT_EQ(sample.permissions(0), dialecttest::v1::PERMISSION_WRITE);
  ASSERT_EQ(sample.inners_size(), 1);
  EXPECT_EQ(sample.inners(0).format(), dialecttest::v1::HLS_SEGMENT_FORMAT_TS);
  EXPECT_EQ(sample.permission_by_key().size(), 1u);
  EXPECT_EQ(sample.inner_by_key().size(), 1u);
  EXPECT_EQ(sample.inner_by_key().count("y"), 1u);
  EXPECT_EQ(sample.metadata().size(), 1u);
  EXPECT_EQ(sample.times_size(), 1);
  EXPECT_TRUE(sample.has_inner());
  EXPECT_FALSE(sample.inner().has_jurisdiction());
  EXPECT_FALSE(sample.inner().has_deeper());
}

TEST(DialectDecodeTest, NullIsAValueForGoogleProtobufValue) {
  const Sample sample = Decode(R"({"dynamic":null})");
  EXPECT_TRUE(sample.has_dynamic());
  EXPECT_EQ(sample.dynamic().kind_case(), google::protobuf::Value::kNullValue);
}

TEST(DialectDecodeTest, UnknownFieldsIgnored) {
  const Sample sample = Decode(
      R"({"made_up_field":{"x":[1,2,null]},"id":"a","inner":{"nope":"processing","format":"ts"},)"
      R"("madeUp":null,"[some.extension]":1})");
  EXPECT_EQ(sample.id(), "a");
  EXPECT_EQ(sample.inner().format(), dialecttest::v1::HLS_SEGMENT_FORMAT_TS);
}

// protobuf's parser on its own leaves an unknown field behind for this empty key; a message read
// from JSON has none (so it writes back and reads again as the same message).
TEST(DialectDecodeTest, EmptyKeyInARepeatedMessageLeavesNoUnknownField) {
  const Sample sample = Decode(R"({"inners":[{"format":"ts","":[{"x":1}]}]})");
  ASSERT_EQ(sample.inners_size(), 1);
  EXPECT_EQ(sample.inners(0).format(), dialecttest::v1::HLS_SEGMENT_FORMAT_TS);
  EXPECT_TRUE(sample.inners(0).GetReflection()->GetUnknownFields(sample.inners(0)).empty());
}

TEST(DialectDecodeTest, Int64AsStringOrNumber) {
  const Sample sample =
      Decode(R"({"size_bytes":"9223372036854775807","limit_cents":9007199254740993})");
  EXPECT_EQ(sample.size_bytes(), 9223372036854775807);
  EXPECT_EQ(sample.limit_cents(), 9007199254740993);
  // A rewrite (here for the enum) must keep the precision too.
  const Sample rewritten =
      Decode(R"({"status":"pending","size_bytes":-9007199254740993,"limit_cents":"-5"})");
  EXPECT_EQ(rewritten.status(), dialecttest::v1::JOB_STATUS_PENDING);
  EXPECT_EQ(rewritten.size_bytes(), -9007199254740993);
  EXPECT_EQ(rewritten.limit_cents(), -5);
}

TEST(DialectDecodeTest, DoublesSurviveTheRewrite) {
  const Sample sample =
      Decode(R"({"status":"pending","ratio":0.1,"optional_ratio":1e300,"count":2})");
  EXPECT_EQ(sample.ratio(), 0.1);
  EXPECT_EQ(sample.optional_ratio(), 1e300);
  EXPECT_EQ(sample.count(), 2);
  EXPECT_TRUE(std::isinf(Decode(R"({"status":"pending","ratio":"-Infinity"})").ratio()));
}

TEST(DialectDecodeTest, StructAndValueContentsUntouched) {
  const Sample sample = Decode(
      R"({"status":"pending","dynamic":"processing","attributes":{"status":"read","n":null}})");
  EXPECT_EQ(sample.dynamic().string_value(), "processing");
  EXPECT_EQ(sample.attributes().fields().at("status").string_value(), "read");
  EXPECT_EQ(sample.attributes().fields().at("n").kind_case(), google::protobuf::Value::kNullValue);
}

TEST(DialectDecodeTest, EmptyBodyIsAnEmptyMessage) {
  Sample sample;
  sample.set_id("stale");
  const connectrpc::Status status = Codec().Unmarshal("", &sample);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sample.id(), "");
  EXPECT_TRUE(Codec().Unmarshal("{}", &sample).ok());
  EXPECT_TRUE(Codec().Unmarshal(" { } \n", &sample).ok());
}

TEST(DialectDecodeTest, Errors) {
  Sample sample;
  connectrpc::Status status = Codec().Unmarshal(R"({"id":)", &sample);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("invalid JSON: ", 0), 0u) << status.message();

  status = Codec().Unmarshal(R"({"id":"a"} trailing)", &sample);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument) << status.ToString();

  status = Codec().Unmarshal("[1,2]", &sample);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("invalid JSON: ", 0), 0u) << status.message();

  sample.set_id("stale");
  status = Codec().Unmarshal(R"({"status":"pending","count":"abc"})", &sample);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("dialecttest.v1.Sample"), std::string::npos) << status.message();
  EXPECT_EQ(sample.id(), "");

  status = Codec().Unmarshal(R"({"created_at":"yesterday"})", &sample);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  status = Codec().Unmarshal(R"({"status":true})", &sample);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Timestamps outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z.

constexpr int64_t kFirstSecond = -62'135'596'800;  // 0001-01-01T00:00:00Z
constexpr int64_t kLastSecond = 253'402'300'799;   // 9999-12-31T23:59:59Z

// The status of unmarshalling `text` into a Sample, which is left empty on failure.
connectrpc::Status DecodeStatus(std::string_view text) {
  Sample sample;
  sample.set_id("stale");
  connectrpc::Status status = Codec().Unmarshal(text, &sample);
  if (!status.ok()) {
    EXPECT_EQ(sample.ByteSizeLong(), 0u) << sample.ShortDebugString();
  }
  return status;
}

TEST(DialectTimestampRangeTest, DecodeAcceptsTheEndsOfTheRange) {
  Sample sample = Decode(R"({"created_at":"0001-01-01T00:00:00Z",)"
                         R"("times":["9999-12-31T23:59:59.999999999Z"]})");
  EXPECT_EQ(sample.created_at().seconds(), kFirstSecond);
  ASSERT_EQ(sample.times_size(), 1);
  EXPECT_EQ(sample.times(0).seconds(), kLastSecond);
  EXPECT_EQ(sample.times(0).nanos(), 999'999'999);
  // An offset that stays inside the range.
  EXPECT_EQ(Decode(R"({"created_at":"9999-12-31T22:59:59-01:00"})").created_at().seconds(),
            kLastSecond);
}

TEST(DialectTimestampRangeTest, DecodeRefusesAnOffsetPastTheRangeNamingTheField) {
  // Years 0001 and 9999 written with an offset that moves the instant outside the range.
  connectrpc::Status status = DecodeStatus(R"({"created_at":"9999-12-31T23:30:00-01:00"})");
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_EQ(status.message().rfind(
                "unmarshal into dialecttest.v1.Sample from JSON: created_at: Timestamp out of "
                "range (seconds 253402302600, nanos 0)",
                0),
            0u)
      << status.message();

  status = DecodeStatus(R"({"inner":{"at":"0001-01-01T00:00:00+00:01"}})");
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("from JSON: inner.at: Timestamp out of range"), std::string::npos)
      << status.message();

  status = DecodeStatus(R"({"times":["2024-05-24T10:55:00Z","0001-01-01T00:00:00+01:00"]})");
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("from JSON: times[1]: Timestamp out of range"), std::string::npos)
      << status.message();

  status = DecodeStatus(R"({"time_by_key":{"due":"9999-12-31T23:59:59-00:01"}})");
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_NE(status.message().find(R"(from JSON: time_by_key["due"]: Timestamp out of range)"),
            std::string::npos)
      << status.message();

  google::protobuf::Timestamp top;
  status = Codec().Unmarshal(R"("9999-12-31T23:59:59-01:00")", &top);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument);
  EXPECT_EQ(status.message().rfind(
                "unmarshal into google.protobuf.Timestamp from JSON: Timestamp out of range", 0),
            0u)
      << status.message();
}

TEST(DialectTimestampRangeTest, DecodeRefusesYearsOutsideTheRange) {
  EXPECT_EQ(DecodeStatus(R"({"created_at":"0000-12-31T23:59:59Z"})").code(),
            connectrpc::Code::kInvalidArgument);
  EXPECT_EQ(DecodeStatus(R"({"created_at":"10000-01-01T00:00:00Z"})").code(),
            connectrpc::Code::kInvalidArgument);
}

TEST(DialectTimestampRangeTest, EncodeAcceptsTheEndsOfTheRange) {
  Sample sample;
  sample.mutable_created_at()->set_seconds(kFirstSecond);
  sample.add_times()->set_seconds(kLastSecond);
  sample.mutable_times(0)->set_nanos(999'999'999);
  json::object object = EncodeToObject(sample);
  EXPECT_EQ(object.at("created_at"), "0001-01-01T00:00:00Z");
  EXPECT_EQ(object.at("times").at(0), "9999-12-31T23:59:59.999999999Z");
}

// Marshals `message`, which must fail; returns the message of the failure.
std::string EncodeError(const google::protobuf::Message& message) {
  std::string out = "left over";
  const connectrpc::Status status = Codec().Marshal(message, &out);
  EXPECT_EQ(status.code(), connectrpc::Code::kInternal) << status.ToString();
  EXPECT_EQ(out, "");
  return status.message();
}

TEST(DialectTimestampRangeTest, EncodeRefusesOutOfRangeNamingTheField) {
  Sample sample;
  sample.mutable_created_at()->set_seconds(kLastSecond + 1);
  EXPECT_EQ(EncodeError(sample),
            "marshal dialecttest.v1.Sample to JSON: created_at: Timestamp out of range (seconds "
            "253402300800, nanos 0): want 0001-01-01T00:00:00Z to "
            "9999-12-31T23:59:59.999999999Z, nanos in [0, 999999999]");

  sample.Clear();
  sample.mutable_created_at()->set_seconds(kFirstSecond - 1);
  EXPECT_NE(EncodeError(sample).find("to JSON: created_at: Timestamp out of range (seconds "
                                     "-62135596801, nanos 0)"),
            std::string::npos);

  sample.Clear();
  sample.add_times()->set_seconds(0);
  sample.add_times()->set_nanos(-1);
  EXPECT_NE(EncodeError(sample).find("to JSON: times[1]: Timestamp out of range (seconds 0, "
                                     "nanos -1)"),
            std::string::npos);

  sample.Clear();
  sample.mutable_optional_inner()->mutable_at()->set_nanos(1'000'000'000);
  EXPECT_NE(EncodeError(sample).find("to JSON: optional_inner.at: Timestamp out of range"),
            std::string::npos);

  sample.Clear();
  (*sample.mutable_inner_by_key())["x\"y"].mutable_at()->set_seconds(INT64_MIN);
  EXPECT_NE(EncodeError(sample).find(R"(to JSON: inner_by_key["x\"y"].at: Timestamp out of range)"),
            std::string::npos);

  sample.Clear();
  sample.add_inners();
  sample.add_inners()->mutable_at()->set_seconds(INT64_MAX);
  EXPECT_NE(EncodeError(sample).find("to JSON: inners[1].at: Timestamp out of range"),
            std::string::npos);

  google::protobuf::Timestamp top;
  top.set_seconds(kLastSecond + 1);
  EXPECT_EQ(EncodeError(top).rfind(
                "marshal google.protobuf.Timestamp to JSON: Timestamp out of range", 0),
            0u);
}

TEST(DialectDecodeTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += R"({"deeper":)";
  deep += "{}";
  for (int i = 0; i < 5000; ++i) deep += "}";
  Inner inner;
  EXPECT_EQ(Codec().Unmarshal(deep, &inner).code(), connectrpc::Code::kInvalidArgument);
}

TEST(DialectRoundTripTest, PopulatedMessage) {
  const Sample original = Populated();
  const Sample decoded = Decode(Encode(original));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(decoded, original))
      << decoded.DebugString();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(Decode(Encode(Sample())), Sample()));
}

TEST(DialectRoundTripTest, WellKnownTypeAtTopLevel) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(1716548100);
  std::string text;
  ASSERT_TRUE(Codec().Marshal(timestamp, &text).ok());
  EXPECT_EQ(text, R"("2024-05-24T10:55:00Z")");
  google::protobuf::Timestamp decoded;
  ASSERT_TRUE(Codec().Unmarshal(R"("2024-05-24T12:55:00+02:00")", &decoded).ok());
  EXPECT_EQ(decoded.seconds(), 1716548100);
}

TEST(DialectRoundTripTest, ConcurrentUse) {
  const Sample original = Populated();
  const std::string text = Encode(original);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Sample sample;
        std::string again;
        // Map order may differ between encodings, so compare sizes and decoded messages.
        if (!Codec().Unmarshal(text, &sample).ok() || !Codec().Marshal(sample, &again).ok() ||
            again.size() != text.size() ||
            !google::protobuf::util::MessageDifferencer::Equals(sample, original)) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0);
}

}  // namespace
}  // namespace transcodely
