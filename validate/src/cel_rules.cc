#include "cel_rules.h"

#include <google/protobuf/descriptor.h>

#include <string>

namespace connectrpc::validate::internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* Field(const Message& m, const char* name) {
  return m.GetDescriptor()->FindFieldByName(name);
}

// CEL `has(this.name)`: set for presence fields, non-zero for implicit-presence scalars,
// non-empty for repeated fields and maps.
bool Has(const Message& m, const char* name) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr) return false;
  if (f->is_repeated()) return m.GetReflection()->FieldSize(m, f) > 0;
  return m.GetReflection()->HasField(m, f);
}

int Size(const Message& m, const char* name) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || !f->is_repeated()) return 0;
  return m.GetReflection()->FieldSize(m, f);
}

std::string Str(const Message& m, const char* name) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  return m.GetReflection()->GetString(m, f);
}

int64_t Int(const Message& m, const char* name) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || f->is_repeated()) return 0;
  const auto* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnumValue(m, f);
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(m, f);
    case FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(m, f);
    default:
      return 0;
  }
}

double Dbl(const Message& m, const char* name) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || f->is_repeated()) return 0;
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) return m.GetReflection()->GetDouble(m, f);
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) return m.GetReflection()->GetFloat(m, f);
  return 0;
}

bool Bool(const Message& m, const char* name) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_BOOL) {
    return false;
  }
  return m.GetReflection()->GetBool(m, f);
}

// CEL `this.name.all(e, pred(e))` over a repeated message field.
template <typename Pred>
bool AllMessages(const Message& m, const char* name, Pred pred) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || !f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return true;
  }
  const auto* r = m.GetReflection();
  for (int i = 0; i < r->FieldSize(m, f); ++i) {
    if (!pred(r->GetRepeatedMessage(m, f, i))) return false;
  }
  return true;
}

// CEL `this.name.all(e, pred(e))` over a repeated enum or integer field.
template <typename Pred>
bool AllInts(const Message& m, const char* name, Pred pred) {
  const FieldDescriptor* f = Field(m, name);
  if (f == nullptr || !f->is_repeated()) return true;
  const auto* r = m.GetReflection();
  for (int i = 0; i < r->FieldSize(m, f); ++i) {
    int64_t v = 0;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_ENUM:
        v = r->GetRepeatedEnumValue(m, f, i);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        v = r->GetRepeatedInt32(m, f, i);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        v = r->GetRepeatedInt64(m, f, i);
        break;
      default:
        return true;
    }
    if (!pred(v)) return false;
  }
  return true;
}

bool PathTemplateSafe(const CelScalar& self) {
  const std::string_view s = self.string;
  return s.empty() || (!s.starts_with('/') && s.find("..") == std::string_view::npos);
}

bool NoDotDot(const CelScalar& self) { return self.string.find("..") == std::string_view::npos; }

bool AtMostTenMillion(const CelScalar& self) { return self.number <= 10000000.0; }

bool CaptionsOnly(const Message& m) {
  return Size(m, "subtitle_tracks") > 0 && AllMessages(m, "subtitle_tracks", [](const Message& t) {
           const int64_t op = Int(t, "operation");
           return op == 4 || op == 5;
         });
}

constexpr std::string_view kPathTemplateSafe =
    "this == '' || (!this.startsWith('/') && !this.contains('..'))";

