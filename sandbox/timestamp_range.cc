#include "timestamp_range.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

namespace sandbox {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsTimestampType(const google::protobuf::Descriptor* d) {
  return d->full_name() == google::protobuf::Timestamp::descriptor()->full_name();
}

bool InRange(int64_t seconds, int32_t nanos) {
  return seconds >= kMinTimestampSeconds && seconds <= kMaxTimestampSeconds && nanos >= 0 &&
         nanos <= 999'999'999;
}

void CheckTimestamp(const Message& ts, const std::string& path,
                    std::vector<transcodely::v1::FieldViolation>* out) {
  const google::protobuf::Descriptor* d = ts.GetDescriptor();
  const google::protobuf::Reflection* r = ts.GetReflection();
  int64_t seconds = r->GetInt64(ts, d->FindFieldByNumber(1));
  int32_t nanos = r->GetInt32(ts, d->FindFieldByNumber(2));
  if (InRange(seconds, nanos)) return;
  transcodely::v1::FieldViolation violation;
  violation.set_field(path);
  violation.set_description(path +
                            " must be between 0001-01-01T00:00:00Z and "
                            "9999-12-31T23:59:59.999999999Z (nanos in [0, 999999999])");
  out->push_back(std::move(violation));
}

void Walk(const Message& message, const std::string& prefix,
          std::vector<transcodely::v1::FieldViolation>* out);

void VisitValue(const Message& value, const std::string& path,
                std::vector<transcodely::v1::FieldViolation>* out) {
  if (IsTimestampType(value.GetDescriptor())) {
    CheckTimestamp(value, path, out);
  } else {
    Walk(value, path + ".", out);
  }
}

void Walk(const Message& message, const std::string& prefix,
          std::vector<transcodely::v1::FieldViolation>* out) {
  const google::protobuf::Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    std::string path = prefix + field->name();
    if (field->is_map()) {
      const FieldDescriptor* value_field = field->message_type()->map_value();
      if (value_field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      int n = r->FieldSize(message, field);
      for (int i = 0; i < n; ++i) {
        const Message& entry = r->GetRepeatedMessage(message, field, i);
        const FieldDescriptor* key_field = entry.GetDescriptor()->map_key();
        std::string key = key_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING
                              ? entry.GetReflection()->GetString(entry, key_field)
                              : std::to_string(i);
        const Message& value = entry.GetReflection()->GetMessage(entry, value_field);
        std::string element_path = path;
        element_path.append("[").append(key).append("]");
        VisitValue(value, element_path, out);
      }
    } else if (field->is_repeated()) {
      int n = r->FieldSize(message, field);
      for (int i = 0; i < n; ++i) {
        VisitValue(r->GetRepeatedMessage(message, field, i), path + "[" + std::to_string(i) + "]",
                   out);
      }
    } else {
      VisitValue(r->GetMessage(message, field), path, out);
    }
  }
}

}  // namespace

bool IsTimestampInRange(const google::protobuf::Timestamp& ts) {
  return InRange(ts.seconds(), ts.nanos());
}

std::vector<transcodely::v1::FieldViolation> TimestampRangeViolations(const Message& message) {
  std::vector<transcodely::v1::FieldViolation> out;
  Walk(message, "", &out);
  return out;
}

}  // namespace sandbox
