// Binary and JSON protobuf codecs.
#include "connectrpc/codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>

#include <climits>
#include <string>

#include "codec/json_fast_codec.h"
#include "codec/json_message_info.h"

namespace connectrpc {
namespace {

class ProtoCodecImpl final : public Codec {
 public:
  std::string_view name() const override { return "proto"; }

  Status Marshal(const google::protobuf::Message& message, std::string* out) const override {
    out->clear();
    bool ok = false;
    {
      google::protobuf::io::StringOutputStream stream(out);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      ok = message.SerializeToCodedStream(&coded);
    }
    if (!ok) {
      out->clear();
      return Status(Code::kInternal,
                    "marshal " + message.GetDescriptor()->full_name() +
                        ": missing required fields: " + message.InitializationErrorString());
    }
    return Status();
  }

  Status Unmarshal(std::string_view data, google::protobuf::Message* message) const override {
    message->Clear();
    if (data.size() > static_cast<size_t>(INT_MAX) ||
        !message->ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      message->Clear();
      return Status(
          Code::kInvalidArgument,
          "unmarshal into " + message->GetDescriptor()->full_name() + ": invalid binary protobuf");
    }
    return Status();
  }
};

class JsonCodecImpl final : public Codec {
 public:
  std::string_view name() const override { return "json"; }

  Status Marshal(const google::protobuf::Message& message, std::string* out) const override {
    if (const auto* info = internal::FindJsonMessageInfo(message.GetDescriptor())) {
      return internal::FastJsonMarshal(message, *info, out);
    }
    out->clear();
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;
    options.always_print_primitive_fields = false;
    options.add_whitespace = false;
    const auto status = google::protobuf::util::MessageToJsonString(message, out, options);
    if (!status.ok()) {
      out->clear();
      return Status(Code::kInternal, "marshal " + message.GetDescriptor()->full_name() +
                                         " to JSON: " + status.message().ToString());
    }
    return Status();
  }

  Status Unmarshal(std::string_view data, google::protobuf::Message* message) const override {
    message->Clear();
    if (data.empty()) {
      return Status(Code::kInvalidArgument, "unmarshal into " +
                                                message->GetDescriptor()->full_name() +
                                                ": zero-length payload is not a valid JSON object");
    }
    if (const auto* info = internal::FindJsonMessageInfo(message->GetDescriptor())) {
      return internal::FastJsonUnmarshal(data, *info, message);
    }
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(data.data(), data.size()), message, options);
    if (!status.ok()) {
      message->Clear();
      return Status(Code::kInvalidArgument, "unmarshal into " +
                                                message->GetDescriptor()->full_name() +
                                                " from JSON: " + status.message().ToString());
    }
    return Status();
  }
};

}  // namespace

const Codec& ProtoCodec() {
  static const ProtoCodecImpl* const codec = new ProtoCodecImpl();
  return *codec;
}

const Codec& JsonCodec() {
  static const JsonCodecImpl* const codec = new JsonCodecImpl();
  return *codec;
}

}  // namespace connectrpc