std::vector<CelRule> MakeRules() {
  std::vector<CelRule> rules = {
      // Field-level rules (`this` is the field's value).
      {"origin.path_template_safe", kPathTemplateSafe, PathTemplateSafe, nullptr},
      {"output_spec.path_template_safe", kPathTemplateSafe, PathTemplateSafe, nullptr},
      {"thumbnail_spec.path_template_safe", kPathTemplateSafe, PathTemplateSafe, nullptr},
      {"create_job.output_path_template_safe", kPathTemplateSafe, PathTemplateSafe, nullptr},
      {"streaming_config.hls_variant_pattern_safe", "!this.contains('..')", NoDotDot, nullptr},
      {"hls_config.variant_pattern_safe", "!this.contains('..')", NoDotDot, nullptr},
      {"clip.start_storable", "this <= 10000000.0", AtMostTenMillion, nullptr},
      {"clip.end_storable", "this <= 10000000.0", AtMostTenMillion, nullptr},

      // Message-level rules (`this` is the message).
      {"r2.exactly_one_location",
       "(this.account_id != '' ? 1 : 0) + (has(this.endpoint) ? 1 : 0) == 1", nullptr,
       [](const Message& m) {
         return (Str(m, "account_id").empty() ? 0 : 1) + (Has(m, "endpoint") ? 1 : 0) == 1;
       }},
      {"r2.jurisdiction_requires_account_id", "this.jurisdiction == 0 || this.account_id != ''",
       nullptr,
       [](const Message& m) {
         return Int(m, "jurisdiction") == 0 || !Str(m, "account_id").empty();
       }},
      {"create_origin.exactly_one_config",
       "(has(this.gcs) ? 1 : 0) + (has(this.s3) ? 1 : 0) + (has(this.http) ? 1 : 0) + "
       "(has(this.r2) ? 1 : 0) == 1",
       nullptr,
       [](const Message& m) {
         return Has(m, "gcs") + Has(m, "s3") + Has(m, "http") + Has(m, "r2") == 1;
       }},
      {"create_origin.http_read_only", "!has(this.http) || this.permissions.all(p, p == 1)",
       nullptr,
       [](const Message& m) {
         return !Has(m, "http") || AllInts(m, "permissions", [](int64_t p) { return p == 1; });
       }},
      {"output_spec.preset_or_inline",
       "has(this.preset) || (this.type != 0 && size(this.video) > 0) || "
       "(size(this.subtitle_tracks) > 0 && this.subtitle_tracks.all(t, t.operation == 4 || "
       "t.operation == 5))",
       nullptr,
       [](const Message& m) {
         return Has(m, "preset") || (Int(m, "type") != 0 && Size(m, "video") > 0) ||
                CaptionsOnly(m);
       }},
      {"output_spec.video_required",
       "has(this.preset) || size(this.video) >= 1 || (size(this.subtitle_tracks) > 0 && "
       "this.subtitle_tracks.all(t, t.operation == 4 || t.operation == 5))",
       nullptr,
       [](const Message& m) {
         return Has(m, "preset") || Size(m, "video") >= 1 || CaptionsOnly(m);
       }},
      {"output_spec.audio_require_streaming",
       "size(this.audio) == 0 || this.type == 5 || this.type == 6 || this.type == 7", nullptr,
       [](const Message& m) {
         const int64_t t = Int(m, "type");
         return Size(m, "audio") == 0 || t == 5 || t == 6 || t == 7;
       }},
      {"output_spec.hls_config_type", "!has(this.hls) || this.type == 5 || this.type == 7", nullptr,
       [](const Message& m) {
         const int64_t t = Int(m, "type");
         return !Has(m, "hls") || t == 5 || t == 7;
       }},
      {"output_spec.dash_config_type", "!has(this.dash) || this.type == 6 || this.type == 7",
       nullptr,
       [](const Message& m) {
         const int64_t t = Int(m, "type");
         return !Has(m, "dash") || t == 6 || t == 7;
       }},
      {"output_spec.segments_config_type",
       "!has(this.segments) || this.type == 5 || this.type == 6 || this.type == 7", nullptr,
       [](const Message& m) {
         const int64_t t = Int(m, "type");
         return !Has(m, "segments") || t == 5 || t == 6 || t == 7;
       }},
      {"output_spec.disable_audio_no_tracks",
       "!has(this.disable_audio) || !this.disable_audio || size(this.audio) == 0", nullptr,
       [](const Message& m) {
         return !Has(m, "disable_audio") || !Bool(m, "disable_audio") || Size(m, "audio") == 0;
       }},
      {"clip.end_after_start",
       "this.end_seconds == 0.0 || this.end_seconds - this.start_seconds >= 0.001", nullptr,
       [](const Message& m) {
         const double end = Dbl(m, "end_seconds");
         return end == 0.0 || end - Dbl(m, "start_seconds") >= 0.001;
       }},
      {"create_job.input_source",
       "(this.input_url != '' && !has(this.input_origin_id) && !has(this.input_video_id)) || "
       "(this.input_url == '' && has(this.input_origin_id) && !has(this.input_video_id)) || "
       "(this.input_url == '' && !has(this.input_origin_id) && has(this.input_video_id))",
       nullptr,
       [](const Message& m) {
         const bool url = !Str(m, "input_url").empty();
         const bool origin = Has(m, "input_origin_id");
         const bool video = Has(m, "input_video_id");
         return (url && !origin && !video) || (!url && origin && !video) ||
                (!url && !origin && video);
       }},
      {"create_job.input_path_requires_origin",
       "!has(this.input_path) || has(this.input_origin_id)", nullptr,
       [](const Message& m) { return !Has(m, "input_path") || Has(m, "input_origin_id"); }},
      {"create_job.output_origin_required",
       "has(this.output_origin_id) || (has(this.managed) && this.managed) || "
       "has(this.input_video_id)",
       nullptr,
       [](const Message& m) {
         return Has(m, "output_origin_id") || (Has(m, "managed") && Bool(m, "managed")) ||
                Has(m, "input_video_id");
       }},
      {"update_video.clear_tags_excludes_tags",
       "!has(this.clear_tags) || !this.clear_tags || size(this.tags) == 0", nullptr,
       [](const Message& m) {
         return !Has(m, "clear_tags") || !Bool(m, "clear_tags") || Size(m, "tags") == 0;
       }},
      {"webhook_deliveries.endpoint_or_event_required",
       "has(this.endpoint_id) || has(this.event_id)", nullptr,
       [](const Message& m) { return Has(m, "endpoint_id") || Has(m, "event_id"); }},
  };
  return rules;
}

}  // namespace

const std::vector<CelRule>& AllCelRules() {
  static const std::vector<CelRule>* const kRules = new std::vector<CelRule>(MakeRules());
  return *kRules;
}

const CelRule* FindCelRule(std::string_view id) {
  for (const CelRule& rule : AllCelRules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

}  // namespace connectrpc::validate::internal
