// Status and ErrorDetail.
#include "connectrpc/status.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "connectrpc/result.h"

namespace connectrpc {
namespace {

std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializePartialToCodedStream(&coded);
  }
  return out;
}

}  // namespace

namespace internal {

void DieOnErrorResultAccess(const Status& status) {
  const std::string text = status.ToString();
  std::fprintf(stderr, "connectrpc: Result::value() called on an error: %s\n", text.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace internal

bool ErrorDetail::UnpackTo(google::protobuf::Message* message) const {
  if (message == nullptr) return false;
  if (type != message->GetDescriptor()->full_name()) return false;
  return message->ParseFromString(value);
}

Status& Status::AddDetail(const google::protobuf::Message& detail) {
  details_.push_back(
      ErrorDetail{detail.GetDescriptor()->full_name(), SerializeDeterministic(detail), {}});
  return *this;
}

Status& Status::AddDetail(ErrorDetail detail) {
  details_.push_back(std::move(detail));
  return *this;
}

std::string Status::ToString() const {
  std::string out(CodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace connectrpc
