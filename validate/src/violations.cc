#include "connectrpc/validate/violations.h"

#include <google/protobuf/descriptor.pb.h>

#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>

#include "buf/validate/validate.pb.h"
#include "connectrpc/code.h"

namespace connectrpc::validate {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FieldDescriptorProto;

FieldDescriptorProto::Type ProtoType(const FieldDescriptor* f) {
  return static_cast<FieldDescriptorProto::Type>(f->type());
}

void Describe(const FieldDescriptor* f, buf::validate::FieldPathElement* e) {
  e->set_field_number(f->number());
  e->set_field_name(f->name());
  e->set_field_type(ProtoType(f));
  if (f->is_map()) {
    e->set_key_type(ProtoType(f->message_type()->map_key()));
    e->set_value_type(ProtoType(f->message_type()->map_value()));
  }
}

// Reads one map key or list index between brackets at the start of `path` (just after '[');
// consumes through ']'. Returns false on a malformed path.
bool ReadSubscript(std::string_view* path, const FieldDescriptor* f,
                   buf::validate::FieldPathElement* e) {
  std::string_view& p = *path;
  if (!p.empty() && p.front() == '"') {
    std::string key;
    size_t i = 1;
    for (; i < p.size() && p[i] != '"'; ++i) {
      if (p[i] == '\\' && i + 1 < p.size()) ++i;
      key += p[i];
    }
    if (i + 1 >= p.size() || p[i + 1] != ']') return false;
    e->set_string_key(std::move(key));
    p.remove_prefix(i + 2);
    return true;
  }
  const size_t close = p.find(']');
  if (close == std::string_view::npos) return false;
  const std::string_view text = p.substr(0, close);
  p.remove_prefix(close + 1);
  if (!f->is_map()) {
    uint64_t index = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    e->set_index(index);
    return true;
  }
  const FieldDescriptor* key = f->message_type()->map_key();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      e->set_bool_key(text == "true");
      return text == "true" || text == "false";
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      e->set_uint_key(v);
      return ec == std::errc() && end == text.data() + text.size();
    }
    default: {
      int64_t v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      e->set_int_key(v);
      return ec == std::errc() && end == text.data() + text.size();
    }
  }
}

// The evaluator's path text ("outputs[0].video.codec", "metadata[\"k\"]") as a FieldPath from
// `root`; false (and a partial path) if a segment names no field.
bool ToFieldPath(const Descriptor& root, std::string_view path, buf::validate::FieldPath* out) {
  const Descriptor* message = &root;
  while (!path.empty()) {
    if (message == nullptr) return false;
    size_t end = 0;
    while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
    const FieldDescriptor* f = message->FindFieldByName(std::string(path.substr(0, end)));
    if (f == nullptr) return false;
    path.remove_prefix(end);
    buf::validate::FieldPathElement* e = out->add_elements();
    Describe(f, e);
    const FieldDescriptor* element = f;
    if (!path.empty() && path.front() == '[') {
      path.remove_prefix(1);
      if (!ReadSubscript(&path, f, e)) return false;
      if (f->is_map()) element = f->message_type()->map_value();
    }
    message = element->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? element->message_type()
                                                                      : nullptr;
    if (!path.empty()) {
      if (path.front() != '.') return false;
      path.remove_prefix(1);
    }
  }
  return true;
}

// The rule's path inside buf.validate.FieldRules, for the standard rule ids ("required",
// "string.max_len", "string.email_empty" -> string.email, "int32.gte_lte" -> int32.gte).
// False for CEL rule ids and anything else that names no rule field.
bool RulePath(std::string_view rule_id, buf::validate::FieldPath* out) {
  const Descriptor* message = buf::validate::FieldRules::descriptor();
  while (!rule_id.empty()) {
    const size_t dot = rule_id.find('.');
    std::string name(rule_id.substr(0, dot));
    const FieldDescriptor* f = message->FindFieldByName(name);
    if (f == nullptr && dot == std::string_view::npos) {
      // Combined and derived ids: gte_lte, gt_lt_exclusive, email_empty, ...
      while (f == nullptr) {
        const size_t cut = name.rfind('_');
        if (cut == std::string::npos || cut == 0) break;
        name.resize(cut);
        f = message->FindFieldByName(name);
      }
    }
    if (f == nullptr) return false;
    Describe(f, out->add_elements());
    if (dot == std::string_view::npos) return true;
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return false;
    message = f->message_type();
    rule_id.remove_prefix(dot + 1);
  }
  return false;
}

}  // namespace

std::string ViolationsMessage(const std::vector<FieldViolation>& violations) {
  std::string message = "invalid request";
  if (violations.empty()) return message;
  const FieldViolation& first = violations.front();
  message += ": ";
  if (!first.field.empty()) message += first.field + ": ";
  message += first.description;
  if (violations.size() > 1) {
    message += " (and " + std::to_string(violations.size() - 1) + " more)";
  }
  return message;
}

buf::validate::Violations ToViolationsProto(const Descriptor& root,
                                            const std::vector<FieldViolation>& violations) {
  buf::validate::Violations out;
  for (const FieldViolation& v : violations) {
    buf::validate::Violation* proto = out.add_violations();
    if (!v.field.empty()) {
      buf::validate::FieldPath path;
      if (ToFieldPath(root, v.field, &path)) *proto->mutable_field() = std::move(path);
    }
    buf::validate::FieldPath rule;
    if (RulePath(v.rule_id, &rule)) *proto->mutable_rule() = std::move(rule);
    proto->set_rule_id(v.rule_id);
    proto->set_message(v.description);
    if (v.for_key) proto->set_for_key(true);
  }
  return out;
}

Status ViolationsStatus(const Descriptor& root, const std::vector<FieldViolation>& violations) {
  if (violations.empty()) return Status();
  Status status(Code::kInvalidArgument, ViolationsMessage(violations));
  status.AddDetail(ToViolationsProto(root, violations));
  return status;
}

Status ValidateToStatus(const google::protobuf::Message& message, const ValidateOptions& options) {
  return ViolationsStatus(*message.GetDescriptor(), Validate(message, options));
}

}  // namespace connectrpc::validate
